"""Unit tests of comparisons, the match model, estimation, guards and blocking."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given

import omnicontact.testing as oct
from omnicontact import ExternalId, Identifier, Normalizer, PersonName
from omnicontact.exceptions import InvalidValueError
from omnicontact.identity import (
    BLOCKING_RULES,
    LEVELS,
    Blocking,
    Comparison,
    ComparisonResult,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
    Outcome,
    Record,
    estimate,
)
from omnicontact.identity._compare import soundex
from omnicontact.identity._guards import MAY_BE_JUNK
from omnicontact.identity._names import are_variants
from omnicontact.identity._record import identifier_slot
from omnicontact.testing import synthetic_population

N = Normalizer(default_region="FR")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def rec(record_id: str, *identifiers: object) -> Record:
    return Record(id=record_id, source="web", observed_at=T0, identifiers=identifiers)


def levels(a: Record, b: Record, model: MatchModel | None = None) -> dict[str, str]:
    model = model or MatchModel()
    evidence = model.evaluate(model.profile(a), model.profile(b))
    return {c.field: c.level for c in evidence.comparisons}


class TestPhoneticAndNicknames:
    def test_soundex_groups_similar_sounds(self) -> None:
        """Dupont and Dupond share a code; Martin does not."""
        assert soundex("dupont") == soundex("dupond")
        assert soundex("dupont") != soundex("martin")

    def test_non_latin_words_are_kept_whole(self) -> None:
        """A word in another script has no phonetic code and is kept as written."""
        assert soundex("иван") == "иван"

    def test_nicknames(self) -> None:
        """Bob is Robert; Bob is not William."""
        assert are_variants("bob", "robert")
        assert not are_variants("bob", "william")


class TestNameLevels:
    @pytest.mark.parametrize(
        ("left", "right", "level"),
        [
            ("Jean Dupont", "jean DUPONT", "exact"),
            ("Jean Dupont", "Dupont, Jean", "exact"),
            ("Jean Martin", "Martin Jean", "swapped"),
            ("Jean Dupont", "Jean Dupond", "fuzzy"),
            ("Robert Smith", "Bob Smith", "variant"),
            ("J. Dupont", "Jean Dupont", "variant"),
            ("Dupont", "Jean Dupont", "partial"),
            ("Marie Curie", "Marie Dubois", "given_only"),
            ("Anne Martin", "Paul Martin", "family_only"),
            ("Anne Martin", "Paul Dubois", "different"),
        ],
    )
    def test_levels(self, left: str, right: str, level: str) -> None:
        """Each pair of names falls in the expected comparison level."""
        assert levels(rec("a", N.name(left)), rec("b", N.name(right)))["name"] == level

    def test_missing_name_is_missing(self) -> None:
        """A record without a name compares as missing, with weight 0."""
        model = MatchModel()
        evidence = model.evaluate(
            model.profile(rec("a", N.name("Ann Lee"))), model.profile(rec("b"))
        )
        name = next(c for c in evidence.comparisons if c.field == "name")
        assert (name.level, name.weight) == ("missing", 0.0)


class TestOtherLevels:
    @pytest.mark.parametrize(
        ("left", "right", "level"),
        [
            ("03/04/1980", "03/04/1980", "exact"),
            ("03/04/1980", "04/03/1980", "transposed"),
            ("28/05/1930", "08/05/1930", "one_digit"),
            ("03/04/1980", "03/04/1981", "one_digit"),
            ("03/04/1980", "03/04/1991", "one_part"),
            ("03/04/1980", "13/04/1980", "one_digit"),
            ("03/04/1980", "14/04/1980", "one_part"),
            ("03/04/1980", "05/06/1980", "within_year"),
            ("03/04/1980", "05/06/1990", "different"),
        ],
    )
    def test_date_of_birth_levels(self, left: str, right: str, level: str) -> None:
        """Dates of birth fall in exact, transposed, one-digit (a typo), one-part, within-a-year
        or different."""
        a, b = rec("a", N.date_of_birth(left)), rec("b", N.date_of_birth(right))
        assert levels(a, b)["date_of_birth"] == level

    def test_address_levels(self) -> None:
        """Abbreviations are exact; a typo in the same postcode is street_fuzzy."""
        base = N.address(lines="12 boulevard Haussmann", postal_code="75009", locality="Paris")
        short = N.address(lines="12 bd Haussmann", postal_code="75009", locality="Paris")
        typo = N.address(lines="12 boulevard Hausman", postal_code="75009", locality="Paris")
        other = N.address(lines="1 rue Pasteur", postal_code="75009", locality="Paris")
        assert levels(rec("a", base), rec("b", short))["address"] == "exact"
        assert levels(rec("a", base), rec("b", typo))["address"] == "street_fuzzy"
        assert levels(rec("a", base), rec("b", other))["address"] == "same_area"

    def test_address_with_a_part_left_out_is_exact(self) -> None:
        """The same street written without its postal code, or without its town, is the
        same address; a part both have that differs is not."""
        full = N.address(
            lines="197 rue de la République", postal_code="13001", locality="Marseille"
        )
        no_code = N.address(lines="197 rue de la République", locality="Marseille")
        no_town = N.address(lines="197 rue de la République", postal_code="13001")
        elsewhere = N.address(lines="197 rue de la République", postal_code="13002")
        assert levels(rec("a", full), rec("b", no_code))["address"] == "exact"
        assert levels(rec("a", full), rec("b", no_town))["address"] == "exact"
        assert levels(rec("a", no_code), rec("b", no_town))["address"] != "exact"
        assert levels(rec("a", full), rec("b", elsewhere))["address"] != "exact"

    def test_postcode_typo_is_same_area(self) -> None:
        """Postal codes one typo apart (two digits swapped) put a street typo in street_fuzzy."""
        base = N.address(lines="68 Lexcen Avenue", postal_code="7035", locality="Brisbane")
        typo = N.address(lines="68 Lexcen Avnue", postal_code="7053", locality="Brisbne")
        far = N.address(lines="68 Lexcen Avnue", postal_code="2910", locality="Brisbne")
        assert levels(rec("a", base), rec("b", typo))["address"] == "street_fuzzy"
        assert levels(rec("a", base), rec("b", far))["address"] == "different"

    def test_name_part_in_the_other_field_still_agrees(self) -> None:
        """A family name written in the given-name field compares as the part it is: with
        given names that clearly differ (Matthew, Anneliese), a household."""
        a = rec("a", PersonName(given="Skvaril", family="Matthew"))
        b = rec("b", PersonName(given="Anneliese", family="Skvaril"))
        c = rec("c", PersonName(given="Anneliese", family="Martin"))
        alone = rec("d", PersonName(given="Skvaril"))
        same = rec("e", PersonName(given="Matt", family="Skvaril"))
        assert levels(a, b)["name"] == "family_only"
        assert levels(a, same)["name"] == "variant"  # swapped, with a nickname
        assert levels(alone, b)["name"] == "partial"
        assert levels(a, c)["name"] == "different"

    def test_national_id_levels(self) -> None:
        """One edit in a national id is its own level."""
        a = rec("a", N.external_id("national_id", "180037512345"))
        b = rec("b", N.external_id("national_id", "180037512354"))
        assert levels(a, b)["national_id"] == "one_edit"

    @pytest.mark.parametrize("misread", ["1867765341O84", "186776534IO84", "I867765341084"])
    def test_national_id_with_misread_digits_is_exact(self, misread: str) -> None:
        """A numeric id with a letter read for a digit (O for 0, I for 1) is the id, and
        shares its blocking key; an id with letters of its own is left as it is."""
        model = MatchModel()
        a = rec("a", N.external_id("national_id", "1867765341084"))
        b = rec("b", N.external_id("national_id", misread))
        assert levels(a, b)["national_id"] == "exact"
        assert model.blocking.keys(model.profile(a)) == model.blocking.keys(model.profile(b))
        dashed = rec("e", N.external_id("national_id", "186-776-534-1084"))
        assert levels(a, dashed)["national_id"] == "exact"
        c = rec("c", N.external_id("national_id", "AB123456C"))
        d = rec("d", N.external_id("national_id", "AB123456O"))
        assert levels(c, d)["national_id"] == "one_edit"

    @pytest.mark.parametrize(
        ("left", "right", "level"),
        [
            ("427262414", "427262815", "two_edits"),
            ("427262414", "427262814", "one_edit"),
            ("1234", "1243", "one_edit"),
            ("1234", "2143", "different"),  # two edits in a short id: too easy by chance
            ("427262414", "998262815", "different"),
        ],
    )
    def test_national_id_edit_levels(self, left: str, right: str, level: str) -> None:
        """Two edits in a long national id (two mistyped digits of an SSN) are their own
        level; in a short id they are a different id."""
        a = rec("a", N.external_id("national_id", left))
        b = rec("b", N.external_id("national_id", right))
        assert levels(a, b)["national_id"] == level


class TestMatchModel:
    def test_rule_fires_on_shared_email(self) -> None:
        """Sharing a normalized email is a match by rule."""
        model = MatchModel()
        a = model.profile(rec("a", N.email("Ann@Mail.fr")))
        b = model.profile(rec("b", N.email("ann@mail.fr")))
        evidence = model.evaluate(a, b)
        assert (evidence.outcome, evidence.rule) == (Outcome.MATCH, "same_email")

    def test_conflict_vetoes_rule(self) -> None:
        """Different dates of birth veto the phone rule: the records are only related."""
        model = MatchModel()
        a = model.profile(rec("a", N.phone("0612345678"), N.date_of_birth("01/01/1950")))
        b = model.profile(rec("b", N.phone("0612345678"), N.date_of_birth("12/07/1990")))
        evidence = model.evaluate(a, b)
        assert evidence.outcome is Outcome.NON_MATCH
        assert evidence.related_by == ("phone",)
        assert evidence.conflicts == ("date_of_birth:different",)

    def test_namespaced_rule(self) -> None:
        """An external id rule applies only to its namespaces."""
        rule = DeterministicRule(kind="external_id", namespaces=["loyalty_card"])
        assert rule.applies_to(N.external_id("loyalty_card", "42"))
        assert not rule.applies_to(N.external_id("device_id", "42"))

    def test_weights_are_log2_of_m_over_u(self) -> None:
        """A level's weight is log2(m / u)."""
        comparison = Comparison(
            field="national_id", m=(0.9, 0.04, 0.01, 0.05), u=(0.001, 0.01, 0.01, 0.979)
        )
        assert comparison.weight(0) == pytest.approx(math.log2(900))

    def test_term_frequency_lowers_common_names(self) -> None:
        """A common exact name weighs less than a rare one when frequencies are known."""
        model = MatchModel(term_frequencies={"name": {"jean|martin": 0.05, "zephyr|quill": 1e-5}})
        common = model.evaluate(
            model.profile(rec("a", N.name("Jean Martin"))),
            model.profile(rec("b", N.name("Jean Martin"))),
        )
        rare = model.evaluate(
            model.profile(rec("a", N.name("Zephyr Quill"))),
            model.profile(rec("b", N.name("Zephyr Quill"))),
        )
        assert common.comparisons[0].term_frequency_adjusted
        assert common.weight < rare.weight

    def test_term_frequency_never_raises_a_weight(self) -> None:
        """A value rarer than the exact level's average keeps the level's own weight."""
        plain = MatchModel()
        model = MatchModel(term_frequencies={"name": {"zephyr|quill": 1e-9}})
        a, b = rec("a", N.name("Zephyr Quill")), rec("b", N.name("Zephyr Quill"))
        tuned = model.evaluate(model.profile(a), model.profile(b))
        assert not tuned.comparisons[0].term_frequency_adjusted
        assert tuned.weight == plain.evaluate(plain.profile(a), plain.profile(b)).weight

    def test_date_of_birth_frequencies_are_found_by_their_iso_text_only(self) -> None:
        """A common date weighs less; a table key that is not ISO text is never found."""
        a = rec("a", N.name("Ann Lee"), N.date_of_birth("1990-01-01"))
        b = rec("b", N.name("Bob Ray"), N.date_of_birth("1990-01-01"))

        def dob(model: MatchModel) -> ComparisonResult:
            found = model.evaluate(model.profile(a), model.profile(b)).comparisons
            return next(result for result in found if result.field == "date_of_birth")

        common = dob(MatchModel(term_frequencies={"date_of_birth": {"1990-01-01": 0.2}}))
        assert common.field == "date_of_birth"
        assert common.term_frequency_adjusted
        for key in ("19900101", "1990-1-1", "not a date"):
            other = dob(MatchModel(term_frequencies={"date_of_birth": {key: 0.2}}))
            assert not other.term_frequency_adjusted, key

    def test_invalid_parameters_name_the_field(self) -> None:
        """Bad comparisons, thresholds and rules raise errors that name the field."""
        with pytest.raises(InvalidValueError, match=r"comparison\.field"):
            Comparison(field="shoe_size", m=(0.5,), u=(0.5,))
        with pytest.raises(InvalidValueError, match=r"comparison\.name"):
            Comparison(field="name", m=(0.5,), u=(0.5,))
        with pytest.raises(InvalidValueError, match="review_threshold"):
            MatchModel(match_threshold=0.6, review_threshold=0.9)
        with pytest.raises(InvalidValueError, match=r"rule\.kind"):
            DeterministicRule(kind="name")
        with pytest.raises(InvalidValueError, match=r"blocking\.rules"):
            Blocking(rules=["nope"])

    def test_every_comparison_has_levels(self) -> None:
        """The default model covers each built-in comparison."""
        assert [c.field for c in MatchModel().comparisons] == list(LEVELS)


class TestEstimate:
    def test_estimation_is_reproducible_and_valid(self) -> None:
        """The same seed gives the same model; probabilities stay in (0, 1]."""
        records = synthetic_population(300, seed=5).records
        first = estimate(records, seed=2, u_pairs=20_000)
        second = estimate(records, seed=2, u_pairs=20_000)
        assert first == second
        for comparison in first.comparisons:
            assert all(0 < p <= 1 for p in (*comparison.m, *comparison.u))
        assert 0 < first.prior < 0.5
        assert first.term_frequencies["name"]

    def test_estimated_m_prefers_agreement(self) -> None:
        """Learned m of an exact date of birth is far above its u."""
        model = estimate(synthetic_population(400, seed=6).records, seed=0, u_pairs=50_000)
        dob = next(c for c in model.comparisons if c.field == "date_of_birth")
        assert dob.m[0] > 100 * dob.u[0]

    def test_too_few_records_keep_the_model(self) -> None:
        """Estimating on one record returns the model unchanged."""
        model = MatchModel()
        assert estimate([rec("a", N.name("Ann Lee"))], model) is model


class TestGuardPolicy:
    @pytest.mark.parametrize(
        "value",
        ["test@test.com", "noreply@shop.fr", "someone@example.com", "0000@mail.fr"],
    )
    def test_junk_emails(self, value: str) -> None:
        """Placeholder addresses are junk."""
        assert GuardPolicy().is_junk(N.email(value))

    def test_real_values_are_not_junk(self) -> None:
        """A real address, phone and id are not junk."""
        guards = GuardPolicy()
        assert not guards.is_junk(N.email("ann.lee@mail.fr"))
        assert not guards.is_junk(N.phone("0612345678"))
        assert not guards.is_junk(N.external_id("loyalty_card", "L123"))

    def test_junk_phones_and_ids(self) -> None:
        """Repeated digits and placeholder ids are junk."""
        guards = GuardPolicy()
        assert guards.is_junk(N.phone("0666666666"))
        assert guards.is_junk(N.external_id("loyalty_card", "0000"))

    @given(identifier=oct.identifiers())
    def test_an_identifiers_slot_is_its_kind_or_its_namespace(self, identifier: Identifier) -> None:
        """The slot is the kind, and for an external id ``external_id:<namespace>``."""
        expected = identifier.kind.value
        if isinstance(identifier, ExternalId):
            expected = f"external_id:{identifier.namespace}"
        assert identifier_slot(identifier) == expected

    @given(identifier=oct.identifiers())
    def test_only_the_classes_that_may_be_junk_are(self, identifier: Identifier) -> None:
        """The resolver skips ``is_junk`` outside ``MAY_BE_JUNK``: no other class is junk."""
        if type(identifier) not in MAY_BE_JUNK:
            assert not GuardPolicy().is_junk(identifier)

    def test_invalid_limit_is_named(self) -> None:
        """A limit below 1 is refused, naming the slot."""
        with pytest.raises(InvalidValueError, match=r"max_distinct\.email"):
            GuardPolicy(max_distinct={"email": 0})


class TestBlocking:
    def test_keys_cover_identifiers_and_person_data(self) -> None:
        """A full record gets identifier, name-plus-date and address keys."""
        model = MatchModel()
        record = rec(
            "a",
            N.email("ann@mail.fr"),
            N.name("Ann Lee"),
            N.date_of_birth("01/02/1980"),
            N.address(lines="1 rue Pasteur", postal_code="75009", locality="Paris"),
        )
        rules = {key.split(":", 1)[0] for key in model.blocking.keys(model.profile(record))}
        assert rules == {
            "id", "family_dob", "given_dob", "phonetic_year", "name_postcode", "address_name",
            "dob_postcode", "dob_locality", "name_locality", "dob_initial", "street_name",
        }  # fmt: skip

    def test_house_number_rule_is_opt_in(self) -> None:
        """number_postcode keys exist only when asked for, from the street's house number."""
        address = N.address(lines="12 bis rue Pasteur", postal_code="75009", locality="Paris")
        default = MatchModel()
        full = MatchModel(blocking=Blocking(rules=BLOCKING_RULES))
        assert not any(
            key.startswith("number_postcode:")
            for key in default.blocking.keys(default.profile(rec("a", address)))
        )
        assert "number_postcode:12|75009" in full.blocking.keys(full.profile(rec("a", address)))

    def test_date_and_postcode_pair_records_with_two_name_typos(self) -> None:
        """Records whose names both carry typos are still paired by date of birth and postcode."""
        model = MatchModel()
        address = N.address(lines="1 rue Pasteur", postal_code="75009", locality="Paris")
        a = rec("a", N.name("Jean Dupont"), N.date_of_birth("01/02/1980"), address)
        b = rec("b", N.name("Jaen Dpuont"), N.date_of_birth("01/02/1980"), address)
        shared = model.blocking.keys(model.profile(a)) & model.blocking.keys(model.profile(b))
        assert "dob_postcode:1980-02-01|75009" in shared

    def test_junk_values_make_no_keys(self) -> None:
        """Junk identifiers are not blocking keys."""
        model = MatchModel()
        assert not model.blocking.keys(model.profile(rec("a", N.email("test@test.com"))))

    def test_oversized_blocks_make_no_pairs(self) -> None:
        """Records that share only a key of an oversized block are not compared."""
        from omnicontact.identity import Resolver

        model = MatchModel(blocking=Blocking(max_block_size=2))
        r = Resolver(model=model, clock=lambda: T0)
        for index in range(3):
            r.resolve(rec(f"r{index}", N.email("ann@mail.fr")))
        assert len(r.customers()) == 3
        r.remove_record("r2")
        assert len(r.customers()) == 1
