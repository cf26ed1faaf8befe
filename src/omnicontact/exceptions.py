"""Every error omnicontact raises, under one root.

Catch :class:`OmnicontactError` to catch them all; catch the builtin a subclass also derives
from (``ValueError``, ``LookupError``) where the host application already handles those.

The tree::

    OmnicontactError (Exception)
    ├── InvalidValueError (ValueError)            a value failed validation: .field .value .reason
    │   ├── InvalidIdentifierError                an identifier cannot be normalized
    │   └── InvalidPayloadError                   a connector cannot read a raw payload: .row
    ├── ChannelConflictError (ValueError)         two registrations of one channel disagree
    ├── UnknownChannelError (LookupError)         no channel is registered under that name
    ├── UnknownRecordError (LookupError)          the resolver holds no record with that id
    ├── UnknownCustomerError (LookupError)        no customer (live or retired id) by that id
    ├── UnknownJudgementError (LookupError)       no judgement with that id
    ├── InvariantViolationError (AssertionError)  a resolver broke a guarantee: .invariant
    ├── CaseTransitionError (ValueError)          a case cannot move to that status
    ├── PolicyError (ValueError)                  a routing policy is invalid: .file .rule .reason
    ├── UngovernedPurposeError (ValueError)       no pack governs that purpose: .channel .purpose
    ├── ConfigurationError (ValueError)           a config file is invalid: .file .key .reason
    ├── SerializationError (ValueError)           a document cannot be read back
    │   └── UnsupportedSchemaVersionError         it was written by a newer omnicontact
    └── StoreError (RuntimeError)                 a store cannot be opened, read or written
        └── StoreVersionError                     its schema is newer than this omnicontact

Several problems found at once (for example every bad row of a batch) are gathered in an
``ExceptionGroup`` whose members are the errors above.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CaseTransitionError",
    "ChannelConflictError",
    "ConfigurationError",
    "InvalidIdentifierError",
    "InvalidPayloadError",
    "InvalidValueError",
    "InvariantViolationError",
    "OmnicontactError",
    "PolicyError",
    "SerializationError",
    "StoreError",
    "StoreVersionError",
    "UngovernedPurposeError",
    "UnknownChannelError",
    "UnknownCustomerError",
    "UnknownJudgementError",
    "UnknownRecordError",
    "UnsupportedSchemaVersionError",
]


class OmnicontactError(Exception):
    """Root of every error raised by omnicontact."""


class InvalidValueError(OmnicontactError, ValueError):
    """A value failed validation.

    ``field`` names what was being read (``"phone"``, ``"occurred_at"`` …), ``value`` is the
    offending input and ``reason`` says what is wrong with it.
    """

    def __init__(self, field: str, value: Any, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason} (got {value!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.value, self.reason))


class InvalidIdentifierError(InvalidValueError):
    """An identifier (email, phone, name …) cannot be normalized."""


class InvalidPayloadError(InvalidValueError):
    """A connector cannot turn a raw payload into contacts.

    ``row`` is the position of the payload in its batch (1-based; for CSV files, the line
    number), or ``None`` for a single payload.
    """

    def __init__(self, field: str, value: Any, reason: str, *, row: int | None = None) -> None:
        super().__init__(field, value, reason)
        self.row = row
        if row is not None:
            self.args = (f"row {row}: {self.args[0]}",)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_payload_error, (self.field, self.value, self.reason, self.row))


def _rebuild_payload_error(field: str, value: Any, reason: str, row: int | None) -> Any:
    return InvalidPayloadError(field, value, reason, row=row)


class ChannelConflictError(OmnicontactError, ValueError):
    """A channel name is registered twice with different definitions."""


class UnknownChannelError(OmnicontactError, LookupError):
    """No channel is registered under the requested name."""


class CaseTransitionError(OmnicontactError, ValueError):
    """A case cannot move from its current status to the requested one."""


class PolicyError(OmnicontactError, ValueError):
    """A routing policy cannot be built or loaded.

    ``file`` is the policy file (or ``None`` for a policy built in Python or from data),
    ``rule`` the id (or position) of the faulty rule, or ``None`` when the problem is outside
    the rules, and ``reason`` says what is wrong.
    """

    def __init__(self, reason: str, *, file: str | None = None, rule: str | None = None) -> None:
        self.file = file
        self.rule = rule
        self.reason = reason
        where = [part for part in (file, None if rule is None else f"rule {rule!r}") if part]
        super().__init__(f"{': '.join(where)}: {reason}" if where else reason)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_policy_error, (self.reason, self.file, self.rule))


def _rebuild_policy_error(reason: str, file: str | None, rule: str | None) -> Any:
    return PolicyError(reason, file=file, rule=rule)


class UngovernedPurposeError(OmnicontactError, ValueError):
    """An outbound decision was asked for a purpose and channel that no jurisdiction pack
    of the policy governs, and that the policy does not declare unregulated.

    ``channel`` and ``purpose`` are the ones asked about; ``at`` the instant (no pack rule
    for them was in force then).
    """

    def __init__(self, channel: str, purpose: str, at: Any, packs: str) -> None:
        self.channel = channel
        self.purpose = purpose
        self.at = at
        self.packs = packs
        super().__init__(
            f"no rule of the packs {packs} governs {purpose} on {channel} at {at}: add a pack "
            f"that does, or declare {purpose!r} in the policy's unregulated_purposes"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.channel, self.purpose, self.at, self.packs))


class ConfigurationError(OmnicontactError, ValueError):
    """A configuration file (such as ``omnicontact resolve --config``) cannot be used.

    ``file`` is the file, ``key`` the dotted key at fault (``records.date_of_birth.order``),
    or ``None`` when the problem is the whole file, and ``reason`` says what is wrong.
    """

    def __init__(self, reason: str, *, file: str, key: str | None = None) -> None:
        self.file = file
        self.key = key
        self.reason = reason
        super().__init__(f"{file}: {key}: {reason}" if key else f"{file}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_configuration_error, (self.reason, self.file, self.key))


def _rebuild_configuration_error(reason: str, file: str, key: str | None) -> Any:
    return ConfigurationError(reason, file=file, key=key)


class SerializationError(OmnicontactError, ValueError):
    """A serialized document cannot be read back into omnicontact values."""


class UnsupportedSchemaVersionError(SerializationError):
    """A document carries a schema version newer than this omnicontact understands."""


class UnknownRecordError(OmnicontactError, LookupError):
    """The identity resolver holds no record with the requested id."""


class UnknownCustomerError(OmnicontactError, LookupError):
    """No customer, live or retired, has the requested id (or it was erased)."""


class UnknownJudgementError(OmnicontactError, LookupError):
    """No judgement has the requested id."""


class StoreError(OmnicontactError, RuntimeError):
    """A persistent store cannot be opened, read or written (its database says why)."""


class StoreVersionError(StoreError):
    """The store's schema was written by a newer omnicontact: upgrade before opening it.

    ``found`` is the schema version in the database, ``supported`` the newest this
    omnicontact knows.
    """

    def __init__(self, found: int, supported: int, *, where: str = "") -> None:
        self.found = found
        self.supported = supported
        self.where = where
        place = f"{where}: " if where else ""
        super().__init__(
            f"{place}store schema version {found} is newer than {supported}, the newest this "
            "omnicontact knows: upgrade omnicontact to open it (nothing was changed)"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_store_version_error, (self.found, self.supported, self.where))


def _rebuild_store_version_error(found: int, supported: int, where: str) -> Any:
    return StoreVersionError(found, supported, where=where)


class InvariantViolationError(OmnicontactError, AssertionError):
    """A resolver configuration broke one of the guarantees :mod:`omnicontact.testing` checks.

    Raised by the invariant checkers (an ``AssertionError``, so test runners and Hypothesis
    treat it as a failed test and shrink it). ``invariant`` names the guarantee
    (``"order independence"`` …), ``record_ids`` the records involved, and the message
    describes them.
    """

    def __init__(self, invariant: str, message: str, *, record_ids: tuple[str, ...] = ()) -> None:
        self.invariant = invariant
        self.message = message
        self.record_ids = tuple(record_ids)
        super().__init__(f"{invariant} violated: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_invariant_error, (self.invariant, self.message, self.record_ids))


def _rebuild_invariant_error(invariant: str, message: str, record_ids: tuple[str, ...]) -> Any:
    return InvariantViolationError(invariant, message, record_ids=record_ids)
