"""Tests for ``omnicontact resolve`` and the record mapping it reads columns with."""

from __future__ import annotations

import csv
import inspect
import io
import json
import pickle
import random
import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _identity_strategies import models
from omnicontact import Normalizer
from omnicontact.cli import main
from omnicontact.cli._resolve import Progress, load_config
from omnicontact.exceptions import ConfigurationError, InvalidValueError
from omnicontact.identity import (
    BLOCKING_RULES,
    LEVELS,
    AddressColumns,
    Blocking,
    Comparison,
    DateOfBirthColumn,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
    NameColumns,
    Record,
    RecordMapping,
)

EXAMPLES = Path(__file__).parent.parent / "examples"
PEOPLE = EXAMPLES / "data" / "people.csv"
FEBRL = EXAMPLES / "febrl.toml"

CONTACT_CONFIG = """
[records]
record_id = "id"
default_region = "FR"
emails = ["email"]
phones = ["phone"]
attributes = ["segment"]

[records.name]
full = "name"

[model]
estimate = false
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _skip_rows(tmp_path: Path) -> Path:
    """The shipped FEBRL configuration with ``bad_values = "skip_row"``."""
    text = FEBRL.read_text(encoding="utf-8")
    assert 'bad_values = "drop_value"' in text
    return _write(
        tmp_path / "skip.toml", text.replace('bad_values = "drop_value"', 'bad_values = "skip_row"')
    )


class TestFebrlExample:
    def test_writes_one_row_per_good_record(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With skip_row, the FEBRL sample resolves to record_id,customer_id rows for its 18
        good rows."""
        out = tmp_path / "out.csv"
        config = _skip_rows(tmp_path)
        status = main(["resolve", str(PEOPLE), "--config", str(config), "--output", str(out)])
        assert status == 1  # two rows were skipped
        rows = _rows(out)
        good_ids = [row["rec_id"] for row in _rows(PEOPLE)][:18]
        assert [row["record_id"] for row in rows] == good_ids
        assert all(row["customer_id"].startswith("cus_") for row in rows)
        customer = {row["record_id"]: row["customer_id"] for row in rows}
        # The sample's truth: rec-N-org and its rec-N-dup-K rows are one person.
        truth: dict[str, set[str]] = {}
        for record_id, customer_id in customer.items():
            truth.setdefault(record_id.split("-")[1], set()).add(customer_id)
        assert all(len(ids) == 1 for ids in truth.values())
        # Different people (rec-9 and rec-10 share an address and family name) stay apart.
        assert len(set(customer.values())) == len(truth) == 11
        assert "resolved 18 records into" in capsys.readouterr().err

    def test_bad_rows_are_reported_with_line_column_and_reason(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each skipped row is reported on stderr with its line, column and reason, and counted."""
        out = tmp_path / "out.csv"
        main(["resolve", str(PEOPLE), "--config", str(_skip_rows(tmp_path)), "--output", str(out)])
        err = capsys.readouterr().err
        assert f"{PEOPLE}:20: date_of_birth: is not a date" in err
        assert "'19871345'" in err
        assert f"{PEOPLE}:21: rec_id: is empty" in err
        assert "2 bad rows skipped" in err

    def test_explain_prints_why_two_records_match(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--explain prints the comparison levels that make two records one customer."""
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--quiet"]
        main([*args, "--explain", "rec-1-org", "rec-1-dup-0"])
        out = capsys.readouterr().out
        assert out.startswith("Records rec-1-org and rec-1-dup-0 are the same customer.")
        assert "national_id: exact" in out

    def test_explain_prints_why_two_records_do_not_match(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--explain says when two records are different customers, and which levels differ."""
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--quiet"]
        main([*args, "--explain", "rec-9-org", "rec-10-org"])
        out = capsys.readouterr().out
        assert out.startswith("Records rec-9-org and rec-10-org are different customers.")
        assert "date_of_birth: different" in out

    def test_explain_of_an_unknown_record_is_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--explain with an id that no good row holds exits 2 and says so."""
        args = ["resolve", str(PEOPLE), "--config", str(_skip_rows(tmp_path)), "--quiet"]
        assert main([*args, "--explain", "rec-1-org", "rec-12-org"]) == 2
        err = capsys.readouterr().err
        assert "--explain" in err
        assert "rec-12-org" in err
        assert "2 rows were skipped" in err

    def test_explain_of_an_unknown_record_fails_before_resolving(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An --explain id that no row holds is reported before any training or resolving."""
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--progress-interval", "0"]
        assert main([*args, "--explain", "rec-1-org", "nobody"]) == 2
        err = capsys.readouterr().err
        assert "no record 'nobody'" in err
        assert "resolve:" not in err.replace("omnicontact resolve:", "")  # no progress line

    def test_explain_prints_the_prior_so_the_weights_add_up(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The prior and each comparison's weight add up to the pair's total weight."""
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--quiet"]
        main([*args, "--explain", "rec-1-org", "rec-1-dup-0"])
        out = capsys.readouterr().out
        total = float(re.search(r"weight ([+-][0-9.]+) bits", out)[1])  # type: ignore[index]
        fields = "|".join(["prior", *LEVELS])
        parts = re.findall(rf"^  (?:{fields}): [^+-]*([+-][0-9.]+)", out, flags=re.MULTILINE)
        assert len(parts) == 1 + len(LEVELS)
        parts = [float(part) for part in parts]
        assert abs(sum(parts) - total) < 0.05

    def test_the_example_config_loads(self) -> None:
        """examples/febrl.toml maps the FEBRL columns and asks for estimation."""
        config = load_config(FEBRL)
        assert config.records.record_id == "rec_id"
        assert config.records.external_ids == {"soc_sec_id": "national_id"}
        assert config.records.date_of_birth == DateOfBirthColumn(
            column="date_of_birth", order="YMD"
        )
        assert config.model.estimate


class TestResolveCommand:
    def test_all_good_rows_exit_zero(self, tmp_path: Path) -> None:
        """A file without bad rows exits 0, and a shared email makes one customer."""
        config = _write(tmp_path / "c.toml", CONTACT_CONFIG)
        data = _write(
            tmp_path / "in.csv",
            "id,name,email,phone,segment\n"
            "a,Ann Lee,ann@example.fr,,gold\n"
            "b,A. Lee,ANN@example.fr,06 12 34 56 78,\n"
            "c,Bob Ray,,01 45 67 89 01,\n",
        )
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 0
        customer = {row["record_id"]: row["customer_id"] for row in _rows(out)}
        assert customer["a"] == customer["b"] != customer["c"]

    def test_repeated_record_id_is_reported(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A second row with an id already seen is skipped, naming the first line."""
        config = _write(tmp_path / "c.toml", CONTACT_CONFIG)
        data = _write(tmp_path / "in.csv", "id,name,email,phone,segment\na,Ann,,,\na,Bob,,,\n")
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 1
        assert f"{data}:3: id: repeats id 'a' (first seen on line 2)" in capsys.readouterr().err
        assert [row["record_id"] for row in _rows(out)] == ["a"]

    def test_bad_phone_and_extra_cells_are_reported(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unreadable phone and a row longer than the header are both reported and skipped."""
        config = _write(tmp_path / "c.toml", CONTACT_CONFIG)
        data = _write(
            tmp_path / "in.csv",
            "id,name,email,phone,segment\na,Ann,,12,\nb,Bob,,,,surplus\nc,Cy,,,\n",
        )
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"{data}:2: phone:" in err
        assert f"{data}:3: row: has more cells than the header" in err
        assert "2 bad rows skipped" in err
        assert [row["record_id"] for row in _rows(out)] == ["c"]

    def test_bad_rows_past_the_limit_are_counted_not_printed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The first --max-reported bad rows are printed, then one line counts the rest;
        0 prints them all. Every one is counted in the summary."""
        config = _write(tmp_path / "c.toml", CONTACT_CONFIG)
        rows = "".join(f"r{i},Ann,,12,\n" for i in range(25))
        data = _write(tmp_path / "in.csv", "id,name,email,phone,segment\n" + rows)
        out = tmp_path / "out.csv"
        args = ["resolve", str(data), "--config", str(config), "--output", str(out), "--force"]
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.count(": phone:") == 20
        assert "5 more bad rows or values, counted but not printed" in err
        assert "25 bad rows skipped" in err
        assert main([*args, "--max-reported", "0"]) == 1
        err = capsys.readouterr().err
        assert err.count(": phone:") == 25
        assert "more bad rows" not in err
        assert main([*args, "--max-reported", "-1"]) == 2

    def test_missing_column_is_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A configured column absent from the header exits 2, names it and writes nothing."""
        config = _write(tmp_path / "c.toml", CONTACT_CONFIG)
        data = _write(tmp_path / "in.csv", "id,name,email\na,Ann,\n")
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 2
        assert "has no column(s) phone, segment" in capsys.readouterr().err
        assert not out.exists()

    def test_output_is_required_without_explain(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --output or --explain there is nothing to do: exit 2."""
        assert main(["resolve", str(PEOPLE), "--config", str(FEBRL)]) == 2
        assert "--output is required" in capsys.readouterr().err

    def test_missing_input_is_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An input file that does not exist exits 2 and names it."""
        missing = tmp_path / "nope.csv"
        args = ["resolve", str(missing), "--config", str(FEBRL), "--output", str(tmp_path / "o")]
        assert main(args) == 2
        assert str(missing) in capsys.readouterr().err

    def test_output_in_a_missing_directory_is_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An output path whose directory does not exist exits 2 before any work is done."""
        out = tmp_path / "no" / "out.csv"
        assert main(["resolve", str(PEOPLE), "--config", str(FEBRL), "--output", str(out)]) == 2
        err = capsys.readouterr().err
        assert "its directory does not exist" in err
        assert "read:" not in err

    def test_progress_is_printed_on_a_larger_input(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A few thousand generated rows print read and resolve progress lines with a rate."""
        rng = random.Random(7)  # fixed seed: the generated file is always the same
        lines = ["id,name,email,phone,segment"]
        for i in range(2500):
            person = rng.randrange(1800)
            lines.append(f"r{i},Person {person:04d},p{person}@example.fr,,")
        data = _write(tmp_path / "big.csv", "\n".join(lines) + "\n")
        config = _write(tmp_path / "c.toml", CONTACT_CONFIG)
        out = tmp_path / "out.csv"
        args = ["resolve", str(data), "--config", str(config), "--output", str(out)]
        assert main([*args, "--progress-interval", "0"]) == 0
        err = capsys.readouterr().err.splitlines()
        resolving = [line for line in err if line.startswith("resolve: ")]
        counts = [line.split(" records")[0] for line in resolving]
        assert counts == [
            "resolve: 1,000/2,500",
            "resolve: 2,000/2,500",
            "resolve: 2,500/2,500",
        ]
        assert resolving[0].startswith("resolve: 1,000/2,500 records (")
        assert resolving[-1].startswith("resolve: 2,500/2,500 records (")
        assert resolving[-1].endswith("done")
        assert "/s," in resolving[-1]
        assert any(line.startswith("read: 2,500 records") for line in err)
        assert len(_rows(out)) == 2500

    def test_quiet_prints_no_progress(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--quiet keeps the bad-row reports and summary but drops progress lines."""
        out = tmp_path / "out.csv"
        main(["resolve", str(PEOPLE), "--config", str(FEBRL), "--output", str(out), "--quiet"])
        err = capsys.readouterr().err
        assert not any(line.startswith(("read:", "resolve:")) for line in err.splitlines())
        assert "1 bad rows skipped, 1 bad values ignored" in err

    def test_drop_value_keeps_the_record_without_the_bad_value(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With bad_values = "drop_value" (as the shipped example says) a bad date is reported
        and ignored, the row kept."""
        out = tmp_path / "out.csv"
        assert main(["resolve", str(PEOPLE), "--config", str(FEBRL), "--output", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"{PEOPLE}:20: date_of_birth: is not a date" in err
        assert "(value ignored)" in err
        assert "1 bad rows skipped, 1 bad values ignored" in err
        assert "rec-12-org" in [row["record_id"] for row in _rows(out)]

    def test_only_ignored_values_exit_zero(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Values ignored at the user's request are reported but do not make the run fail."""
        config = _write(tmp_path / "c.toml", 'bad_values = "drop_value"\n' + CONTACT_CONFIG)
        data = _write(tmp_path / "in.csv", "id,name,email,phone,segment\na,Ann,,12,\n")
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 0
        assert f"{data}:2: phone:" in capsys.readouterr().err

    def test_guard_limits_can_be_raised(self, tmp_path: Path) -> None:
        """[model.max_distinct] decides whether a mistyped national id blocks a merge."""
        strict = FEBRL.read_text(encoding="utf-8").replace(
            '"external_id:national_id" = 3', '"external_id:national_id" = 1'
        )
        customers = {}
        for name, text in [("strict", strict), ("shipped", FEBRL.read_text(encoding="utf-8"))]:
            config = _write(tmp_path / f"{name}.toml", text)
            out = tmp_path / f"{name}.csv"
            main(["resolve", str(PEOPLE), "--config", str(config), "--output", str(out)])
            customers[name] = {row["record_id"]: row["customer_id"] for row in _rows(out)}
        # rec-2-dup-0's national id has two digits swapped.
        assert customers["strict"]["rec-2-org"] != customers["strict"]["rec-2-dup-0"]
        assert customers["shipped"]["rec-2-org"] == customers["shipped"]["rec-2-dup-0"]

    def test_estimation_runs_when_the_input_is_large_enough(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With at least estimate_min_records rows the model is estimated from the input."""
        config = _write(
            tmp_path / "c.toml",
            FEBRL.read_text(encoding="utf-8").replace(
                "estimate_min_records = 1000", "estimate_min_records = 10"
            ),
        )
        out = tmp_path / "out.csv"
        main(["resolve", str(PEOPLE), "--config", str(config), "--output", str(out)])
        assert "train: estimated the model from 19 records" in capsys.readouterr().err


class TestConfigErrors:
    @pytest.mark.parametrize(
        ("text", "key", "reason"),
        [
            ('[records]\nrecord_id = "id"\n[records.date_of_birth]\ncolumn = "d"\norder = "X"\n',
             "records.date_of_birth.order", "must be one of 'DMY', 'MDY', 'YMD'"),
            ("[records]\n", "records.record_id", "required key missing"),
            ('[records]\nrecord_id = "id"\nrecordid = "x"\n', "records.recordid",
             "unknown key (did you mean record_id?)"),
            ('[records]\nrecord_id = "id"\n[model.blocking]\nrulez = ["id"]\n',
             "model.blocking.rulez", "unknown key (did you mean rules?)"),
            ('[records]\nrecord_id = "id"\n[model.comparisons.name]\nm = { exactt = 0.5 }\n',
             "model.comparisons.name.m.exactt", "is not a level of name"),
            ('[records]\nrecord_id = "id"\n[model.comparisons.nam]\n',
             "model.comparisons.nam", "is not a comparison"),
            ('[records]\nrecord_id = "id"\n[model.comparisons.name]\nterm_frequencies = false\n',
             "model.comparisons.name.term_frequencies",
             "unknown key (did you mean term_frequency?)"),
            ('[records]\nrecord_id = "id"\n[model.blocking]\nrules = ["idd"]\n',
             "model.blocking.rules", "is not a blocking rule"),
            ('[records]\nrecord_id = "id"\n[model.blocking]\nmax_block_size = 1\n',
             "model.blocking.max_block_size", "must be an int >= 2"),
            ('[records]\nrecord_id = "id"\n[[model.rules]]\nkind = "emial"\n',
             "model.rules.0.kind", "must be one of: email, phone, external_id, social"),
            ('[records]\nrecord_id = "id"\n[model.conflicts]\nname = ["x"]\n',
             "model.conflicts.name", "unknown levels"),
            ('[records]\nrecord_id = "id"\n[model.vetoes]\nnam = ["different"]\n',
             "model.vetoes.nam", "is not a comparison"),
            ('[records]\nrecord_id = "id"\n[model]\nveto_weight = 3.0\n',
             "model.veto_weight", "must be a float in [-1000, 0]"),
            ('[records]\nrecord_id = "id"\n[model.guards]\nshared_after_names = 1\n',
             "model.guards.shared_after_names", "must be >= 2"),
            ('[records]\nrecord_id = "id"\n[model.max_distinct]\nemail = 3\n',
             "model.max_distinct", "unknown key (did you mean guards.max_distinct?)"),
            ('[records]\nrecord_id = "id"\ndefault_observed_at = 2026-01-01T00:00:00\n',
             "records.default_observed_at", "is naive"),
            ('[records]\nrecord_id = "id"\nsource = "Web Site"\n', "records.source",
             "must be lowercase"),
            ('[records]\nrecord_id = "id"\nsource_column = ""\n',
             "records.source_column", "must be a column name"),
            ('bad_value = "skip_row"\n[records]\nrecord_id = "id"\n', "bad_value",
             "unknown key (did you mean bad_values?)"),
            ('[records]\nrecord_id = "id"\n[model]\nmatch_threshold = "high"\n',
             "model.match_threshold", "expected float"),
            ('[records]\nrecord_id = "id"\n[model]\nmatch_threshold = 0.3\n',
             "model.review_threshold", "must not exceed match_threshold"),
            ('[records]\nrecord_id = "id"\nexternal_ids = { ssn = "Not A Name" }\n',
             "records.external_ids.ssn", "must be a lowercase name"),
            ('[records]\nrecord_id = "id"\ndefault_region = "XX"\n', "records.default_region",
             "not a supported ISO 3166 region"),
            ('bad_values = "drop"\n[records]\nrecord_id = "id"\n', "bad_values",
             "must be one of 'skip_row', 'drop_value'"),
            ('[records]\nrecord_id = "id"\n[model.guards.max_distinct]\nemail = 0\n',
             "model.guards.max_distinct.email", "must be an int >= 1"),
            ('[records]\nrecord_id = "id"\n[records.name]\nfull = "n"\ngiven = "g"\n',
             "records.name", "either a 'full' column or 'given'/'family'"),
            ('[records]\nrecord_id = "id"\n[[records.addresses]]\nlocality = "c"\nstate = "s"\n',
             "records.addresses.0.state", "unknown key"),
            ('[records]\nrecord_id = "id"\n[[records.addresses]]\nlocality = "c"\nregoin = "s"\n',
             "records.addresses.0.regoin", "unknown key (did you mean region?)"),
            ('[records]\nrecord_id = "id"\n[[records.addresses]]\nregion = "s"\n',
             "records.addresses.0.address", "needs 'lines', a 'postal_code' or a 'locality'"),
        ],
    )  # fmt: skip
    def test_errors_name_the_file_and_key(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, key: str, reason: str
    ) -> None:
        """A bad configuration exits 2 with a message naming the file, the key and the reason."""
        config = _write(tmp_path / "bad.toml", text)
        out = tmp_path / "out.csv"
        assert main(["resolve", str(PEOPLE), "--config", str(config), "--output", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"{config}: {key}:" in err
        assert reason in err
        assert not out.exists()

    def test_invalid_toml_names_the_file(self, tmp_path: Path) -> None:
        """A file that is not TOML raises ConfigurationError naming it, with no key."""
        config = _write(tmp_path / "bad.toml", "[records\n")
        with pytest.raises(ConfigurationError) as caught:
            load_config(config)
        assert caught.value.file == str(config)
        assert caught.value.key is None
        assert "is not valid TOML" in str(caught.value)

    def test_a_config_that_is_not_utf8_names_the_file(self, tmp_path: Path) -> None:
        """A configuration file that is not UTF-8 raises ConfigurationError, not a raw
        UnicodeDecodeError."""
        config = tmp_path / "latin1.toml"
        config.write_bytes('[records]\nrecord_id = "né"\n'.encode("latin-1"))
        with pytest.raises(ConfigurationError, match="is not UTF-8 text"):
            load_config(config)

    def test_configuration_error_survives_pickling(self) -> None:
        """A ConfigurationError crosses process boundaries with its file, key and reason."""
        error = ConfigurationError("must be one of 'DMY'", file="c.toml", key="records.x")
        again = pickle.loads(pickle.dumps(error))
        assert (again.file, again.key, again.reason, str(again)) == (
            "c.toml",
            "records.x",
            "must be one of 'DMY'",
            "c.toml: records.x: must be one of 'DMY'",
        )

    def test_missing_config_names_the_file(self, tmp_path: Path) -> None:
        """A configuration file that does not exist raises ConfigurationError naming it."""
        with pytest.raises(ConfigurationError, match="cannot be read"):
            load_config(tmp_path / "none.toml")


class TestProgress:
    def test_prints_at_most_once_per_interval(self) -> None:
        """Updates closer than the interval are dropped; the final one always prints."""
        now = [0.0]
        stream = io.StringIO()
        progress = Progress(stream, interval=1.0, clock=lambda: now[0])
        progress.start("resolve")
        for done in range(1, 11):
            now[0] += 0.25
            progress.update(done * 100, 1000)
        progress.update(1000, 1000, final=True)
        assert stream.getvalue().splitlines() == [
            "resolve: 400/1,000 records (400/s, 1.0s)",
            "resolve: 800/1,000 records (400/s, 2.0s)",
            "resolve: 1,000/1,000 records (400/s, 2.5s) done",
        ]

    def test_disabled_prints_nothing(self) -> None:
        """A disabled progress prints nothing, even at the end."""
        stream = io.StringIO()
        progress = Progress(stream, enabled=False)
        progress.start("read")
        progress.update(5, final=True)
        assert stream.getvalue() == ""


FEBRL_MAPPING = RecordMapping(
    record_id="rec_id",
    source="febrl",
    default_region="AU",
    name=NameColumns(given="given_name", family="surname"),
    date_of_birth=DateOfBirthColumn(column="date_of_birth", order="YMD"),
    addresses=[
        AddressColumns(
            lines=["street_number", "address_1", "address_2"],
            postal_code="postcode",
            locality="suburb",
        )
    ],
    external_ids={"soc_sec_id": "national_id"},
    attributes=["state"],
)

cells = st.one_of(st.just(""), st.just("  "), st.text(max_size=12))


class TestRecordMapping:
    def test_reads_a_febrl_row(self) -> None:
        """A FEBRL row gives a name, a date of birth, an address, a national id and attributes."""
        row = _rows(PEOPLE)[0]
        record = FEBRL_MAPPING.to_record(row)
        assert record.id == "rec-1-org"
        assert record.source == "febrl"
        assert sorted(i.key for i in record.identifiers) == [
            "1915-11-11",
            "8 stanley street miami|4223|winston hills|AU",
            "michaela|neumann",
            "national_id:5304218",
        ]
        assert record.attributes == {"state": "nsw"}

    def test_empty_cells_are_missing_not_errors(self) -> None:
        """A row with only an id gives a record without identifiers."""
        row = dict.fromkeys(FEBRL_MAPPING.columns, " ")
        row["rec_id"] = "r1"
        record = FEBRL_MAPPING.to_record(row)
        assert record.identifiers == ()
        assert record.attributes == {}

    def test_columns_are_listed_once_in_order(self) -> None:
        """columns lists every column the mapping reads, without repeats."""
        assert FEBRL_MAPPING.columns == (
            "rec_id",
            "given_name",
            "surname",
            "date_of_birth",
            "street_number",
            "address_1",
            "address_2",
            "postcode",
            "suburb",
            "soc_sec_id",
            "state",
        )

    def test_observed_at_column_is_read(self) -> None:
        """An ISO 8601 time column sets when the record was observed; a naive time is refused."""
        mapping = RecordMapping(record_id="id", observed_at="at")
        record = mapping.to_record({"id": "a", "at": "2026-03-02T10:00:00+01:00"})
        assert record.observed_at.isoformat() == "2026-03-02T09:00:00+00:00"
        with pytest.raises(InvalidValueError) as caught:
            mapping.to_record({"id": "a", "at": "2026-03-02T10:00:00"})
        assert caught.value.field == "at"

    @given(row=st.fixed_dictionaries(dict.fromkeys(FEBRL_MAPPING.columns, cells)))
    def test_a_row_gives_a_record_or_an_error_naming_a_column(self, row: dict[str, str]) -> None:
        """Any row gives a record with that id, or an error whose field names mapped columns."""
        record: Record | None = None
        field = ""
        try:
            record = FEBRL_MAPPING.to_record(row)
        except InvalidValueError as error:
            field = error.field
        if record is None:
            assert set(field.split(",")) <= set(FEBRL_MAPPING.columns)
        else:
            assert record.id == row["rec_id"].strip()


class TestOutputSafety:
    @pytest.mark.parametrize("which", ["input", "config"])
    def test_output_that_is_an_input_is_refused_even_with_force(
        self, tmp_path: Path, which: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--output naming the input CSV or the config (by another path) exits 2, file intact."""
        data = tmp_path / "people.csv"
        data.write_bytes(PEOPLE.read_bytes())
        config = tmp_path / "febrl.toml"
        config.write_bytes(FEBRL.read_bytes())
        target = data if which == "input" else config
        before = target.read_bytes()
        alias = tmp_path / "sub" / ".." / target.name
        (tmp_path / "sub").mkdir()
        for output in (target, alias):
            args = ["resolve", str(data), "--config", str(config), "--output", str(output)]
            assert main([*args, "--force"]) == 2
            assert "is also an input" in capsys.readouterr().err
        link = tmp_path / "link.csv"
        link.symlink_to(target)
        args = ["resolve", str(data), "--config", str(config), "--output", str(link), "--force"]
        assert main(args) == 2
        assert target.read_bytes() == before

    def test_existing_output_needs_force(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An existing --output is left alone unless --force is given, then replaced."""
        out = tmp_path / "out.csv"
        out.write_text("keep me\n")
        args = ["resolve", str(PEOPLE), "--config", str(FEBRL), "--output", str(out), "--quiet"]
        assert main(args) == 2
        assert "--force" in capsys.readouterr().err
        assert out.read_text() == "keep me\n"
        assert main([*args, "--force"]) == 1  # a row of the sample has no id: skipped
        assert out.read_text().startswith("record_id,customer_id")


class TestModelTable:
    def test_every_model_key_maps_onto_the_match_model(self, tmp_path: Path) -> None:
        """[model] sets the comparisons, levels, term frequencies, thresholds, prior, rules,
        conflicts, guards and blocking of the MatchModel, each over its default."""
        config = _write(
            tmp_path / "c.toml",
            """
[records]
record_id = "id"
[model]
estimate = false
prior = 0.001
match_threshold = 0.9
review_threshold = 0.6
[model.comparisons.address]
enabled = false
[model.comparisons.date_of_birth]
term_frequency = false
m = { exact = 0.8, different = 0.05 }
u = { exact = 0.0002 }
[[model.rules]]
kind = "email"
[[model.rules]]
kind = "external_id"
namespaces = ["loyalty_card"]
[model.conflicts]
name = ["different"]
[model.guards]
shared_after_names = 4
junk_domains = ["mailinator.com"]
[model.guards.max_distinct]
phone = 2
[model.blocking]
rules = ["id", "dob_postcode"]
max_block_size = 50
""",
        )
        model = load_config(config).model.build(())
        default = MatchModel()
        dob = Comparison.default("date_of_birth")
        expected = MatchModel(
            comparisons=[
                attrs.evolve(
                    dob,
                    m=(0.8, *dob.m[1:-1], 0.05),
                    u=(0.0002, *dob.u[1:]),
                    term_frequency=False,
                )
                if name == "date_of_birth"
                else Comparison.default(name)
                for name in LEVELS
                if name != "address"
            ],
            prior=0.001,
            match_threshold=0.9,
            review_threshold=0.6,
            rules=[
                DeterministicRule(kind="email"),
                DeterministicRule(kind="external_id", namespaces=["loyalty_card"]),
            ],
            conflicts={**default.conflicts, "name": frozenset({"different"})},
            guards=GuardPolicy(
                shared_after_names=4,
                junk_domains=["mailinator.com"],
                max_distinct={**default.guards.max_distinct, "phone": 2},
            ),
            blocking=Blocking(rules=["id", "dob_postcode"], max_block_size=50),
        )
        assert model == expected

    def test_an_empty_model_table_is_the_default_model(self, tmp_path: Path) -> None:
        """Without [model] keys the model is MatchModel() itself."""
        config = _write(tmp_path / "c.toml", '[records]\nrecord_id = "id"\n')
        assert load_config(config).model.base_model() == MatchModel()

    def test_comparison_names_follow_the_matcher(self, tmp_path: Path) -> None:
        """Every comparison and level the matcher defines (LEVELS) can be set from the file."""
        for name, levels in LEVELS.items():
            table = ", ".join(f"{level} = 0.5" for level in levels)
            config = _write(
                tmp_path / "c.toml",
                f'[records]\nrecord_id = "id"\n[model.comparisons.{name}]\nm = {{ {table} }}\n',
            )
            model = load_config(config).model.base_model()
            (comparison,) = [c for c in model.comparisons if c.field == name]
            assert comparison.m == (0.5,) * len(levels)

    def test_blocking_rule_names_follow_the_matcher(self, tmp_path: Path) -> None:
        """Every blocking rule the matcher defines (BLOCKING_RULES) can be named in the file."""
        names = ", ".join(f'"{rule}"' for rule in BLOCKING_RULES)
        config = _write(
            tmp_path / "c.toml",
            f'[records]\nrecord_id = "id"\n[model.blocking]\nrules = [{names}]\n',
        )
        assert load_config(config).model.base_model().blocking.rules == BLOCKING_RULES


class TestSourceColumn:
    def test_each_row_takes_its_source_from_the_column(self) -> None:
        """With source_column, a row's cell names its source (in lower case); an empty cell
        falls back to source."""
        mapping = RecordMapping(record_id="id", source="crm", source_column="origin")
        assert mapping.columns == ("id", "origin")
        sources = [
            mapping.to_record({"id": str(i), "origin": cell}).source
            for i, cell in enumerate(["Census", "tax_form", "", None])
        ]
        assert sources == ["census", "tax_form", "crm", "crm"]

    def test_a_bad_source_name_names_the_column(self) -> None:
        """A cell that is not a source name is an error naming the source column."""
        mapping = RecordMapping(record_id="id", source_column="origin")
        with pytest.raises(InvalidValueError) as caught:
            mapping.to_record({"id": "1", "origin": "tax form"})
        assert caught.value.field == "origin"
        assert caught.value.value == "tax form"

    def test_the_command_reads_the_source_column(self, tmp_path: Path) -> None:
        """omnicontact resolve reads a per-row source; a bad one skips its row (exit 1)."""
        config = _write(
            tmp_path / "c.toml",
            CONTACT_CONFIG.replace('record_id = "id"', 'record_id = "id"\nsource_column = "src"'),
        )
        data = _write(
            tmp_path / "in.csv",
            "id,src,name,email,phone,segment\na,web,Ann,ann@example.fr,,\nb,?,Bob,,,\n",
        )
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 1
        assert [row["record_id"] for row in _rows(out)] == ["a"]


class TestReferencePage:
    PAGE = Path(__file__).parent.parent / "docs" / "reference" / "resolve-config.md"

    def test_every_key_is_documented(self) -> None:
        """Each key the configuration file accepts is listed in the reference page."""
        from omnicontact.cli._config import ComparisonSettings, ModelSettings, ResolveConfig

        text = self.PAGE.read_text(encoding="utf-8")
        tables = [
            ResolveConfig,
            RecordMapping,
            NameColumns,
            DateOfBirthColumn,
            AddressColumns,
            ModelSettings,
            ComparisonSettings,
            DeterministicRule,
            GuardPolicy,
            Blocking,
        ]
        missing = [
            f"{table.__name__}.{field.alias}"
            for table in tables
            for field in attrs.fields(table)
            if field.init and f"`{field.alias}`" not in text
        ]
        assert missing == []

    def test_every_comparison_level_and_blocking_rule_is_documented(self) -> None:
        """The page lists the comparisons and levels of LEVELS, and BLOCKING_RULES, as the
        matcher defines them now."""
        text = self.PAGE.read_text(encoding="utf-8")
        for name, levels in LEVELS.items():
            row = f"| `{name}` | " + ", ".join(f"`{level}`" for level in levels) + " |"
            assert row in text
        for rule in BLOCKING_RULES:
            assert f"| `{rule}` |" in text

    def test_the_how_to_shows_the_shipped_example(self) -> None:
        """The configuration printed in the how-to is examples/febrl.toml as shipped."""
        how_to = (self.PAGE.parent.parent / "how-to" / "resolve-a-csv.md").read_text("utf-8")
        shipped = FEBRL.read_text(encoding="utf-8")
        body = shipped[shipped.index("# What an unreadable value") :]
        assert f"```toml\n{body}```" in how_to


def _toml(value: object) -> str:
    """``value`` (dicts, lists, text, numbers, booleans) as a TOML inline value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple, frozenset)):
        items = sorted(value) if isinstance(value, frozenset) else value
        return "[" + ", ".join(_toml(item) for item in items) + "]"
    assert isinstance(value, dict)
    return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"


def _model_table(model: MatchModel) -> dict[str, object]:
    """The [model] table that describes ``model``, estimation off."""
    present = {c.field: c for c in model.comparisons}
    comparisons: dict[str, object] = {}
    for name, levels in LEVELS.items():
        c = present.get(name)
        comparisons[name] = (
            {"enabled": False}
            if c is None
            else {
                "m": dict(zip(levels, c.m, strict=True)),
                "u": dict(zip(levels, c.u, strict=True)),
                "term_frequency": c.term_frequency,
            }
        )
    guards = model.guards
    return {
        "estimate": False,
        "prior": model.prior,
        "match_threshold": model.match_threshold,
        "review_threshold": model.review_threshold,
        "comparisons": comparisons,
        "rules": [
            {"kind": r.kind.value}
            if r.namespaces is None
            else {"kind": r.kind.value, "namespaces": r.namespaces}
            for r in model.rules
        ],
        "conflicts": dict(model.conflicts),
        "vetoes": dict(model.vetoes),
        "overrule_vetoes": dict(model.overrule_vetoes),
        "veto_weight": model.veto_weight,
        "guards": {
            "max_distinct": guards.max_distinct,
            "shared_after_names": guards.shared_after_names,
            "junk_local_parts": guards.junk_local_parts,
            "junk_domains": guards.junk_domains,
            "junk_external_values": guards.junk_external_values,
            "min_phone_digits": guards.min_phone_digits,
        },
        "blocking": {
            "rules": list(model.blocking.rules),
            "max_block_size": model.blocking.max_block_size,
        },
    }


class TestConfigSaysWhatTheApiCan:
    def test_every_model_and_comparison_field_has_a_key(self) -> None:
        """Each field of MatchModel and of Comparison has its key in [model] (but the
        estimated term frequencies, and the comparison's name, which names its table): a field
        added to the matcher without a key fails here."""
        from omnicontact.cli._config import ComparisonSettings, ModelSettings

        model_keys = {field.alias for field in attrs.fields(ModelSettings)}
        comparison_keys = {field.alias for field in attrs.fields(ComparisonSettings)}
        model_fields = {f.alias for f in attrs.fields(MatchModel) if f.init}
        comparison_fields = {f.alias for f in attrs.fields(Comparison) if f.init}
        assert model_fields - {"term_frequencies"} <= model_keys
        assert comparison_fields - {"field"} <= comparison_keys

    def test_every_address_part_has_a_key(self) -> None:
        """Each part Normalizer.address takes has its key in [[records.addresses]]: a part
        added to addresses without a key fails here."""
        parts = set(inspect.signature(Normalizer.address).parameters) - {"self"}
        assert parts == {field.alias for field in attrs.fields(AddressColumns)}

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(models())
    def test_any_model_written_as_a_model_table_loads_as_itself(
        self, tmp_path: Path, model: MatchModel
    ) -> None:
        """Any MatchModel (but its estimated term frequencies) can be written as a [model]
        table that loads back as the same model. Two things the file cannot say do not change
        how pairs score: the order of the comparisons (the file lists them in LEVELS order),
        and dropping a default conflict, veto or guard cap rather than emptying it (the file
        sets them over the defaults)."""
        default = MatchModel()
        order = list(LEVELS)
        expressible = attrs.evolve(
            model,
            comparisons=sorted(model.comparisons, key=lambda c: order.index(c.field)),
            conflicts={**default.conflicts, **model.conflicts},
            vetoes={**default.vetoes, **model.vetoes},
            guards=attrs.evolve(
                model.guards,
                max_distinct={**default.guards.max_distinct, **model.guards.max_distinct},
            ),
            term_frequencies={},
        )
        text = '[records]\nrecord_id = "id"\n\n[model]\n' + "".join(
            f"{key} = {_toml(value)}\n" for key, value in _model_table(expressible).items()
        )
        config = _write(tmp_path / "model.toml", text)
        assert load_config(config).model.build(()) == expressible


class TestAddressRegion:
    CONFIG = (
        '[records]\nrecord_id = "id"\ndefault_region = "US"\nname = { full = "name" }\n'
        '[[records.addresses]]\nlines = ["street"]\nlocality = "city"\nregion = "state"\n'
    )

    def test_a_region_column_is_read(self, tmp_path: Path) -> None:
        """``region`` in ``[[records.addresses]]`` names the column the address's region is
        read from; the other columns read as before, and the key has no region."""
        config = load_config(_write(tmp_path / "c.toml", self.CONFIG))
        (columns,) = config.records.addresses
        assert columns == AddressColumns(lines=["street"], locality="city", region="state")
        record = config.records.to_record(
            {"id": "a", "name": "Ann Smith", "street": "12 Main St", "city": "Springfield",
             "state": " il "}
        )  # fmt: skip
        (address,) = [item for item in record.identifiers if item.kind.value == "address"]
        assert (address.region, address.locality, address.country) == ("IL", "Springfield", "US")
        assert address.key == "12 main street||springfield|US"

    def test_resolve_keeps_one_locality_in_two_states_apart(self, tmp_path: Path) -> None:
        """End to end: two records of one name at 12 Main St, Springfield, one in IL and one
        in MO, are one customer when the state column is not read, two when it is."""
        data = tmp_path / "in.csv"
        data.write_text(
            "id,name,street,city,state\n"
            "il,Ann Smith,12 Main St,Springfield,IL\n"
            "mo,Ann Smith,12 Main St,Springfield,MO\n",
            encoding="utf-8",
        )
        config = _write(tmp_path / "c.toml", self.CONFIG + "[model]\nmatch_threshold = 0.5\n")
        out = tmp_path / "out.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 0
        customers = {row["record_id"]: row["customer_id"] for row in _rows(out)}
        assert customers["il"] != customers["mo"]
        without = config.read_text(encoding="utf-8").replace('region = "state"\n', "")
        _write(config, without)
        out = tmp_path / "without.csv"
        assert main(["resolve", str(data), "--config", str(config), "--output", str(out)]) == 0
        customers = {row["record_id"]: row["customer_id"] for row in _rows(out)}
        assert customers["il"] == customers["mo"]


class TestCompactDates:
    @given(st.from_regex(r"[0-9]{8}", fullmatch=True))
    def test_a_compact_date_reads_as_the_general_reader_reads_it(self, raw: str) -> None:
        """A YMD column reads an 8-digit date (19560409) as DateOfBirth.parse does: the same
        date and raw text, or the same refusal."""
        from omnicontact import DateOfBirth

        def outcome(read: Callable[[], object]) -> object:
            try:
                found = read()
            except InvalidValueError as error:
                return ("refused", error.reason)
            assert isinstance(found, DateOfBirth)
            return (found.value, found.raw)

        column = DateOfBirthColumn(column="dob", order="YMD")
        assert outcome(lambda: column.read({"dob": raw})) == outcome(
            lambda: DateOfBirth.parse(raw, order="YMD")
        )
