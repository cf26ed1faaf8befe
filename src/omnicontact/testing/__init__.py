"""Hypothesis strategies for omnicontact values, for your own property tests.

Install the extra first: ``pip install 'omnicontact[hypothesis]'``. Each strategy builds
values through omnicontact's public constructors, so every value drawn passes its
validators and survives :func:`omnicontact.dumps` / :func:`omnicontact.loads`; the raw
forms vary the way real data does (``06 12 34 56 78`` and ``0033612345678`` for one phone).

>>> from hypothesis import given
>>> from omnicontact import testing as oct
>>> @given(oct.contacts(channels=["email", "sms"]))
... def test_channel_is_kept(contact):
...     assert contact.channel in {"email", "sms"}

Once omnicontact is installed, Hypothesis also knows these strategies by type:
``st.from_type(omnicontact.Contact)`` works without importing this module.

:func:`populations` draws small populations of customers with known truth for property
tests of identity resolution; :func:`synthetic_population` makes large seeded ones for
benchmarks.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "omnicontact.testing needs Hypothesis: install it with "
        "pip install 'omnicontact[hypothesis]'"
    ) from error

from ._populations import Population, populations, synthetic_population, tangled_records
from ._strategies import (
    DEFAULT_REGIONS,
    cases,
    channels,
    consent_ledgers,
    consents,
    contact_points,
    contacts,
    dates_of_birth,
    emails,
    external_ids,
    identifiers,
    invalid_dates,
    invalid_emails,
    invalid_phones,
    normalizers,
    person_names,
    phone_numbers,
    postal_addresses,
    preferences,
    quiet_hours,
    raw_emails,
    raw_phones,
    social_handles,
)

__all__ = [
    "DEFAULT_REGIONS",
    "Population",
    "cases",
    "channels",
    "consent_ledgers",
    "consents",
    "contact_points",
    "contacts",
    "dates_of_birth",
    "emails",
    "external_ids",
    "identifiers",
    "invalid_dates",
    "invalid_emails",
    "invalid_phones",
    "normalizers",
    "person_names",
    "phone_numbers",
    "populations",
    "postal_addresses",
    "preferences",
    "quiet_hours",
    "raw_emails",
    "raw_phones",
    "social_handles",
    "synthetic_population",
    "tangled_records",
]
