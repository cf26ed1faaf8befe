"""The connector protocol and batch ingestion with a per-row error report."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

import attrs

from .._model import Contact
from ..exceptions import InvalidPayloadError, InvalidValueError

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import ExceptionGroup

__all__ = ["Connector", "IngestReport", "RowError", "ingest"]

P_contra = TypeVar("P_contra", contravariant=True)

_LOG = logging.getLogger("omnicontact.connectors")


class Connector(Protocol[P_contra]):
    """Turns one raw payload from a channel into contacts.

    A connector is any object with a ``channel`` name and a ``to_contacts`` method. It raises
    :class:`~omnicontact.exceptions.InvalidValueError` (or a subclass) naming the field when
    a payload cannot be read; :func:`ingest` turns that into a row error and goes on.

    >>> import datetime as dt
    >>> from omnicontact import Contact
    >>> class Kiosk:
    ...     channel = "kiosk"
    ...     def to_contacts(self, payload: dict) -> list[Contact]:
    ...         return [Contact(channel=self.channel, direction="inbound",
    ...                         occurred_at=dt.datetime.fromisoformat(payload["at"]),
    ...                         source_id=payload["id"])]
    >>> report = ingest(Kiosk(), [{"id": "k1", "at": "2026-03-02T10:00:00+01:00"}, {}])
    >>> len(report.contacts), report.errors[0].row
    (1, 2)
    """

    @property
    def channel(self) -> str: ...

    def to_contacts(self, payload: P_contra) -> Sequence[Contact]: ...


@attrs.frozen(kw_only=True)
class RowError:
    """A payload of a batch that could not be ingested: where, which field, why."""

    row: int
    field: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}" + (
            f" (got {self.value!r})" if self.value else ""
        )

    def to_exception(self) -> InvalidPayloadError:
        """This error as an exception, e.g. to raise or log with a traceback."""
        return InvalidPayloadError(self.field, self.value, self.reason, row=self.row)


@attrs.frozen(kw_only=True)
class IngestReport:
    """What a batch ingest gave: the good contacts, every bad row, and repeated events.

    ``duplicates`` lists ``(row, contact_id)`` for payloads whose event (channel and source
    id) was already in the batch: they are kept once.
    """

    contacts: tuple[Contact, ...] = ()
    errors: tuple[RowError, ...] = ()
    duplicates: tuple[tuple[int, str], ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every row was ingested."""
        return not self.errors

    def raise_for_errors(self) -> None:
        """Raise an ``ExceptionGroup`` of :class:`InvalidPayloadError`, one per bad row."""
        if self.errors:
            raise ExceptionGroup(
                f"{len(self.errors)} row(s) could not be ingested",
                [error.to_exception() for error in self.errors],
            )

    def merged(self, other: IngestReport) -> IngestReport:
        """Both reports as one (contacts of ``other`` already here count as duplicates)."""
        seen = {contact.dedupe_key for contact in self.contacts}
        contacts = list(self.contacts)
        duplicates = list(self.duplicates) + list(other.duplicates)
        for contact in other.contacts:
            if contact.dedupe_key in seen:
                duplicates.append((0, contact.id))
                continue
            seen.add(contact.dedupe_key)
            contacts.append(contact)
        return IngestReport(
            contacts=tuple(contacts),
            errors=self.errors + other.errors,
            duplicates=tuple(duplicates),
        )


def skipped(error: RowError) -> RowError:
    """``error``, once logged: its row, field and reason, never its value."""
    if _LOG.isEnabledFor(logging.INFO):
        reason = error.reason.replace(error.value, "…") if error.value else error.reason
        _LOG.info(
            "row %d skipped: %s: %s",
            error.row,
            error.field,
            reason,
            extra={"omnicontact_row": error.row, "omnicontact_field": error.field},
        )
    return error


def _row_error(row: int, error: InvalidValueError) -> RowError:
    return RowError(row=row, field=error.field, reason=error.reason, value=_short(error.value))


def _short(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else repr(value)
    text = text if len(text) <= 200 else text[:197] + "..."
    # Printable as UTF-8 (a lone surrogate would break the host's log handler).
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def ingest(
    connector: Connector[Any], payloads: Iterable[Any], *, first_row: int = 1
) -> IngestReport:
    """Run ``connector`` over ``payloads``, keeping every good contact and reporting bad rows.

    Rows are numbered from ``first_row``. A payload that raises
    :class:`~omnicontact.exceptions.InvalidValueError` becomes a :class:`RowError`; other
    exceptions are bugs and propagate. The same event delivered twice is kept once.
    """
    return ingest_numbered(connector, enumerate(payloads, start=first_row))


def ingest_numbered(connector: Connector[Any], rows: Iterable[tuple[int, Any]]) -> IngestReport:
    """:func:`ingest` over ``(row number, payload)`` pairs (for sources that number rows)."""
    contacts: list[Contact] = []
    errors: list[RowError] = []
    duplicates: list[tuple[int, str]] = []
    seen: set[tuple[str, str]] = set()
    for row, payload in rows:
        if isinstance(payload, RowError):
            errors.append(skipped(payload))
            continue
        try:
            produced = list(connector.to_contacts(payload))
            for contact in produced:
                if not isinstance(contact, Contact):
                    raise InvalidValueError(
                        "contact", contact, "the connector did not make a Contact"
                    )
        except InvalidValueError as error:
            errors.append(skipped(_row_error(row, error)))
            continue
        except (KeyError, TypeError, AttributeError) as error:
            # The payload lacks what the connector expects (a custom connector indexing a
            # dict, say): a bad row, not a crash of the whole batch.
            errors.append(
                skipped(
                    RowError(
                        row=row,
                        field="payload",
                        reason=f"{type(error).__name__}: {error}",
                        value=_short(payload),
                    )
                )
            )
            continue
        for contact in produced:
            if contact.dedupe_key in seen:
                duplicates.append((row, contact.id))
                _LOG.debug("row %d: contact %s repeats an event of the batch", row, contact.id)
                continue
            seen.add(contact.dedupe_key)
            contacts.append(contact)
    return IngestReport(
        contacts=tuple(contacts), errors=tuple(errors), duplicates=tuple(duplicates)
    )
