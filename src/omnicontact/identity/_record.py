"""Records: what the resolver turns into customers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from .._identifiers import (
    _SLUG,
    IDENTIFIER_TYPES,
    ExternalId,
    Identifier,
    IdentifierKind,
    _is_slug,
)
from .._model import Contact, _attributes, _identifiers, aware
from ..exceptions import InvalidValueError

__all__ = ["Record", "identifier_slot"]

_SOURCE = _SLUG
"""A source is named like a namespace: a lowercase letter, then letters, digits, _ . -"""


def _record_id(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValueError("record.id", value, "must be a non-empty string")


def _source(_instance: Any, _attribute: Any, value: Any) -> None:
    if type(value) is str and _is_slug(value):
        return  # a few sources, checked for every record: the usual case
    if not isinstance(value, str) or not _SOURCE.match(value):
        raise InvalidValueError(
            "record.source", value, "must be lowercase: a letter, then letters, digits, _ . -"
        )


def _observed_at(value: dt.datetime) -> dt.datetime:
    if type(value) is dt.datetime and value.tzinfo is dt.timezone.utc:
        return value  # already in UTC: aware() would give this very object back
    return aware(value, field="record.observed_at")


def identifier_slot(identifier: Identifier) -> str:
    """The guard and survivorship slot of ``identifier``: its kind, or ``external_id:<ns>``.

    Identifiers issued in different namespaces (a loyalty card and a national id) are
    different facts about a customer, so they are counted and chosen separately.

    >>> identifier_slot(ExternalId(namespace="loyalty_card", value="42"))
    'external_id:loyalty_card'
    """
    slot = _CLASS_SLOTS.get(type(identifier))
    if slot is not None:
        return slot
    if isinstance(identifier, ExternalId):
        slot = _EXTERNAL_SLOTS.get(identifier.namespace)
        if slot is None:
            slot = f"{IdentifierKind.EXTERNAL_ID.value}:{identifier.namespace}"
            _EXTERNAL_SLOTS[identifier.namespace] = slot
        return slot
    return identifier.kind.value


_CLASS_SLOTS: dict[type, str] = {
    cls: kind.value for kind, cls in IDENTIFIER_TYPES.items() if cls is not ExternalId
}
"""The slot of each identifier class whose slot is its kind (every class but ExternalId)."""
_EXTERNAL_SLOTS: dict[str, str] = {}
"""The slot string of each namespace seen (a few namespaces, millions of identifiers)."""


@attrs.frozen(kw_only=True)
class Record:
    """One observation of a customer: what one source saw at one time.

    ``id`` is unique across the resolver (a contact id, a CRM row id …); ``source`` names
    the channel or system it came from (used for survivorship trust); ``identifiers`` are
    normalized identifiers from the contact model; ``attributes`` are JSON data kept for the
    golden record; ``observed_at`` orders records in time and fixes which record anchors a
    customer's id.

    >>> import datetime as dt
    >>> from omnicontact import Normalizer
    >>> n = Normalizer(default_region="FR")
    >>> r = Record(id="crm-1", source="crm", observed_at=dt.datetime(2026, 1, 5,
    ...            tzinfo=dt.timezone.utc), identifiers=[n.email("ann@example.com")])
    >>> [i.key for i in r.identifiers]
    ['ann@example.com']
    """

    id: str = attrs.field(validator=_record_id)
    source: str = attrs.field(validator=_source)
    observed_at: dt.datetime = attrs.field(converter=_observed_at)
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_identifiers)
    attributes: Mapping[str, Any] = attrs.field(factory=dict, converter=_attributes, hash=False)

    @classmethod
    def from_contact(
        cls,
        contact: Contact,
        *,
        source: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> Record:
        """The record a contact makes: same id, its channel as source, its identifiers.

        The contact's own attributes describe the interaction (thread ids, the branch, the
        pages seen), not the customer, so they are not copied: pass ``attributes`` for what
        the contact says about the customer (a segment, a language …).
        """
        return cls(
            id=contact.id,
            source=source or contact.channel,
            observed_at=contact.occurred_at,
            identifiers=contact.identifiers,
            attributes=attributes or {},
        )

    def of_kind(self, kind: IdentifierKind | str) -> tuple[Identifier, ...]:
        """The identifiers of one kind, in the order given."""
        wanted = IdentifierKind(kind)
        return tuple(item for item in self.identifiers if item.kind is wanted)

    def without(self, identifier: Identifier) -> Record:
        """This record with ``identifier`` removed (unchanged if it does not carry it)."""
        return attrs.evolve(
            self, identifiers=tuple(item for item in self.identifiers if item != identifier)
        )

    @property
    def order_key(self) -> tuple[dt.datetime, str]:
        """``(observed_at, id)``: the order that picks a customer's anchor record."""
        return (self.observed_at, self.id)


def attribute_items(record: Record) -> Mapping[str, Any]:
    """The record's attributes (a read-only view for survivorship)."""
    return record.attributes
