"""Tests for serialization: lossless round-trips, schema versions and readable errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import (
    SCHEMA_VERSION,
    Contact,
    EmailAddress,
    Normalizer,
    PhoneNumber,
    PostalAddress,
    dumps,
    from_dict,
    loads,
    make_converter,
    to_dict,
)
from omnicontact import testing as oct
from omnicontact.exceptions import SerializationError, UnsupportedSchemaVersionError

EVERY_TYPE = {
    "EmailAddress": oct.emails() | oct.emails(provider_rules=True),
    "PhoneNumber": oct.phone_numbers(),
    "PostalAddress": oct.postal_addresses(),
    "PersonName": oct.person_names(),
    "DateOfBirth": oct.dates_of_birth(),
    "ExternalId": oct.external_ids(),
    "SocialHandle": oct.social_handles(),
    "Normalizer": oct.normalizers(),
    "Channel": oct.channels(),
    "ContactPoint": oct.contact_points(),
    "Contact": oct.contacts(),
    "Case": oct.cases(),
    "CaseContact": oct.cases().flatmap(lambda case: st.sampled_from(case.contacts)),
    "CaseTransition": oct.cases().flatmap(lambda case: st.sampled_from(case.history)),
    "Consent": oct.consents(),
    "ConsentLedger": oct.consent_ledgers(),
    "Preferences": oct.preferences(),
    "QuietHours": oct.quiet_hours(),
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _contact_document() -> dict[str, Any]:
    contact = Contact(
        channel="sms",
        direction="inbound",
        occurred_at=T0,
        source_id="x",
        identifiers=[Normalizer().email("Ann@Example.com")],
    )
    document: dict[str, Any] = json.loads(dumps(contact))
    return document


class TestRoundTrip:
    @pytest.mark.parametrize("type_name", sorted(EVERY_TYPE))
    @given(data=st.data())
    def test_every_type_survives_json_without_loss(self, type_name: str, data: Any) -> None:
        """``loads(dumps(x)) == x`` and the raw values survive too (same document again)."""
        value = data.draw(EVERY_TYPE[type_name])
        assert type(value).__name__ == type_name
        text = dumps(value)
        again = loads(text, type(value))
        assert again == value
        assert to_dict(again) == to_dict(value)
        assert dumps(again) == text

    @pytest.mark.parametrize("type_name", sorted(EVERY_TYPE))
    @given(data=st.data())
    def test_documents_hold_plain_json_data(self, type_name: str, data: Any) -> None:
        """``to_dict`` gives only dicts, lists, str, int, float, bool and None: no enum
        members or other subclasses that a host application's JSON encoder may not expect."""
        document = to_dict(data.draw(EVERY_TYPE[type_name]))
        stack: list[Any] = [document]
        while stack:
            node = stack.pop()
            assert type(node) in (dict, list, str, int, float, bool, type(None)), node
            if type(node) is dict:
                assert all(type(key) is str for key in node)
                stack.extend(node.values())
            elif type(node) is list:
                stack.extend(node)

    def test_top_level_identifier_document_reads_back(self) -> None:
        """An identifier written on its own (with its ``kind`` tag) reads back (it used to be
        refused as an unknown ``kind`` field)."""
        email = EmailAddress.parse("Ann@Example.com")
        assert loads(dumps(email)) == email
        assert loads(dumps(email), EmailAddress).raw == "Ann@Example.com"

    def test_identifier_kind_must_match_the_document_type(self) -> None:
        """An EmailAddress document whose data says it is a phone is refused."""
        document = to_dict(EmailAddress.parse("ann@example.com"))
        document["data"]["kind"] = "phone"
        with pytest.raises(SerializationError, match=r"identifier\.kind"):
            from_dict(document)

    def test_raw_and_line_type_are_kept(self) -> None:
        """A phone number keeps its raw text, line type and region through JSON."""
        number = Normalizer(default_region="FR").phone("06 12 34 56 78")
        again = loads(dumps(number), PhoneNumber)
        assert (again.raw, again.number_type, again.region) == (
            "06 12 34 56 78",
            number.number_type,
            "FR",
        )

    def test_an_address_stored_before_regions_reads_back_and_is_written_alike(self) -> None:
        """An address document written before addresses had a region (no ``region`` key)
        reads back without one, and is written again byte for byte (stores key consent rows
        by the document's text)."""
        text = (
            '{"data": {"country": "US", "kind": "address", "lines": ["12 Main St"], '
            '"locality": "Springfield", "postal_code": "62701", '
            '"raw": "12 Main St, 62701, Springfield, US"}, "omnicontact": 1, '
            '"type": "PostalAddress"}'
        )
        address = loads(text, PostalAddress)
        assert address.region is None
        assert address.key == "12 main street|62701|springfield|US"
        assert dumps(address) == text

    @given(oct.postal_addresses())
    def test_an_address_region_is_written_only_when_present(self, address: PostalAddress) -> None:
        """The ``region`` key is in an address's document exactly when it has a region, which
        reads back as it was; a ``region`` of null reads as none."""
        data = to_dict(address)["data"]
        assert ("region" in data) == (address.region is not None)
        assert loads(dumps(address), PostalAddress).region == address.region
        document = to_dict(address)
        document["data"]["region"] = None
        assert from_dict(document, PostalAddress).region is None

    def test_document_envelope(self) -> None:
        """A document names the schema version and the type."""
        document = to_dict(EmailAddress.parse("ann@example.com"))
        assert (document["omnicontact"], document["type"]) == (SCHEMA_VERSION, "EmailAddress")

    def test_own_converter_leaves_cattrs_global_converter_alone(self) -> None:
        """Making converters does not change cattrs' global converter the host app may use."""
        make_converter()
        assert cattrs.global_converter.unstructure(T0) is T0

    def test_non_document_type_is_refused(self) -> None:
        """Writing a value that is not an omnicontact document type is refused."""
        with pytest.raises(SerializationError, match="not an omnicontact document type"):
            to_dict(object())


class TestSchemaVersion:
    def test_newer_version_is_a_clear_error(self) -> None:
        """A document from a newer omnicontact raises UnsupportedSchemaVersionError."""
        document = _contact_document()
        document["omnicontact"] = SCHEMA_VERSION + 1
        with pytest.raises(UnsupportedSchemaVersionError, match="upgrade omnicontact"):
            from_dict(document)

    def test_unsupported_version_error_is_a_serialization_error(self) -> None:
        """Code catching SerializationError also catches a newer schema version."""
        assert issubclass(UnsupportedSchemaVersionError, SerializationError)

    @pytest.mark.parametrize("version", [None, 0, "1", True, 1.0])
    def test_missing_or_malformed_version_is_refused(self, version: object) -> None:
        """A document without an integer schema version is not an omnicontact document."""
        document = _contact_document()
        document["omnicontact"] = version
        with pytest.raises(SerializationError, match="schema version"):
            from_dict(document)


class TestGarbage:
    @pytest.mark.parametrize(
        ("field", "value", "mentions"),
        [
            ("occurred_at", "yesterday", "$.occurred_at"),
            ("occurred_at", "2026-01-01T10:00:00", "occurred_at"),
            ("direction", "sideways", "$.direction"),
            ("attributes", [1], "$.attributes"),
            ("identifiers", [{"kind": "fax", "value": "1"}], "$.identifiers[0]"),
            ("identifiers", [{"kind": "email", "value": "nope"}], "email"),
        ],
    )
    def test_bad_field_raises_an_error_naming_it(
        self, field: str, value: object, mentions: str
    ) -> None:
        """A bad value in a document raises SerializationError naming the field."""
        document = _contact_document()
        document["data"][field] = value
        with pytest.raises(SerializationError) as caught:
            from_dict(document)
        assert mentions in str(caught.value)

    def test_missing_field_is_named(self) -> None:
        """A missing required field is named."""
        document = _contact_document()
        del document["data"]["channel"]
        with pytest.raises(SerializationError, match=r"required field missing @ \$\.channel"):
            from_dict(document)

    def test_unknown_field_is_named(self) -> None:
        """A field the type does not have is named."""
        document = _contact_document()
        document["data"]["colour"] = "red"
        with pytest.raises(SerializationError, match="colour"):
            from_dict(document)

    @pytest.mark.parametrize("text", ["", "{", "not json", "[1, 2]", '"text"', "null"])
    def test_text_that_is_no_document_is_refused(self, text: str) -> None:
        """Text that is not a JSON object raises SerializationError."""
        with pytest.raises(SerializationError):
            loads(text)

    @pytest.mark.parametrize("data", [None, [1, 2], "x", 3])
    def test_data_that_is_not_an_object_is_refused(self, data: object) -> None:
        """A ``data`` member that is not an object raises SerializationError, not a crash
        (a list there used to raise AttributeError)."""
        document = _contact_document()
        document["data"] = data
        with pytest.raises(SerializationError, match="'data' must be a JSON object"):
            from_dict(document)

    def test_unknown_type_and_extra_envelope_keys_are_refused(self) -> None:
        """An unknown type name or extra envelope keys are refused."""
        document = _contact_document()
        with pytest.raises(SerializationError, match="unknown document type"):
            from_dict({**document, "type": "Spaceship"})
        with pytest.raises(SerializationError, match="unexpected keys"):
            from_dict({**document, "extra": 1})

    def test_expected_type_is_checked(self) -> None:
        """Asking for a Case when the document holds a Contact is refused."""
        from omnicontact import Case

        with pytest.raises(SerializationError, match="expected a Case document"):
            loads(dumps(Contact(channel="web", direction="inbound", occurred_at=T0, id="c")), Case)

    @given(st.one_of(*EVERY_TYPE.values()), JSON, st.data())
    def test_any_corruption_is_read_or_refused_cleanly(
        self, value: Any, junk: Any, data: Any
    ) -> None:
        """Replacing any part of a valid document with JSON junk either still reads or raises
        SerializationError: no other exception escapes."""
        document = json.loads(dumps(value))
        node: Any = document["data"]
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            key = data.draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, (dict, list)) and child and data.draw(st.booleans()):
                node = child
                continue
            node[key] = junk
            break
        with contextlib.suppress(SerializationError):
            from_dict(document)
