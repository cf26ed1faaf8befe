"""Tests for the public surface: ``__all__`` is sorted, complete and documented."""

from __future__ import annotations

import ast
import inspect
import itertools
import types
from pathlib import Path
from typing import Any

import pytest

import omnicontact
from omnicontact import testing


def _isort_key(name: str) -> tuple[int, str]:
    """The order ruff (RUF022) keeps: CONSTANTS, then Classes, then functions."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


def _public_names(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)  # public submodules are namespaces
        and name != "annotations"  # from __future__ import annotations
    }


def _attribute_docstrings(package_dir: Path) -> set[str]:
    """Names assigned at module level and followed by a string literal, in ``package_dir``."""
    documented = set()
    for path in package_dir.rglob("*.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in itertools.pairwise(body):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            is_doc = (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
                and after.value.value.strip()
            )
            if is_doc:
                documented |= {target.id for target in targets if isinstance(target, ast.Name)}
    return documented


PACKAGE_DIR = Path(omnicontact.__file__).parent
ATTRIBUTE_DOCS = _attribute_docstrings(PACKAGE_DIR)


def _has_own_docstring(value: Any, name: str) -> bool:
    if inspect.isclass(value) or inspect.isfunction(value):
        return bool(inspect.getdoc(value)) and value.__doc__ is not None
    return name in ATTRIBUTE_DOCS


@pytest.mark.parametrize("module", [omnicontact, testing], ids=lambda m: m.__name__)
class TestAll:
    def test_all_is_sorted(self, module: types.ModuleType) -> None:
        """``__all__`` is in ruff's order: constants, classes, functions, each alphabetical."""
        assert module.__all__ == sorted(module.__all__, key=_isort_key)

    def test_all_has_no_duplicates(self, module: types.ModuleType) -> None:
        """Each name is exported once."""
        assert len(module.__all__) == len(set(module.__all__))

    def test_all_equals_the_public_names(self, module: types.ModuleType) -> None:
        """Every public name of the facade is in ``__all__``, and nothing else is."""
        assert set(module.__all__) == _public_names(module)

    def test_every_public_name_is_documented(self, module: types.ModuleType) -> None:
        """Each exported class, function and constant has its own docstring."""
        undocumented = [
            name for name in module.__all__ if not _has_own_docstring(getattr(module, name), name)
        ]
        assert undocumented == []


class TestFacades:
    def test_version_is_exposed(self) -> None:
        """``omnicontact.__version__`` is a version string."""
        assert isinstance(omnicontact.__version__, str)
        assert omnicontact.__version__

    def test_exceptions_is_a_public_namespace(self) -> None:
        """Errors are reached through ``omnicontact.exceptions``; only the root is re-exported."""
        assert omnicontact.OmnicontactError is omnicontact.exceptions.OmnicontactError
        assert "ChannelConflictError" not in omnicontact.__all__
