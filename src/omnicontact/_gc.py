"""Pausing Python's cyclic garbage collector during bulk work that makes no cycles: opt-in.

A batch of a million records allocates tens of millions of long-lived objects, and each
time their number grows by a quarter the collector walks them all, looking for reference
cycles. The resolver and the estimator make none (a test checks it: after a batch with
the collector off, a collection finds nothing), so those walks find nothing and cost up to
a third of a batch's time. The collector is the host's, though: library calls never touch
it. A batch job that wants the saving asks for it with :func:`gc_paused` around its bulk
work (the command-line batch commands and the benchmarks do). Reference counting frees
memory as usual meanwhile.

When the collector comes back, the objects made during the pause are moved straight to its
oldest generation (:func:`_promote`), where a young collection would have moved them after
walking them all to find nothing. Cycles made by other threads during a pause are
therefore collected at the next full collection rather than the next young one.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BULK_SIZE", "gc_paused"]

BULK_SIZE = 1000
"""From this many records on, a change counts as bulk work (the resolver plans it as one)."""

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block: an opt-in for batch jobs.

    Worth it around bulk work that makes many long-lived objects and no reference cycles,
    such as :meth:`~omnicontact.identity.Resolver.resolve_many` or
    :func:`~omnicontact.identity.estimate` of many records. Nested and concurrent blocks
    (several threads) are allowed: the collector is switched back on when the last block
    ends, and only if it was on when the first began. What the block made is then moved to
    the collector's oldest generation, unless the host keeps objects frozen
    (``gc.freeze()``).

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                _promote()
                gc.enable()


def _promote() -> None:
    """Move every object the collector tracks to its oldest generation, without a walk.

    Objects made during a pause sit in the youngest generation, and the first collection
    after it would walk them all (a tenth of a 10,000-record batch's time) to find nothing
    (no cycles) and move them to older generations. This moves them directly: they are
    walked again only at the next full collection, as long-lived objects are. Done only
    when the host keeps no objects frozen (``gc.freeze``), which ``gc.unfreeze`` would
    release.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
