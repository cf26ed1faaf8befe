"""Tests for the Hypothesis settings profiles defined in ``tests/conftest.py``."""

from __future__ import annotations

import pytest
from hypothesis import settings

from conftest import _profile_name


class TestProfileChoice:
    def test_local_default_is_dev(self) -> None:
        """Without CI nor an explicit choice, the fast ``dev`` profile is used."""
        assert _profile_name({}) == "dev"

    @pytest.mark.parametrize("value", ["true", "1", "yes"])
    def test_ci_default_is_ci(self, value: str) -> None:
        """When the ``CI`` variable is set, the thorough ``ci`` profile is used."""
        assert _profile_name({"CI": value}) == "ci"

    def test_explicit_choice_wins(self) -> None:
        """``OMNICONTACT_HYPOTHESIS_PROFILE`` overrides the CI default, both ways."""
        assert _profile_name({"CI": "true", "OMNICONTACT_HYPOTHESIS_PROFILE": "dev"}) == "dev"
        assert _profile_name({"OMNICONTACT_HYPOTHESIS_PROFILE": "ci"}) == "ci"


class TestProfiles:
    def test_dev_is_fast(self) -> None:
        """``dev`` runs few examples."""
        assert settings.get_profile("dev").max_examples == 50

    def test_ci_is_thorough_and_reproducible(self) -> None:
        """``ci`` runs more examples with a fixed seed, no deadline, and prints the blob."""
        ci = settings.get_profile("ci")
        assert ci.max_examples == 300
        assert ci.derandomize is True
        assert ci.deadline is None
        assert ci.print_blob is True
