"""Connectors: turn raw channel payloads into contacts.

A connector is any object with a ``channel`` name and a ``to_contacts(payload)`` method
(:class:`Connector`). Built in: :class:`EmailConnector` (RFC 5322 messages),
:class:`CsvConnector` (CSV logs) and :class:`JsonConnector` (JSON webhooks), the last two
driven by a declarative :class:`FieldMapping`. :func:`ingest` runs any connector over a
batch and reports every bad row while keeping the good ones.
"""

from __future__ import annotations

from ._base import Connector, IngestReport, RowError, ingest
from ._email import EmailConnector
from ._mapping import FieldMapping, IdentifierSpec
from ._tabular import CsvConnector, JsonConnector

__all__ = [
    "Connector",
    "CsvConnector",
    "EmailConnector",
    "FieldMapping",
    "IdentifierSpec",
    "IngestReport",
    "JsonConnector",
    "RowError",
    "ingest",
]
