"""The demo: the whole flow on a SQLite file.

Read the sample sources, ingest every contact into a :class:`~omnicontact.Workspace` on a
SQLite file (each contact stored, resolved and logged together), print each
customer's timeline, one customer's advisor view, and route a new inbound contact from
that customer with the sample routing policy.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zoneinfo
from pathlib import Path
from typing import TextIO

from .._identifiers import IdentifierKind
from .._model import Contact
from .._workspace import AdvisorView, Workspace
from ..exceptions import InvalidValueError
from ..store._sqlite import SQLiteStore
from ._output import output_problem
from ._sources import SourceReport, load_sources

# Identifiers that point at one customer on their own; names and birth dates do not.
_LINKING_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.EXTERNAL_ID,
    IdentifierKind.SOCIAL,
)


def run_demo(directory: Path, out: TextIO, *, store_path: Path | None = None) -> int:
    """Run the demo on the sources in ``directory``; the store is ``store_path`` or a
    fresh SQLite file in a temporary directory."""
    if store_path is not None:
        # The store may exist (ingest again adds nothing), but is never one of the sources.
        problem = output_problem(store_path, directory.rglob("*"), force=True)
        if problem is not None:
            raise InvalidValueError("--store", str(store_path), problem)
    config, reports = load_sources(directory)
    zone = zoneinfo.ZoneInfo(config.get("timezone", "UTC"))
    contacts = [contact for source in reports for contact in source.report.contacts]
    _print_summary(reports, contacts, out)
    if store_path is not None:
        return _run(directory, config, store_path, contacts, zone, out)
    with tempfile.TemporaryDirectory(prefix="omnicontact-demo-") as folder:
        return _run(directory, config, Path(folder) / "demo.sqlite3", contacts, zone, out)


def _run(
    directory: Path,
    config: dict[str, object],
    path: Path,
    contacts: list[Contact],
    zone: zoneinfo.ZoneInfo,
    out: TextIO,
) -> int:
    store = SQLiteStore(path)
    try:
        workspace = Workspace(store)
        report = workspace.ingest(contacts, reason="demo ingest")
        customers = workspace.customer_ids()
        out.write(
            f"Stored in SQLite file {path.name}: {len(report.added)} new contact(s), "
            f"{len(report.duplicates)} already stored, {len(report.failures)} failed; "
            f"{store.count_contacts()} contacts resolved into {len(customers)} customers.\n"
        )
        timelines = {cid: workspace.timeline(cid) for cid in customers}
        order = sorted(
            customers,
            key=lambda cid: (
                -len({c.channel for c in timelines[cid]}),
                -len(timelines[cid]),
                _label(timelines[cid]),
            ),
        )
        for customer_id in order:
            timeline = timelines[customer_id]
            channels = ", ".join(dict.fromkeys(c.channel for c in timeline))
            out.write(
                f"\nCustomer {customer_id} ({_label(timeline)}) — "
                f"{len(timeline)} contact(s) on {channels}\n"
            )
            for contact in timeline:
                out.write("  " + _line(contact, zone) + "\n")
        if not order:
            return 0
        chosen = order[0]
        view = workspace.advisor_view(chosen)
        out.write("\nAdvisor view of the customer seen on the most channels\n")
        out.write(view.render(zone=zone))
        policy = config.get("policy")
        if policy is not None:
            _route(directory / str(policy), view, timelines[chosen], zone, out)
    finally:
        store.close()
    return 0


def _route(
    policy_path: Path,
    view: AdvisorView,
    timeline: list[Contact],
    zone: zoneinfo.ZoneInfo,
    out: TextIO,
) -> None:
    """Route a new inbound call from the customer, following up their latest open case."""
    from ..routing import load_policy

    policy = load_policy(policy_path)
    last = timeline[-1]
    phones = [i for c in timeline for i in c.identifiers if i.kind is IdentifierKind.PHONE]
    case = view.open_cases[-1].case if view.open_cases else None
    when = last.occurred_at + dt.timedelta(days=1)
    inbound = Contact(
        channel="phone",
        direction="inbound",
        occurred_at=when,
        source_id="demo-new-call",
        identifiers=phones[-1:] or last.identifiers,
        intent="repair",
        summary="The replacement machine does not heat either",
        case_id=case.id if case is not None else None,
    )
    decision = policy.decide(inbound, view.customer_view(), clock=lambda: when)
    about = f"following up case {case.id}" if case is not None else "a new matter"
    out.write(
        f"\nRouting a new inbound call from this customer "
        f"({when.astimezone(zone).strftime('%Y-%m-%d %H:%M')}, {about}) "
        f"with policy {policy.id} {policy.version}:\n"
        f"  decision: {decision.label}\n  {decision.explain()}\n"
    )


def _label(timeline: list[Contact]) -> str:
    for kind in _LINKING_KINDS:
        for contact in timeline:
            for identifier in contact.identifiers:
                if identifier.kind is kind:
                    return f"{kind.value} {identifier}"
    return "no linking identifier"


def _print_summary(reports: list[SourceReport], contacts: list[Contact], out: TextIO) -> None:
    errors = [(s.name, e) for s in reports for e in s.report.errors]
    duplicates = sum(len(s.report.duplicates) for s in reports)
    unique = len({contact.dedupe_key for contact in contacts})
    out.write(
        f"Ingested {unique} contacts from {len(reports)} sources "
        f"({len(errors)} bad row(s) reported, {duplicates} repeated event(s) kept once).\n"
    )
    for name, error in errors:
        out.write(f"  skipped {name} {error}\n")


def _line(contact: Contact, zone: zoneinfo.ZoneInfo) -> str:
    when = contact.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    arrow = "→" if contact.direction.value == "outbound" else "←"
    what = contact.subject or contact.intent or ""
    summary = f" — {contact.summary}" if contact.summary else ""
    if len(summary) > 70:
        summary = summary[:69] + "…"
    case = f" [case {contact.case_id}]" if contact.case_id else ""
    return f"{when} {arrow} {contact.channel:<7} {what}{summary}{case}"
