"""Saving a match model and loading it back, so production scores with the model estimated
on the backfill.

A model file is JSON::

    {"omnicontact_model": 1, "levels": {"name": ["exact", ...], ...}, "model": {...}}

``omnicontact_model`` is the version of this layout; ``levels`` names, per comparison, the
levels its ``m`` and ``u`` are listed for. A file of another layout version, or made for
other comparison levels (by an omnicontact whose matcher differs), cannot be scored with
faithfully: loading it raises
:class:`~omnicontact.exceptions.UnsupportedSchemaVersionError`, and the model should be
estimated again.
"""

from __future__ import annotations

import json
import os
from typing import Any

import cattrs

from .._serialization import _describe, make_converter
from ..exceptions import InvalidValueError, SerializationError, UnsupportedSchemaVersionError
from ._compare import LEVELS
from ._fellegi_sunter import MatchModel

__all__ = ["MODEL_FORMAT", "load_model", "save_model"]

MODEL_FORMAT = 1
"""The version of the model file layout this omnicontact writes and reads."""

_CONVERTER = make_converter()


def save_model(model: MatchModel, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON (see :func:`load_model`).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> save_model(MatchModel(match_threshold=0.9), path)
    >>> load_model(path).match_threshold
    0.9
    """
    if not isinstance(model, MatchModel):
        raise InvalidValueError("model", model, "is not a MatchModel")
    document = {
        "omnicontact_model": MODEL_FORMAT,
        "levels": {c.field: list(c.levels) for c in model.comparisons},
        "model": _CONVERTER.unstructure(model, MatchModel),
    }
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text + "\n")


def load_model(path: str | os.PathLike[str]) -> MatchModel:
    """The model :func:`save_model` wrote to ``path``.

    Raises :class:`~omnicontact.exceptions.UnsupportedSchemaVersionError` for a file of
    another layout version or made for other comparison levels, and
    :class:`~omnicontact.exceptions.SerializationError` for a file that is not a model
    (``OSError`` when the file cannot be opened at all).
    """
    with open(path, "rb") as stream:
        raw = stream.read()
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SerializationError(f"{os.fspath(path)}: is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise SerializationError(f"{os.fspath(path)}: is not JSON ({error})") from None
    return _model_from(document, os.fspath(path))


def _model_from(document: Any, where: str) -> MatchModel:
    if not isinstance(document, dict) or "omnicontact_model" not in document:
        raise SerializationError(f"{where}: is not an omnicontact model file")
    version = document["omnicontact_model"]
    if version != MODEL_FORMAT:
        raise UnsupportedSchemaVersionError(
            f"{where}: the model file has layout version {version!r}; this omnicontact reads "
            f"version {MODEL_FORMAT}: estimate the model again with this version"
        )
    extra = sorted(set(document) - {"omnicontact_model", "levels", "model"})
    if extra:
        raise SerializationError(f"{where}: unexpected keys {extra}")
    levels = document.get("levels")
    if not isinstance(levels, dict):
        raise SerializationError(f"{where}: 'levels' must be a JSON object")
    for field, names in levels.items():
        if field not in LEVELS or names != list(LEVELS[field]):
            now = list(LEVELS[field]) if field in LEVELS else "no such comparison"
            raise UnsupportedSchemaVersionError(
                f"{where}: the model was saved for the {field} levels {names}, this "
                f"omnicontact has {now}: estimate the model again with this version"
            )
    data = document.get("model")
    if not isinstance(data, dict):
        raise SerializationError(f"{where}: 'model' must be a JSON object")
    fields = sorted(str(c.get("field")) for c in data.get("comparisons", ()) if isinstance(c, dict))
    if fields != sorted(levels):
        raise SerializationError(f"{where}: 'levels' does not name the model's comparisons")
    try:
        return _CONVERTER.structure(data, MatchModel)
    except (cattrs.BaseValidationError, InvalidValueError, TypeError, ValueError) as error:
        raise SerializationError(f"{where}: invalid model ({_describe(error)})") from None
