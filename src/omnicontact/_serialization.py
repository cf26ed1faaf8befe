"""Serialization: omnicontact values to JSON-ready data and back, without loss.

omnicontact uses its own :class:`cattrs.Converter` (never cattrs' global one, which the host
application may use). A document is an envelope naming the schema version and the type::

    {"omnicontact": 1, "type": "Contact", "data": {...}}

Reading a document with a newer schema version raises
:class:`~omnicontact.exceptions.UnsupportedSchemaVersionError`.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable
from typing import Any, TypeVar, cast, get_args

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from . import _channels, _identifiers, _model
from ._identifiers import IDENTIFIER_TYPES, OMIT_IF_NONE, Identifier, IdentifierKind
from .exceptions import InvalidValueError, SerializationError, UnsupportedSchemaVersionError

__all__ = [
    "SCHEMA_VERSION",
    "dumps",
    "from_dict",
    "loads",
    "make_converter",
    "to_dict",
]

SCHEMA_VERSION = 1
"""The version of the serialized form written by this omnicontact."""

T = TypeVar("T")

_SERIALIZABLE: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        *IDENTIFIER_TYPES.values(),
        _identifiers.Normalizer,
        _channels.Channel,
        _model.Contact,
        _model.Case,
        _model.CaseContact,
        _model.CaseTransition,
        _model.ContactPoint,
        _model.Consent,
        _model.ConsentLedger,
        _model.QuietHours,
        _model.Preferences,
    )
}


def register_document_type(cls: type[Any]) -> None:
    """Let documents of type ``cls`` (an attrs class) be written and read by name."""
    _SERIALIZABLE[cls.__name__] = cls
    attrs.resolve_types(cls)


def _datetime_from(value: Any, _type: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise InvalidValueError("datetime", value, "must be an ISO 8601 string")
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValueError("datetime", value, "is not an ISO 8601 datetime") from None


def _date_from(value: Any, _type: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidValueError("date", value, "is not an ISO 8601 date") from None


def _time_from(value: Any, _type: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidValueError("time", value, "is not an ISO 8601 time") from None


def _is_identifier_union(type_: Any) -> bool:
    return bool(type_ == Identifier)


def _plain_str(value: str) -> str:
    return value.value if isinstance(value, enum.Enum) else value


def make_converter() -> cattrs.Converter:
    """A new converter that (un)structures every omnicontact value.

    Use it to embed omnicontact values in your own attrs classes' documents; changing it
    changes nothing elsewhere.
    """
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_unstructure_hook(dt.datetime, lambda value: value.isoformat())
    converter.register_structure_hook(dt.datetime, _datetime_from)
    converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
    converter.register_structure_hook(dt.date, _date_from)
    converter.register_unstructure_hook(dt.time, lambda value: value.isoformat())
    converter.register_structure_hook(dt.time, _time_from)
    converter.register_unstructure_hook_func(
        lambda t: getattr(t, "__origin__", None) is frozenset,
        lambda value: sorted(converter.unstructure(item) for item in value),
    )
    converter.register_unstructure_hook(dict, lambda value: value)
    # Our enums mix in str, so cattrs dispatches them to its str hook and would pass the
    # members through: documents would hold enum members rather than plain JSON strings.
    converter.register_unstructure_hook(str, _plain_str)

    for cls in IDENTIFIER_TYPES.values():
        attrs.resolve_types(cls)
        converter.register_unstructure_hook(cls, _tagged_unstructure(converter, cls))
        converter.register_structure_hook(cls, _tagged_structure(converter, cls))

    def structure_identifier(value: Any, _type: Any) -> Any:
        if not isinstance(value, dict) or "kind" not in value:
            raise InvalidValueError("identifier", value, "needs a 'kind'")
        try:
            cls = IDENTIFIER_TYPES[IdentifierKind(value["kind"])]
        except ValueError:
            raise InvalidValueError("identifier.kind", value["kind"], "is unknown") from None
        fields = {key: item for key, item in value.items() if key != "kind"}
        return converter.structure(fields, cls)

    converter.register_structure_hook_func(_is_identifier_union, structure_identifier)
    converter.register_unstructure_hook_func(
        _is_identifier_union, lambda value: converter.unstructure(value, type(value))
    )
    for cls in _SERIALIZABLE.values():
        attrs.resolve_types(cls)
    return converter


def _tagged_structure(converter: cattrs.Converter, cls: type[Any]) -> Callable[[Any, Any], Any]:
    """Read an identifier written by :func:`_tagged_unstructure`: its ``kind`` must match."""
    fields_structure = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

    def structure(value: Any, _type: Any) -> Any:
        if isinstance(value, dict) and "kind" in value:
            if value["kind"] != cls.kind.value:
                raise InvalidValueError(
                    "identifier.kind", value["kind"], f"must be {cls.kind.value!r} here"
                )
            value = {key: item for key, item in value.items() if key != "kind"}
        return fields_structure(value, cls)

    return structure


def _tagged_unstructure(converter: cattrs.Converter, cls: type[Any]) -> Callable[[Any], Any]:
    """An identifier's fields plus its ``kind``; a field marked :data:`OMIT_IF_NONE` only
    when it holds a value (it reads back as its default, ``None``, when absent)."""
    fields = attrs.fields(cls)

    def unstructure(value: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": cls.kind.value}
        for field in fields:
            item = getattr(value, field.name)
            if item is None and field.metadata.get(OMIT_IF_NONE):
                continue
            data[field.name] = converter.unstructure(item, field.type)
        return data

    return unstructure


_CONVERTER = make_converter()


def to_dict(value: Any, *, converter: cattrs.Converter | None = None) -> dict[str, Any]:
    """``value`` as a JSON-ready document (an envelope with schema version and type).

    >>> from omnicontact import Normalizer
    >>> to_dict(Normalizer().email("Ann@Example.com"))["data"]["value"]
    'ann@example.com'
    """
    name = type(value).__name__
    if _SERIALIZABLE.get(name) is not type(value):
        raise SerializationError(f"{name} is not an omnicontact document type")
    data = (converter or _CONVERTER).unstructure(value, type(value))
    return {"omnicontact": SCHEMA_VERSION, "type": name, "data": data}


def from_dict(
    document: dict[str, Any],
    cls: type[T] | None = None,
    *,
    converter: cattrs.Converter | None = None,
) -> T:
    """Read back a document made by :func:`to_dict`; ``cls`` checks the type it holds."""
    if not isinstance(document, dict):
        raise SerializationError(f"a document must be a JSON object, not {type(document).__name__}")
    version = document.get("omnicontact")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SerializationError(
            f"not an omnicontact document: 'omnicontact' schema version is {version!r}"
        )
    if version > SCHEMA_VERSION:
        raise UnsupportedSchemaVersionError(
            f"the document has schema version {version}, newer than {SCHEMA_VERSION} which "
            "this omnicontact reads: upgrade omnicontact to read it"
        )
    name = document.get("type")
    target = _SERIALIZABLE.get(name) if isinstance(name, str) else None
    if target is None:
        raise SerializationError(f"unknown document type {name!r}")
    if cls is not None and target is not cls:
        raise SerializationError(f"expected a {cls.__name__} document, got a {name}")
    if set(document) - {"omnicontact", "type", "data"}:
        extra = sorted(set(document) - {"omnicontact", "type", "data"})
        raise SerializationError(f"unexpected keys in the envelope: {extra}")
    data = document.get("data")
    if not isinstance(data, dict):
        raise SerializationError(
            f"invalid {name} document: 'data' must be a JSON object, not {type(data).__name__}"
        )
    try:
        return cast(T, (converter or _CONVERTER).structure(data, target))
    except (cattrs.BaseValidationError, InvalidValueError, TypeError, KeyError) as error:
        raise SerializationError(f"invalid {name} document: {_describe(error)}") from error


def _describe(error: BaseException) -> str:
    if isinstance(error, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(error, format_exception=_format))
    return str(error)


def _format(error: BaseException, _type: Any) -> str:
    if isinstance(error, KeyError):
        return "required field missing"
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return f"unknown fields {sorted(error.extra_fields)}"
    return str(error)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """``value`` as a JSON document."""
    return json.dumps(to_dict(value), ensure_ascii=False, indent=indent, sort_keys=True)


def loads(text: str | bytes, cls: type[T] | None = None) -> T:
    """Read a JSON document made by :func:`dumps`; ``cls`` checks the type it holds."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SerializationError(f"not JSON: {error}") from None
    return from_dict(document, cls)


# Kept for mypy: the identifier union's members.
_IDENTIFIER_MEMBERS = get_args(Identifier)
