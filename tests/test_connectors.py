"""Tests for omnicontact.connectors: the protocol, batch reports, email, CSV and JSON."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import Direction, ExternalId, IdentifierKind, Normalizer
from omnicontact.connectors import (
    CsvConnector,
    EmailConnector,
    FieldMapping,
    IdentifierSpec,
    IngestReport,
    JsonConnector,
    RowError,
    ingest,
)
from omnicontact.exceptions import InvalidPayloadError, InvalidValueError

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import ExceptionGroup

DATA = Path(__file__).parent.parent / "examples" / "data"
FR = Normalizer(default_region="FR")

MESSAGE = (
    b"From: Jean Dupont <Jean.Dupont@Example.fr>\r\n"
    b"To: Support <support@shop.example>, other@example.org\r\n"
    b"Subject: Refund\r\n"
    b"Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n"
    b"Message-ID: <m1@example.fr>\r\n\r\n"
    b"Hello, I want a refund.\r\n> quoted old text\r\n"
)


def email_connector() -> EmailConnector:
    return EmailConnector(mailboxes={"Support@Shop.example"}, normalizer=FR)


class TestEmailConnector:
    def test_inbound_message_identifies_the_sender(self) -> None:
        """An inbound message carries the sender's address and display name."""
        (contact,) = email_connector().to_contacts(MESSAGE)
        assert contact.direction is Direction.INBOUND
        kinds = {i.kind: i for i in contact.identifiers}
        assert str(kinds[IdentifierKind.EMAIL]) == "jean.dupont@example.fr"
        assert kinds[IdentifierKind.NAME].key == "jean|dupont"
        assert contact.occurred_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
        assert contact.subject == "Refund"
        assert contact.summary == "Hello, I want a refund."
        assert contact.source_id == "m1@example.fr"

    def test_outbound_message_identifies_the_recipients(self) -> None:
        """A message from a company mailbox is outbound and names the customer recipients."""
        raw = MESSAGE.replace(
            b"From: Jean Dupont <Jean.Dupont@Example.fr>", b"From: support@shop.example"
        ).replace(b"To: Support <support@shop.example>, other@example.org", b"To: jean@example.fr")
        (contact,) = email_connector().to_contacts(raw)
        assert contact.direction is Direction.OUTBOUND
        assert [str(i) for i in contact.identifiers] == ["jean@example.fr"]

    def test_thread_shares_a_case(self) -> None:
        """Replies carry the case of the thread's first message."""
        contacts = email_connector().read(sorted((DATA / "emails").glob("0[1-3]*.eml"))).contacts
        assert len(contacts) == 3
        assert {c.case_id for c in contacts} == {"email:cafe-1@example.fr"}
        assert contacts[1].attributes["in_reply_to"] == "cafe-1@example.fr"

    def test_same_message_twice_is_one_contact(self) -> None:
        """Delivering a message twice gives the same contact id and one contact in a batch."""
        connector = email_connector()
        first = connector.to_contacts(MESSAGE)[0]
        assert connector.to_contacts(MESSAGE)[0].id == first.id
        report = connector.read([MESSAGE, MESSAGE])
        assert len(report.contacts) == 1
        assert report.duplicates == ((2, first.id),)

    def test_message_without_id_gets_a_stable_source_id(self) -> None:
        """A message with no Message-ID is keyed by its digest, stable across runs."""
        raw = MESSAGE.replace(b"Message-ID: <m1@example.fr>\r\n", b"")
        first, second = (email_connector().to_contacts(raw)[0] for _ in range(2))
        assert first.source_id is not None
        assert first.source_id.startswith("sha256:")
        assert first.id == second.id

    @pytest.mark.parametrize(
        ("raw", "field"),
        [
            (MESSAGE.replace(b"From: Jean Dupont <Jean.Dupont@Example.fr>\r\n", b""), "from"),
            (MESSAGE.replace(b"Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n", b""), "date"),
            (MESSAGE.replace(b"Mon, 2 Mar 2026 10:00:00 +0100", b"soon"), "date"),
            (MESSAGE.replace(b"Jean.Dupont@Example.fr", b"not an address"), "from/to"),
            (b"", "payload"),
        ],
    )
    def test_unreadable_message_names_the_field(self, raw: bytes, field: str) -> None:
        """A message that cannot be read raises InvalidPayloadError naming the field."""
        with pytest.raises(InvalidPayloadError) as info:
            email_connector().to_contacts(raw)
        assert info.value.field == field


CALLS = (
    "call_id,started_at,caller,direction,reason\n"
    "c1,2026-03-02 10:15,06 12 34 56 78,in,billing\n"
    "c2,2026-03-02 10:20,12,in,billing\n"
    'c3,2026-03-02 10:30,"+33 7 81 22 33 44",out,"multi\nline reason"\n'
    "c4,,0612345678,in,billing\n"
    "c5,2026-03-02 11:00,0612345678,sideways,billing\n"
    "c1,2026-03-02 10:15,06 12 34 56 78,in,billing\n"
)


def calls_connector(**kwargs: object) -> CsvConnector:
    mapping = FieldMapping(
        occurred_at="started_at",
        source_id="call_id",
        direction="direction",
        direction_values={"in": "inbound", "out": "outbound"},
        intent="reason",
        identifiers={"caller": "phone"},
    )
    return CsvConnector(
        channel="phone", mapping=mapping, normalizer=FR, timezone="Europe/Paris", **kwargs
    )  # type: ignore[arg-type]


class TestCsvConnector:
    def test_keeps_good_rows_and_reports_every_bad_one(self) -> None:
        """Each bad row is reported with its line number and field; good rows are kept."""
        report = calls_connector().read(CALLS)
        assert [c.source_id for c in report.contacts] == ["c1", "c3"]
        assert [(e.row, e.field) for e in report.errors] == [
            (3, "caller"),
            (6, "started_at"),
            (7, "direction"),
        ]
        assert report.duplicates == ((8, report.contacts[0].id),)
        assert not report.ok

    def test_naive_times_are_read_in_the_given_zone(self) -> None:
        """A time without a zone is read in the connector's time zone and kept in UTC."""
        first = calls_connector().read(CALLS).contacts[0]
        assert first.occurred_at == dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.timezone.utc)

    def test_naive_times_without_a_zone_are_refused(self) -> None:
        """Without a time zone, a naive time is a row error, not a guess."""
        connector = CsvConnector(
            channel="phone",
            normalizer=FR,
            mapping=FieldMapping(occurred_at="started_at", identifiers={"caller": "phone"}),
        )
        report = connector.read("started_at,caller\n2026-03-02 10:15,0612345678\n")
        assert report.contacts == ()
        assert report.errors[0].field == "started_at"
        assert "naive" in report.errors[0].reason

    def test_missing_columns_are_reported_once(self) -> None:
        """A header that lacks a mapped column is one error on line 1."""
        report = calls_connector().read("call_id,when\nc1,2026-03-02\n")
        assert [(e.row, e.field) for e in report.errors] == [(1, "header")]

    def test_extra_cells_are_a_row_error(self) -> None:
        """A row with more cells than the header is reported, not silently cut."""
        text = (
            "call_id,started_at,caller,direction,reason\n"
            "c1,2026-03-02 10:15,0612345678,in,x,EXTRA\n"
        )
        report = calls_connector().read(text)
        assert [(e.row, e.field) for e in report.errors] == [(2, "row")]

    def test_reads_a_file_path(self, tmp_path: Path) -> None:
        """A path is read as UTF-8 (with or without BOM)."""
        path = tmp_path / "calls.csv"
        path.write_text(CALLS, encoding="utf-8-sig")
        assert len(calls_connector().read(path).contacts) == 2

    def test_raise_for_errors_groups_every_bad_row(self) -> None:
        """raise_for_errors raises one ExceptionGroup holding an InvalidPayloadError per row."""
        report = calls_connector().read(CALLS)
        with pytest.raises(ExceptionGroup) as info:
            report.raise_for_errors()
        rows = [e.row for e in info.value.exceptions if isinstance(e, InvalidPayloadError)]
        assert rows == [3, 6, 7]


class TestJsonConnector:
    MAPPING = FieldMapping(
        occurred_at="event.time",
        source_id="event.id",
        summary="event.message.text",
        identifiers={"event.sender.phone": "phone", "event.sender.handle": "social:instagram"},
    )

    def test_reads_nested_paths(self) -> None:
        """Dotted paths reach into nested objects."""
        connector = JsonConnector(channel="social", mapping=self.MAPPING, normalizer=FR)
        (contact,) = connector.to_contacts(
            {
                "event": {
                    "id": "e1",
                    "time": 1772442000,
                    "message": {"text": "hi"},
                    "sender": {"handle": "@JeanD"},
                }
            }
        )
        assert contact.summary == "hi"
        assert [i.key for i in contact.identifiers] == ["instagram:jeand"]
        assert contact.occurred_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)

    def test_items_path_gives_several_contacts(self) -> None:
        """A payload with a list of events gives one contact per event."""
        mapping = FieldMapping(occurred_at="at", source_id="id", identifiers={"from": "phone"})
        connector = JsonConnector(
            channel="sms", mapping=mapping, normalizer=FR, items="batch.events"
        )
        contacts = connector.to_contacts(
            '{"batch": {"events": [{"id": "1", "at": "2026-03-02T10:00:00Z", "from": "0612345678"},'
            ' {"id": "2", "at": "2026-03-02T11:00:00Z", "from": "0781223344"}]}}'
        )
        assert [c.source_id for c in contacts] == ["1", "2"]

    def test_bad_payloads_are_row_errors(self) -> None:
        """Text that is not JSON, a non-object and a missing time are each reported."""
        connector = JsonConnector(channel="social", mapping=self.MAPPING, normalizer=FR)
        report = connector.read(["{nope", "[1, 2]", {"event": {"id": "x"}}])
        assert [(e.row, e.field) for e in report.errors] == [
            (1, "payload"),
            (2, "payload"),
            (3, "event.time"),
        ]


class TestFieldMapping:
    def test_identifier_specs_are_checked(self) -> None:
        """Unknown kinds and missing or stray namespaces are refused when the mapping is made."""
        for spec in ("fax", "external_id", "email:work"):
            with pytest.raises(InvalidValueError):
                FieldMapping(occurred_at="t", identifiers={"x": spec})

    def test_spec_round_trips_through_text(self) -> None:
        """An IdentifierSpec reads back from its text form."""
        spec = IdentifierSpec.parse("external_id:loyalty_card")
        assert spec == IdentifierSpec(IdentifierKind.EXTERNAL_ID, ExternalId.LOYALTY_CARD)
        assert IdentifierSpec.parse(str(spec)) == spec


class Crashing:
    channel = "test"

    def to_contacts(self, payload: object) -> list[object]:
        raise RuntimeError("bug")


class TestIngest:
    def test_bugs_propagate(self) -> None:
        """An exception that is not a validation error is a bug and is not swallowed."""
        with pytest.raises(RuntimeError):
            ingest(Crashing(), [1])  # type: ignore[arg-type]

    @given(st.lists(st.sampled_from(["0612345678", "12", "0781223344", ""]), max_size=20))
    def test_every_row_is_accounted_for(self, callers: list[str]) -> None:
        """Each row ends up as exactly one of: a contact, an error, a duplicate."""
        lines = ["call_id,started_at,caller,direction,reason"] + [
            f"c{i % 5},2026-03-02 10:{i:02d},{caller},in,x" for i, caller in enumerate(callers)
        ]
        report = calls_connector().read("\n".join(lines) + "\n")
        accounted = len(report.contacts) + len(report.errors) + len(report.duplicates)
        assert accounted == len(callers)
        assert len({c.dedupe_key for c in report.contacts}) == len(report.contacts)

    def test_merged_reports_keep_events_once(self) -> None:
        """Merging two reports keeps a repeated event once and sums the errors."""
        first = calls_connector().read(CALLS)
        merged = first.merged(first)
        assert len(merged.contacts) == len(first.contacts)
        assert len(merged.errors) == 2 * len(first.errors)
        assert isinstance(merged, IngestReport)
        assert isinstance(merged.errors[0], RowError)
