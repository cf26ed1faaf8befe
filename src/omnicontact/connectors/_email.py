"""RFC 5322 email messages as contacts, threaded into cases."""

from __future__ import annotations

import contextlib
import email.errors
import email.policy
import email.utils
import hashlib
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import attrs

from .._identifiers import EmailAddress, Identifier, Normalizer
from .._model import Contact, Direction, aware
from ..exceptions import InvalidPayloadError, InvalidValueError
from ._base import IngestReport, ingest

__all__ = ["EmailConnector"]

_SUMMARY_LENGTH = 280

MAX_HEADER_LENGTH = 32_768
"""The longest header value read, folded lines included (a longer one fails its message)."""

MAX_HEADERS_LENGTH = 262_144
"""The most characters of headers one message may carry, all headers together."""


def _addresses(value: Iterable[str]) -> frozenset[str]:
    return frozenset(address.strip().lower() for address in value)


@attrs.frozen(kw_only=True)
class EmailConnector:
    """Contacts from RFC 5322 email messages (bytes, text or ``.eml`` paths).

    A message from one of the company's ``mailboxes`` is outbound and identifies the
    customer by its recipients; any other message is inbound and identifies the customer
    by its sender (address and display name). The Message-ID is the contact's source id
    (a digest of the message stands in when it has none), so the same message ingested
    twice is one contact. Messages of one thread share a ``case_id`` taken from the thread's
    first Message-ID (from ``References``, else ``In-Reply-To``, else the message's own).

    >>> raw = (b"From: Jean Dupont <Jean.Dupont@Example.fr>\\r\\nTo: support@shop.example\\r\\n"
    ...        b"Subject: Refund\\r\\nDate: Mon, 2 Mar 2026 10:00:00 +0100\\r\\n"
    ...        b"Message-ID: <m1@example.fr>\\r\\n\\r\\nHello, I want a refund.\\r\\n")
    >>> contact, = EmailConnector(mailboxes={"support@shop.example"}).to_contacts(raw)
    >>> contact.direction.value, contact.case_id, str(contact.identifiers[0])
    ('inbound', 'email:m1@example.fr', 'jean.dupont@example.fr')
    """

    channel: str = "email"
    mailboxes: frozenset[str] = attrs.field(default=frozenset(), converter=_addresses)
    normalizer: Normalizer = attrs.field(factory=Normalizer)

    def to_contacts(self, payload: bytes | str | Path) -> Sequence[Contact]:
        """The contact of one message."""
        message = _parse(payload)
        try:
            return self._contacts(message)
        except RecursionError:
            # The standard library's header parser recurses into nested comments "((…))".
            raise InvalidPayloadError(
                "payload", _first_line(message), "has a header nested too deeply to read"
            ) from None
        except (IndexError, AttributeError, TypeError, email.errors.MessageError) as error:
            # The standard library's header parser fails this way on some malformed headers
            # ("From:\x00@", "FROM:.:"): a message it cannot read, not a crash of the batch.
            raise InvalidPayloadError(
                "payload", _first_line(message), f"has a header that cannot be read ({error!r})"
            ) from None

    def _contacts(self, message: EmailMessage) -> Sequence[Contact]:
        sender = _one_address(message, "from")
        if sender is None:
            raise InvalidPayloadError("from", message.get("from"), "the message has no sender")
        recipients = _all_addresses(message, ("to", "cc"))
        outbound = sender[1].lower() in self.mailboxes
        customer = (
            [r for r in recipients if r[1].lower() not in self.mailboxes] if outbound else [sender]
        )
        identifiers: list[Identifier] = []
        for display, address in customer:
            email_address = self._email(address)
            identifiers.append(email_address)
            if display:
                # A display name with no letters ("?!") identifies nobody.
                with contextlib.suppress(InvalidValueError):
                    identifiers.append(self.normalizer.name(display))
        date_header = message.get("date")
        if date_header is None:
            raise InvalidPayloadError("date", None, "the message has no Date header")
        try:
            sent = email.utils.parsedate_to_datetime(str(date_header))
        except (TypeError, ValueError):
            raise InvalidPayloadError("date", str(date_header), "is not an RFC 5322 date") from None
        occurred_at = aware(sent, "UTC", field="date")  # "-0000" (zone unknown) is read as UTC
        message_id = _message_id(message.get("message-id"))
        references = _ids(message.get("references"))
        in_reply_to = _ids(message.get("in-reply-to"))
        source_id = message_id or "sha256:" + hashlib.sha256(message.as_bytes()).hexdigest()
        root = (references or in_reply_to or [message_id or source_id])[0]
        attributes: dict[str, Any] = {
            "from": sender[1],
            "to": [address for _, address in recipients],
        }
        if in_reply_to:
            attributes["in_reply_to"] = in_reply_to[0]
        if references:
            attributes["references"] = references
        subject = message.get("subject")
        return [
            Contact(
                channel=self.channel,
                direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
                occurred_at=occurred_at,
                identifiers=identifiers,
                subject=str(subject) if subject is not None else None,
                summary=_summary(message),
                case_id=f"email:{root}",
                source_id=source_id,
                attributes=attributes,
            )
        ]

    def read(self, messages: Iterable[bytes | str | Path]) -> IngestReport:
        """Ingest many messages; every unreadable one is reported."""
        return ingest(self, messages)

    def _email(self, address: str) -> EmailAddress:
        try:
            return self.normalizer.email(address)
        except InvalidValueError as error:
            raise InvalidPayloadError("from/to", address, error.reason) from None


def _parse(payload: bytes | str | Path) -> EmailMessage:
    if isinstance(payload, Path):
        try:
            payload = payload.read_bytes()
        except OSError as error:
            raise InvalidPayloadError(
                "payload", str(payload), f"cannot be read ({error.strerror})"
            ) from None
    if isinstance(payload, str):
        text = payload
        try:
            payload = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as error:
            raise InvalidPayloadError(
                "payload",
                text[:80].encode("utf-8", "replace").decode("utf-8"),
                f"holds a lone surrogate at character {error.start}, which is not text",
            ) from None
    if not isinstance(payload, (bytes, bytearray)):
        raise InvalidPayloadError("payload", payload, "must be the bytes or text of a message")
    message = BytesParser(policy=email.policy.default).parsebytes(bytes(payload))
    if not isinstance(message, EmailMessage) or not message.keys():
        raise InvalidPayloadError("payload", payload[:80], "has no message headers")
    # Reading a header costs more than linear time in its length: refuse long ones unread.
    total = 0
    for name, value in message.raw_items():
        length = len(value) if isinstance(value, str) else 0
        total += length
        if length > MAX_HEADER_LENGTH:
            raise InvalidPayloadError(
                name.lower(), value[:80], f"is longer than {MAX_HEADER_LENGTH:,} characters"
            )
        if total > MAX_HEADERS_LENGTH:
            raise InvalidPayloadError(
                "payload", name, f"has more than {MAX_HEADERS_LENGTH:,} characters of headers"
            )
    return message


def _first_line(message: EmailMessage) -> str:
    name, value = next(iter(message.raw_items()))
    return f"{name}: {value}"[:80]


def _pairs(message: EmailMessage, header: str) -> list[tuple[str, str]]:
    values = [str(value) for value in message.get_all(header, [])]
    return [
        (name.strip(), address.strip())
        for name, address in email.utils.getaddresses(values)
        if address.strip()
    ]


def _one_address(message: EmailMessage, header: str) -> tuple[str, str] | None:
    pairs = _pairs(message, header)
    return pairs[0] if pairs else None


def _all_addresses(message: EmailMessage, headers: Iterable[str]) -> list[tuple[str, str]]:
    return [pair for header in headers for pair in _pairs(message, header)]


def _message_id(value: Any) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _ids(value: Any) -> list[str]:
    if value is None:
        return []
    text = str(value)
    found = []
    for part in text.replace(">", "> ").split():
        part = part.strip()
        if part.startswith("<") and part.endswith(">") and len(part) > 2:
            found.append(part[1:-1])
    return found


def _summary(message: EmailMessage) -> str | None:
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        return None
    try:
        text = body.get_content()
    except (LookupError, UnicodeError):
        return None
    lines = [line.strip() for line in str(text).splitlines()]
    # Quoted replies repeat earlier messages already in the timeline.
    kept = " ".join(line for line in lines if line and not line.startswith(">"))
    if not kept:
        return None
    return kept if len(kept) <= _SUMMARY_LENGTH else kept[: _SUMMARY_LENGTH - 1] + "…"
