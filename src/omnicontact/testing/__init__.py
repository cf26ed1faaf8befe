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

The ``check_*`` functions test *your* resolver configuration against the guarantees the
resolver makes (order independence, incremental = batch, idempotence, judgements and
guards never violated, unmerge restores, ids change only through logged events); each
raises :class:`~omnicontact.exceptions.InvariantViolationError` naming the invariant and
the records. :func:`accuracy` scores customers against a population's known truth.

Those guarantees hold for a bad configuration too. To catch one, test the customers
themselves: :func:`check_no_over_merge` and :func:`check_accuracy` against the known
truth of :func:`household_populations` (pairs the records cannot decide are left out, see
:meth:`Population.ambiguous`), and :func:`check_against_reference` against the default
configuration. Each failure names both records, their values and the explanation of the
decisive edge.

>>> from hypothesis import given, strategies as st
>>> from omnicontact.identity import GuardPolicy, MatchModel
>>> model = MatchModel(guards=GuardPolicy(max_distinct={"email": 1}))
>>> @given(oct.populations(max_size=4), st.data())
... def test_my_configuration(population, data):
...     oct.check_invariants(model, population.records, data=data)
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "omnicontact.testing needs Hypothesis: install it with "
        "pip install 'omnicontact[hypothesis]'"
    ) from error

from ..exceptions import InvariantViolationError
from ._config import (
    blockings,
    comparisons,
    deterministic_rules,
    guard_policies,
    match_models,
    record_mappings,
)
from ._invariants import (
    Accuracy,
    ResolverFactory,
    accuracy,
    check_guards,
    check_idempotence,
    check_ids_logged,
    check_incremental_equals_batch,
    check_invariants,
    check_judgements,
    check_order_independence,
    check_unmerge_restores,
    score_partition,
)
from ._populations import (
    Population,
    populations,
    records,
    synthetic_population,
    tangled_records,
)
from ._stores import file_backed_resolvers
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
from ._truth import (
    check_accuracy,
    check_against_reference,
    check_no_over_merge,
    household_populations,
)

__all__ = [
    "DEFAULT_REGIONS",
    "Accuracy",
    "InvariantViolationError",
    "Population",
    "ResolverFactory",
    "accuracy",
    "blockings",
    "cases",
    "channels",
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
    "comparisons",
    "consent_ledgers",
    "consents",
    "contact_points",
    "contacts",
    "dates_of_birth",
    "deterministic_rules",
    "emails",
    "external_ids",
    "file_backed_resolvers",
    "guard_policies",
    "household_populations",
    "identifiers",
    "invalid_dates",
    "invalid_emails",
    "invalid_phones",
    "match_models",
    "normalizers",
    "person_names",
    "phone_numbers",
    "populations",
    "postal_addresses",
    "preferences",
    "quiet_hours",
    "raw_emails",
    "raw_phones",
    "record_mappings",
    "records",
    "score_partition",
    "social_handles",
    "synthetic_population",
    "tangled_records",
]

from .. import _hypothesis_plugin as _plugin

_plugin._register_if_hooked()  # Population too, now that the kit is imported
