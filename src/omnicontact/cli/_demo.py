"""The demo: ingest sample sources and print one timeline per customer identifier."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from .._identifiers import IdentifierKind
from .._model import Contact
from ._sources import SourceReport, load_sources

# Identifiers that point at one customer on their own; names and birth dates do not.
_LINKING_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.EXTERNAL_ID,
    IdentifierKind.SOCIAL,
)


def run_demo(directory: Path, out: TextIO) -> int:
    """Ingest the sources in ``directory`` and print timelines to ``out``."""
    config, reports = load_sources(directory)
    zone = zoneinfo.ZoneInfo(config.get("timezone", "UTC"))
    contacts = _unique(contact for source in reports for contact in source.report.contacts)
    _print_summary(reports, len(contacts), out)
    timelines: dict[tuple[IdentifierKind, str], list[Contact]] = defaultdict(list)
    labels: dict[tuple[IdentifierKind, str], str] = {}
    for contact in contacts:
        for identifier in contact.identifiers:
            if identifier.kind in _LINKING_KINDS:
                key = (identifier.kind, identifier.key)
                timelines[key].append(contact)
                labels[key] = f"{identifier.kind.value} {identifier}"
    for key in sorted(timelines, key=lambda k: (k[0].value, k[1])):
        timeline = sorted(timelines[key], key=lambda c: (c.occurred_at, c.id))
        channels = ", ".join(dict.fromkeys(c.channel for c in timeline))
        out.write(f"\n{labels[key]} — {len(timeline)} contact(s) on {channels}\n")
        for contact in timeline:
            out.write("  " + _line(contact, zone) + "\n")
    return 0


def _unique(contacts: Iterable[Contact]) -> list[Contact]:
    seen: dict[tuple[str, str], Contact] = {}
    for contact in contacts:
        seen.setdefault(contact.dedupe_key, contact)
    return list(seen.values())


def _print_summary(reports: list[SourceReport], total: int, out: TextIO) -> None:
    errors = [(s.name, e) for s in reports for e in s.report.errors]
    duplicates = sum(len(s.report.duplicates) for s in reports)
    out.write(
        f"Ingested {total} contacts from {len(reports)} sources "
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
