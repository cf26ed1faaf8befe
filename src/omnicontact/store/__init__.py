"""Storage for the identity graph: one protocol, several implementations.

:class:`IdentityStore` is the protocol the resolver reaches its data through;
:class:`MemoryStore` keeps everything in process memory.
"""

from __future__ import annotations

from ._memory import MemoryStore
from ._protocol import IdentityStore

__all__ = ["IdentityStore", "MemoryStore"]
