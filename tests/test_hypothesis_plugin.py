"""Tests for the ``hypothesis`` entry point that registers omnicontact's strategies by type.

The checks that matter run in a fresh interpreter, so that nothing this test session has
imported (``omnicontact.testing`` in particular) can make them pass by accident.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import omnicontact
from _omnicontact_hypothesis import _hypothesis_setup_hook

REGISTERED = [
    "Case",
    "CaseContact",
    "CaseTransition",
    "Channel",
    "Consent",
    "ConsentLedger",
    "Contact",
    "ContactPoint",
    "DateOfBirth",
    "EmailAddress",
    "ExternalId",
    "Normalizer",
    "PersonName",
    "PhoneNumber",
    "PostalAddress",
    "Preferences",
    "QuietHours",
    "Record",
    "SocialHandle",
]


def _draw_some(strategy: st.SearchStrategy[Any], count: int = 5) -> list[Any]:
    """A few values from ``strategy``, without shrinking (this is not a search)."""
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None)
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def _python(code: str, **env: str) -> dict[str, Any]:
    """Run ``code`` in a new interpreter; it prints one JSON object, returned here."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


class TestEntryPoint:
    def test_entry_point_is_declared(self) -> None:
        """The installed distribution declares the hook in the ``hypothesis`` group."""
        points = {
            point.name: point for point in importlib.metadata.entry_points(group="hypothesis")
        }
        assert points["omnicontact"].value == "_omnicontact_hypothesis:_hypothesis_setup_hook"
        assert points["omnicontact"].load() is _hypothesis_setup_hook

    def test_from_type_works_without_importing_the_kit(self) -> None:
        """In a fresh interpreter, ``st.from_type`` draws omnicontact values for every public
        type although ``omnicontact.testing`` was never imported by the code."""
        report = _python(
            f"""
            import json, sys
            from hypothesis import Phase, given, settings, strategies as st
            import omnicontact
            kit_before = "omnicontact.testing" in sys.modules
            drawn = {{}}
            for name in {REGISTERED!r}:
                cls = getattr(omnicontact, name)

                @settings(max_examples=3, database=None, phases=[Phase.generate])
                @given(st.from_type(cls))
                def draw(value):
                    drawn[type(value).__name__] = type(value).__name__

                draw()
            print(json.dumps({{"kit_before": kit_before, "drawn": drawn}}))
            """
        )
        assert report["kit_before"] is False
        assert report["drawn"] == {name: name for name in REGISTERED}

    def test_importing_hypothesis_imports_no_strategies(self) -> None:
        """Importing Hypothesis runs the hook, which imports nothing: not omnicontact, not
        phonenumbers, not the kit."""
        report = _python(
            """
            import json, sys
            import hypothesis
            print(json.dumps({
                "omnicontact": "omnicontact" in sys.modules,
                "kit": "omnicontact.testing" in sys.modules,
                "strategies": "omnicontact.testing._strategies" in sys.modules,
                "phonenumbers": "phonenumbers" in sys.modules,
            }))
            """
        )
        assert report == {
            "omnicontact": False,
            "kit": False,
            "strategies": False,
            "phonenumbers": False,
        }

    @pytest.mark.parametrize("hypothesis_first", [True, False])
    def test_from_type_works_whichever_is_imported_first(self, hypothesis_first: bool) -> None:
        """Strategies are registered whether Hypothesis or omnicontact is imported first."""
        first, second = ("hypothesis", "omnicontact")[:: 1 if hypothesis_first else -1]
        report = _python(
            f"""
            import json
            import {first}
            import {second}
            from hypothesis import strategies as st
            import omnicontact
            value = st.from_type(omnicontact.EmailAddress).example()
            print(json.dumps({{"type": type(value).__name__}}))
            """
        )
        assert report == {"type": "EmailAddress"}

    def test_plugin_module_imports_nothing_at_import_time(self) -> None:
        """Importing omnicontact (and so its plug-in module) imports neither Hypothesis nor
        the kit."""
        report = _python(
            """
            import json, sys
            import omnicontact._hypothesis_plugin
            print(json.dumps({
                "hypothesis": "hypothesis" in sys.modules,
                "kit": "omnicontact.testing" in sys.modules,
            }))
            """
        )
        assert report == {"hypothesis": False, "kit": False}

    def test_plugins_can_be_turned_off(self) -> None:
        """With ``HYPOTHESIS_NO_PLUGINS`` set, the hook does not run and omnicontact is not
        imported by Hypothesis."""
        report = _python(
            """
            import json, sys
            import hypothesis
            print(json.dumps({"omnicontact": "omnicontact" in sys.modules}))
            """,
            HYPOTHESIS_NO_PLUGINS="1",
        )
        assert report == {"omnicontact": False}


class TestHook:
    def test_hook_is_idempotent(self) -> None:
        """Calling the hook again changes nothing: every type still draws its own values."""
        _hypothesis_setup_hook()
        _hypothesis_setup_hook()
        for name in REGISTERED:
            cls = getattr(omnicontact, name)
            assert all(isinstance(value, cls) for value in _draw_some(st.from_type(cls)))

    @pytest.mark.parametrize("name", ["Contact", "Case", "ConsentLedger", "Record"])
    def test_registered_strategies_build_valid_values(self, name: str) -> None:
        """Values drawn through ``from_type`` are valid and survive serialization."""
        cls = getattr(omnicontact, name)
        for value in _draw_some(st.from_type(cls)):
            assert omnicontact.loads(omnicontact.dumps(value)) == value
