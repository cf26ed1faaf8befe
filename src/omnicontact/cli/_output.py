"""Where a command may write: never over one of its inputs, and over an existing file only
when asked (``--force``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["output_problem"]


def output_problem(output: Path, inputs: Iterable[Path], *, force: bool) -> str | None:
    """Why ``output`` must not be written, or ``None`` when it may be.

    An output that is one of ``inputs`` (the same file by any path: a link, ``..``, another
    spelling) is refused even with ``force``; an existing output only without ``force``.
    """
    for source in inputs:
        if _same_file(output, source):
            return f"is also an input ({source}): choose another output file"
    if output.is_dir():
        return "is a directory"
    if not output.parent.is_dir():
        return "its directory does not exist"
    if output.exists() and not force:
        return "already exists: pass --force to replace it"
    return None


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return first.resolve() == second.resolve()
