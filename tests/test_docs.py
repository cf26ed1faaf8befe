"""The Python code shown in the README and the tutorial runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# Pages whose code blocks form one runnable script each, top to bottom.
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs" / "tutorial").glob("*.md")),
    ROOT / "docs" / "how-to" / "normalize-identifiers.md",
    ROOT / "docs" / "how-to" / "property-test-your-identity-configuration.md",
]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_code_blocks_run(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every python block of the page runs, in order, in one namespace."""
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    assert blocks, f"{page} has no python code block"
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
    capsys.readouterr()


def test_tutorial_output_matches_the_comments(capsys: pytest.CaptureFixture[str]) -> None:
    """Each ``# `` line of the tutorial's code is a line the code before it printed."""
    page = ROOT / "docs" / "tutorial" / "first-timeline.md"
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        exec(compile(block, str(page), "exec"), namespace)
        printed = capsys.readouterr().out.splitlines()
        expected = [
            line.split("# ", 1)[1].strip() for line in block.splitlines() if line.startswith("# ")
        ]
        for text in expected:
            assert text in printed, f"{text!r} not printed by:\n{block}"
