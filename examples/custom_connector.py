"""A connector for a channel omnicontact does not ship: in-store kiosk sessions.

The kiosk posts a JSON document per session, with the customer's loyalty card when they
scanned it and the pages they went through. This example registers the channel, writes a
connector for its payloads and ingests a batch in which one payload is broken: the good
sessions are kept and the bad one is reported with its row and field.

Run it with ``python examples/custom_connector.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from omnicontact import (
    Capability,
    Channel,
    ChannelRegistry,
    Contact,
    ContactStatus,
    Direction,
    ExternalId,
    Medium,
    aware,
)
from omnicontact.connectors import ingest
from omnicontact.exceptions import InvalidPayloadError

KIOSK = Channel(
    name="kiosk",
    label="In-store kiosk",
    medium=Medium.PHYSICAL,
    capabilities={Capability.SELF_SERVICE},
)


class KioskConnector:
    """Turns one kiosk session document into one contact."""

    channel = KIOSK.name

    def to_contacts(self, payload: Mapping[str, Any]) -> Sequence[Contact]:
        try:
            started = dt.datetime.fromisoformat(payload["started"])
        except KeyError:
            raise InvalidPayloadError("started", None, "is missing") from None
        except (TypeError, ValueError):
            raise InvalidPayloadError("started", payload["started"], "is not ISO 8601") from None
        identifiers = []
        if payload.get("card"):
            identifiers.append(ExternalId(namespace=ExternalId.LOYALTY_CARD, value=payload["card"]))
        pages = payload.get("pages", [])
        return [
            Contact(
                channel=self.channel,
                direction=Direction.INBOUND,
                # The kiosks write local shop time without a zone: say which zone it is.
                occurred_at=aware(started, "Europe/Paris"),
                identifiers=identifiers,
                intent=pages[-1] if pages else None,
                status=ContactStatus.HANDLED
                if payload.get("completed")
                else ContactStatus.ABANDONED,
                source_id=payload.get("session"),
                attributes={"pages": pages, "shop": payload.get("shop", "")},
            )
        ]


SESSIONS = [
    {
        "session": "K-1",
        "shop": "Lyon Bellecour",
        "started": "2026-03-07T16:02:00",
        "card": "4000 1234",
        "pages": ["warranty", "book_repair"],
        "completed": True,
    },
    {"session": "K-2", "shop": "Paris Opéra", "started": "yesterday", "pages": []},
    {
        "session": "K-3",
        "shop": "Paris Opéra",
        "started": "2026-03-07T17:40:00+01:00",
        "pages": ["opening_hours"],
        "completed": True,
    },
]


def main() -> None:
    registry = ChannelRegistry.with_builtins()
    registry.register(KIOSK)
    connector = KioskConnector()
    assert connector.channel in registry
    report = ingest(connector, SESSIONS)
    for contact in report.contacts:
        cards = ", ".join(str(i) for i in contact.identifiers) or "anonymous"
        print(
            f"{contact.occurred_at:%Y-%m-%d %H:%M} UTC  {contact.channel}  "
            f"{contact.intent}  {contact.status.value}  ({cards})"
        )
    for error in report.errors:
        print(f"skipped {error}")


if __name__ == "__main__":
    main()
