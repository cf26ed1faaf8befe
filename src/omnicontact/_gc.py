"""Pausing Python's cyclic garbage collector during bulk work that makes no cycles.

A batch of a million records allocates tens of millions of long-lived objects, and each
time their number grows by a quarter the collector walks them all, looking for reference
cycles. The resolver and the estimator make none (a test checks it: after a batch with
the collector off, a collection finds nothing), so those walks find nothing and cost up to
a third of a batch's time. Bulk calls therefore pause the collector and restore it as it
was when they end, however they end. Reference counting frees memory as usual meanwhile;
only cycles made by other threads during the call wait until it ends to be collected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BULK_SIZE", "cyclic_gc_paused"]

BULK_SIZE = 1000
"""From this many records on, a call counts as bulk work and pauses the collector."""

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def cyclic_gc_paused(active: bool = True) -> Iterator[None]:
    """Pause the cyclic collector for the block (nested and concurrent uses included).

    The collector is switched back on when the last paused block ends, and only if it was
    on when the first began. ``active=False`` makes the block a no-op (small calls).

    >>> import gc
    >>> with cyclic_gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _resume
    if not active:
        yield
        return
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
                gc.enable()
