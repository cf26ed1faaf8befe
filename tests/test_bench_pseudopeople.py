"""Tests for ``benchmarks/bench_pseudopeople.py`` and the configuration it runs.

None needs pseudopeople: the file is made here in its shape. The test of the assembly
needs pandas (the ``bench`` extra) and is skipped without it.
"""

from __future__ import annotations

import csv
import importlib
from pathlib import Path
from types import ModuleType

import pytest

from omnicontact.cli import main

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The benchmark script as a module (it imports its neighbours by name)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("bench_pseudopeople")


def _write_csv(path: Path, header: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


DIANA = {"first_name": "Diana", "last_name": "Kofron", "date_of_birth": "1994-05-06"}
HOME = {
    "street_number": "5112",
    "street_name": "145th st",
    "city": "Anytown",
    "state": "WA",
    "zipcode": "00000",
}
PEOPLE = [
    # one person in three registers: census, social security, a tax form (no date of birth)
    {"record_id": "census-0", "source": "census", "middle_name": "P", **DIANA, **HOME},
    {"record_id": "social_security-0", "source": "social_security", "middle_name": "Paula", **DIANA,
     "ssn": "584-16-0130"},
    {"record_id": "tax-0", "source": "tax", "first_name": "Diana", "middle_name": "P",
     "last_name": "Kofron", "ssn": "584-16-0130", **HOME},
    # her twin sister at the same address: never the same person
    {"record_id": "census-1", "source": "census", "first_name": "Anna", "middle_name": "A",
     "last_name": "Kofron", "date_of_birth": "1994-05-06", **HOME},
    # a census date that did not convert (a misread day), kept as written
    {"record_id": "census-2", "source": "census", "first_name": "Gerald", "middle_name": "R",
     "last_name": "Butler", "date_of_birth": "07/71/1943", "street_number": "1130",
     "street_name": "mallory ln", "city": "Anytown", "state": "WA", "zipcode": "00000"},
]  # fmt: skip


class TestExampleConfig:
    def test_resolves_the_benchmark_file(
        self, bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """examples/pseudopeople.toml reads the benchmark's columns: one person's census,
        social security and tax records are one customer, her twin another, and a date
        that does not parse is dropped with its record kept; the benchmark's parser finds
        the times of reading and resolving in the command's progress lines."""
        people = _write_csv(tmp_path / "people.csv", bench.COLUMNS, PEOPLE)
        output = tmp_path / "out.csv"
        config = str(bench.EXAMPLE_CONFIG)
        assert main(["resolve", str(people), "--config", config, "--output", str(output)]) == 0
        err = capsys.readouterr().err
        assert "'07/71/1943'" in err
        assert "1 bad values ignored" in err
        customers = {group for group in bench.clusters_of(output) if len(group) > 1}
        assert customers == {frozenset({"census-0", "social_security-0", "tax-0"})}
        assert sum(len(group) for group in bench.clusters_of(output)) == len(PEOPLE)
        phases = bench.phase_times(err.splitlines())
        assert set(phases) == {"read_s", "resolve_s"}  # too few records to estimate
        assert all(seconds >= 0 for seconds in phases.values())
        assert bench.phase_times(["train: estimated the model from 36,118 records (0.7s)"]) == {
            "training_s": 0.7
        }


def test_without_pseudopeople_it_says_how_to_install_it(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark exits with a message naming what is missing and how to install it."""
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "pseudopeople" else found(name)
    )
    with pytest.raises(SystemExit, match=r"needs .*pseudopeople.*pip install pseudopeople"):
        bench.require_extras()


class TestTruth:
    def test_social_security_records_take_their_persons_households(
        self, bench: ModuleType, tmp_path: Path
    ) -> None:
        """A social security row has no household: its person's other rows give it, and a
        wrong pair of housemates counts as a household false merge, one of strangers not."""
        truth = _write_csv(
            tmp_path / "truth.csv",
            bench.TRUTH_COLUMNS,
            [
                {"record_id": "census-0", "simulant_id": "p1", "household_id": "h1"},
                {"record_id": "social_security-0", "simulant_id": "p1", "household_id": ""},
                {"record_id": "census-1", "simulant_id": "p2", "household_id": "h1"},
                {"record_id": "social_security-9", "simulant_id": "p9", "household_id": ""},
            ],
        )
        pairs, households = bench.read_truth(truth)
        assert pairs == {("census-0", "social_security-0")}
        assert households["social_security-0"] == frozenset({"h1"})
        assert households["social_security-9"] == frozenset()
        merges = bench.household_false_merges
        assert merges([{"social_security-0", "census-1"}], pairs, households) == 1
        assert merges([{"census-0", "social_security-0"}], pairs, households) == 0
        assert merges([{"social_security-9", "census-1"}], pairs, households) == 0

    def test_splink_columns(self, bench: ModuleType, tmp_path: Path) -> None:
        """Splink and the exact baseline get folded names and only dates that parse."""
        people = _write_csv(tmp_path / "people.csv", bench.COLUMNS, PEOPLE)
        rows = {row["unique_id"]: row for row in bench.splink_rows(people)}
        assert rows["census-0"]["first_name"] == "diana"
        assert rows["census-0"]["street"] == "5112 145th st"
        assert rows["census-0"]["national_id"] is None
        assert rows["social_security-0"]["dob"] == "1994-05-06"
        assert rows["tax-0"]["dob"] is None
        assert rows["census-2"]["dob"] is None


class TestAssemble:
    def test_one_file_in_the_users_columns(self, bench: ModuleType) -> None:
        """Census MM/DD/YYYY and social security YYYYMMDD dates become ISO (a date that
        does not convert is kept as written), death events are left out, and every row
        carries its source and the columns the tools read, the truth apart."""
        pd = pytest.importorskip("pandas")
        census = pd.DataFrame(
            {
                "simulant_id": ["p1", "p2"],
                "household_id": ["h1", "h1"],
                "first_name": ["Diana", "Anna"],
                "middle_initial": ["P", "A"],
                "last_name": ["Kofron", "Kofron"],
                "date_of_birth": ["05/06/1994", "21/06/1994"],
                "street_number": ["5112", "5112"],
                "street_name": ["145th st", "145th st"],
                "unit_number": [None, None],
                "city": ["Anytown", "Anytown"],
                "state": ["WA", "WA"],
                "zipcode": ["00000", "00000"],
            }
        )
        social_security = pd.DataFrame(
            {
                "simulant_id": ["p1", "p3"],
                "ssn": ["584-16-0130", "111-22-3333"],
                "first_name": ["Diana", "Old"],
                "middle_name": ["Paula", "Man"],
                "last_name": ["Kofron", "Dead"],
                "date_of_birth": ["19940506", "19200101"],
                "event_type": ["creation", "death"],
            }
        )
        taxes = pd.DataFrame(
            {
                "simulant_id": ["p1"],
                "household_id": ["h1"],
                "ssn": ["584-16-0130"],
                "first_name": ["Diana"],
                "middle_initial": ["P"],
                "last_name": ["Kofron"],
                "mailing_address_street_number": ["5112"],
                "mailing_address_street_name": ["145th st"],
                "mailing_address_unit_number": [None],
                "mailing_address_city": ["Anytown"],
                "mailing_address_state": ["WA"],
                "mailing_address_zipcode": ["00000"],
            }
        )
        table = bench.assemble(census, social_security, taxes)
        assert list(table.columns) == [*bench.COLUMNS, "simulant_id", "household_id"]
        assert table["source"].tolist() == ["census", "census", "social_security", "tax"]
        assert table["date_of_birth"].tolist()[:3] == ["1994-05-06", "21/06/1994", "1994-05-06"]
        assert pd.isna(table["date_of_birth"].iloc[3])
        assert table["ssn"].tolist()[2:] == ["584-16-0130", "584-16-0130"]
        assert pd.isna(table["ssn"].iloc[0])
        assert table["record_id"].is_unique
