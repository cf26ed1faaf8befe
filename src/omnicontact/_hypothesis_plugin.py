"""The ``hypothesis`` entry point: lets ``st.from_type`` build omnicontact values.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported. The hook only tells
Hypothesis which strategy stands for which type; each strategy is ``deferred``, so
:mod:`omnicontact.testing` is imported, and its arguments checked, only when a value of
that type is first drawn. This module itself imports nothing at import time.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each public omnicontact value type (safe to call again)."""
    from hypothesis import strategies as st

    import omnicontact

    def lazily(name: str) -> Any:
        def build() -> Any:
            from omnicontact import testing

            return getattr(testing, name)()

        return st.deferred(build)

    def member(case_attribute: str) -> Any:
        def build() -> Any:
            from omnicontact import testing

            return testing.cases().flatmap(
                lambda case: st.sampled_from(getattr(case, case_attribute))
            )

        return st.deferred(build)

    strategies: dict[type[Any], Any] = {
        omnicontact.EmailAddress: lazily("emails"),
        omnicontact.PhoneNumber: lazily("phone_numbers"),
        omnicontact.PostalAddress: lazily("postal_addresses"),
        omnicontact.PersonName: lazily("person_names"),
        omnicontact.DateOfBirth: lazily("dates_of_birth"),
        omnicontact.ExternalId: lazily("external_ids"),
        omnicontact.SocialHandle: lazily("social_handles"),
        omnicontact.Normalizer: lazily("normalizers"),
        omnicontact.Channel: lazily("channels"),
        omnicontact.ContactPoint: lazily("contact_points"),
        omnicontact.Contact: lazily("contacts"),
        omnicontact.Case: lazily("cases"),
        omnicontact.CaseContact: member("contacts"),
        omnicontact.CaseTransition: member("history"),
        omnicontact.Consent: lazily("consents"),
        omnicontact.ConsentLedger: lazily("consent_ledgers"),
        omnicontact.Preferences: lazily("preferences"),
        omnicontact.QuietHours: lazily("quiet_hours"),
        omnicontact.Record: lazily("records"),
    }
    for cls, strategy in strategies.items():
        st.register_type_strategy(cls, strategy)
