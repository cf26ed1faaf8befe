"""The identity, store and testing facades export what they document."""

from __future__ import annotations

import omnicontact
from omnicontact import identity, store, testing


class TestExports:
    def test_all_is_sorted_and_importable(self) -> None:
        """Each facade's __all__ is sorted (isort style) and every name exists."""
        for module in (identity, store, testing):
            names = list(module.__all__)
            assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
            for name in names:
                assert hasattr(module, name)

    def test_main_names_are_re_exported(self) -> None:
        """The package root re-exports the resolver's main names."""
        for name in ("Record", "Resolver", "MatchModel", "GuardPolicy", "estimate"):
            assert getattr(omnicontact, name) is getattr(identity, name)
            assert name in omnicontact.__all__
