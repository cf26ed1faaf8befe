"""The scripts in examples/ run, exit 0 and print what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_runs(script: Path) -> None:
    """Each example script exits 0 and prints something."""
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=EXAMPLES.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_custom_connector_keeps_good_sessions() -> None:
    """The custom kiosk connector ingests two sessions and reports the broken one."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "custom_connector.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "2026-03-07 15:02 UTC  kiosk  book_repair  handled  (loyalty_card:40001234)"
    assert lines[-1] == "skipped row 2: started: is not ISO 8601 (got 'yesterday')"
    assert len(lines) == 3


def test_identity_config_example_passes_under_pytest() -> None:
    """The copy-me property test module passes when pytest collects it, as in a user's suite."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "examples/test_my_identity_config.py",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=EXAMPLES.parent,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout
