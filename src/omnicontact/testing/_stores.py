"""Resolvers on throwaway SQLite files, for tests of file-backed behaviour."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..identity import MatchModel, Resolver
from ..store import SQLiteStore

__all__ = ["file_backed_resolvers"]


@contextlib.contextmanager
def file_backed_resolvers(model: MatchModel | None = None) -> Iterator[Callable[[], Resolver]]:
    """A factory of resolvers, each on a fresh SQLite file in a temporary directory; on
    exit every store is closed and the directory, with every file (``-wal`` and ``-shm``
    included), is removed. The factory fits every checker that takes one.

    >>> from omnicontact import testing as oct
    >>> with oct.file_backed_resolvers() as make:
    ...     oct.check_incremental_equals_batch(make, oct.synthetic_population(3, seed=1).records)
    """
    with (
        tempfile.TemporaryDirectory(prefix="omnicontact-") as folder,
        contextlib.ExitStack() as stores,
    ):
        count = 0

        def make() -> Resolver:
            nonlocal count
            count += 1
            store = SQLiteStore(Path(folder) / f"store-{count}.db")
            stores.callback(store.close)
            return Resolver(model=model if model is not None else MatchModel(), store=store)

        yield make
