"""Hypothesis strategies and test data for omnicontact (needs ``omnicontact[hypothesis]``).

:func:`populations` draws small populations of customers with known truth for property
tests; :func:`synthetic_population` makes large seeded ones for benchmarks.
"""

from __future__ import annotations

from ._populations import Population, populations, synthetic_population, tangled_records

__all__ = ["Population", "populations", "synthetic_population", "tangled_records"]
