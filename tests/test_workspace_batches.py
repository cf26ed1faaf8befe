"""Batched ingest: contacts committed many at a time end exactly as one at a time would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _stores import KINDS, T0, assert_consistent, close, new_store
from omnicontact import Contact, Normalizer, Workspace
from omnicontact.exceptions import InvalidValueError
from omnicontact.store import CustomerStore

N = Normalizer(default_region="FR")
EMAILS = [N.email(f"p{i}@example.fr") for i in range(4)]
PHONES = [N.phone(f"06452378{i:02d}") for i in range(4)]


def _clock() -> dt.datetime:
    return T0 + dt.timedelta(days=30)


@st.composite
def _contacts(draw: st.DrawFn) -> Contact:
    """A contact from a small pool of people, so contacts join, merge and repeat; some
    name a case, and some a case id that no store can keep (they fail after the contact
    and its record were written, and must leave nothing)."""
    identifiers = draw(
        st.lists(st.sampled_from([*EMAILS, *PHONES]), max_size=2, unique_by=lambda i: i.key)
    )
    case = draw(st.sampled_from([None, None, "refund", "order", "bad\x00case"]))
    return Contact(
        channel=draw(st.sampled_from(["email", "phone", "web"])),
        direction="inbound",
        occurred_at=T0 + dt.timedelta(minutes=draw(st.integers(0, 50))),
        source_id=f"s{draw(st.integers(0, 25))}",  # repeats are the same event
        identifiers=identifiers,
        case_id=case,
    )


def _state(workspace: Workspace) -> dict[str, Any]:
    """Everything a store holds that ingest writes, in comparable form."""
    store = workspace.store
    contact_ids = store.contact_ids_of_records(store.record_ids())
    case_ids = sorted(store.case_ids_of_contacts(contact_ids))
    return {
        "customers": {cid: store.members(cid) for cid in workspace.customer_ids()},
        "records": {rid: store.get_record(rid) for rid in store.record_ids()},
        "contacts": {cid: store.get_contact(cid) for cid in contact_ids},
        "events": list(store.events()),
        "cases": {cid: store.get_case(cid) for cid in case_ids},
        "case_events": list(store.case_events()),
        # in no particular order on a memory store (a rollback may reorder them)
        "edges": sorted(store.all_edges(), key=lambda edge: edge.pair),
    }


def _report(report: Any) -> tuple[Any, ...]:
    return (
        report.added,
        report.duplicates,
        [failure.contact_id for failure in report.failures],
        report.customers,
    )


def _compare(kind: str, tmp_path: Path, contacts: list[Contact], batch_size: int) -> None:
    """Ingest ``contacts`` in batches and one per call; the stores and reports agree."""
    stores: list[CustomerStore] = []
    for name in ("one", "many"):
        (tmp_path / name).mkdir()
    try:
        sequential = Workspace(new_store(kind, tmp_path / "one"), clock=_clock)
        stores.append(sequential.store)
        reports = [sequential.ingest([contact]) for contact in contacts]
        expected_state = _state(sequential)
        expected_report = (
            *([item for report in reports for item in _report(report)[part]] for part in range(3)),
            {key: value for report in reports for key, value in report.customers.items()},
        )
        close(sequential.store)
        stores.clear()
        batched = Workspace(new_store(kind, tmp_path / "many"), clock=_clock)
        stores.append(batched.store)
        report = batched.ingest(contacts, batch_size=batch_size)
        added, duplicates, failures, customers = _report(report)
        assert (list(added), list(duplicates), failures, customers) == expected_report
        assert _state(batched) == expected_state
        assert_consistent(batched.store)
        # What was added is what a re-run finds already there: nothing twice.
        again = batched.ingest(contacts, batch_size=batch_size)
        assert not again.added
        assert _state(batched) == expected_state
    finally:
        for store in stores:
            close(store)


@pytest.mark.parametrize("kind", KINDS)
class TestBatchesEqualOneAtATime:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(contacts=st.lists(_contacts(), max_size=30), batch_size=st.integers(1, 12))
    def test_any_batching_gives_the_one_at_a_time_store(
        self, kind: str, tmp_path_factory: pytest.TempPathFactory, contacts: list[Contact],
        batch_size: int,
    ) -> None:  # fmt: skip
        """Whatever the batch size, and wherever bad contacts fall in a batch, the
        customers, their ids, the records, both logs, the cases and the report are those
        of ingesting each contact on its own; running the same ingest again adds nothing."""
        _compare(kind, tmp_path_factory.mktemp("batches"), contacts, batch_size)

    def test_a_bad_contact_fails_alone(self, kind: str, tmp_path: Path) -> None:
        """A contact that fails after its contact row and record were written, in the
        middle of a batch, is reported and leaves nothing; the rest of its batch is kept."""
        store = new_store(kind, tmp_path)
        workspace = Workspace(store, clock=_clock)
        good = [
            Contact(channel="email", direction="inbound", occurred_at=T0, source_id=f"m{i}",
                    identifiers=[EMAILS[i % 2]])
            for i in range(5)
        ]  # fmt: skip
        bad = Contact(
            channel="phone", direction="inbound", occurred_at=T0, source_id="c1",
            identifiers=[PHONES[0]], case_id="bad\x00case",
        )  # fmt: skip
        report = workspace.ingest([*good[:3], bad, *good[3:]], batch_size=10)
        assert report.added == tuple(contact.id for contact in good)
        assert [failure.contact_id for failure in report.failures] == [bad.id]
        assert "a NUL character cannot be stored" in report.failures[0].error
        assert store.get_contact(bad.id) is None
        assert store.count_contacts() == 5
        assert not store.records_with_key(f"id:{PHONES[0].key}")
        assert_consistent(store)
        close(store)

    def test_what_comes_before_a_non_contact_is_kept(self, kind: str, tmp_path: Path) -> None:
        """A non-contact item raises, as before batches, after the contacts before it
        were ingested."""
        store = new_store(kind, tmp_path)
        workspace = Workspace(store, clock=_clock)
        first = Contact(channel="email", direction="inbound", occurred_at=T0, source_id="m1")
        with pytest.raises(InvalidValueError, match="is not a Contact"):
            workspace.ingest([first, "not a contact"], batch_size=10)  # type: ignore[list-item]
        assert store.get_contact(first.id) == first
        close(store)


def test_inside_a_transaction_the_contacts_join_it(tmp_path: Path) -> None:
    """Ingest inside the caller's transaction commits nothing of its own: a rollback of
    the caller's unit of work takes the contacts with it."""
    store = new_store("sqlite", tmp_path)
    workspace = Workspace(store, clock=_clock)
    contact = Contact(channel="email", direction="inbound", occurred_at=T0, source_id="m1")
    added: list[tuple[str, ...]] = []

    def unit_of_work() -> None:
        with workspace.transaction():
            added.append(workspace.ingest([contact], batch_size=1).added)
            raise RuntimeError("the caller changes its mind")

    with pytest.raises(RuntimeError):
        unit_of_work()
    assert added == [(contact.id,)]
    assert store.count_contacts() == 0
    close(store)


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "10"])
def test_batch_size_must_be_a_positive_integer(size: object) -> None:
    """A batch size that is not a positive integer is refused with a typed error."""
    with pytest.raises(InvalidValueError, match="batch_size"):
        Workspace().ingest([], batch_size=size)  # type: ignore[arg-type]
