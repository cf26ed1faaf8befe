"""Shared test configuration: the Hypothesis settings profiles.

``dev`` (the default on a workstation) is quick; ``ci`` (the default when the ``CI``
environment variable is set) tries more examples, with a fixed derandomized seed so a CI
failure replays exactly, no deadline (shared CI machines are noisy) and the failure blob
printed. Choose one explicitly with ``OMNICONTACT_HYPOTHESIS_PROFILE=dev|ci``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    deadline=None,
    print_blob=True,
)


def _profile_name(environ: Mapping[str, str]) -> str:
    """The profile asked for by ``OMNICONTACT_HYPOTHESIS_PROFILE``, else ``ci`` under CI."""
    explicit = environ.get("OMNICONTACT_HYPOTHESIS_PROFILE")
    if explicit:
        return explicit
    return "ci" if environ.get("CI") else "dev"


settings.load_profile(_profile_name(os.environ))


@pytest.fixture(autouse=True)
def _collector_left_on() -> Iterator[None]:
    """Every test leaves Python's cyclic garbage collector as on as it found it."""
    was = gc.isenabled()
    yield
    assert gc.isenabled() == was, "the test left the cyclic garbage collector switched off"
