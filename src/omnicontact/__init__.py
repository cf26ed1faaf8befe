"""omnicontact: one customer, one identity, one history, on every channel.

The public names are importable from here; modules whose names start with an underscore
are private. Errors live in :mod:`omnicontact.exceptions`, connectors in
:mod:`omnicontact.connectors`.
"""

from __future__ import annotations

import logging as _logging
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from ._case_events import CaseEvent, CaseEventKind
from ._channels import (
    BUILTIN_CHANNELS,
    CHANNEL_ENTRY_POINT_GROUP,
    Capability,
    Channel,
    ChannelRegistry,
    Medium,
)
from ._gc import gc_paused
from ._identifiers import (
    DateOfBirth,
    DateOrder,
    EmailAddress,
    ExternalId,
    Identifier,
    IdentifierKind,
    Normalizer,
    PersonName,
    PhoneNumber,
    PhoneType,
    PostalAddress,
    SocialHandle,
)
from ._model import (
    Case,
    CaseContact,
    CaseStatus,
    CaseTransition,
    Consent,
    ConsentLedger,
    ConsentStatus,
    Contact,
    ContactPoint,
    ContactStatus,
    Direction,
    Preferences,
    Purpose,
    QuietHours,
    aware,
)
from ._serialization import (
    SCHEMA_VERSION,
    dumps,
    from_dict,
    loads,
    make_converter,
    to_dict,
)
from ._workspace import AdvisorView, CaseSummary, IngestFailure, IngestReport, Workspace
from .exceptions import OmnicontactError
from .identity import (
    AddressColumns,
    DateOfBirthColumn,
    GuardPolicy,
    MatchModel,
    NameColumns,
    Record,
    RecordMapping,
    Resolution,
    ResolutionOutcome,
    Resolver,
    SurvivorshipPolicy,
    estimate,
)

try:
    __version__ = _version("omnicontact")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

# A library logs to ``omnicontact.*`` loggers and leaves handlers to its host.
_logging.getLogger("omnicontact").addHandler(_logging.NullHandler())

__all__ = [
    "BUILTIN_CHANNELS",
    "CHANNEL_ENTRY_POINT_GROUP",
    "SCHEMA_VERSION",
    "AddressColumns",
    "AdvisorView",
    "Capability",
    "Case",
    "CaseContact",
    "CaseEvent",
    "CaseEventKind",
    "CaseStatus",
    "CaseSummary",
    "CaseTransition",
    "Channel",
    "ChannelRegistry",
    "Consent",
    "ConsentLedger",
    "ConsentStatus",
    "Contact",
    "ContactPoint",
    "ContactStatus",
    "DateOfBirth",
    "DateOfBirthColumn",
    "DateOrder",
    "Direction",
    "EmailAddress",
    "ExternalId",
    "GuardPolicy",
    "Identifier",
    "IdentifierKind",
    "IngestFailure",
    "IngestReport",
    "MatchModel",
    "Medium",
    "NameColumns",
    "Normalizer",
    "OmnicontactError",
    "PersonName",
    "PhoneNumber",
    "PhoneType",
    "PostalAddress",
    "Preferences",
    "Purpose",
    "QuietHours",
    "Record",
    "RecordMapping",
    "Resolution",
    "ResolutionOutcome",
    "Resolver",
    "SocialHandle",
    "SurvivorshipPolicy",
    "Workspace",
    "aware",
    "dumps",
    "estimate",
    "from_dict",
    "gc_paused",
    "loads",
    "make_converter",
    "to_dict",
]

# Last, once every name above exists: Hypothesis, if already imported, learns our types.
from . import _hypothesis_plugin  # noqa: E402

_hypothesis_plugin._register_if_hooked()
