"""Storage for the identity graph and the contact history: one protocol, several stores.

:class:`IdentityStore` is the protocol the resolver reaches its data through;
:class:`ContactStore` keeps contacts, cases, consents and preferences;
:class:`CustomerStore` is both. :class:`MemoryStore` keeps everything in process memory,
:class:`SQLiteStore` in one file (the embedded default, standard library only) and
:class:`PostgresStore` in a shared PostgreSQL database (the ``postgres`` extra).
"""

from __future__ import annotations

from ._memory import MemoryStore
from ._postgres import PostgresStore
from ._protocol import ContactStore, CustomerStore, IdentityStore
from ._sql import SCHEMA_VERSION
from ._sqlite import SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "ContactStore",
    "CustomerStore",
    "IdentityStore",
    "MemoryStore",
    "PostgresStore",
    "SQLiteStore",
]
