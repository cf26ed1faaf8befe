"""Hostile input at the connectors: only typed errors, and one bad item never sinks a batch.

Each connector is fed random bytes, text with lone surrogates and NUL, deep nesting, huge
numbers and oversized fields. ``to_contacts`` must either give contacts or raise an
:class:`~omnicontact.exceptions.OmnicontactError`; ``read`` must never raise, keep the good
item sent alongside, and report every bad one in text that can be printed.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnicontact import Contact, Normalizer, dumps
from omnicontact.connectors import (
    CsvConnector,
    EmailConnector,
    FieldMapping,
    IngestReport,
    JsonConnector,
)
from omnicontact.connectors._email import MAX_HEADER_LENGTH, MAX_HEADERS_LENGTH
from omnicontact.connectors._mapping import MAX_NESTING, MAX_TIME_LENGTH
from omnicontact.exceptions import InvalidPayloadError, InvalidValueError, OmnicontactError

MAPPING = FieldMapping(
    occurred_at="t",
    source_id="id",
    identifiers={"e": "email", "p": "phone", "dob": "date_of_birth"},
    summary="s",
    attributes=("a",),
)
JSON = JsonConnector(channel="sms", mapping=MAPPING, normalizer=Normalizer(default_region="FR"))
JSON_ITEMS = JsonConnector(channel="sms", mapping=MAPPING, items="events")
CSV = CsvConnector(channel="visit", mapping=MAPPING, normalizer=Normalizer(default_region="FR"))
EMAIL = EmailConnector(mailboxes={"support@shop.example"})

GOOD_JSON = '{"id": "good", "t": "2026-03-02T10:00:00Z", "e": "good@example.fr"}'
GOOD_CSV_ROW = "good,2026-03-02T10:00:00Z,good@example.fr,,,,"
GOOD_EMAIL = (
    b"From: Good <good@example.fr>\r\nTo: support@shop.example\r\n"
    b"Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <good@example.fr>\r\n\r\nHi\r\n"
)

# Every character, lone surrogates included (Hypothesis leaves them out by default).
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(ANY_CHARACTER, max_size=40)
HUGE_NUMBERS = st.sampled_from(
    [math.nan, math.inf, -math.inf, 1e20, -1e12, 1e308, 10**400, -(10**400), 2**63, -1]
)


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HUGE_NUMBERS | ANY_TEXT,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(ANY_TEXT, children, max_size=3)
    ),
    max_leaves=8,
)
EVENTS = st.fixed_dictionaries(
    {},
    optional={
        "id": JSON_VALUES,
        "t": JSON_VALUES | st.just("2026-03-02T10:00:00Z"),
        "e": JSON_VALUES | st.just("a@example.fr"),
        "p": JSON_VALUES,
        "dob": JSON_VALUES | st.text("0123456789/-", max_size=30),
        "s": JSON_VALUES,
        "a": JSON_VALUES,
    },
)


def json_text(value: Any) -> str:
    return json.dumps(value, allow_nan=True, ensure_ascii=False, default=str)


JSON_PAYLOADS = st.one_of(
    st.binary(max_size=200),
    ANY_TEXT,
    EVENTS,
    EVENTS.map(json_text),
    EVENTS.map(lambda event: json_text(event).encode("utf-8", "surrogatepass")),
    st.integers(1, 20_000).map(nested),
    st.integers(1, 20_000).map(lambda depth: '{"id": "x", "t": ' + nested(depth) + "}"),
    st.integers(4_000, 6_000).map(lambda digits: '{"id": "x", "t": ' + "7" * digits + "}"),
    st.lists(EVENTS, max_size=3).map(lambda events: {"events": events}),
)


def only_typed_errors(call: Callable[[], Sequence[Contact]]) -> Sequence[Contact] | None:
    """What ``call`` gives, or ``None`` when it raised a typed error (anything else fails).

    Every contact given can be written as a UTF-8 JSON document, as stores do.
    """
    try:
        contacts = call()
    except OmnicontactError as error:
        str(error).encode("utf-8")  # printable: no lone surrogate in the message
        return None
    for contact in contacts:
        assert isinstance(contact, Contact)
        dumps(contact).encode("utf-8")
    return contacts


def check_report(report: IngestReport, *, bad: int, good_source_id: str) -> None:
    """The good item is kept, every contact can be stored, and every error names a row and
    prints as UTF-8."""
    assert good_source_id in {contact.source_id for contact in report.contacts}
    for contact in report.contacts:
        dumps(contact).encode("utf-8")
    for error in report.errors:
        assert 1 <= error.row <= bad + 1
        str(error).encode("utf-8")


class TestJsonConnector:
    @given(JSON_PAYLOADS)
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_any_payload_gives_contacts_or_a_typed_error(self, payload: Any) -> None:
        """Random bytes, surrogates, NaN, huge numbers, deep nesting: a typed error at worst."""
        only_typed_errors(lambda: JSON.to_contacts(payload))
        only_typed_errors(lambda: JSON_ITEMS.to_contacts(payload))

    @given(st.lists(JSON_PAYLOADS, max_size=4))
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_bad_payloads_never_lose_the_good_one(self, payloads: list[Any]) -> None:
        """A batch with hostile payloads still ingests the good payload sent with them."""
        report = JSON.read([*payloads, GOOD_JSON])
        check_report(report, bad=len(payloads), good_source_id="good")
        assert len(report.contacts) + len(report.errors) >= len(payloads) + 1

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("NaN", "NaN is not a JSON value"),
            ("Infinity", "Infinity is not a JSON value"),
            ("-Infinity", "-Infinity is not a JSON value"),
            ("1e20", "out of range as epoch seconds"),
            ("-1e12", "out of range as epoch seconds"),
            ("9" * 5000, "4300 digits"),
            (nested(5000), "too deeply"),
            ('"\\ud800"', "lone surrogate"),
        ],
    )
    def test_each_reported_problem_is_a_row_error(self, value: str, reason: str) -> None:
        """The inputs once seen to escape untyped are one row error each, the rest kept."""
        report = JSON.read(['{"id": "x", "t": ' + value + "}", GOOD_JSON])
        assert [contact.source_id for contact in report.contacts] == ["good"]
        ((error),) = report.errors
        assert error.row == 1
        assert reason in error.reason

    @pytest.mark.parametrize(
        "value", [math.nan, math.inf, -math.inf, 10**400, -(10**12), 1e20], ids=repr
    )
    def test_decoded_numbers_out_of_range_are_typed(self, value: float) -> None:
        """A payload already decoded, with a time no clock can hold, is an InvalidValueError."""
        with pytest.raises(InvalidValueError, match="epoch seconds") as caught:
            JSON.to_contacts({"id": "x", "t": value})
        assert caught.value.field == "t"

    def test_deep_and_huge_attribute_values_are_refused(self) -> None:
        """An attribute value nested past the limit, or too large to write, fails its event."""
        deep: list[Any] = []
        node = deep
        for _ in range(MAX_NESTING + 5):
            node.append([])
            node = node[0]
        for value, reason in ((deep, "levels deep"), (10**5000, "too large")):
            with pytest.raises(InvalidValueError, match=reason) as caught:
                JSON.to_contacts({"id": "x", "t": "2026-03-02T10:00:00Z", "a": value})
            assert caught.value.field == "a"
        kept = JSON.to_contacts({"id": "x", "t": "2026-03-02T10:00:00Z", "a": [[["ok"]]]})
        assert json.loads(json.dumps(kept[0].attributes["a"])) == [[["ok"]]]

    def test_long_time_text_fails_fast(self) -> None:
        """Time text over the limit is refused before the date parser sees it."""
        started = time.process_time()
        with pytest.raises(InvalidValueError, match=f"longer than {MAX_TIME_LENGTH}"):
            JSON.to_contacts({"id": "x", "t": "1" * 300_000})
        assert time.process_time() - started < 0.5


def csv_bytes(rows: Sequence[bytes]) -> bytes:
    return b"id,t,e,p,dob,s,a\n" + b"".join(row + b"\n" for row in rows)


CSV_ROWS = st.one_of(
    st.binary(max_size=60).filter(lambda row: b"\n" not in row and b"\r" not in row),
    st.binary(max_size=20).map(lambda junk: b"x," + junk + b",2026-03-02T10:00:00Z"),
    st.sampled_from([b"\xff\xfe,2026-03-02T10:00:00Z", b"a,2026-03-02T10:00:00Z,\xc3@x.fr"]),
    st.sampled_from([b'"open quote,2026', b"nul\x00,2026-03-02T10:00:00Z"]),
)


class TestCsvConnector:
    @given(st.lists(CSV_ROWS, max_size=5))
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_bytes_never_raise_and_rows_before_a_bad_one_are_kept(self, rows: list[bytes]) -> None:
        """Random bytes in a binary stream: a report, with the good first row kept."""
        data = csv_bytes([GOOD_CSV_ROW.encode(), *rows])
        report = CSV.read(io.BytesIO(data))
        check_report(report, bad=len(data.splitlines()), good_source_id="good")

    @given(st.lists(ANY_TEXT.filter(lambda text: "\n" not in text), max_size=5))
    def test_text_with_surrogates_never_raises(self, rows: list[str]) -> None:
        """Text with lone surrogates (bytes decoded with ``surrogateescape``) is reported."""
        text = "id,t,e,p,dob,s,a\n" + GOOD_CSV_ROW + "\n" + "".join(row + "\n" for row in rows)
        report = CSV.read(text)
        check_report(report, bad=len(text.splitlines()), good_source_id="good")

    def test_non_utf8_file_reports_the_row_and_keeps_the_others(self, tmp_path: Path) -> None:
        """A file with one row of Latin-1 bytes: that row is an error naming the bytes."""
        path = tmp_path / "visits.csv"
        path.write_bytes(
            csv_bytes(
                [
                    b"a,2026-03-02T10:00:00Z,a@example.fr",
                    b"b,2026-03-02T10:00:00Z,\xe9l\xe9onore@example.fr",
                    b"c,2026-03-02T10:00:00Z,c@example.fr",
                ]
            )
        )
        report = CSV.read(path)
        assert [contact.source_id for contact in report.contacts] == ["a", "c"]
        ((error),) = report.errors
        assert (error.row, error.field) == (3, "e")
        assert "not UTF-8" in error.reason
        assert "\\xe9" in error.reason

    def test_a_missing_file_is_a_typed_error(self, tmp_path: Path) -> None:
        """A path that cannot be opened is an InvalidPayloadError naming it."""
        with pytest.raises(InvalidPayloadError, match="cannot be read") as caught:
            CSV.read(tmp_path / "missing.csv")
        assert caught.value.value == str(tmp_path / "missing.csv")

    def test_a_text_stream_that_fails_to_decode_keeps_earlier_rows(self) -> None:
        """A text stream that cannot decode: the rows read before are kept, the failure typed."""
        good = csv_bytes(
            [f"r{i},2026-03-02T10:00:00Z,r{i}@example.fr".encode() for i in range(3000)]
        )
        stream = io.TextIOWrapper(io.BytesIO(good + b"bad,\xff,x\n"), encoding="utf-8")
        report = CSV.read(stream)
        assert len(report.contacts) > 0
        assert report.errors[-1].field in ("row", "header")
        assert "not utf-8 text" in report.errors[-1].reason


NESTED_FROM = st.integers(1, 3000).map(
    lambda depth: b"From: " + b"(" * depth + b"a@example.fr\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100"
)
EMAIL_PAYLOADS = st.one_of(
    st.binary(max_size=300),
    st.text(ANY_CHARACTER, max_size=100),
    NESTED_FROM,
    st.builds(
        lambda header, value: header + b": " + value + b"\r\n" + GOOD_EMAIL.replace(b"good", b"x"),
        st.sampled_from([b"From", b"To", b"Cc", b"Date", b"References", b"Subject"]),
        st.binary(max_size=80).map(lambda raw: raw.replace(b"\n", b" ")),
    ),
    st.text(ANY_CHARACTER, max_size=30).map(
        lambda name: (
            "From: " + name + " <a@example.fr>\r\nDate: Mon, 2 Mar 2026 10:00 +0100\r\n\r\n"
        )
    ),
)


class TestEmailConnector:
    @given(EMAIL_PAYLOADS)
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_any_message_gives_contacts_or_a_typed_error(self, payload: bytes | str) -> None:
        """Random bytes, surrogates, nested comments: a typed error at worst."""
        only_typed_errors(lambda: EMAIL.to_contacts(payload))

    @given(st.lists(EMAIL_PAYLOADS, max_size=4))
    @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
    def test_a_bad_message_never_loses_the_batch(self, payloads: list[bytes | str]) -> None:
        """Each bad message is one failure; the good message of the batch is kept."""
        report = EMAIL.read([*payloads, GOOD_EMAIL])
        check_report(report, bad=len(payloads), good_source_id="good@example.fr")

    def test_nested_comments_in_from_are_one_failure(self) -> None:
        """A From with 250 nested comments fails its message, not the other 108."""
        bad = (
            b"From: " + b"(" * 250 + b"a@example.fr\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\r\n"
        )
        goods = [GOOD_EMAIL.replace(b"good@", f"g{i}@".encode()) for i in range(108)]
        report = EMAIL.read([*goods[:50], bad, *goods[50:]])
        assert len(report.contacts) == 108
        ((error),) = report.errors
        assert error.row == 51
        assert "nested too deeply" in error.reason

    @pytest.mark.parametrize("header", [b"Subject", b"To"])
    def test_a_long_folded_header_fails_fast(self, header: bytes) -> None:
        """An 800 KB folded header is refused unread, quickly."""
        folded = header + b": " + b"x@example.fr,\r\n " * 60_000 + b"x@example.fr\r\n"
        started = time.process_time()
        with pytest.raises(InvalidValueError, match=f"longer than {MAX_HEADER_LENGTH:,}"):
            EMAIL.to_contacts(folded + GOOD_EMAIL)
        assert time.process_time() - started < 1.0

    def test_an_unreadable_path_is_one_failed_message(self, tmp_path: Path) -> None:
        """A message path that cannot be read fails that message; the others are kept."""
        good = tmp_path / "good.eml"
        good.write_bytes(GOOD_EMAIL)
        report = EMAIL.read([tmp_path / "missing.eml", good])
        assert [contact.source_id for contact in report.contacts] == ["good@example.fr"]
        ((error),) = report.errors
        assert error.row == 1
        assert "cannot be read" in error.reason

    def test_many_headers_are_capped_together(self) -> None:
        """Headers each under the limit but too many together fail the message."""
        count = MAX_HEADERS_LENGTH // 10_000 + 1
        many = b"".join(b"X-Pad: " + b"y" * 10_000 + b"\r\n" for _ in range(count))
        with pytest.raises(InvalidValueError, match="characters of headers"):
            EMAIL.to_contacts(many + GOOD_EMAIL)
