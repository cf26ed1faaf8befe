"""CSV logs and JSON webhooks, read through a declarative :class:`FieldMapping`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

import attrs

from .._identifiers import Normalizer
from .._model import Contact
from ..exceptions import InvalidPayloadError, InvalidValueError
from ._base import IngestReport, RowError, ingest, ingest_numbered, skipped
from ._mapping import FieldMapping, build_contact, getter_for_json, getter_for_mapping

__all__ = ["CsvConnector", "JsonConnector"]


@attrs.frozen(kw_only=True)
class CsvConnector:
    """Contacts from a CSV log (shop visits, call logs …), one row a contact.

    ``read`` takes a path, a text stream or the text itself and numbers rows by their line
    in the file (the header is line 1), so a row error points at the line to fix. A file
    is read as UTF-8: a cell holding bytes that are not UTF-8 makes its row an error and the
    other rows are kept. A text stream that fails to decode ends the read at the row where
    it failed, reported as an error; the rows before it are kept.

    >>> from omnicontact import Normalizer
    >>> calls = CsvConnector(channel="phone", normalizer=Normalizer(default_region="FR"),
    ...     timezone="Europe/Paris",
    ...     mapping=FieldMapping(occurred_at="start", source_id="call_id",
    ...                          identifiers={"caller": "phone"}, intent="reason"))
    >>> report = calls.read("call_id,start,caller,reason\\n"
    ...                     "c1,2026-03-02 10:15,06 12 34 56 78,billing\\n"
    ...                     "c2,2026-03-02 10:20,12,billing\\n")
    >>> [c.identifiers[0].value for c in report.contacts], [str(e) for e in report.errors]
    (['+33612345678'], ["row 3: caller: is not a valid number for its region (got '12')"])
    """

    channel: str
    mapping: FieldMapping
    normalizer: Normalizer = attrs.field(factory=Normalizer)
    timezone: str | dt.tzinfo | None = None
    delimiter: str = ","

    def to_contacts(self, payload: Mapping[str, Any]) -> Sequence[Contact]:
        """The contact of one row, given as a mapping of column name to cell."""
        return [
            build_contact(
                getter_for_mapping(payload),
                self.mapping,
                channel=self.channel,
                normalizer=self.normalizer,
                timezone=self.timezone,
            )
        ]

    def read(self, source: str | Path | IO[str] | IO[bytes]) -> IngestReport:
        """Ingest a whole CSV file; every bad row is reported, every good one kept.

        ``source`` is a path, the text itself, or a text or binary stream (a binary stream,
        like a path, is read as UTF-8 with each undecodable row reported on its own). A path
        that cannot be opened is an :class:`~omnicontact.exceptions.InvalidPayloadError`.
        """
        if isinstance(source, Path):
            try:
                # Undecodable bytes become lone surrogates that the cell check reports, per row.
                stream = source.open(newline="", encoding="utf-8-sig", errors="surrogateescape")
            except OSError as error:
                raise InvalidPayloadError(
                    "path", str(source), f"cannot be read ({error.strerror})"
                ) from None
            with stream:
                return self._read(stream)
        if isinstance(source, str):
            return self._read(io.StringIO(source, newline=""))
        if isinstance(source.read(0), bytes):
            binary = cast("IO[bytes]", source)
            text = io.TextIOWrapper(
                binary, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
            try:
                return self._read(text)
            finally:
                text.detach()  # the caller's stream stays open
        return self._read(cast("IO[str]", source))

    def _read(self, stream: IO[str]) -> IngestReport:
        reader = csv.DictReader(stream, delimiter=self.delimiter)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError as undecodable:
            return IngestReport(
                errors=(skipped(RowError(row=1, field="header", reason=_undecodable(undecodable))),)
            )
        needed = {self.mapping.occurred_at, *self.mapping.identifiers}
        missing = sorted(name for name in needed if name not in header)
        if missing:
            error = RowError(
                row=1, field="header", reason=f"missing column(s) {missing}", value=",".join(header)
            )
            return IngestReport(errors=(skipped(error),))
        return ingest_numbered(self, _numbered_rows(reader))


def _numbered_rows(reader: csv.DictReader[str]) -> Iterable[tuple[int, Any]]:
    """Rows with the line they start on (a quoted cell may span lines)."""
    line = reader.line_num
    try:
        for row in reader:
            if None in row:
                yield (
                    line + 1,
                    RowError(row=line + 1, field="row", reason="has more cells than the header"),
                )
            else:
                yield line + 1, row
            line = reader.line_num
    except csv.Error as error:
        yield line + 1, RowError(row=line + 1, field="row", reason=f"is not valid CSV ({error})")
    except UnicodeDecodeError as error:
        # The stream cannot go on past bytes it cannot decode: the rows read so far are kept.
        yield line + 1, RowError(row=line + 1, field="row", reason=_undecodable(error))


def _undecodable(error: UnicodeDecodeError) -> str:
    bad = error.object[error.start : error.end]
    return (
        f"the stream is not {error.encoding} text ({error.reason}: {bad!r}); no later row was read"
    )


@attrs.frozen(kw_only=True)
class JsonConnector:
    """Contacts from JSON webhooks (SMS, chat, messaging apps) through a field mapping.

    Keys of the mapping are dotted paths into the payload. ``to_contacts`` takes one payload
    (a decoded object, or JSON text or bytes); ``items`` names a path to a list when one
    payload carries several events.

    >>> from omnicontact import Normalizer
    >>> sms = JsonConnector(channel="sms", normalizer=Normalizer(default_region="FR"),
    ...     mapping=FieldMapping(occurred_at="sent_at", source_id="sid",
    ...                          identifiers={"from": "phone"}, summary="body"))
    >>> contact, = sms.to_contacts('{"sid": "SM1", "from": "+33612345678",'
    ...     ' "sent_at": "2026-03-02T10:00:00Z", "body": "Where is my parcel?"}')
    >>> contact.summary
    'Where is my parcel?'
    """

    channel: str
    mapping: FieldMapping
    normalizer: Normalizer = attrs.field(factory=Normalizer)
    timezone: str | dt.tzinfo | None = None
    items: str | None = None

    def to_contacts(self, payload: Any) -> Sequence[Contact]:
        """The contacts of one webhook payload."""
        document = _decode(payload)
        events = [document]
        if self.items is not None:
            found = getter_for_json(document)(self.items)
            if not isinstance(found, list):
                raise InvalidValueError(self.items, found, "must be a list of events")
            events = found
        return [
            build_contact(
                getter_for_json(event),
                self.mapping,
                channel=self.channel,
                normalizer=self.normalizer,
                timezone=self.timezone,
            )
            for event in events
        ]

    def read(self, payloads: Iterable[Any]) -> IngestReport:
        """Ingest many payloads (a list, or the lines of a JSON Lines file)."""
        return ingest(self, payloads)


def _decode(payload: Any) -> Any:
    if isinstance(payload, (str, bytes, bytearray)):
        try:
            payload = json.loads(payload, parse_constant=_refuse_constant)
        except RecursionError:
            raise InvalidPayloadError(
                "payload", _preview(payload), "nests lists or objects too deeply to read"
            ) from None
        except ValueError as error:
            # Malformed JSON, bytes that are not UTF-8, NaN or Infinity (not JSON values),
            # or an integer over Python's 4,300-digit limit.
            raise InvalidPayloadError(
                "payload", _preview(payload), f"is not JSON ({error})"
            ) from None
    if not isinstance(payload, Mapping):
        raise InvalidPayloadError("payload", payload, "must be a JSON object")
    return payload


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _preview(payload: str | bytes | bytearray) -> str:
    text = payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
    return text[:80].encode("utf-8", "backslashreplace").decode("utf-8")
