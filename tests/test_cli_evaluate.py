"""Tests for ``omnicontact evaluate`` and the model and pairs files ``resolve`` writes."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from omnicontact.cli import main
from omnicontact.identity import MODEL_FORMAT, PairEvidence, load_model

EXAMPLES = Path(__file__).parent.parent / "examples"
PEOPLE = EXAMPLES / "data" / "people.csv"
FEBRL = EXAMPLES / "febrl.toml"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _truth(tmp_path: Path) -> Path:
    """The sample's truth: rec-N-org and its rec-N-dup-K rows are person N."""
    with PEOPLE.open(newline="", encoding="utf-8") as stream:
        ids = [row["rec_id"].strip() for row in csv.DictReader(stream)]
    lines = ["record_id,person", *(f"{i},{i.split('-')[1]}" for i in ids if i)]
    return _write(tmp_path / "truth.csv", "\n".join(lines) + "\n")


def household_config(tmp_path: Path) -> Path:
    """The shipped FEBRL config with the default (household) vetoes: the sample's duplicates
    with replaced given names then make vetoed pairs."""
    text = FEBRL.read_text(encoding="utf-8")
    start = text.index("[model.vetoes]")
    text = text[:start] + text[text.index("[model.blocking]") :]
    path = tmp_path / "household.toml"
    path.write_text(text, encoding="utf-8")
    return path


def resolve_sample(tmp_path: Path, config: Path) -> dict[str, Path]:
    """The FEBRL sample resolved with ``config``, its scored pairs and model saved."""
    files = {name: tmp_path / name for name in ("out.csv", "pairs.csv", "model.json")}
    files["config"] = config
    status = main(
        [
            "resolve",
            str(PEOPLE),
            "--config",
            str(config),
            "--quiet",
            "--output",
            str(files["out.csv"]),
            "--pairs",
            str(files["pairs.csv"]),
            "--save-model",
            str(files["model.json"]),
        ]
    )
    assert status == 1  # the sample has one row without an id
    return files


@pytest.fixture
def resolved(tmp_path: Path) -> dict[str, Path]:
    """The FEBRL sample resolved with the shipped config, its scored pairs and model saved."""
    return resolve_sample(tmp_path, FEBRL)


class TestResolveFiles:
    def test_outputs_never_replace_an_input_and_need_force_to_replace_a_file(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--save-model and --pairs follow --output's rules: never the input or the model
        read, an existing file only with --force."""
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--quiet"]
        model = resolved["model.json"]
        before = model.read_bytes()
        out = tmp_path / "new.csv"
        assert main([*args, "--output", str(out), "--model", str(model), "--force",
                     "--save-model", str(model)]) == 2  # fmt: skip
        assert "is also an input" in capsys.readouterr().err
        assert main([*args, "--output", str(out), "--pairs", str(resolved["pairs.csv"])]) == 2
        assert "pass --force" in capsys.readouterr().err
        assert model.read_bytes() == before
        assert not out.exists()
        assert main([*args, "--output", str(out), "--pairs", str(resolved["pairs.csv"]),
                     "--force"]) == 1  # fmt: skip

    def test_pairs_file_lists_scored_candidate_pairs(self, resolved: dict[str, Path]) -> None:
        """--pairs writes each candidate pair once with its probability and outcome."""
        with resolved["pairs.csv"].open(newline="", encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        assert rows
        assert list(rows[0]) == [
            "left",
            "right",
            "probability",
            "weight",
            "outcome",
            "rule",
            "vetoes",
        ]
        assert all(row["left"] < row["right"] for row in rows)
        assert all(0.0 <= float(row["probability"]) <= 1.0 for row in rows)
        by_pair = {(row["left"], row["right"]): row for row in rows}
        assert by_pair["rec-1-dup-0", "rec-1-org"]["outcome"] == "match"
        assert by_pair["rec-10-org", "rec-9-org"]["outcome"] == "non_match"

    def test_a_saved_model_gives_the_same_customers(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--model with the file --save-model wrote resolves to the same rows."""
        assert json.loads(resolved["model.json"].read_text())["omnicontact_model"] == MODEL_FORMAT
        again = tmp_path / "again.csv"
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--quiet"]
        assert main([*args, "--output", str(again), "--model", str(resolved["model.json"])]) == 1
        assert again.read_text() == resolved["out.csv"].read_text()
        assert f"the model of {resolved['model.json']} is used" in capsys.readouterr().err

    def test_the_saved_model_is_the_one_configured(self, resolved: dict[str, Path]) -> None:
        """The model saved is the [model] table's (the sample is too small to estimate)."""
        from omnicontact.cli._config import load_config

        assert load_model(resolved["model.json"]) == load_config(FEBRL).model.base_model()

    @pytest.mark.parametrize(
        ("content", "message"),
        [(None, "cannot be read"), ("{", "is not JSON"), ('{"omnicontact_model": 99}', "layout")],
    )
    def test_a_bad_model_file_is_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
    ) -> None:
        """A missing, unreadable or other-version --model exits 2 before writing anything."""
        model = tmp_path / "model.json"
        if content is not None:
            _write(model, content)
        out = tmp_path / "out.csv"
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--output", str(out)]
        assert main([*args, "--model", str(model)]) == 2
        assert message in capsys.readouterr().err
        assert not out.exists()


class TestEvaluateCommand:
    def test_cluster_id_labels(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Against a record_id,person file, the sample scores 1.0, with sweep and blocking."""
        args = ["evaluate", str(resolved["out.csv"]), "--truth", str(_truth(tmp_path))]
        assert main([*args, "--pairs", str(resolved["pairs.csv"]), "--thresholds", "0.5,0.9"]) == 0
        out = capsys.readouterr().out
        assert "pairwise      1.0000     1.0000  1.0000" in out
        assert "B-cubed       1.0000     1.0000  1.0000" in out
        assert "blocking recall: 1.0000 of 8 true pairs" in out
        assert [line.split()[0] for line in out.splitlines()[-2:]] == ["0.5", "0.9"]

    def test_a_truth_column_of_the_input_file(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--id-column and --truth-column read the labels from any CSV, such as the input."""
        truth = _write(
            tmp_path / "input.csv",
            "rec_id,who,other\nrec-1-org,1,x\nrec-1-dup-0,1,y\nrec-2-org,2,z\nrec-9-org,9,\n",
        )
        args = ["evaluate", str(resolved["out.csv"]), "--truth", str(truth)]
        assert main([*args, "--id-column", "rec_id", "--truth-column", "who"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("records scored: 4; true pairs: 1; predicted pairs: 1")

    def test_true_pairs_and_labelled_pairs(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """left,right lists every true pair; left,right,match labels a sample (no B-cubed)."""
        clusters = str(resolved["out.csv"])
        every = _write(tmp_path / "every.csv", "left,right\nrec-1-org,rec-1-dup-0\n")
        assert main(["evaluate", clusters, "--truth", str(every)]) == 0
        out = capsys.readouterr().out
        # the other duplicates are joined but not listed as true pairs: precision falls
        assert "true pairs: 1;" in out
        assert "pairwise      0.1250     1.0000" in out
        sample = _write(
            tmp_path / "sample.csv",
            "left,right,match\nrec-1-org,rec-1-dup-0,yes\nrec-9-org,rec-10-org,no\n",
        )
        assert main(["evaluate", clusters, "--truth", str(sample)]) == 0
        out = capsys.readouterr().out
        assert "pairwise      1.0000     1.0000  1.0000" in out
        assert "needs every record's true cluster" in out

    @pytest.mark.parametrize(
        ("truth", "extra", "message"),
        [
            ("record_id,a,b\nx,1,2\n", [], "give --truth-column"),
            ("left,right,match\nx,y,maybe\n", [], "match: must be one of"),
            ("record_id,person\nx,1\nx,2\n", [], "repeats 'x'"),
            ("record_id,person\nx,1\n", ["--thresholds", "0.5,high"], "--thresholds"),
            ("record_id,person\nx,1\n", ["--thresholds", "2"], "--thresholds"),
            ("record_id,person\nx,1\n", ["--chart", "c.png"], "--chart needs --pairs"),
        ],
    )
    def test_bad_input_is_a_usage_error(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        truth: str,
        extra: list[str],
        message: str,
    ) -> None:
        """Unusable labels or arguments exit 2 with a message saying why."""
        clusters = _write(tmp_path / "c.csv", "record_id,customer_id\nx,c1\n")
        labels = _write(tmp_path / "t.csv", truth)
        assert main(["evaluate", str(clusters), "--truth", str(labels), *extra]) == 2
        assert message in capsys.readouterr().err

    def test_a_clusters_file_without_its_columns(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A clusters file that is not resolve's output exits 2 naming the missing column."""
        clusters = _write(tmp_path / "c.csv", "id,customer\nx,c1\n")
        labels = _write(tmp_path / "t.csv", "record_id,person\nx,1\n")
        assert main(["evaluate", str(clusters), "--truth", str(labels)]) == 2
        assert "has no column(s) record_id, customer_id" in capsys.readouterr().err

    def test_chart(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--chart draws precision and recall against the threshold (with matplotlib)."""
        pytest.importorskip("matplotlib")
        chart = tmp_path / "chart.png"
        args = ["evaluate", str(resolved["out.csv"]), "--truth", str(_truth(tmp_path))]
        assert main([*args, "--pairs", str(resolved["pairs.csv"]), "--chart", str(chart)]) == 0
        assert chart.read_bytes().startswith(b"\x89PNG")

    def test_chart_never_replaces_an_input_and_an_existing_file_needs_force(
        self, resolved: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--chart naming an input exits 2 even with --force; an existing chart file is
        replaced only with --force."""
        pytest.importorskip("matplotlib")
        truth = _truth(tmp_path)
        args = ["evaluate", str(resolved["out.csv"]), "--truth", str(truth)]
        args += ["--pairs", str(resolved["pairs.csv"])]
        before = truth.read_bytes()
        assert main([*args, "--chart", str(truth), "--force"]) == 2
        assert "is also an input" in capsys.readouterr().err
        assert truth.read_bytes() == before
        chart = _write(tmp_path / "chart.png", "keep me")
        assert main([*args, "--chart", str(chart)]) == 2
        assert "--force" in capsys.readouterr().err
        assert chart.read_text() == "keep me"
        assert main([*args, "--chart", str(chart), "--force"]) == 0
        assert chart.read_bytes().startswith(b"\x89PNG")

    def test_chart_without_matplotlib_says_which_extra(
        self,
        resolved: dict[str, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Without matplotlib, --chart exits 2 naming the extra to install; the report is
        still printed."""
        monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails
        chart = tmp_path / "chart.png"
        args = ["evaluate", str(resolved["out.csv"]), "--truth", str(_truth(tmp_path))]
        assert main([*args, "--pairs", str(resolved["pairs.csv"]), "--chart", str(chart)]) == 2
        captured = capsys.readouterr()
        assert "pip install 'omnicontact[chart]'" in captured.err
        assert "pairwise" in captured.out
        assert not chart.exists()


class TestPairsFile:
    def test_read_pairs_gives_back_what_candidate_pairs_scored(self, tmp_path: Path) -> None:
        """The pairs file read back is the resolver's candidate pairs: ids, outcome,
        probability, weight, rule and vetoes (the household vetoes on)."""
        from omnicontact.cli._config import load_config
        from omnicontact.cli._evaluate import read_pairs
        from omnicontact.identity import Resolver

        resolved = resolve_sample(tmp_path, household_config(tmp_path))
        config = load_config(resolved["config"])
        with PEOPLE.open(newline="", encoding="utf-8") as stream:
            rows = [row for row in csv.DictReader(stream, skipinitialspace=True) if row["rec_id"]]
        records = [config.records.read(row)[0] for row in rows]
        resolver = Resolver(model=config.model.build(records))
        resolver.resolve_many(records)

        def fields(pair: PairEvidence) -> tuple[object, ...]:
            return (
                pair.pair,
                pair.outcome,
                pair.probability,
                pair.weight,
                pair.rule,
                pair.vetoes,
            )

        expected = [fields(pair) for pair in resolver.candidate_pairs()]
        assert [fields(pair) for pair in read_pairs(resolved["pairs.csv"])] == expected
        assert any(pair[5] for pair in expected)  # a vetoed pair is among them
