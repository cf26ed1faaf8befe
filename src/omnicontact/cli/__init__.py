"""The ``omnicontact`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from .._gc import gc_paused
from ..exceptions import OmnicontactError
from ._demo import run_demo
from ._evaluate import add_evaluate_parser, run_evaluate
from ._resolve import add_resolve_parser, run_resolve_command

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit status.

    Output piped into a program that stops reading (``omnicontact demo | head -1``) ends
    the command quietly, as other command-line programs do.
    """
    try:
        return _main(argv)
    except BrokenPipeError:
        # Nothing more can be written; point stdout at nothing, so that the interpreter's
        # final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="omnicontact",
        description="One customer, one identity, one history, on every channel.",
    )
    parser.add_argument("--version", action="version", version=f"omnicontact {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="ingest sample contacts from several channels and print their timelines"
    )
    demo.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=Path("examples/data"),
        help="a directory with a sources.toml (default: examples/data)",
    )
    demo.add_argument(
        "--store",
        type=Path,
        default=None,
        help="the SQLite file to ingest into (default: a fresh temporary file)",
    )
    route = commands.add_parser(
        "route",
        help="routing policies: 'route replay POLICY CONTACTS [--compare OTHER] [--json]'",
        add_help=False,
    )
    route.add_argument("args", nargs=argparse.REMAINDER)
    add_resolve_parser(commands)
    add_evaluate_parser(commands)
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["route"]:
        # The routing command has its own parser (``python -m omnicontact.routing``).
        from ..routing._cli import main as route_main

        return route_main(arguments[1:])
    args = parser.parse_args(arguments)
    # A command-line run is a batch job that owns its process: it may pause the collector.
    if args.command == "resolve":
        with gc_paused():
            return run_resolve_command(args, sys.stdout, sys.stderr)
    if args.command == "evaluate":
        return run_evaluate(args, sys.stdout, sys.stderr)
    try:
        with gc_paused():
            return run_demo(args.directory, sys.stdout, store_path=args.store)
    except OmnicontactError as error:
        print(f"omnicontact: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
