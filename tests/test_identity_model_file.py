"""Tests for saving and loading match models (:func:`save_model`, :func:`load_model`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _identity_strategies import models
from omnicontact.exceptions import SerializationError, UnsupportedSchemaVersionError
from omnicontact.identity import (
    LEVELS,
    MODEL_FORMAT,
    MatchModel,
    Resolver,
    estimate,
    load_model,
    save_model,
)
from omnicontact.testing import synthetic_population


class TestRoundTrip:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(models())
    def test_load_of_save_is_the_model(self, tmp_path: Path, model: MatchModel) -> None:
        """load_model(save_model(m)) == m for any model."""
        path = tmp_path / "model.json"
        save_model(model, path)
        assert load_model(path) == model

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15)
    @given(models(), st.integers(0, 2**16))
    def test_the_loaded_model_scores_every_pair_identically(
        self, tmp_path: Path, model: MatchModel, seed: int
    ) -> None:
        """The loaded model gives every pair of a population the same evidence."""
        path = tmp_path / "model.json"
        save_model(model, path)
        loaded = load_model(path)
        records = synthetic_population(8, seed=seed).records
        for left in records:
            for right in records:
                if left.id < right.id:
                    assert loaded.evaluate(loaded.profile(left), loaded.profile(right)) == (
                        model.evaluate(model.profile(left), model.profile(right))
                    )

    def test_an_estimated_model_resolves_identically(self, tmp_path: Path) -> None:
        """A model estimated on a backfill, saved and loaded, gives the same customers."""
        population = synthetic_population(300, seed=11)
        model = estimate(population.records, seed=2)
        path = tmp_path / "model.json"
        save_model(model, path)
        loaded = load_model(path)
        assert loaded == model
        assert loaded.term_frequencies  # the estimated frequencies came along
        first, second = Resolver(model=model), Resolver(model=loaded)
        first.resolve_many(population.records)
        second.resolve_many(population.records)
        assert first.partition() == second.partition()


class TestVersions:
    def _document(self, tmp_path: Path) -> tuple[Path, dict[str, object]]:
        path = tmp_path / "model.json"
        save_model(MatchModel(), path)
        return path, json.loads(path.read_text(encoding="utf-8"))

    def test_the_file_names_its_format_and_levels(self, tmp_path: Path) -> None:
        """The file carries the layout version and, per comparison, its level names."""
        _, document = self._document(tmp_path)
        assert document["omnicontact_model"] == MODEL_FORMAT
        assert document["levels"] == {field: list(levels) for field, levels in LEVELS.items()}

    @pytest.mark.parametrize("version", [0, MODEL_FORMAT + 1, "1", None])
    def test_another_format_version_is_refused(self, tmp_path: Path, version: object) -> None:
        """A model file of another layout version raises UnsupportedSchemaVersionError."""
        path, document = self._document(tmp_path)
        document["omnicontact_model"] = version
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(UnsupportedSchemaVersionError, match="layout version"):
            load_model(path)

    def test_other_comparison_levels_are_refused(self, tmp_path: Path) -> None:
        """A model saved for other levels (another matcher) raises
        UnsupportedSchemaVersionError naming the comparison."""
        path, document = self._document(tmp_path)
        levels = document["levels"]
        assert isinstance(levels, dict)
        levels["name"] = ["exact", "different"]
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(UnsupportedSchemaVersionError, match="name levels"):
            load_model(path)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"{", "is not JSON"),
            (b"\xff\xfe", "is not UTF-8"),
            (b"[]", "is not an omnicontact model file"),
            (b'{"omnicontact": 1}', "is not an omnicontact model file"),
        ],
    )
    def test_a_file_that_is_not_a_model(self, tmp_path: Path, content: bytes, message: str) -> None:
        """Anything but a model file raises SerializationError saying why."""
        path = tmp_path / "model.json"
        path.write_bytes(content)
        with pytest.raises(SerializationError, match=message):
            load_model(path)

    def test_an_invalid_model_names_the_problem(self, tmp_path: Path) -> None:
        """A model whose values fail validation raises SerializationError, not a raw error."""
        path, document = self._document(tmp_path)
        model = document["model"]
        assert isinstance(model, dict)
        model["match_threshold"] = 3.0
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(SerializationError, match="match_threshold"):
            load_model(path)
