"""Tests for the contact model: contacts, cases, contact points, consent and preferences."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import zoneinfo
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontact import (
    Case,
    CaseStatus,
    Consent,
    ConsentLedger,
    ConsentStatus,
    Contact,
    ContactPoint,
    Normalizer,
    Preferences,
    Purpose,
    QuietHours,
    aware,
    dumps,
    loads,
)
from omnicontact import testing as oct
from omnicontact._model import (
    _attributes,
    _checked_attributes,
    _identifiers,
    _unique_identifiers,
)
from omnicontact.exceptions import CaseTransitionError, InvalidValueError

UTC = dt.timezone.utc
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EMAIL_POINT = ContactPoint(channel="email", identifier=Normalizer().email("ann@example.com"))


def _contact(channel: str, source_id: str, at: dt.datetime = T0) -> Contact:
    return Contact(channel=channel, direction="inbound", occurred_at=at, source_id=source_id)


class TestAware:
    def test_naive_datetime_is_refused(self) -> None:
        """A naive datetime without a zone is refused, naming the field."""
        with pytest.raises(InvalidValueError) as caught:
            aware(dt.datetime(2026, 3, 2, 10, 0), field="occurred_at")
        assert caught.value.field == "occurred_at"
        assert "naive" in caught.value.reason

    def test_naive_datetime_with_a_zone_name_is_read_in_it(self) -> None:
        """A naive datetime with its zone given is read in that zone and stored in UTC."""
        assert aware(dt.datetime(2026, 7, 1, 12, 0), "Europe/Paris") == dt.datetime(
            2026, 7, 1, 10, 0, tzinfo=UTC
        )

    def test_unknown_zone_name_is_refused(self) -> None:
        """A zone name that is not in the IANA database is refused, naming the field."""
        with pytest.raises(InvalidValueError) as caught:
            aware(dt.datetime(2026, 1, 1), "Mars/Olympus_Mons", field="occurred_at")
        assert caught.value.field == "occurred_at.timezone"

    def test_non_datetime_is_refused(self) -> None:
        """A date or a string is not a datetime."""
        with pytest.raises(InvalidValueError):
            aware(dt.date(2026, 1, 1))  # type: ignore[arg-type]

    @given(st.datetimes(timezones=st.timezones(), allow_imaginary=False))
    def test_aware_values_keep_their_instant_in_utc(self, value: dt.datetime) -> None:
        """An aware datetime keeps its instant and is expressed in UTC."""
        result = aware(value)
        assert result.timestamp() == value.timestamp()  # == across zones is False on folds
        assert result.utcoffset() == dt.timedelta(0)


class TestContact:
    def test_naive_occurred_at_is_refused(self) -> None:
        """A contact with a naive time is refused, naming ``occurred_at``."""
        with pytest.raises(InvalidValueError) as caught:
            Contact(channel="phone", direction="inbound", occurred_at=dt.datetime(2026, 1, 1))
        assert caught.value.field == "occurred_at"

    def test_occurred_at_is_normalized_to_utc(self) -> None:
        """A Paris time is stored as the same instant in UTC."""
        contact = _contact("phone", "c1", dt.datetime(2026, 1, 5, 10, 0, tzinfo=PARIS))
        assert contact.occurred_at == dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        assert contact.occurred_at.tzinfo is UTC

    def test_same_event_twice_is_one_contact(self) -> None:
        """Two deliveries of one event (same channel and source id) are one contact."""
        first, again = _contact("email", "<m1@example.com>"), _contact("email", "<m1@example.com>")
        assert first.id == again.id == Contact.derive_id("email", "<m1@example.com>")
        assert first == again
        assert len({first, again}) == 1

    def test_same_source_id_on_two_channels_is_two_contacts(self) -> None:
        """A source id is only unique within its channel."""
        assert _contact("email", "42").id != _contact("sms", "42").id

    def test_derived_id_is_stable_across_runs(self) -> None:
        """The id derived from a source id is a fixed UUIDv5 (it does not change between runs)."""
        assert Contact.derive_id("phone", "call-881") == Contact.derive_id("phone", "call-881")
        assert len(Contact.derive_id("phone", "call-881")) == 36

    def test_without_source_id_each_contact_gets_its_own_id(self) -> None:
        """Contacts without a source id get distinct ids."""
        one = Contact(channel="web", direction="inbound", occurred_at=T0)
        two = Contact(channel="web", direction="inbound", occurred_at=T0)
        assert one.id != two.id
        assert one.dedupe_key == ("web", one.id)

    def test_empty_source_id_is_refused(self) -> None:
        """An empty source id is refused (it would make unrelated events one)."""
        with pytest.raises(InvalidValueError) as caught:
            _contact("web", "")
        assert caught.value.field == "source_id"

    def test_identifiers_are_deduplicated(self) -> None:
        """The same identifier seen twice is kept once."""
        normalize = Normalizer(default_region="FR")
        contact = Contact(
            channel="phone",
            direction="inbound",
            occurred_at=T0,
            identifiers=[normalize.phone("06 12 34 56 78"), normalize.phone("+33612345678")],
        )
        assert len(contact.identifiers) == 1

    def test_non_identifier_is_refused(self) -> None:
        """Something that is not an identifier is refused in ``identifiers``."""
        with pytest.raises(InvalidValueError) as caught:
            Contact(channel="web", direction="inbound", occurred_at=T0, identifiers=["a@b.c"])
        assert caught.value.field == "identifiers"

    def test_attributes_must_be_json_data(self) -> None:
        """Attributes that JSON cannot hold are refused with their path."""
        with pytest.raises(InvalidValueError) as caught:
            Contact(
                channel="web", direction="inbound", occurred_at=T0, attributes={"a": {"b": {1}}}
            )
        assert caught.value.field == "attributes.a.b"
        with pytest.raises(InvalidValueError, match="NaN"):
            Contact(
                channel="web", direction="inbound", occurred_at=T0, attributes={"x": float("nan")}
            )

    def test_unknown_direction_is_refused(self) -> None:
        """A direction other than inbound or outbound is refused, naming the field."""
        with pytest.raises(InvalidValueError) as caught:
            Contact(channel="web", direction="sideways", occurred_at=T0)
        assert caught.value.field == "direction"

    @given(oct.contacts())
    def test_contact_is_hashable_and_equal_to_a_copy(self, contact: Contact) -> None:
        """A contact equals (and hashes like) an identical rebuild of itself."""
        again = attrs.evolve(contact)
        assert again == contact
        assert hash(again) == hash(contact)

    @given(oct.contacts())
    def test_source_id_decides_the_id(self, contact: Contact) -> None:
        """A contact with a source id has the id derived from it."""
        if contact.source_id is not None:
            assert contact.id == Contact.derive_id(contact.channel, contact.source_id)
        assert contact.occurred_at.utcoffset() == dt.timedelta(0)


class TestCase:
    def test_case_follows_a_matter_across_channels(self) -> None:
        """Email, then phone, then branch: one case, channels in time order."""
        email = _contact("email", "m1")
        call = _contact("phone", "c1", T0 + dt.timedelta(days=1))
        visit = _contact("branch", "v1", T0 + dt.timedelta(days=2))
        case = Case.open_with(email, subject="Refund").with_contact(visit).with_contact(call)
        assert case.channels == ("email", "phone", "branch")
        assert case.status is CaseStatus.OPEN
        assert case.updated_at == T0 + dt.timedelta(days=2)

    def test_lifecycle_open_pending_resolved(self) -> None:
        """A case goes open → pending → resolved and keeps the history of changes."""
        case = Case.open_with(_contact("email", "m1"))
        case = case.transition("pending", at=T0 + dt.timedelta(hours=1), reason="waiting")
        case = case.transition(CaseStatus.RESOLVED, at=T0 + dt.timedelta(hours=2))
        assert [h.status for h in case.history] == [
            CaseStatus.OPEN,
            CaseStatus.PENDING,
            CaseStatus.RESOLVED,
        ]
        assert not case.is_open

    def test_new_contact_reopens_a_resolved_case(self) -> None:
        """A contact added to a resolved case reopens it at the contact's time."""
        case = Case.open_with(_contact("email", "m1")).transition("resolved", at=T0)
        later = _contact("phone", "c1", T0 + dt.timedelta(days=3))
        reopened = case.with_contact(later)
        assert reopened.status is CaseStatus.OPEN
        assert reopened.history[-1].at == later.occurred_at
        assert "reopened" in reopened.history[-1].reason

    def test_resolved_case_cannot_go_pending(self) -> None:
        """Resolved → pending is not a transition: CaseTransitionError."""
        case = Case.open_with(_contact("email", "m1")).transition("resolved", at=T0)
        with pytest.raises(CaseTransitionError, match="resolved to pending"):
            case.transition("pending", at=T0)

    def test_transition_before_opening_is_refused(self) -> None:
        """A status change dated before the case opened is refused."""
        case = Case.open_with(_contact("email", "m1"))
        with pytest.raises(InvalidValueError) as caught:
            case.transition("pending", at=T0 - dt.timedelta(seconds=1))
        assert caught.value.field == "at"

    def test_adding_a_contact_twice_changes_nothing(self) -> None:
        """Adding a contact already in the case returns the case unchanged."""
        contact = _contact("email", "m1")
        case = Case.open_with(contact)
        assert case.with_contact(_contact("email", "m1")) is case

    def test_duplicate_contacts_are_refused(self) -> None:
        """A case listing one contact twice is refused."""
        case = Case.open_with(_contact("email", "m1"))
        with pytest.raises(InvalidValueError) as caught:
            attrs.evolve(case, contacts=case.contacts * 2)
        assert caught.value.field == "case.contacts"

    @given(oct.cases())
    def test_history_follows_the_lifecycle(self, case: Case) -> None:
        """Every recorded status change is an allowed one and the last one is the status."""
        allowed = {
            (CaseStatus.OPEN, CaseStatus.PENDING),
            (CaseStatus.OPEN, CaseStatus.RESOLVED),
            (CaseStatus.PENDING, CaseStatus.OPEN),
            (CaseStatus.PENDING, CaseStatus.RESOLVED),
            (CaseStatus.RESOLVED, CaseStatus.OPEN),
        }
        statuses = [change.status for change in case.history]
        assert statuses[0] is CaseStatus.OPEN
        assert all(pair in allowed for pair in itertools.pairwise(statuses))
        assert statuses[-1] is case.status
        assert all(change.at >= case.opened_at for change in case.history)


def _consent(status: str, at: dt.datetime, *, until: dt.datetime | None = None) -> Consent:
    return Consent(
        point=EMAIL_POINT,
        purpose=Purpose.MARKETING,
        status=status,
        recorded_at=at,
        source="web-form",
        until=until,
    )


class TestConsentLedger:
    def test_nothing_known_is_none(self) -> None:
        """Before any statement the status is unknown, and marketing is not allowed."""
        ledger = ConsentLedger()
        assert ledger.status(EMAIL_POINT, Purpose.MARKETING, at=T0) is None
        assert not ledger.allows(EMAIL_POINT, Purpose.MARKETING, at=T0)

    def test_latest_statement_rules(self) -> None:
        """A withdrawal after a grant ends it; the grant applied before."""
        ledger = (
            ConsentLedger()
            .record(_consent("granted", T0))
            .record(_consent("withdrawn", T0 + dt.timedelta(days=10)))
        )
        assert ledger.allows(EMAIL_POINT, Purpose.MARKETING, at=T0 + dt.timedelta(days=5))
        assert ledger.status(EMAIL_POINT, Purpose.MARKETING, at=T0 + dt.timedelta(days=11)) is (
            ConsentStatus.WITHDRAWN
        )

    def test_statement_recorded_later_is_not_yet_in_force(self) -> None:
        """A statement recorded after ``at`` does not count at ``at``."""
        ledger = ConsentLedger().record(_consent("granted", T0 + dt.timedelta(days=1)))
        assert ledger.status(EMAIL_POINT, Purpose.MARKETING, at=T0) is None

    def test_grant_expires(self) -> None:
        """A grant with ``until`` is in force before it and unknown from it on."""
        until = T0 + dt.timedelta(days=30)
        ledger = ConsentLedger().record(_consent("granted", T0, until=until))
        assert ledger.allows(EMAIL_POINT, Purpose.MARKETING, at=until - dt.timedelta(seconds=1))
        assert ledger.status(EMAIL_POINT, Purpose.MARKETING, at=until) is None

    def test_until_must_be_after_recorded_at(self) -> None:
        """An expiry at or before the recording time is refused."""
        with pytest.raises(InvalidValueError) as caught:
            _consent("granted", T0, until=T0)
        assert caught.value.field == "consent.until"

    @pytest.mark.parametrize("refusal", ["denied", "withdrawn"])
    def test_refusal_wins_at_the_same_instant(self, refusal: str) -> None:
        """A refusal and a grant recorded at one instant: the refusal rules, in either order."""
        grant, no = _consent("granted", T0), _consent(refusal, T0)
        for entries in ([grant, no], [no, grant]):
            ledger = ConsentLedger(entries=entries)
            assert not ledger.allows(EMAIL_POINT, Purpose.MARKETING, at=T0)
            assert ledger.status(EMAIL_POINT, Purpose.MARKETING, at=T0) is ConsentStatus(refusal)

    def test_same_instant_grants_do_not_depend_on_entry_order(self) -> None:
        """Of two grants recorded at one instant, the expiring one rules whatever the order
        (before the fix, the first entry won, so reordering the ledger changed the answer)."""
        expiring = _consent("granted", T0, until=T0 + dt.timedelta(days=1))
        open_ended = _consent("granted", T0)
        later = T0 + dt.timedelta(days=2)
        answers = {
            ConsentLedger(entries=entries).allows(EMAIL_POINT, Purpose.MARKETING, at=later)
            for entries in ([expiring, open_ended], [open_ended, expiring])
        }
        assert answers == {False}

    def test_record_is_idempotent(self) -> None:
        """Recording the same statement twice keeps one entry."""
        statement = _consent("granted", T0)
        ledger = ConsentLedger().record(statement)
        assert ledger.record(statement) is ledger
        assert len(ledger.entries) == 1

    def test_naive_query_time_is_refused(self) -> None:
        """Asking about a naive time is refused."""
        with pytest.raises(InvalidValueError):
            ConsentLedger().allows(EMAIL_POINT, "marketing", at=dt.datetime(2026, 1, 1))

    def test_purposes_and_points_are_separate(self) -> None:
        """A marketing grant says nothing of surveys, nor of another contact point."""
        other = ContactPoint(channel="email", identifier=Normalizer().email("bob@example.com"))
        ledger = ConsentLedger().record(_consent("granted", T0))
        assert ledger.status(EMAIL_POINT, Purpose.SURVEYS, at=T0) is None
        assert ledger.status(other, Purpose.MARKETING, at=T0) is None

    @given(oct.consent_ledgers(min_size=1), st.randoms(use_true_random=False), st.data())
    def test_answers_do_not_depend_on_entry_order(
        self, ledger: ConsentLedger, rng: random.Random, data: st.DataObject
    ) -> None:
        """Shuffling a ledger's entries changes no status at any instant."""
        shuffled = list(ledger.entries)
        rng.shuffle(shuffled)
        other = ConsentLedger(entries=shuffled)
        entry = data.draw(st.sampled_from(ledger.entries))
        for at in {e.recorded_at for e in ledger.entries} | {
            e.until for e in ledger.entries if e.until
        }:
            assert ledger.status(entry.point, entry.purpose, at=at) is other.status(
                entry.point, entry.purpose, at=at
            )


class TestQuietHours:
    WINDOW = QuietHours(start=dt.time(21), end=dt.time(8))

    @pytest.mark.parametrize(
        ("clock", "inside"),
        [
            (dt.time(20, 59), False),
            (dt.time(21, 0), True),
            (dt.time(23, 30), True),
            (dt.time(0, 0), True),
            (dt.time(7, 59), True),
            (dt.time(8, 0), False),
            (dt.time(12, 0), False),
        ],
    )
    def test_window_wraps_past_midnight(self, clock: dt.time, inside: bool) -> None:
        """A 21:00–08:00 window holds the late evening and the early morning, not the day."""
        assert self.WINDOW.contains(dt.datetime.combine(dt.date(2026, 3, 3), clock)) is inside

    def test_days_are_the_days_the_window_starts(self) -> None:
        """A window starting on Mondays covers early Tuesday but not early Monday."""
        mondays = QuietHours(start=dt.time(21), end=dt.time(8), days={0})
        assert mondays.contains(dt.datetime(2026, 3, 3, 7, 0))  # Tuesday morning
        assert not mondays.contains(dt.datetime(2026, 3, 2, 7, 0))  # Monday morning
        assert mondays.contains(dt.datetime(2026, 3, 2, 22, 0))  # Monday night

    def test_same_start_and_end_is_refused(self) -> None:
        """An empty (or full-day) window is ambiguous and refused."""
        with pytest.raises(InvalidValueError):
            QuietHours(start=dt.time(8), end=dt.time(8))

    @pytest.mark.parametrize("days", [set(), {7}, {-1}])
    def test_bad_days_are_refused(self, days: set[int]) -> None:
        """Days must be a non-empty set of weekdays 0 to 6."""
        with pytest.raises(InvalidValueError) as caught:
            QuietHours(start=dt.time(21), end=dt.time(8), days=days)
        assert caught.value.field == "quiet_hours.days"

    def test_time_with_a_zone_is_refused(self) -> None:
        """Quiet hours are local wall-clock times, without a zone."""
        with pytest.raises(InvalidValueError) as caught:
            QuietHours(start=dt.time(21, tzinfo=UTC), end=dt.time(8))
        assert caught.value.field == "quiet_hours.start"

    @given(oct.quiet_hours(), st.datetimes())
    def test_every_day_window_matches_its_clock_interval(
        self, window: QuietHours, local: dt.datetime
    ) -> None:
        """On a window active every day, membership is exactly the clock interval."""
        daily = attrs.evolve(window, days=range(7))
        clock = local.time()
        if daily.start < daily.end:
            expected = daily.start <= clock < daily.end
        else:
            expected = not (daily.end <= clock < daily.start)
        assert daily.contains(local) is expected


class TestPreferences:
    def test_in_quiet_hours_uses_the_customer_zone(self) -> None:
        """22:30 UTC in January is 23:30 in Paris: inside a 21:00–08:00 Paris window."""
        prefs = Preferences(quiet_hours=[TestQuietHours.WINDOW], timezone="Europe/Paris")
        assert prefs.in_quiet_hours(dt.datetime(2026, 1, 5, 22, 30, tzinfo=UTC))
        assert not prefs.in_quiet_hours(dt.datetime(2026, 1, 5, 19, 30, tzinfo=UTC))

    def test_without_zone_utc_is_used(self) -> None:
        """Without a time zone the window is read in UTC."""
        prefs = Preferences(quiet_hours=[TestQuietHours.WINDOW])
        assert prefs.in_quiet_hours(dt.datetime(2026, 1, 5, 22, 30, tzinfo=UTC))

    def test_channel_preferred_and_opted_out_is_refused(self) -> None:
        """A channel cannot be both preferred and opted out."""
        with pytest.raises(InvalidValueError) as caught:
            Preferences(preferred_channels=["sms"], opted_out_channels={"sms"})
        assert caught.value.field == "preferences"

    def test_preferred_channels_keep_order_and_drop_repeats(self) -> None:
        """Preferred channels keep their order, each once."""
        assert Preferences(preferred_channels=["sms", "email", "sms"]).preferred_channels == (
            "sms",
            "email",
        )

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"language": "French"}, "preferences.language"),
            ({"timezone": "Paris"}, "preferences.timezone"),
            ({"preferred_channels": "sms"}, "preferences.channels"),
            ({"preferred_channels": ["SMS"]}, "preferences.channels"),
        ],
    )
    def test_bad_values_are_refused_naming_the_field(
        self, fields: dict[str, object], field: str
    ) -> None:
        """A bad language tag, zone or channel name is refused with its field."""
        with pytest.raises(InvalidValueError) as caught:
            Preferences(**fields)  # type: ignore[arg-type]
        assert caught.value.field == field

    @given(oct.preferences())
    def test_preferred_and_opted_out_never_overlap(self, prefs: Preferences) -> None:
        """Generated preferences never both prefer and refuse a channel."""
        assert not set(prefs.preferred_channels) & prefs.opted_out_channels


def _outcome(convert: Any, value: Any) -> tuple[Any, ...]:
    """What a converter gives: its result, or the class, field and message of its error."""
    try:
        return ("value", convert(value))
    except InvalidValueError as error:
        return ("error", type(error), error.field, str(error))


def _equal_copies(items: list[Any]) -> list[Any]:
    """Equal but distinct copies of the identifiers among ``items``."""
    return [attrs.evolve(item) for item in items if attrs.has(type(item))]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3).map(tuple)
        | st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


class TestConverterShortcuts:
    @given(
        st.lists(
            oct.identifiers() | st.sampled_from(["ann@example.com", 3, None]), max_size=5
        ).flatmap(lambda items: st.permutations(items + items[:1] + _equal_copies(items[1:3]))),
        st.booleans(),
    )
    def test_identifiers_shortcut_is_the_general_path(
        self, items: list[Any], as_tuple: bool
    ) -> None:
        """Lists and tuples of identifiers (repeated or not, with bad items or not) are
        checked and deduplicated as the general path does, keeping the same objects."""
        value = tuple(items) if as_tuple else items
        fast, plain = _outcome(_identifiers, value), _outcome(_unique_identifiers, value)
        assert fast == plain
        if fast[0] == "value":
            assert all(a is b for a, b in zip(fast[1], plain[1], strict=True))

    @given(
        st.dictionaries(st.text(max_size=3), st.text(max_size=3) | json_values, max_size=4)
        | st.dictionaries(st.integers(), st.text(max_size=3), max_size=2)
        | st.none()
        | st.sampled_from(["state", ["a"], 3])
    )
    def test_attributes_shortcut_is_the_general_path(self, value: Any) -> None:
        """Attribute mappings (flat text or any JSON, or bad values) convert as the general
        path converts them, to a new read-only mapping."""
        fast, plain = _outcome(_attributes, value), _outcome(_checked_attributes, value)
        assert fast == plain  # NaN is refused by both, so equal values compare equal
        if fast[0] == "value":
            assert fast[1] is not value


def _mutable_parts(value: Any) -> list[Any]:
    """The lists, dicts and sets anywhere inside ``value``."""
    if isinstance(value, (list, dict, set)):
        return [value]
    if isinstance(value, Mapping):
        return [part for item in value.values() for part in _mutable_parts(item)]
    if isinstance(value, tuple):
        return [part for item in value for part in _mutable_parts(item)]
    return []


def _plain(value: Any) -> Any:
    """JSON data as JSON reads it back: dicts and lists all the way down."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


class TestAttributesAreImmutable:
    @given(st.dictionaries(st.text(max_size=3), json_values, max_size=4))
    def test_no_part_of_the_attributes_can_change(self, value: dict[str, Any]) -> None:
        """Whatever JSON data is given, a contact's attributes hold no list, dict or set,
        refuse item assignment, and read back as the data given (tuples for lists)."""
        try:
            contact = Contact(channel="web", direction="inbound", occurred_at=T0, attributes=value)
        except InvalidValueError:  # NaN somewhere inside: refused, as before
            return
        attributes = contact.attributes
        assert _mutable_parts(attributes) == []
        with pytest.raises(TypeError):
            attributes["new"] = 1  # type: ignore[index]
        assert _plain(attributes) == _plain(value)
        assert loads(dumps(contact), Contact).attributes == attributes

    def test_the_callers_dict_is_copied(self) -> None:
        """Changing the dict a contact was built from does not change the contact."""
        given_attributes: dict[str, Any] = {"tags": ["a"], "flat": "x"}
        contact = Contact(
            channel="web", direction="inbound", occurred_at=T0, attributes=given_attributes
        )
        given_attributes["tags"].append("b")
        given_attributes["flat"] = "y"
        assert contact.attributes == {"tags": ("a",), "flat": "x"}
