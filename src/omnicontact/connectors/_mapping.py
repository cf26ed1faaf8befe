"""Declarative field mappings: which column or JSON path fills which contact field.

One :class:`FieldMapping` serves CSV files (keys are column names) and JSON payloads (keys are
dotted paths such as ``message.from`` or ``entries.0.id``). Mappings are plain data, so they
can be kept in TOML or JSON and loaded with the library's converter.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from dateutil import parser as date_parser

from .._identifiers import Identifier, IdentifierKind, Normalizer
from .._model import Contact, ContactStatus, Direction, aware
from ..exceptions import InvalidValueError

__all__ = ["FieldMapping", "IdentifierSpec", "build_contact"]

_MISSING = object()

MAX_TIME_LENGTH = 100
"""The longest date-time text read (longer text is refused before any parsing)."""

MAX_NESTING = 64
"""How deep a value copied from a payload may nest lists and objects."""


@attrs.frozen
class IdentifierSpec:
    """Which identifier a source field holds: a kind, and the namespace or platform if any.

    Written as text: ``"email"``, ``"phone"``, ``"name"``, ``"date_of_birth"``, ``"address"``,
    ``"external_id:loyalty_card"``, ``"social:instagram"``.
    """

    kind: IdentifierKind
    namespace: str = ""

    @classmethod
    def parse(cls, text: str) -> IdentifierSpec:
        kind_text, _, namespace = text.partition(":")
        try:
            kind = IdentifierKind(kind_text)
        except ValueError:
            allowed = ", ".join(member.value for member in IdentifierKind)
            raise InvalidValueError(
                "mapping.identifiers", text, f"unknown identifier kind (known: {allowed})"
            ) from None
        needs_namespace = kind in (IdentifierKind.EXTERNAL_ID, IdentifierKind.SOCIAL)
        if needs_namespace and not namespace:
            raise InvalidValueError(
                "mapping.identifiers",
                text,
                f"{kind.value} needs a namespace, as '{kind.value}:name'",
            )
        if namespace and not needs_namespace:
            raise InvalidValueError("mapping.identifiers", text, f"{kind.value} takes no namespace")
        return cls(kind, namespace)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.namespace}" if self.namespace else self.kind.value


def _specs(value: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidValueError("mapping.identifiers", value, "must map source fields to kinds")
    for spec in value.values():
        IdentifierSpec.parse(spec)
    return dict(value)


def _fields(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidValueError("mapping.attributes", value, "must be a list of source fields")
    return tuple(value)


def _words(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen(kw_only=True)
class FieldMapping:
    """Where each contact field comes from in a source row or payload.

    ``occurred_at`` is required; every other field is optional. ``identifiers`` maps a source
    field to an :class:`IdentifierSpec` text. ``direction`` is a source field; when absent or
    empty, ``default_direction`` applies, and ``direction_values`` translates the source's
    words (``{"in": "inbound"}``). ``attributes`` lists source fields copied as they are.

    >>> mapping = FieldMapping(occurred_at="time", source_id="call_id",
    ...                        identifiers={"caller": "phone", "card": "external_id:loyalty_card"})
    """

    occurred_at: str
    source_id: str | None = None
    direction: str | None = None
    default_direction: Direction = attrs.field(default=Direction.INBOUND, converter=Direction)
    direction_values: dict[str, str] = attrs.field(factory=dict, converter=_words)
    intent: str | None = None
    subject: str | None = None
    summary: str | None = None
    status: str | None = None
    status_values: dict[str, str] = attrs.field(factory=dict, converter=_words)
    case_id: str | None = None
    identifiers: dict[str, str] = attrs.field(factory=dict, converter=_specs)
    attributes: tuple[str, ...] = attrs.field(default=(), converter=_fields)


Getter = Callable[[str], Any]
"""Reads one source field by name; returns ``None`` when the field is absent or empty."""


def build_contact(
    get: Getter,
    mapping: FieldMapping,
    *,
    channel: str,
    normalizer: Normalizer,
    timezone: str | dt.tzinfo | None = None,
) -> Contact:
    """One contact from a source read through ``get``, following ``mapping``.

    Timestamps may be ISO 8601 text, other date text (read in the normalizer's date order)
    or Unix epoch seconds; naive ones are read in ``timezone`` and refused without it.
    """
    occurred_at = _timestamp(get(mapping.occurred_at), mapping.occurred_at, normalizer, timezone)
    identifiers: list[Identifier] = []
    for source, spec_text in mapping.identifiers.items():
        raw = get(source)
        if raw is None:
            continue
        spec = IdentifierSpec.parse(spec_text)
        try:
            identifiers.append(normalizer.identifier(spec.kind, str(raw), namespace=spec.namespace))
        except InvalidValueError as error:
            raise type(error)(source, error.value, error.reason) from None
    direction = _translated(get, mapping.direction, mapping.direction_values)
    status = _translated(get, mapping.status, mapping.status_values)
    try:
        return Contact(
            channel=channel,
            direction=direction or mapping.default_direction,
            occurred_at=occurred_at,
            identifiers=identifiers,
            intent=_text(get, mapping.intent),
            subject=_text(get, mapping.subject),
            summary=_text(get, mapping.summary),
            status=status or ContactStatus.RECEIVED,
            case_id=_text(get, mapping.case_id),
            source_id=_text(get, mapping.source_id),
            attributes={
                name: value for name in mapping.attributes if (value := get(name)) is not None
            },
        )
    except InvalidValueError as error:
        mapped = getattr(mapping, error.field, None)
        field = mapped if isinstance(mapped, str) else error.field
        raise InvalidValueError(field, error.value, error.reason) from None


def _text(get: Getter, source: str | None) -> str | None:
    if source is None:
        return None
    value = get(source)
    return None if value is None else str(value)


def _translated(get: Getter, source: str | None, words: dict[str, str]) -> str | None:
    value = _text(get, source)
    if value is None:
        return None
    return words.get(value, words.get(value.strip().lower(), value.strip().lower()))


def _timestamp(
    value: Any, field: str, normalizer: Normalizer, timezone: str | dt.tzinfo | None
) -> dt.datetime:
    if value is None:
        raise InvalidValueError(field, value, "is missing: every contact needs a time")
    if isinstance(value, dt.datetime):
        return aware(value, timezone, field=field)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidValueError(field, value, "is not a finite number of epoch seconds")
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
        except (OverflowError, ValueError, OSError):
            raise InvalidValueError(
                field, value, "is out of range as epoch seconds (years 1 to 9999)"
            ) from None
    if not isinstance(value, str):
        raise InvalidValueError(field, value, "must be a date-time text or epoch seconds")
    text = value.strip()
    if len(text) > MAX_TIME_LENGTH:
        raise InvalidValueError(
            field, text[:40] + "…", f"is longer than {MAX_TIME_LENGTH} characters: not a date-time"
        )
    try:
        parsed = date_parser.isoparse(text)
    except ValueError:
        try:
            parsed = date_parser.parse(
                text,
                dayfirst=normalizer.date_order == "DMY",
                yearfirst=normalizer.date_order == "YMD",
            )
        except (ValueError, OverflowError):
            raise InvalidValueError(field, value, "is not a date-time") from None
    return aware(parsed, timezone, field=field)


def getter_for_mapping(source: Mapping[str, Any]) -> Getter:
    """A getter over a flat mapping (a CSV row): empty text counts as absent."""

    def get(name: str) -> Any:
        value = source.get(name)
        if isinstance(value, str):
            value = value.strip()
            return _checked(name, value) or None
        return _checked(name, value)

    return get


def getter_for_json(document: Any) -> Getter:
    """A getter over nested JSON data, reading dotted paths (``a.b.0.c``)."""

    def get(path: str) -> Any:
        node = document
        for part in path.split("."):
            if isinstance(node, Mapping):
                node = node.get(part, _MISSING)
            elif isinstance(node, list) and part.lstrip("-").isdigit():
                index = int(part)
                node = node[index] if -len(node) <= index < len(node) else _MISSING
            else:
                node = _MISSING
            if node is _MISSING:
                return None
        if isinstance(node, str):
            node = node.strip()
            return _checked(path, node) or None
        return _checked(path, node)

    return get


def _checked(field: str, value: Any) -> Any:
    """``value`` once its text is all valid Unicode, its integers can be written out in
    decimal and it nests at most :data:`MAX_NESTING` levels.

    Undecodable bytes read with ``surrogateescape`` and lone surrogates from JSON escapes
    (``"\\ud800"``) cannot be stored or hashed as UTF-8; Python refuses to write integers
    over 4,300 digits; nesting deep enough would exhaust the recursion of whatever walks the
    value next.
    """
    if isinstance(value, str):
        if not value.isascii():
            _check_text(field, value)
        return value
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if not node.isascii():
                _check_text(field, node)
        elif isinstance(node, int):
            if node.bit_length() > _MAX_INT_BITS:
                raise InvalidValueError(field, "…", "is a number too large to store")
        elif isinstance(node, (Mapping, list, tuple)):
            if depth > MAX_NESTING:
                raise InvalidValueError(
                    field, "…", f"nests lists or objects more than {MAX_NESTING} levels deep"
                )
            items = [*node.keys(), *node.values()] if isinstance(node, Mapping) else node
            stack.extend((item, depth + 1) for item in items)
    return value


# Python writes integers of at most 4,300 decimal digits (``sys.get_int_max_str_digits``).
_MAX_INT_BITS = 14_000


def _check_text(field: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = text[error.start : error.end]
        shown = text.encode("utf-8", "replace").decode("utf-8")
        if all("\udc80" <= char <= "\udcff" for char in bad):
            undecoded = bytes(ord(char) - 0xDC00 for char in bad)
            reason = f"holds bytes that are not UTF-8 ({undecoded!r} at character {error.start})"
        else:
            reason = f"holds a lone surrogate (U+{ord(bad[0]):04X}), which is not text"
        raise InvalidValueError(field, shown[:80], reason) from None
