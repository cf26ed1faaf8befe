"""Tests for the ``omnicontact`` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from omnicontact.cli import main

DATA = Path(__file__).parent.parent / "examples" / "data"


class TestDemo:
    def test_resolves_customers_into_a_sqlite_file(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The demo ingests every sample source into SQLite and prints one timeline per customer."""
        assert main(["demo", str(DATA)]) == 0
        out = capsys.readouterr().out
        assert "Ingested 13 contacts from 5 sources" in out
        assert "2 bad row(s) reported, 1 repeated event(s) kept once" in out
        assert "Stored in SQLite file demo.sqlite3: 13 new contact(s), 0 already stored" in out
        assert "13 contacts resolved into 2 customers" in out
        # The web account links email, mobile (written three ways) and loyalty card: one
        # customer whose timeline spans every channel they used.
        assert (
            "(email jp.dupont@example.fr) — 8 contact(s) on web, email, phone, sms, branch" in out
        )
        assert (
            "(email amelie.martin@example.fr) — 5 contact(s) on web, phone, email, sms, branch"
            in out
        )

    def test_timelines_are_in_time_order(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Within a timeline, contacts are listed oldest first, in the configured zone."""
        main(["demo", str(DATA)])
        out = capsys.readouterr().out
        block = out.split("(email jp.dupont@example.fr)")[1].split("\n\n")[0].splitlines()[1:]
        stamps = [line.split("←")[0].split("→")[0].strip() for line in block]
        assert len(stamps) == 8
        assert stamps == sorted(stamps)
        assert stamps[0] == "2025-11-20 18:40"
        assert stamps[-1] == "2026-03-07 16:20"

    def test_prints_an_advisor_view_and_routes_a_new_contact(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The customer seen on most channels gets an advisor view, then a routing decision."""
        main(["demo", str(DATA)])
        out = capsys.readouterr().out
        view = out.split("Advisor view of the customer seen on the most channels\n")[1]
        assert "8 contact(s) on web, email, phone, sms, branch" in view
        assert "phone                        +33612345678" in view
        assert "email                        jp.dupont@example.fr" in view
        assert "date_of_birth                1979-07-14" in view
        assert "email:cafe-1@example.fr [open]" in view
        assert "Last contact per channel:" in view
        assert "Possible matches to review: none" in view
        assert "Routing a new inbound call from this customer" in view
        assert "following up case email:cafe-1@example.fr" in view
        assert "with policy retail-support 2026.03" in view
        # A repeat contact on an open case skips self-service: a person calls back when the
        # queue opens, since it is closed on Sunday afternoon.
        assert "decision: callback:general" in view
        assert "guarantee.repeat-contact" in view

    def test_a_second_run_on_the_same_file_stores_nothing_new(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Re-running the demo on its SQLite file finds every event already stored."""
        store = tmp_path / "demo.sqlite3"
        assert main(["demo", str(DATA), "--store", str(store)]) == 0
        capsys.readouterr()
        assert main(["demo", str(DATA), "--store", str(store)]) == 0
        out = capsys.readouterr().out
        assert "0 new contact(s), 13 already stored" in out
        assert "13 contacts resolved into 2 customers" in out

    def test_missing_directory_is_a_clear_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A directory without sources.toml exits with status 2 and says why."""
        assert main(["demo", str(tmp_path)]) == 2
        assert "no sources.toml there" in capsys.readouterr().err

    def test_bad_connector_name_is_reported(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown connector in sources.toml names the source."""
        (tmp_path / "sources.toml").write_text('[[source]]\nconnector = "fax"\npath = "x"\n')
        assert main(["demo", str(tmp_path)]) == 2
        assert "source 1" in capsys.readouterr().err


class TestRoute:
    def test_route_replay_is_mounted(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``omnicontact route replay`` runs the routing replay on a policy file."""
        contacts = tmp_path / "contacts.jsonl"
        contacts.write_text("")
        policy = DATA.parent / "policy.toml"
        assert main(["route", "replay", str(policy), str(contacts)]) == 0
        assert "0 contacts" in capsys.readouterr().out

    def test_route_errors_exit_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing policy file is reported on stderr with exit status 2."""
        assert main(["route", "replay", str(tmp_path / "none.toml"), str(tmp_path / "c")]) == 2
        assert "error" in capsys.readouterr().err


def test_demo_store_that_is_one_of_its_sources_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--store naming a file of the demo's sources exits 2 and leaves that file as it was."""
    source = DATA / "sources.toml"
    before = source.read_bytes()
    assert main(["demo", str(DATA), "--store", str(source)]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_demo_sources_that_are_not_utf8_are_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON Lines line and a CSV row in Latin-1 are two reported rows; the demo goes on."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (tmp_path / "policy.toml").write_bytes((DATA.parent / "policy.toml").read_bytes())
    with (data / "sms.jsonl").open("ab") as stream:
        stream.write(b'{"sid": "bad", "body": "caf\xe9"}\n')
    with (data / "visits.csv").open("ab") as stream:
        stream.write(b"V-999,2026-03-07 16:20,Lyon,4000 1234,H\xe9l\xe8ne Martin,visit\n")
    assert main(["demo", str(data)]) == 0
    out = capsys.readouterr().out
    assert "skipped sms.jsonl row" in out
    assert "not JSON" in out
    assert "skipped visits.csv row" in out
    assert "not UTF-8" in out


class TestProcess:
    def test_python_dash_m_runs_the_command(self) -> None:
        """``python -m omnicontact`` is the ``omnicontact`` command."""
        result = subprocess.run(
            [sys.executable, "-m", "omnicontact", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert result.stdout.startswith("omnicontact ")

    def test_a_reader_that_stops_ends_the_command_quietly(self) -> None:
        """``omnicontact demo | head -1``: when its reader has gone, the command stops with
        status 1 and no traceback (the reader here goes before the first line is written,
        so the write always fails)."""
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            result = subprocess.run(
                [sys.executable, "-m", "omnicontact", "demo", str(DATA)],
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                timeout=120,
            )
        finally:
            os.close(write_end)
        assert "Traceback" not in result.stderr
        assert "BrokenPipeError" not in result.stderr
        assert result.returncode == 1
