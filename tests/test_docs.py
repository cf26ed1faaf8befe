"""The Python code shown in the README and the tutorial runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# Pages whose code blocks form one runnable script each, top to bottom.
HOW_TO = ROOT / "docs" / "how-to"
# Pages whose printed output is written in their code as ``# `` lines.
CHECKED = [
    *sorted((ROOT / "docs" / "tutorial").glob("*.md")),
    HOW_TO / "business-hours-and-holidays.md",
    HOW_TO / "embed-in-a-web-app.md",
    HOW_TO / "outbound-consent-french-pack.md",
    HOW_TO / "replay-a-policy-change.md",
    HOW_TO / "resolve-a-csv.md",
    HOW_TO / "measure-accuracy.md",
    HOW_TO / "persist-to-sqlite-or-postgresql.md",
    HOW_TO / "property-test-your-identity-configuration.md",
    HOW_TO / "route-logs.md",
    ROOT / "docs" / "reference" / "routing.md",
]
PAGES = [ROOT / "README.md", *CHECKED, HOW_TO / "normalize-identifiers.md"]
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


@pytest.mark.parametrize("page", CHECKED, ids=[p.name for p in CHECKED])
def test_output_matches_the_comments(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each ``# `` line of a tutorial's or a how-to's code is a line the code before it
    printed."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        exec(compile(block, str(page), "exec"), namespace)
        printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
        expected = [
            line.split("# ", 1)[1].strip() for line in block.splitlines() if line.startswith("# ")
        ]
        for text in expected:
            assert text in printed, f"{text!r} not printed by:\n{block}"
