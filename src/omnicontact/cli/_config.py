"""The ``omnicontact resolve`` configuration file: what each TOML key becomes.

The file has a ``[records]`` table, which becomes a
:class:`~omnicontact.identity.RecordMapping`, and an optional ``[model]`` table
(:class:`ModelSettings`), which becomes a :class:`~omnicontact.identity.MatchModel`: its
comparisons, thresholds, deterministic rules, conflicts, vetoes, guard limits and blocking. Both are
read by one :func:`omnicontact.make_converter` converter that refuses unknown keys, so a
misspelt key is an error naming its path (``model.blocking.rulez``) rather than a setting
silently ignored. Comparison and level names are those of
:data:`omnicontact.identity.LEVELS`, blocking rule names those of
:data:`omnicontact.identity.BLOCKING_RULES`: the file follows the matcher.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from .._identifiers import IdentifierKind
from .._serialization import make_converter
from ..exceptions import ConfigurationError, InvalidValueError
from ..identity import (
    LEVELS,
    Blocking,
    Comparison,
    DeterministicRule,
    GuardPolicy,
    MatchModel,
    Record,
    RecordMapping,
    estimate,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["ComparisonSettings", "ModelSettings", "ResolveConfig", "load_config"]


def _probability_table(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise InvalidValueError("levels", value, "must map level names to probabilities")
    return dict(value)


@attrs.frozen(kw_only=True)
class ComparisonSettings:
    """One ``[model.comparisons.<name>]`` table: how one built-in comparison scores.

    ``enabled = false`` leaves the comparison out of the model. ``m`` and ``u`` map level
    names to probabilities, over the comparison's defaults (a level not given keeps its
    default). ``term_frequency`` turns the adjustment of the exact level by the value's
    frequency on or off (default: on).
    """

    enabled: bool = True
    m: dict[str, float] = attrs.field(factory=dict, converter=_probability_table)
    u: dict[str, float] = attrs.field(factory=dict, converter=_probability_table)
    term_frequency: bool | None = None

    def build(self, name: str) -> Comparison:
        """The :class:`~omnicontact.identity.Comparison` this table describes."""
        default = Comparison.default(name)
        levels = default.levels
        values: dict[str, tuple[float, ...]] = {}
        for key, given, start in (("m", self.m, default.m), ("u", self.u, default.u)):
            for level in given:
                if level not in levels:
                    raise InvalidValueError(
                        f"model.comparisons.{name}.{key}.{level}",
                        given[level],
                        f"is not a level of {name} ({', '.join(levels)})",
                    )
            values[key] = tuple(
                given.get(level, value) for level, value in zip(levels, start, strict=True)
            )
        try:
            return attrs.evolve(
                default,
                m=values["m"],
                u=values["u"],
                term_frequency=(
                    default.term_frequency if self.term_frequency is None else self.term_frequency
                ),
            )
        except InvalidValueError as error:
            key = error.field.rpartition(".")[2]
            raise InvalidValueError(
                f"model.comparisons.{name}.{key}", error.value, error.reason
            ) from None


def _default_limits() -> dict[str, int]:
    return dict(GuardPolicy().max_distinct)


@attrs.frozen(kw_only=True)
class ModelSettings:
    """The ``[model]`` table: how the match model is made.

    ``estimate`` learns the model's parameters from the input itself (no labels; ``seed``
    fixes the random sample) when it holds at least ``estimate_min_records`` records —
    fewer cannot teach a model anything reliable, so the configured values are used as they
    are and a line on stderr says so. The other keys set what
    :class:`~omnicontact.identity.MatchModel` holds, each over its default: ``prior``,
    ``match_threshold`` and ``review_threshold`` (probabilities); ``comparisons`` (one
    :class:`ComparisonSettings` per comparison name); ``rules`` (the deterministic rules,
    replacing the defaults); ``conflicts`` (per comparison, the levels that veto a rule;
    a comparison not named keeps its default); ``vetoes`` (the same for the levels that rule
    a match out altogether); ``overrule_vetoes`` (the comparisons and levels that, all
    agreeing, overrule a veto; replacing the default table); ``veto_weight``;
    ``chain_vetoes`` (per comparison, the levels that keep two records apart unless they
    match directly; a comparison not named keeps its default); ``guards`` (a
    :class:`~omnicontact.identity.GuardPolicy`, whose ``max_distinct`` caps are merged over
    the default caps); ``blocking`` (a :class:`~omnicontact.identity.Blocking`). With
    estimation, the configured ``m``, ``u`` and prior are where it starts.
    """

    estimate: bool = True
    estimate_min_records: int = 1000
    seed: int = 0
    prior: float | None = None
    match_threshold: float | None = None
    review_threshold: float | None = None
    comparisons: dict[str, ComparisonSettings] = attrs.field(factory=dict)
    rules: tuple[DeterministicRule, ...] | None = None
    conflicts: dict[str, frozenset[str]] = attrs.field(factory=dict)
    vetoes: dict[str, frozenset[str]] = attrs.field(factory=dict)
    overrule_vetoes: dict[str, frozenset[str]] | None = None
    veto_weight: float | None = None
    chain_vetoes: dict[str, frozenset[str]] = attrs.field(factory=dict)
    guards: GuardPolicy = attrs.field(factory=GuardPolicy)
    blocking: Blocking = attrs.field(factory=Blocking)

    def base_model(self) -> MatchModel:
        """The model these settings describe, before any estimation."""
        default = MatchModel()
        comparisons = []
        for name in self.comparisons:
            if name not in LEVELS:
                raise InvalidValueError(
                    f"model.comparisons.{name}", name, f"is not a comparison ({', '.join(LEVELS)})"
                )
        for name in LEVELS:
            settings = self.comparisons.get(name, ComparisonSettings())
            if settings.enabled:
                comparisons.append(settings.build(name))
        for what in ("conflicts", "vetoes", "overrule_vetoes", "chain_vetoes"):
            for name in getattr(self, what) or {}:
                if name not in LEVELS:
                    raise InvalidValueError(
                        f"model.{what}.{name}", name, f"is not a comparison ({', '.join(LEVELS)})"
                    )
        given: dict[str, Any] = {
            "prior": self.prior,
            "match_threshold": self.match_threshold,
            "review_threshold": self.review_threshold,
            "rules": self.rules,
            "overrule_vetoes": self.overrule_vetoes,
            "veto_weight": self.veto_weight,
        }
        return attrs.evolve(
            default,
            comparisons=comparisons,
            conflicts={**default.conflicts, **self.conflicts},
            vetoes={**default.vetoes, **self.vetoes},
            chain_vetoes={**default.chain_vetoes, **self.chain_vetoes},
            guards=self.guards,
            blocking=self.blocking,
            **{key: value for key, value in given.items() if value is not None},
        )

    def build(self, records: Sequence[Record]) -> MatchModel:
        """The model for ``records``: :meth:`base_model`, estimated from them if it may be."""
        model = self.base_model()
        return estimate(records, model, seed=self.seed) if self.estimates(records) else model

    def estimates(self, records: Sequence[Record]) -> bool:
        """Whether :meth:`build` estimates the model from ``records``."""
        return self.estimate and len(records) >= self.estimate_min_records


@attrs.frozen(kw_only=True)
class ResolveConfig:
    """A ``resolve`` configuration file: the record mapping and the model settings.

    ``bad_values`` says what an unreadable identifier does: ``"skip_row"`` (the default)
    skips its row; ``"drop_value"`` keeps the record without that identifier (for sources
    whose noise is in the values, such as FEBRL's mistyped dates). Either way each one is
    reported on stderr and counted.
    """

    records: RecordMapping
    bad_values: Literal["skip_row", "drop_value"] = "skip_row"
    model: ModelSettings = attrs.field(factory=ModelSettings)


def _config_converter() -> cattrs.Converter:
    """The file's converter: omnicontact's, with the guard caps merged over the defaults."""
    converter = make_converter()
    guards = make_dict_structure_fn(GuardPolicy, converter, _cattrs_forbid_extra_keys=True)

    def structure_guards(value: Any, cls: type[GuardPolicy]) -> GuardPolicy:
        if isinstance(value, Mapping) and isinstance(value.get("max_distinct"), Mapping):
            value = {**value, "max_distinct": {**_default_limits(), **value["max_distinct"]}}
        return guards(value, cls)

    converter.register_structure_hook(GuardPolicy, structure_guards)
    # A rule's kind is checked by the rule itself, which lists the kinds a rule may use.
    converter.register_structure_hook(IdentifierKind, lambda value, _: value)
    return converter


def load_config(path: Path) -> ResolveConfig:
    """Read and check a configuration file; errors name the file and the key at fault.

    An unknown key anywhere is an error naming its path (``model.blocking.rulez``).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigurationError(f"cannot be read ({error.strerror})", file=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigurationError("is not UTF-8 text", file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"is not valid TOML ({error})", file=str(path)) from None
    try:
        config = _config_converter().structure(data, ResolveConfig)
    except cattrs.BaseValidationError as error:
        problems = _problems(error)
        first_key, reason = problems[0]
        more = [f"{k}: {r}" if k else r for k, r in problems[1:]]
        if more:
            reason = f"{reason}; also {'; '.join(more)}"
        raise ConfigurationError(reason, file=str(path), key=first_key) from None
    except InvalidValueError as error:  # raised by a class's own checks, outside any table
        raise ConfigurationError(
            f"{error.reason} (got {error.value!r})", file=str(path), key=error.field
        ) from None
    try:
        config.model.base_model()
    except InvalidValueError as error:
        raise ConfigurationError(
            f"{error.reason} (got {error.value!r})", file=str(path), key=error.field
        ) from None
    return config


_UNKNOWN = "\x00unknown\x00"
_MOVED = {"max_distinct": ["guards.max_distinct"]}
"""Keys that moved, and where to (the hint an unknown key gets)."""
_FIELD = "\x00field\x00"


def _problems(error: cattrs.BaseValidationError) -> list[tuple[str | None, str]]:
    """Each problem of a failed structuring as (the key's dotted path, what is wrong)."""
    problems: list[tuple[str | None, str]] = []
    for message in cattrs.transform_error(error, path="", format_exception=_format):
        text, at, where = message.rpartition(" @ ")
        if not at:
            text, where = where, ""
        where = (
            where.lstrip(".").replace("][", ".").replace("[", ".").replace("]", "").replace("'", "")
        )
        if text.startswith(_UNKNOWN):
            for item in text[len(_UNKNOWN) :].split("\x00"):
                name, _, hint = item.partition("\x01")
                key = f"{where}.{name}" if where else name
                problems.append((key, "unknown key" + (f" (did you mean {hint}?)" if hint else "")))
            continue
        if text.startswith(_FIELD):
            field, _, text = text[len(_FIELD) :].partition("\x00")
            where = _join(where, field)
        problems.append((where or None, text))
    return problems


def _join(where: str, field: str) -> str:
    """The path of a value a class's own check refused: ``where`` (the class's table) plus
    the field the check names, without repeating the table's own name."""
    if not where:
        return field
    last = where.rpartition(".")[2]
    if field == last:
        return where
    head, _, rest = field.partition(".")
    if head == last and rest:
        return f"{where}.{rest}"
    if head in {"record", "comparison", "model", "rule", "blocking", "guards"} and rest:
        return f"{where}.{rest}"
    return f"{where}.{field}"


def _format(error: BaseException, kind: Any) -> str:
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        known = [a.alias for a in attrs.fields(error.cl) if a.init]
        items = []
        for name in sorted(error.extra_fields):
            close = _MOVED.get(name) or difflib.get_close_matches(name, known, n=1)
            items.append(name + ("\x01" + close[0] if close else ""))
        return _UNKNOWN + "\x00".join(items)
    if isinstance(error, InvalidValueError):
        return f"{_FIELD}{error.field}\x00{error.reason} (got {error.value!r})"
    if isinstance(error, KeyError):
        return "required key missing"
    if getattr(kind, "__origin__", None) is Literal:
        allowed = ", ".join(repr(choice) for choice in kind.__args__)
        return f"must be one of {allowed}"
    return cattrs.v.format_exception(error, kind)
