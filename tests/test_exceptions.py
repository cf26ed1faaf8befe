"""Tests for the exception tree: one root, builtins mixed in, the drawing kept true."""

from __future__ import annotations

import builtins
import inspect
import pickle
import re

import pytest

from omnicontact import exceptions
from omnicontact.exceptions import (
    InvalidIdentifierError,
    InvalidPayloadError,
    InvalidValueError,
    OmnicontactError,
)

PUBLIC = [getattr(exceptions, name) for name in exceptions.__all__]
SUBCLASSES = [cls for cls in PUBLIC if cls is not OmnicontactError]
BUILTIN_ERRORS = {
    obj
    for obj in vars(builtins).values()
    if isinstance(obj, type) and issubclass(obj, BaseException)
} - {BaseException, Exception}

# A tree line: box-drawing prefix, class name, optional "(Builtin)".
_TREE_LINE = re.compile(r"^(?P<indent>[ │├└─]*)(?P<name>[A-Z]\w+Error)(?: \((?P<base>\w+)\))?")


def _drawn_tree() -> list[tuple[int, str, str | None]]:
    doc = exceptions.__doc__ or ""
    block = doc.split("The tree::", 1)[1]
    rows = []
    for line in block.splitlines():
        match = _TREE_LINE.match(line[4:]) if line.startswith("    ") else None
        if match:
            rows.append((len(match["indent"]), match["name"], match["base"]))
    return rows


class TestHierarchy:
    def test_all_lists_every_exception_class_of_the_module(self) -> None:
        """Every exception class defined in the module is in ``__all__`` and vice versa."""
        defined = {
            name
            for name, obj in vars(exceptions).items()
            if inspect.isclass(obj)
            and issubclass(obj, BaseException)
            and obj.__module__ == exceptions.__name__
        }
        assert defined == set(exceptions.__all__)

    def test_root_is_an_exception(self) -> None:
        """The root derives from Exception only."""
        assert OmnicontactError.__bases__ == (Exception,)

    @pytest.mark.parametrize("cls", SUBCLASSES, ids=lambda cls: cls.__name__)
    def test_every_error_derives_from_the_root_and_a_builtin(self, cls: type[Exception]) -> None:
        """Each error is an OmnicontactError and also a builtin error such as ValueError."""
        assert issubclass(cls, OmnicontactError)
        assert any(issubclass(cls, builtin) for builtin in BUILTIN_ERRORS)

    @pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
    def test_every_error_has_a_docstring(self, cls: type[Exception]) -> None:
        """Each error says when it is raised."""
        assert (cls.__doc__ or "").strip()


class TestDrawing:
    def test_the_drawing_lists_every_class_once(self) -> None:
        """The tree in the module docstring names exactly the classes in ``__all__``."""
        names = [name for _, name, _ in _drawn_tree()]
        assert sorted(names) == sorted(exceptions.__all__)

    def test_the_drawing_matches_the_classes(self) -> None:
        """Each drawn parent is a real base class and each drawn builtin a real base too."""
        rows = _drawn_tree()
        for index, (depth, name, base) in enumerate(rows):
            cls = getattr(exceptions, name)
            if base is not None:
                assert issubclass(cls, getattr(builtins, base)), name
            parents = [row for row in rows[:index] if row[0] < depth]
            if parents:
                assert issubclass(cls, getattr(exceptions, parents[-1][1])), name


class TestInvalidValueError:
    def test_fields_and_message(self) -> None:
        """The error keeps the field, the value and the reason, and shows all three."""
        error = InvalidValueError("phone", "12", "is too short")
        assert (error.field, error.value, error.reason) == ("phone", "12", "is too short")
        assert str(error) == "phone: is too short (got '12')"

    @pytest.mark.parametrize(
        "error",
        [
            InvalidIdentifierError("email", "x", "no @"),
            InvalidPayloadError("sender", None, "missing", row=3),
            InvalidPayloadError("sender", None, "missing"),
        ],
        ids=repr,
    )
    def test_errors_survive_pickling(self, error: InvalidValueError) -> None:
        """Errors cross process boundaries (multiprocessing, task queues) intact."""
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert (again.field, again.value, again.reason, str(again)) == (
            error.field,
            error.value,
            error.reason,
            str(error),
        )

    def test_payload_error_names_its_row(self) -> None:
        """A payload error raised for a batch row says which row."""
        error = InvalidPayloadError("date", "x", "is not a date", row=7)
        assert error.row == 7
        assert str(error).startswith("row 7: date:")
