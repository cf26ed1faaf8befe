"""One re-entrant lock per store, so that a store (and what sits on it) can be shared by threads.

Every public method of a store runs holding the store's lock, and a transaction holds it
from its beginning to its end: a thread never sees another thread's unfinished unit of
work, and two threads never interleave statements on one database connection. The
resolver and the workspace built on a store take the same lock (:func:`lock_of`), so a
thread holding it never waits for another lock held by a thread that waits for it.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["lock_of", "serialized"]

C = TypeVar("C", bound=type)


def lock_of(holder: object) -> threading.RLock:
    """The lock of one of omnicontact's stores or resolvers, or a new lock for any other
    object (a store of the application's own)."""
    lock = getattr(holder, "_lock", None)
    return lock if isinstance(lock, type(threading.RLock())) else threading.RLock()


def _holding_lock(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


def serialized(*unlocked: str) -> Callable[[C], C]:
    """A class decorator: every public method and property of the class runs holding
    ``self._lock``, except those named in ``unlocked`` (a context manager such as
    ``transaction`` takes the lock itself, for its whole block)."""

    def decorate(cls: C) -> C:
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or name in unlocked:
                continue
            if isinstance(member, property) and member.fget is not None:
                setattr(cls, name, property(_holding_lock(member.fget), doc=member.__doc__))
            elif callable(member) and not isinstance(member, (staticmethod, classmethod, type)):
                if inspect.isgeneratorfunction(member):  # would run after the lock is let go
                    raise TypeError(f"{cls.__name__}.{name} is a generator: return a list")
                setattr(cls, name, _holding_lock(member))
        return cls

    return decorate
