"""Reading a directory of sample sources described by a ``sources.toml`` file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import attrs

from .._identifiers import Normalizer
from .._serialization import make_converter
from ..connectors import (
    CsvConnector,
    EmailConnector,
    FieldMapping,
    IngestReport,
    JsonConnector,
)
from ..exceptions import InvalidValueError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["SourceReport", "load_sources"]


@attrs.frozen
class SourceReport:
    """What one source gave."""

    name: str
    report: IngestReport


def load_sources(directory: Path) -> tuple[dict[str, Any], list[SourceReport]]:
    """Ingest every source listed in ``directory/sources.toml``; return settings and reports."""
    config_path = directory / "sources.toml"
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidValueError("sources", str(config_path), "no sources.toml there") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidValueError(str(config_path), None, f"is not valid TOML: {error}") from None
    normalizer = Normalizer(default_region=config.get("region"))
    timezone = config.get("timezone")
    converter = make_converter()
    reports = []
    for index, source in enumerate(config.get("source", []), start=1):
        where = f"{config_path}: source {index}"
        kind = source.get("connector")
        path = directory / str(source.get("path", ""))
        if kind == "email":
            email = EmailConnector(mailboxes=config.get("mailboxes", ()), normalizer=normalizer)
            report = email.read(sorted(path.glob("*.eml")))
        elif kind in ("csv", "json"):
            try:
                mapping = converter.structure(source.get("mapping", {}), FieldMapping)
            except Exception as error:
                raise InvalidValueError(
                    where, source.get("mapping"), f"bad mapping: {error}"
                ) from None
            if kind == "csv":
                report = CsvConnector(
                    channel=source["channel"],
                    mapping=mapping,
                    normalizer=normalizer,
                    timezone=timezone,
                ).read(path)
            else:
                # Bytes, so that a line that is not UTF-8 is one bad row, not a failed demo.
                try:
                    lines = path.read_bytes().splitlines()
                except OSError as error:
                    raise InvalidValueError(
                        where, str(path), error.strerror or "unreadable"
                    ) from None
                report = JsonConnector(
                    channel=source["channel"],
                    mapping=mapping,
                    normalizer=normalizer,
                    timezone=timezone,
                ).read(line for line in lines if line.strip())
        else:
            raise InvalidValueError(where, kind, "connector must be email, csv or json")
        reports.append(SourceReport(name=path.name, report=report))
    return config, reports
