"""Registers omnicontact's strategies with Hypothesis, so ``st.from_type`` builds its values.

The ``hypothesis`` entry point is :mod:`_omnicontact_hypothesis`, a module outside this
package: importing Hypothesis does not import omnicontact. Its hook calls
:func:`register` when omnicontact is already imported; otherwise omnicontact imports this
module last, and the module registers then if the hook has run (and only then: with
``HYPOTHESIS_NO_PLUGINS`` set, or Hypothesis not imported, nothing happens).

:func:`register` only tells Hypothesis which strategy stands for which type; each
strategy is ``deferred``, so :mod:`omnicontact.testing` is imported, and its arguments
checked, only when a value of that type is first drawn.
"""

from __future__ import annotations

import sys
from typing import Any

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """The former entry point, kept for installations that still name it: see :func:`register`."""
    register()


_KIT = {
    "EmailAddress": "emails",
    "PhoneNumber": "phone_numbers",
    "PostalAddress": "postal_addresses",
    "PersonName": "person_names",
    "DateOfBirth": "dates_of_birth",
    "ExternalId": "external_ids",
    "SocialHandle": "social_handles",
    "Normalizer": "normalizers",
    "Channel": "channels",
    "ContactPoint": "contact_points",
    "Contact": "contacts",
    "Case": "cases",
    "Consent": "consents",
    "ConsentLedger": "consent_ledgers",
    "Preferences": "preferences",
    "QuietHours": "quiet_hours",
    "Record": "records",
    "MatchModel": "match_models",
    "GuardPolicy": "guard_policies",
    "Blocking": "blockings",
    "Comparison": "comparisons",
    "DeterministicRule": "deterministic_rules",
    "RecordMapping": "record_mappings",
}
"""omnicontact (or omnicontact.identity) type name: the kit strategy that draws it."""

_CASE_MEMBERS = {"CaseContact": "contacts", "CaseTransition": "history"}
"""Types drawn as members of a drawn case."""

_NO_STRATEGY = {
    "Resolver": "build one from drawn parts: st.builds(Resolver, model=st.from_type(MatchModel))",
    "Workspace": "build one in your test from a store and drawn records",
    "Event": "resolve drawn records (omnicontact.testing.populations()) and read resolver.events()",
    "Judgement": "judge drawn records on a resolver and read resolver.judgements()",
    "GoldenRecord": "read resolver.golden_record(...) after resolving drawn records",
    "GoldenValue": "read resolver.golden_record(...) after resolving drawn records",
    "SurvivorshipPolicy": "st.builds(SurvivorshipPolicy) with the rules you mean to test",
    "NameColumns": "draw whole mappings with omnicontact.testing.record_mappings()",
    "DateOfBirthColumn": "draw whole mappings with omnicontact.testing.record_mappings()",
    "AddressColumns": "draw whole mappings with omnicontact.testing.record_mappings()",
    "ChannelRegistry": "register channels drawn with omnicontact.testing.channels(), "
    "unique by name",
}
"""Public types with no strategy of their own, and what to use instead: ``from_type``
raises :class:`~hypothesis.errors.InvalidArgument` saying so rather than guessing."""


def _kit_strategy(name: str) -> Any:
    def build(_type: type[Any]) -> Any:
        from omnicontact import testing

        return getattr(testing, name)()

    return build


def _case_member(attribute: str) -> Any:
    def build(_type: type[Any]) -> Any:
        from hypothesis import strategies as st

        from omnicontact import testing

        return testing.cases().flatmap(lambda case: st.sampled_from(getattr(case, attribute)))

    return build


def _refused(name: str) -> Any:
    def build(_type: type[Any]) -> Any:
        from hypothesis.errors import InvalidArgument

        raise InvalidArgument(
            f"omnicontact has no strategy for {name}, and inferring one would draw invalid "
            f"or inconsistent values: {_NO_STRATEGY[name]}"
        )

    return build


def _case_events(_type: type[Any]) -> Any:
    """Case log entries, at aware times (inferred ones would be naive and fail)."""
    import datetime as dt

    from hypothesis import strategies as st

    from omnicontact import CaseEvent

    times = st.datetimes(min_value=dt.datetime(2000, 1, 1), timezones=st.just(dt.timezone.utc))
    return st.builds(CaseEvent, sequence=st.integers(0, 10_000), at=times)


def register() -> None:
    """Register a strategy for each public omnicontact type (safe to call again).

    Each registration is a function, called only when ``from_type`` first needs the type:
    registering imports neither the kit nor anything it draws with.
    """
    from hypothesis import strategies as st

    import omnicontact
    from omnicontact import identity

    def public(name: str) -> type[Any]:
        found: type[Any] = getattr(omnicontact, name, None) or getattr(identity, name)
        return found

    for name, strategy in _KIT.items():
        st.register_type_strategy(public(name), _kit_strategy(strategy))
    for name, attribute in _CASE_MEMBERS.items():
        st.register_type_strategy(public(name), _case_member(attribute))
    st.register_type_strategy(omnicontact.CaseEvent, _case_events)
    for name in _NO_STRATEGY:
        st.register_type_strategy(public(name), _refused(name))
    kit = sys.modules.get("omnicontact.testing")
    if kit is not None and hasattr(kit, "Population"):  # the kit, once imported, too
        st.register_type_strategy(kit.Population, _kit_strategy("populations"))


def _register_if_hooked() -> None:
    """Called once omnicontact is imported: register if Hypothesis has run the hook."""
    hook = sys.modules.get("_omnicontact_hypothesis")
    if hook is not None and getattr(hook, "called", False):
        register()
