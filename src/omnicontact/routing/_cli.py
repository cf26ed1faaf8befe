"""The ``route`` command: replay a policy file over contacts, or compare two policy files.

Run as ``python -m omnicontact.routing replay POLICY CONTACTS [--compare OTHER]``; the
``omnicontact`` command line can mount :func:`main` as its ``route`` sub-command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from ..exceptions import OmnicontactError
from ._loader import load_policy
from ._replay import compare_policies, read_contacts, replay

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omnicontact route", description="Routing policies: replay and compare."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "replay", help="decide every contact of a history with a policy and report"
    )
    run.add_argument("policy", help="policy file (.toml or .json)")
    run.add_argument("contacts", help="contacts in the library's JSON format (JSON Lines or array)")
    run.add_argument("--compare", metavar="OTHER", help="a second policy file to compare with")
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the ``route`` command; return the exit status (0 ok, 1 guarantees broken, 2 error)."""
    stream = sys.stdout if out is None else out
    args = _parser().parse_args(argv)
    try:
        policy = load_policy(args.policy)
        contacts = read_contacts(args.contacts)
        if args.compare:
            diff = compare_policies(policy, load_policy(args.compare), contacts)
            if args.json:
                shifts = [
                    {"from": old, "to": new, "count": count}
                    for (old, new), count in sorted(diff.shifts.items())
                ]
                document = {
                    "changed": [change.contact_id for change in diff.changes],
                    "shifts": shifts,
                }
                print(json.dumps(document, indent=2), file=stream)
            else:
                print(diff.summary(), file=stream)
            broken = diff.before.violations or diff.after.violations
        else:
            report = replay(policy, contacts)
            if args.json:
                document = {
                    "policy": report.policy_id,
                    "version": report.policy_version,
                    "total": report.total,
                    "by_target": report.by_target,
                    "load": report.load,
                    "violations": [
                        {"contact_id": v.contact_id, "guarantees": list(v.guarantees)}
                        for v in report.violations
                    ],
                }
                print(json.dumps(document, indent=2, sort_keys=True), file=stream)
            else:
                print(report.summary(), file=stream)
            broken = report.violations
    except (OmnicontactError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1 if broken else 0
