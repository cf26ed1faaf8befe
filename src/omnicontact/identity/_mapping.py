"""Record mappings: which column of a table holds which identifier of a :class:`Record`.

A :class:`RecordMapping` is plain data (it is what the ``[records]`` part of an
``omnicontact resolve`` configuration file becomes), so it can be kept in TOML or JSON and
loaded with :func:`omnicontact.make_converter`. It turns one row — a mapping of column name
to cell, as :class:`csv.DictReader` or a dataframe gives — into a :class:`Record`, and names
the column at fault when it cannot.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._identifiers import (
    DateOfBirth,
    DateOrder,
    ExternalId,
    Identifier,
    Normalizer,
    PersonName,
    PostalAddress,
)
from ..exceptions import InvalidValueError
from ._record import Record

__all__ = ["AddressColumns", "DateOfBirthColumn", "NameColumns", "RecordMapping"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _column(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(attribute.name, value, "must be a column name")


def _columns(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    columns = tuple(value)
    for column in columns:
        if not isinstance(column, str) or not column.strip():
            raise InvalidValueError("columns", column, "must be a column name")
    return columns


def _namespaces(value: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidValueError("external_ids", value, "must map columns to namespaces")
    for column, namespace in value.items():
        if not column.strip():
            raise InvalidValueError("external_ids", column, "must be a column name")
        try:
            # The identifier's own validation says what a namespace may be.
            ExternalId(namespace=namespace, value="probe")
        except InvalidValueError as error:
            raise InvalidValueError(f"external_ids.{column}", namespace, error.reason) from None
    return dict(value)


def _cell(row: Mapping[str, Any], column: str) -> str | None:
    """The cell's text with outer blanks removed, or ``None`` when absent or empty."""
    value = row.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@attrs.frozen(kw_only=True)
class NameColumns:
    """Where a person's name is: one ``full`` name column, or ``given`` and ``family`` columns,
    with an optional ``middle`` column (a middle name or initial).

    >>> NameColumns(given="given_name", middle="middle", family="surname").columns
    ('given_name', 'middle', 'surname')
    >>> NameColumns(given="g", middle="m", family="f").read({"g": "John", "m": "F.",
    ...                                                      "f": "Kennedy"}).middle
    'F.'
    """

    full: str | None = attrs.field(default=None, validator=_column)
    given: str | None = attrs.field(default=None, validator=_column)
    middle: str | None = attrs.field(default=None, validator=_column)
    family: str | None = attrs.field(default=None, validator=_column)

    def __attrs_post_init__(self) -> None:
        parts = self.given is not None or self.family is not None
        if self.full is not None and parts:
            raise InvalidValueError(
                "name", self.full, "give either a 'full' column or 'given'/'family' columns"
            )
        if self.full is None and not parts:
            raise InvalidValueError("name", None, "needs a 'full' or a 'given'/'family' column")

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns read."""
        named = (self.full, self.given, self.middle, self.family)
        return tuple(c for c in named if c is not None)

    def read(self, row: Mapping[str, Any]) -> PersonName | None:
        """The name in ``row``, or ``None`` when its cells are empty."""
        middle = _cell(row, self.middle) if self.middle else None
        if self.full is not None:
            full = _cell(row, self.full)
            if full is None:
                return None
            name = PersonName.parse(full)
            return name if middle is None else attrs.evolve(name, middle=middle)
        given = _cell(row, self.given) if self.given else None
        family = _cell(row, self.family) if self.family else None
        if given is None and family is None:
            return None
        return PersonName(given=given, family=family, middle=middle)


@attrs.frozen(kw_only=True)
class DateOfBirthColumn:
    """The column holding a date of birth, and the day/month ``order`` its dates are written in.

    With ``order = "YMD"`` a compact ``19560409`` is read too (as FEBRL writes dates).

    >>> DateOfBirthColumn(column="dob", order="YMD").read({"dob": "19560409"}).key
    '1956-04-09'
    """

    column: str = attrs.field(validator=_column)
    order: DateOrder = attrs.field(
        default="DMY", validator=attrs.validators.in_(("DMY", "MDY", "YMD"))
    )

    def read(self, row: Mapping[str, Any]) -> DateOfBirth | None:
        """The date of birth in ``row``, or ``None`` when the cell is empty."""
        raw = _cell(row, self.column)
        if raw is None:
            return None
        if self.order == "YMD" and len(raw) == 8 and raw.isdigit():
            # A compact 19560409 is read as the ISO 1956-04-09 it spells, which is parsed
            # directly; the general reader (dateutil) took a third of a FEBRL row's time.
            # A date that does not exist that way goes to the general reader, for its message.
            try:
                dob = DateOfBirth.parse(f"{raw[:4]}-{raw[4:6]}-{raw[6:]}", order="YMD")
            except InvalidValueError:
                pass
            else:
                return attrs.evolve(dob, raw=raw)
        return DateOfBirth.parse(raw, order=self.order)


@attrs.frozen(kw_only=True)
class AddressColumns:
    """The columns of one postal address: street ``lines`` (each a column), postal code,
    locality, region (state, province or county: a code or a name) and country (a column
    holding ISO 3166 codes; else the default region).

    >>> AddressColumns(lines=["number", "street"], postal_code="postcode").columns
    ('number', 'street', 'postcode')
    >>> AddressColumns(locality="city", region="state").columns
    ('city', 'state')
    """

    lines: tuple[str, ...] = attrs.field(default=(), converter=_columns)
    postal_code: str | None = attrs.field(default=None, validator=_column)
    locality: str | None = attrs.field(default=None, validator=_column)
    country: str | None = attrs.field(default=None, validator=_column)
    region: str | None = attrs.field(default=None, validator=_column)

    def __attrs_post_init__(self) -> None:
        if not self.lines and self.postal_code is None and self.locality is None:
            raise InvalidValueError(
                "address", None, "needs 'lines', a 'postal_code' or a 'locality' column"
            )

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns read."""
        rest = (self.postal_code, self.locality, self.region, self.country)
        return (*self.lines, *(c for c in rest if c is not None))

    def read(self, row: Mapping[str, Any], normalizer: Normalizer) -> PostalAddress | None:
        """The address in ``row``, or ``None`` when its street, postcode and place are empty."""
        lines = [text for column in self.lines if (text := _cell(row, column))]
        postal_code = _cell(row, self.postal_code) if self.postal_code else None
        locality = _cell(row, self.locality) if self.locality else None
        if not lines and postal_code is None and locality is None:
            return None
        country = _cell(row, self.country) if self.country else None
        region = _cell(row, self.region) if self.region else None
        return normalizer.address(
            lines=lines, postal_code=postal_code, locality=locality, region=region, country=country
        )


@attrs.frozen(kw_only=True)
class RecordMapping:
    """Which column of a row holds the record id and each identifier or attribute.

    ``record_id`` names the id column; ``source`` is the source of every record (a
    lowercase name), or, with ``source_column``, of the records whose cell in that column is
    empty: the others take the cell's name (read in lower case), so one file can hold
    several sources. ``emails`` and ``phones`` list columns (phones are read in
    ``default_region`` when national); ``name``, ``date_of_birth`` and ``addresses`` say
    where those are; ``external_ids`` maps a column to its namespace (``national_id`` is
    scored, ``loyalty_card``, ``customer_number`` and ``web_account`` match by rule);
    ``attributes`` lists columns copied as they are, for the golden record.
    ``observed_at`` names an ISO 8601 time column; without it (or in an empty cell) a
    record is observed at ``default_observed_at``, so ids are anchored on the smallest
    record id. Empty cells are missing values, never errors.

    >>> mapping = RecordMapping(record_id="id", emails=["mail"],
    ...                         name=NameColumns(full="name"))
    >>> record = mapping.to_record({"id": "r1", "mail": "Ann@Example.com", "name": "Ann Lee"})
    >>> record.id, [i.key for i in record.identifiers]
    ('r1', ['ann@example.com', 'ann|lee'])
    """

    record_id: str = attrs.field(validator=_column)
    source: str = "csv"
    source_column: str | None = attrs.field(default=None, validator=_column)
    default_region: str | None = None
    emails: tuple[str, ...] = attrs.field(default=(), converter=_columns)
    phones: tuple[str, ...] = attrs.field(default=(), converter=_columns)
    name: NameColumns | None = None
    date_of_birth: DateOfBirthColumn | None = None
    addresses: tuple[AddressColumns, ...] = attrs.field(default=(), converter=tuple)
    external_ids: dict[str, str] = attrs.field(factory=dict, converter=_namespaces, hash=False)
    attributes: tuple[str, ...] = attrs.field(default=(), converter=_columns)
    observed_at: str | None = attrs.field(default=None, validator=_column)
    default_observed_at: dt.datetime = _EPOCH
    _normalizer: Normalizer = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Checks the region and the source once, when the mapping is made.
        object.__setattr__(self, "_normalizer", Normalizer(default_region=self.default_region))
        try:
            Record(id="probe", source=self.source, observed_at=self.default_observed_at)
        except InvalidValueError as error:  # named by the mapping's own keys
            key = "default_observed_at" if "observed_at" in error.field else "source"
            raise InvalidValueError(key, error.value, error.reason) from None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the mapping reads, each once, in the order they are listed."""
        names = [self.record_id]
        names += [self.source_column] if self.source_column else []
        names += [*self.emails, *self.phones]
        names += self.name.columns if self.name else ()
        names += [self.date_of_birth.column] if self.date_of_birth else []
        for address in self.addresses:
            names += address.columns
        names += [*self.external_ids, *self.attributes]
        names += [self.observed_at] if self.observed_at else []
        return tuple(dict.fromkeys(names))

    def to_record(self, row: Mapping[str, Any]) -> Record:
        """The record of one row.

        Raises :class:`~omnicontact.exceptions.InvalidValueError` whose ``field`` is the
        column at fault (the first one, in :attr:`columns` order) and ``reason`` says why.
        """
        return self._build(row, None)

    def read(self, row: Mapping[str, Any]) -> tuple[Record, tuple[InvalidValueError, ...]]:
        """The record of one row without its unreadable identifiers, and their errors.

        For sources whose noise is in the values (a mistyped date of birth): the record
        keeps what can be read. An empty record id or a bad ``observed_at`` still raises.

        >>> mapping = RecordMapping(record_id="id", phones=["tel"], emails=["mail"])
        >>> record, errors = mapping.read({"id": "r1", "tel": "12", "mail": "a@example.org"})
        >>> [i.key for i in record.identifiers], [e.field for e in errors]
        (['a@example.org'], ['tel'])
        """
        problems: list[InvalidValueError] = []
        record = self._build(row, problems)
        return record, tuple(problems)

    def _build(self, row: Mapping[str, Any], problems: list[InvalidValueError] | None) -> Record:
        record_id = _cell(row, self.record_id)
        if record_id is None:
            raise InvalidValueError(self.record_id, row.get(self.record_id), "is empty")
        source = self.source
        named = _cell(row, self.source_column) if self.source_column is not None else None
        if named is not None:
            source = named.lower()
        found: list[Identifier] = []
        normalizer = self._normalizer

        def add(columns: str, read: Callable[[], Identifier | None]) -> None:
            try:
                identifier = read()
            except InvalidValueError as error:
                problem = InvalidValueError(columns, error.value, error.reason)
                if problems is None:
                    raise problem from None
                problems.append(problem)
            else:
                if identifier is not None:
                    found.append(identifier)

        def parse(
            column: str, make: Callable[[str], Identifier]
        ) -> Callable[[], Identifier | None]:
            raw = _cell(row, column)
            return lambda: None if raw is None else make(raw)

        for column in self.emails:
            add(column, parse(column, normalizer.email))
        for column in self.phones:
            add(column, parse(column, normalizer.phone))
        if self.name is not None:
            name = self.name
            add(",".join(name.columns), lambda: name.read(row))
        if self.date_of_birth is not None:
            dob = self.date_of_birth
            add(dob.column, lambda: dob.read(row))
        for address in self.addresses:
            add(",".join(address.columns), functools.partial(address.read, row, normalizer))
        for column, namespace in self.external_ids.items():
            add(column, parse(column, functools.partial(normalizer.external_id, namespace)))
        observed_at = self.default_observed_at
        if self.observed_at is not None and (text := _cell(row, self.observed_at)) is not None:
            try:
                observed_at = dt.datetime.fromisoformat(text)
            except ValueError:
                raise InvalidValueError(self.observed_at, text, "is not ISO 8601") from None
            if observed_at.tzinfo is None:
                raise InvalidValueError(self.observed_at, text, "has no UTC offset")
        attributes = {
            column: text for column in self.attributes if (text := _cell(row, column)) is not None
        }
        try:
            return Record(
                id=record_id,
                source=source,
                observed_at=observed_at,
                identifiers=found,
                attributes=attributes,
            )
        except InvalidValueError as error:
            if named is None or self.source_column is None or error.field != "record.source":
                raise
            raise InvalidValueError(self.source_column, named, error.reason) from None
