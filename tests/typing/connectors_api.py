"""Typed usage of omnicontact.connectors that mypy --strict must accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from omnicontact import Contact, Direction, Normalizer
from omnicontact.connectors import (
    Connector,
    CsvConnector,
    EmailConnector,
    FieldMapping,
    IngestReport,
    JsonConnector,
    RowError,
    ingest,
)


class Pager:
    channel = "pager"

    def to_contacts(self, payload: dict[str, str]) -> Sequence[Contact]:
        return [
            Contact(
                channel=self.channel,
                direction=Direction.INBOUND,
                occurred_at=dt.datetime.fromisoformat(payload["at"]),
            )
        ]


def use_connectors() -> list[RowError]:
    pager: Connector[dict[str, str]] = Pager()
    report: IngestReport = ingest(pager, [{"at": "2026-03-02T10:00:00+00:00"}])
    normalizer = Normalizer(default_region="FR")
    mapping = FieldMapping(occurred_at="at", identifiers={"from": "phone"})
    csv_report = CsvConnector(channel="phone", mapping=mapping, normalizer=normalizer).read("")
    json_contacts: Sequence[Contact] = JsonConnector(channel="sms", mapping=mapping).to_contacts(
        {"at": "2026-03-02T10:00:00Z"}
    )
    email: Sequence[Contact] = EmailConnector(mailboxes={"a@b.example"}).to_contacts(b"")
    del json_contacts, email
    return list(report.errors) + list(csv_report.errors)
