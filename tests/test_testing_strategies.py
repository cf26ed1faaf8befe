"""Tests for ``omnicontact.testing``: every strategy's values are valid and round-trip."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import omnicontact
from omnicontact import (
    Case,
    ConsentLedger,
    Contact,
    DateOfBirth,
    EmailAddress,
    IdentifierKind,
    PersonName,
    PhoneNumber,
    PhoneType,
    dumps,
    loads,
    to_dict,
)
from omnicontact import testing as oct
from omnicontact.exceptions import InvalidIdentifierError

# Every strategy of the kit, called with its defaults, and the type of value it gives.
VALUE_STRATEGIES: dict[str, tuple[Callable[[], st.SearchStrategy[Any]], type | None]] = {
    "cases": (oct.cases, omnicontact.Case),
    "channels": (oct.channels, omnicontact.Channel),
    "consent_ledgers": (oct.consent_ledgers, omnicontact.ConsentLedger),
    "consents": (oct.consents, omnicontact.Consent),
    "contact_points": (oct.contact_points, omnicontact.ContactPoint),
    "contacts": (oct.contacts, omnicontact.Contact),
    "dates_of_birth": (oct.dates_of_birth, omnicontact.DateOfBirth),
    "emails": (oct.emails, omnicontact.EmailAddress),
    "external_ids": (oct.external_ids, omnicontact.ExternalId),
    "identifiers": (oct.identifiers, None),
    "normalizers": (oct.normalizers, omnicontact.Normalizer),
    "person_names": (oct.person_names, omnicontact.PersonName),
    "phone_numbers": (oct.phone_numbers, omnicontact.PhoneNumber),
    "postal_addresses": (oct.postal_addresses, omnicontact.PostalAddress),
    "preferences": (oct.preferences, omnicontact.Preferences),
    "quiet_hours": (oct.quiet_hours, omnicontact.QuietHours),
    "records": (oct.records, omnicontact.Record),
    "social_handles": (oct.social_handles, omnicontact.SocialHandle),
}
BUILT = {name: make() for name, (make, _) in VALUE_STRATEGIES.items()}
RAW_STRATEGIES = {"raw_emails", "raw_phones"}
INVALID_STRATEGIES = {"invalid_dates", "invalid_emails", "invalid_phones"}
# Strategies for configuration types, tested in test_testing_config.py.
CONFIG_STRATEGIES = {
    "blockings",
    "comparisons",
    "deterministic_rules",
    "guard_policies",
    "match_models",
    "record_mappings",
}
# household_populations is tested with the checkers it feeds, in test_testing_truth.py.
POPULATION_STRATEGIES = {
    "household_populations",
    "populations",
    "synthetic_population",
    "tangled_records",
}
# Not strategies: the invariant checkers and accuracy, tested in test_testing_invariants.py,
# and the ground-truth and reference checkers, tested in test_testing_truth.py.
CHECKERS = {
    "accuracy",
    "check_accuracy",
    "check_against_reference",
    "check_guards",
    "check_idempotence",
    "check_ids_logged",
    "check_incremental_equals_batch",
    "check_invariants",
    "check_judgements",
    "check_no_over_merge",
    "check_order_independence",
    "check_unmerge_restores",
    "score_partition",
}
HELPERS = {"file_backed_resolvers"}  # tested in test_testing_truth.py
IDENTIFIER_TYPES = tuple(
    getattr(omnicontact, name)
    for name in (
        "EmailAddress",
        "PhoneNumber",
        "PostalAddress",
        "PersonName",
        "DateOfBirth",
        "ExternalId",
        "SocialHandle",
    )
)


class TestKitSurface:
    def test_every_strategy_is_covered_here(self) -> None:
        """Each exported strategy is checked by one of the tests below."""
        strategies = {name for name in oct.__all__ if name.islower()} - CHECKERS - HELPERS
        assert strategies == (
            set(VALUE_STRATEGIES)
            | RAW_STRATEGIES
            | INVALID_STRATEGIES
            | POPULATION_STRATEGIES
            | CONFIG_STRATEGIES
        )

    @pytest.mark.parametrize("name", sorted(VALUE_STRATEGIES))
    def test_options_are_keyword_only(self, name: str) -> None:
        """Strategies take their options by keyword only, as Hypothesis's do."""
        import inspect

        parameters = inspect.signature(getattr(oct, name)).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


class TestValuesAreValid:
    @pytest.mark.parametrize("name", sorted(VALUE_STRATEGIES))
    @given(data=st.data())
    def test_values_pass_validators_and_round_trip(self, name: str, data: Any) -> None:
        """A drawn value is of its type, rebuilds through its validators unchanged, and
        survives JSON with its raw values."""
        expected_type = VALUE_STRATEGIES[name][1]
        value = data.draw(BUILT[name])
        assert isinstance(value, expected_type or IDENTIFIER_TYPES)
        assert attrs.evolve(value) == value  # runs every converter and validator again
        again = loads(dumps(value))
        assert again == value
        assert to_dict(again) == to_dict(value)

    @given(oct.phone_numbers(), st.data())
    def test_national_raw_phones_read_in_the_number_region(
        self, number: PhoneNumber, data: st.DataObject
    ) -> None:
        """Every variant, national ones included, reads back in the number's region."""
        raw = data.draw(oct.raw_phones(number))
        assert PhoneNumber.parse(raw, region=number.region) == number

    @given(oct.phone_numbers(), st.data())
    def test_international_raw_phones_need_no_region(
        self, number: PhoneNumber, data: st.DataObject
    ) -> None:
        """With ``national=False`` every variant reads back without a default region."""
        raw = data.draw(oct.raw_phones(number, national=False))
        assert PhoneNumber.parse(raw) == number

    @given(oct.emails(provider_rules=True), st.data())
    def test_raw_emails_with_provider_rules_fold_back(
        self, email: EmailAddress, data: st.DataObject
    ) -> None:
        """Dotted and tagged variants of a provider-ruled address fold back to it."""
        raw = data.draw(oct.raw_emails(email))
        assert EmailAddress.parse(raw, provider_rules=True) == email

    @given(oct.raw_emails())
    def test_raw_emails_parse(self, raw: str) -> None:
        """Every raw email variant is accepted by the parser."""
        assert "@" in EmailAddress.parse(raw).value


class TestInvalidValuesAreRefused:
    @given(oct.invalid_phones())
    def test_invalid_phones(self, raw: str) -> None:
        """Every invalid phone string raises InvalidIdentifierError for the phone field."""
        with pytest.raises(InvalidIdentifierError) as caught:
            omnicontact.Normalizer(default_region="FR").phone(raw)
        assert caught.value.field == "phone"

    @given(oct.invalid_emails())
    def test_invalid_emails(self, raw: str) -> None:
        """Every invalid email string raises InvalidIdentifierError for the email field."""
        with pytest.raises(InvalidIdentifierError) as caught:
            omnicontact.Normalizer(email_provider_rules=True).email(raw)
        assert caught.value.field == "email"

    @given(oct.invalid_dates(order="MDY"))
    def test_invalid_dates(self, raw: str) -> None:
        """Every invalid date string raises InvalidIdentifierError for the date field."""
        with pytest.raises(InvalidIdentifierError) as caught:
            omnicontact.Normalizer(date_order="MDY").date_of_birth(raw)
        assert caught.value.field == "date_of_birth"


class TestOptions:
    @given(oct.phone_numbers(regions=["JP", "BR"], types=[PhoneType.MOBILE]))
    def test_phone_regions_and_types(self, number: PhoneNumber) -> None:
        """Phone numbers come from the regions and line types asked for."""
        assert number.region in {"JP", "BR"}
        assert number.number_type is PhoneType.MOBILE

    @given(oct.phone_numbers(regions={"DE", "ES"}), oct.postal_addresses(countries={"IT"}))
    def test_sets_are_accepted_as_collections(
        self, number: PhoneNumber, address: omnicontact.PostalAddress
    ) -> None:
        """Options given as sets work too (and are drawn in a stable, sorted order)."""
        assert number.region in {"DE", "ES"}
        assert address.country in {"IT", None}

    @given(oct.contacts(channels=["email", "whatsapp"], min_identifiers=2, max_identifiers=2))
    def test_contact_channels_and_identifier_count(self, contact: Contact) -> None:
        """Contacts use the channels asked for and hold the number of identifiers asked for
        (fewer only when two drawn identifiers were equal)."""
        assert contact.channel in {"email", "whatsapp"}
        assert 1 <= len(contact.identifiers) <= 2

    @given(oct.cases(min_size=2, max_size=3))
    def test_case_sizes(self, case: Case) -> None:
        """Cases group between ``min_size`` and ``max_size`` contacts."""
        assert 2 <= len(case.contacts) <= 3

    @given(oct.consent_ledgers(min_size=2, max_size=4))
    def test_ledger_sizes(self, ledger: ConsentLedger) -> None:
        """Ledgers hold between ``min_size`` and ``max_size`` statements."""
        assert 2 <= len(ledger.entries) <= 4

    @given(oct.identifiers(kinds=["email", IdentifierKind.SOCIAL]))
    def test_identifier_kinds(self, identifier: Any) -> None:
        """Only the identifier kinds asked for are drawn."""
        assert identifier.kind in {IdentifierKind.EMAIL, IdentifierKind.SOCIAL}

    @given(
        oct.dates_of_birth(
            order="MDY", min_value=dt.date(1990, 1, 1), max_value=dt.date(1990, 12, 31)
        )
    )
    def test_date_bounds(self, date: DateOfBirth) -> None:
        """Dates of birth stay within the bounds asked for."""
        assert date.value.year == 1990

    @given(oct.person_names(non_latin=False))
    def test_latin_only_names_fold_to_ascii(self, name: PersonName) -> None:
        """Without non-Latin scripts every name folds to an ASCII key."""
        assert name.key.isascii()

    @given(oct.channels(builtin_only=True))
    def test_builtin_only_channels(self, channel: omnicontact.Channel) -> None:
        """``builtin_only`` draws only the built-in channels."""
        assert channel in omnicontact.BUILTIN_CHANNELS

    def test_strategies_draw_varied_values(self) -> None:
        """Generated names include non-Latin scripts and addresses several countries."""
        scripts: set[bool] = set()
        countries: set[str | None] = set()

        @settings(max_examples=100, database=None)
        @given(oct.person_names(), oct.postal_addresses())
        def collect(name: PersonName, address: omnicontact.PostalAddress) -> None:
            scripts.add(name.key.isascii())
            countries.add(address.country)

        collect()
        assert scripts == {True, False}
        assert len(countries) >= 3


BAD_ARGUMENTS: list[tuple[Callable[..., st.SearchStrategy[Any]], dict[str, Any]]] = [
    (oct.phone_numbers, {"regions": []}),
    (oct.phone_numbers, {"regions": "FR"}),
    (oct.phone_numbers, {"regions": ["XX"]}),
    (oct.phone_numbers, {"types": [PhoneType.UNKNOWN]}),
    (oct.phone_numbers, {"regions": ["SN"], "types": [PhoneType.PAGER]}),
    (oct.invalid_phones, {"regions": ["ZZ"]}),
    (oct.raw_phones, {"number": "+33612345678"}),
    (oct.raw_phones, {"national": "yes"}),
    (oct.emails, {"provider_rules": "yes"}),
    (oct.raw_emails, {"email": "a@example.com"}),
    (oct.dates_of_birth, {"order": "XYZ"}),
    (oct.dates_of_birth, {"min_value": dt.date(1850, 1, 1)}),
    (oct.dates_of_birth, {"min_value": dt.date(2000, 1, 1), "max_value": dt.date(1999, 1, 1)}),
    (oct.dates_of_birth, {"max_value": dt.datetime(2000, 1, 1)}),
    (oct.invalid_dates, {"order": "dmy"}),
    (oct.person_names, {"non_latin": 1}),
    (oct.postal_addresses, {"countries": ["ZZ"]}),
    (oct.postal_addresses, {"countries": []}),
    (oct.external_ids, {"namespaces": []}),
    (oct.social_handles, {"platforms": ["Insta Gram"]}),
    (oct.identifiers, {"kinds": ["fax"]}),
    (oct.identifiers, {"kinds": []}),
    (oct.channels, {"builtin_only": 1}),
    (oct.contact_points, {"channels": ["E-mail"]}),
    (oct.contacts, {"channels": "email"}),
    (oct.contacts, {"min_identifiers": -1}),
    (oct.contacts, {"min_identifiers": 3, "max_identifiers": 1}),
    (oct.cases, {"min_size": 0}),
    (oct.cases, {"min_size": 3, "max_size": 2}),
    (oct.consents, {"points": []}),
    (oct.consents, {"purposes": ["Marketing"]}),
    (oct.consent_ledgers, {"min_size": -1}),
    (oct.consent_ledgers, {"max_size": 1.5}),
    (oct.preferences, {"channels": []}),
]


class TestInvalidArguments:
    @pytest.mark.parametrize(
        ("make", "kwargs"),
        BAD_ARGUMENTS,
        ids=[f"{make.__name__}-{sorted(kwargs)}" for make, kwargs in BAD_ARGUMENTS],
    )
    def test_bad_argument_raises_invalid_argument_when_used(
        self, make: Callable[..., st.SearchStrategy[Any]], kwargs: dict[str, Any]
    ) -> None:
        """A bad argument is reported as InvalidArgument when the strategy is first used,
        not when it is defined (so a module-level definition never breaks collection)."""
        strategy = make(**kwargs)
        with pytest.raises(InvalidArgument):
            strategy.validate()

    def test_bad_argument_fails_the_test_that_draws(self) -> None:
        """A test drawing from a badly configured strategy fails with InvalidArgument."""

        @given(oct.cases(min_size=0))
        def draws(case: Case) -> None:
            raise AssertionError("never reached")

        with pytest.raises(InvalidArgument, match="min_size"):
            draws()


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


class TestOptionalDependency:
    def test_omnicontact_imports_without_hypothesis(self) -> None:
        """``import omnicontact`` works when Hypothesis is not installed."""
        result = _run(
            "import sys; sys.modules['hypothesis'] = None\n"
            "import omnicontact\n"
            "assert 'hypothesis' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
            "print(omnicontact.Contact.__name__)"
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "Contact"

    def test_testing_without_hypothesis_says_which_extra_to_install(self) -> None:
        """``import omnicontact.testing`` without Hypothesis is an ImportError naming the extra."""
        result = _run(
            "import sys; sys.modules['hypothesis'] = None\n"
            "try:\n"
            "    import omnicontact.testing\n"
            "except ImportError as error:\n"
            "    print(error)\n"
        )
        assert result.returncode == 0, result.stderr
        assert "pip install 'omnicontact[hypothesis]'" in result.stdout


class TestPopulations:
    @given(oct.populations(max_size=4))
    def test_population_records_are_valid_documents(self, population: oct.Population) -> None:
        """Every record drawn passes its validators, survives JSON and has a known person."""
        ids = [record.id for record in population.records]
        assert len(ids) == len(set(ids))
        assert set(population.truth) == set(ids)
        for record in population.records:
            assert omnicontact.loads(omnicontact.dumps(record)) == record

    @given(oct.tangled_records(max_size=6))
    def test_tangled_records_are_valid_documents(self, records: tuple[Any, ...]) -> None:
        """Tangled records have distinct ids and survive JSON."""
        assert 2 <= len(records) <= 6
        assert len({record.id for record in records}) == len(records)
        for record in records:
            assert omnicontact.loads(omnicontact.dumps(record)) == record

    def test_synthetic_population_is_reproducible(self) -> None:
        """The same seed gives the same records and truth; another seed does not."""
        first = oct.synthetic_population(30, seed=3)
        assert first == oct.synthetic_population(30, seed=3)
        assert first.truth == oct.synthetic_population(30, seed=3).truth
        assert first != oct.synthetic_population(30, seed=4)
        assert len(first.true_partition()) == 30

    @given(oct.populations(min_size=2, max_size=3, max_records_per_person=2))
    def test_population_sizes_count_people(self, population: oct.Population) -> None:
        """``min_size``/``max_size`` bound the number of people, each with 1 to
        ``max_records_per_person`` records."""
        people = population.true_partition()
        assert 2 <= len(people) <= 3
        assert all(1 <= len(group) <= 2 for group in people)

    @given(oct.populations(min_people=2, max_people=2))
    def test_old_size_names_still_work(self, population: oct.Population) -> None:
        """``min_people``/``max_people`` remain accepted as the older names of the sizes."""
        assert len(population.true_partition()) == 2

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"min_size": -1},
            {"min_size": 3, "max_size": 2},
            {"max_size": 1.5},
            {"min_size": 1, "min_people": 1},
            {"max_size": 2, "max_people": 2},
            {"max_records_per_person": 0},
            {"noise": 51},
            {"household_percent": -1},
            {"junk": "yes"},
        ],
        ids=repr,
    )
    def test_populations_reject_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        """Bad options raise InvalidArgument when the strategy is first used."""
        strategy = oct.populations(**kwargs)
        with pytest.raises(InvalidArgument):
            strategy.validate()

    @pytest.mark.parametrize(
        ("make", "kwargs"),
        [
            (oct.tangled_records, {"min_size": 3, "max_size": 1}),
            (oct.tangled_records, {"min_size": -2}),
            (oct.records, {"max_size": -1}),
            (oct.records, {"sources": "web"}),
            (oct.records, {"sources": ["Not A Source"]}),
        ],
        ids=repr,
    )
    def test_record_strategies_reject_bad_arguments(
        self, make: Callable[..., st.SearchStrategy[Any]], kwargs: dict[str, Any]
    ) -> None:
        """Bad options of the record strategies raise InvalidArgument when first used."""
        strategy = make(**kwargs)
        with pytest.raises(InvalidArgument):
            strategy.validate()

    @given(oct.records(min_size=1, max_size=3, sources=["kiosk"]))
    def test_records_keep_their_options(self, record: omnicontact.Record) -> None:
        """A drawn record has 1 to 3 identifiers and comes from one of the given sources."""
        assert record.source == "kiosk"
        assert 1 <= len(record.identifiers) <= 3


class TestPopulationCorruption:
    """A large seeded population shows every kind of corruption the kit promises."""

    POPULATION = oct.synthetic_population(400, seed=11)

    @property
    def raws(self) -> list[tuple[Any, Any]]:
        return [(r, item) for r in self.POPULATION.records for item in r.identifiers]

    @property
    def people(self) -> dict[str, list[Any]]:
        people: dict[str, list[Any]] = {}
        for record in self.POPULATION.records:
            people.setdefault(self.POPULATION.truth[record.id], []).append(record)
        return people

    def _raws(self, kind: str) -> list[str]:
        return [item.raw for _, item in self.raws if item.kind.value == kind]

    def test_nicknames_and_swapped_names(self) -> None:
        """Some names use a nickname (Bob for Robert), some are written family name first."""
        names = self._raws("name")
        assert any(name.split()[0] in {"Bob", "Bill", "Liz", "Mike", "Nico"} for name in names)
        assert any("," in name or name.split()[0].isupper() for name in names)

    def test_phone_and_email_format_variants(self) -> None:
        """One number is written several ways; e-mails appear upper-cased, bracketed, mailto."""
        phones = self._raws("phone")
        assert any("." in p for p in phones)
        assert any(p.startswith("0033") for p in phones)
        assert any(p.startswith("+33 (0)") for p in phones)
        emails = self._raws("email")
        assert any(e.startswith("mailto:") for e in emails)
        assert any(e.strip().startswith("<") for e in emails)

    def test_junk_values_and_shared_household_phones(self) -> None:
        """Junk phones and e-mails appear, and some landline is carried by two people."""
        assert {"0000000000", "0123456789", "0611111111"} & set(self._raws("phone"))
        assert any(e.startswith("test@") for e in self._raws("email"))
        owners: dict[str, set[str]] = {}
        for record, item in self.raws:
            if item.kind.value == "phone":
                owners.setdefault(item.key, set()).add(self.POPULATION.truth[record.id])
        assert any(len(people) > 1 for people in owners.values())

    def test_changed_addresses_and_missing_fields(self) -> None:
        """Some person has two different addresses; some records lack a field they could hold."""
        moved = 0
        for records in self.people.values():
            addresses = {i.key for r in records for i in r.identifiers if i.kind.value == "address"}
            moved += len(addresses) > 1
        assert moved
        phone_records = [r for r in self.POPULATION.records if r.source == "phone"]
        assert any(not r.of_kind("phone") for r in phone_records)


REGISTERS = ("census", "tax", "social_security")
REGISTER_KINDS = {
    "census": {"name", "date_of_birth", "address", "phone"},
    "tax": {"name", "external_id", "address"},
    "social_security": {"name", "date_of_birth", "external_id"},
}
PLACEHOLDERS = {"female", "male", "lady", "baby", "unknown", "nfn", "infant"}
RICH: dict[str, Any] = {
    "household_percent": 60,
    "twin_percent": 40,
    "shared_id_percent": 40,
    "name_variants": True,
    "id_errors": 10,
    "postcode_errors": 20,
    "sources": REGISTERS,
}


def _facts(population: oct.Population) -> dict[str, dict[str, set[Any]]]:
    """Per person: the family keys, given initials, dates and national ids their records show."""
    facts: dict[str, dict[str, set[Any]]] = {}
    for record in population.records:
        seen = facts.setdefault(
            population.truth[record.id],
            {
                "family": set(),
                "initial": set(),
                "dob": set(),
                "national_id": set(),
                "address": set(),
            },
        )
        for item in record.identifiers:
            if isinstance(item, PersonName):
                seen["family"].add(item.family_key)
                seen["initial"].add(item.given_key[:1])
            elif isinstance(item, DateOfBirth):
                seen["dob"].add(item.value)
            elif isinstance(item, omnicontact.ExternalId):
                seen["national_id"].add(item.value)
            elif isinstance(item, omnicontact.PostalAddress):
                seen["address"].add(item.key)
    return facts


def _check_decidable(population: oct.Population) -> None:
    facts = _facts(population)
    for a, b in itertools.combinations(sorted(facts), 2):
        if population.households[a] == population.households[b]:
            assert facts[a]["family"] == facts[b]["family"]
            assert not facts[a]["initial"] & facts[b]["initial"]
        else:
            assert not facts[a]["address"] & facts[b]["address"]
            if facts[a]["family"] & facts[b]["family"]:
                assert not facts[a]["dob"] & facts[b]["dob"]


def _given_word(record: omnicontact.Record) -> str | None:
    name = record.of_kind("name")
    if not name or name[0].given is None:
        return None
    return str(name[0].given_key.split(" ")[0])


class TestHouseholdPopulations:
    """Households, name variants, postcode and id errors, registers with their own fields."""

    @given(oct.populations(max_size=5, **RICH))
    def test_rich_records_are_valid_documents(self, population: oct.Population) -> None:
        """Rich records round-trip, come from the asked sources with those sources' fields,
        and every person has a household."""
        assert set(population.truth) == {record.id for record in population.records}
        assert set(population.households) == set(population.truth.values())
        for record in population.records:
            assert omnicontact.loads(omnicontact.dumps(record)) == record
            assert record.source in REGISTERS
            assert {item.kind.value for item in record.identifiers} <= REGISTER_KINDS[record.source]

    @given(
        oct.populations(
            min_size=2,
            max_size=5,
            noise=0,
            household_percent=80,
            twin_percent=50,
            shared_id_percent=50,
            name_variants=True,
            sources=REGISTERS,
        )
    )
    def test_truth_is_decidable(self, population: oct.Population) -> None:
        """Housemates share a family name but never a given initial; people sharing a family
        name and a date of birth are twins in one household; two households never share an
        address."""
        _check_decidable(population)

    @given(oct.populations(min_size=2, max_size=5, noise=0, household_percent=80))
    def test_truth_is_decidable_with_the_default_options(self, population: oct.Population) -> None:
        """The default channel populations keep the same guarantees."""
        _check_decidable(population)

    @given(
        oct.populations(
            min_size=2, max_size=4, noise=0, household_percent=100, twin_percent=100,
            sources=["census"],
        )
    )  # fmt: skip
    def test_twins_share_a_birth_date_not_a_given_name(self, population: oct.Population) -> None:
        """With every newcomer a twin of the household's first member, all share one date of
        birth and family name, and no two share a given initial."""
        facts = _facts(population)
        assert set(population.households.values()) == {"p0"}
        assert len(set().union(*(f["dob"] for f in facts.values()))) <= 1
        assert len(set().union(*(f["family"] for f in facts.values()))) == 1
        initials = [initial for f in facts.values() for initial in f["initial"]]
        assert len(initials) == len(set(initials))

    @given(
        oct.populations(
            min_size=2, max_size=4, noise=0, household_percent=100, shared_id_percent=100,
            sources=["tax"],
        )
    )  # fmt: skip
    def test_a_dependants_form_carries_their_own_or_the_heads_id(
        self, population: oct.Population
    ) -> None:
        """A dependant's records carry their own national id or the first member's, and the
        given name that tells them apart."""
        facts = _facts(population)
        head = facts["p0"]
        for person, seen in facts.items():
            if person == "p0":
                continue
            assert len(seen["national_id"] - head["national_id"]) <= 1
            assert not seen["initial"] & head["initial"]

    @given(
        oct.populations(
            max_size=4, noise=50, household_percent=60, twin_percent=50, shared_id_percent=50,
            name_variants=True, sources=REGISTERS,
        )
    )  # fmt: skip
    def test_placeholder_records_keep_their_fields(self, population: oct.Population) -> None:
        """A record whose given name is a placeholder carries every field of its source, and
        its person shares no national id with anyone (no dependant files under it)."""
        facts = _facts(population)
        for record in population.records:
            if _given_word(record) not in PLACEHOLDERS:
                continue
            assert {i.kind.value for i in record.identifiers} == REGISTER_KINDS[record.source]
            person = population.truth[record.id]
            for other, seen in facts.items():
                if other != person:
                    assert not seen["national_id"] & facts[person]["national_id"]

    def test_rich_population_shows_every_kind_of_noise(self) -> None:
        """A large rich population has nicknames, truncations, initials, placeholders, middle
        initials, misread ids, missing and wrong postcodes, twins and shared ids."""
        population = oct.synthetic_population(800, seed=3, noise=20, **RICH)
        words = {_given_word(record) for record in population.records}
        from omnicontact._text import fold
        from omnicontact.testing._populations import _VARIANTS

        nicknames = {fold(n).split(" ")[0] for forms in _VARIANTS.values() for n in forms}
        assert len(nicknames & words) >= 5  # nicknames of several names (Bobbie, Peggy, JP…)
        assert PLACEHOLDERS & words
        assert any(word and len(word) == 1 for word in words)  # J. is folded to j
        assert {"ant", "anth", "marg", "eliz", "vict", "rebe", "guil", "seba"} & words
        givens = [r.of_kind("name")[0].given_key for r in population.records if r.of_kind("name")]
        assert any(len(given.split(" ")) == 2 and len(given.split(" ")[1]) == 1 for given in givens)
        ids = [i.value for r in population.records for i in r.of_kind("external_id")]
        assert any("O" in value or "I" in value for value in ids)
        addresses = [i for r in population.records for i in r.of_kind("address")]
        assert any(a.postal_code is None for a in addresses)
        codes = {"75009", "69003", "13001", "33000", "59000", "44000", "31000", "67000"}
        assert any(a.postal_code and a.postal_code not in codes for a in addresses)
        facts = _facts(population)
        by_house: dict[str, list[str]] = {}
        for person, house in population.households.items():
            by_house.setdefault(house, []).append(person)
        twins = shared = 0
        for members in by_house.values():
            for a, b in itertools.combinations(members, 2):
                twins += bool(facts[a]["dob"] & facts[b]["dob"])
                shared += bool(facts[a]["national_id"] & facts[b]["national_id"])
        assert twins
        assert shared

    def test_rich_synthetic_population_is_reproducible(self) -> None:
        """The same seed and options give the same records, truth and households."""
        first = oct.synthetic_population(40, seed=5, **RICH)
        again = oct.synthetic_population(40, seed=5, **RICH)
        assert first == again
        assert (first.truth, first.households) == (again.truth, again.households)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"twin_percent": 101},
            {"shared_id_percent": -1},
            {"id_errors": 1.5},
            {"postcode_errors": True},
            {"name_variants": 1},
            {"sources": "census"},
            {"sources": []},
            {"sources": ["census", "passport"]},
        ],
        ids=repr,
    )
    def test_new_options_reject_bad_values(self, kwargs: dict[str, Any]) -> None:
        """Bad household and noise options raise InvalidArgument, from the strategy when first
        used and from synthetic_population at once."""
        with pytest.raises(InvalidArgument):
            oct.populations(**kwargs).validate()
        with pytest.raises(InvalidArgument):
            oct.synthetic_population(3, **kwargs)
