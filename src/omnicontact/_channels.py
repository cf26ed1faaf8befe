"""Channels: the ways a customer and the company reach each other, and their registry."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

import attrs

from .exceptions import ChannelConflictError, InvalidValueError, UnknownChannelError

__all__ = [
    "BUILTIN_CHANNELS",
    "CHANNEL_ENTRY_POINT_GROUP",
    "Capability",
    "Channel",
    "ChannelRegistry",
    "Medium",
]

CHANNEL_ENTRY_POINT_GROUP = "omnicontact.channels"
"""Entry-point group through which installed packages contribute channels."""

CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_\-]*$")
"""What a channel name looks like (shared by every field that names a channel)."""


class Medium(str, enum.Enum):
    """How an exchange on a channel unfolds."""

    SYNCHRONOUS = "synchronous"
    """Both sides are there at once: a call, a live chat."""
    ASYNCHRONOUS = "asynchronous"
    """Messages wait to be read: email, SMS, post."""
    PHYSICAL = "physical"
    """Face to face: a shop or branch visit."""


class Capability(str, enum.Enum):
    """What a channel can carry."""

    SELF_SERVICE = "self_service"
    """The customer can be served without a person (web pages, app, bot, IVR)."""
    HUMAN_ADVISOR = "human_advisor"
    """A person from the company can answer on it."""
    OUTBOUND = "outbound"
    """The company can start a contact on it."""


def _check_name(_instance: Any, _attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not CHANNEL_NAME.match(value):
        raise InvalidValueError(
            "channel.name", value, "must be lowercase: a letter, then letters, digits, _ or -"
        )


def _capabilities(value: Iterable[Capability | str]) -> frozenset[Capability]:
    try:
        return frozenset(Capability(item) for item in value)
    except ValueError as error:
        raise InvalidValueError("channel.capabilities", value, str(error)) from None


def _medium(value: Medium | str) -> Medium:
    try:
        return Medium(value)
    except ValueError:
        raise InvalidValueError(
            "channel.medium", value, "must be synchronous, asynchronous or physical"
        ) from None


@attrs.frozen(kw_only=True)
class Channel:
    """A channel: its name, medium and capabilities.

    >>> Channel(name="whatsapp", label="WhatsApp", medium="asynchronous",
    ...         capabilities={"human_advisor", "outbound"}).supports(Capability.OUTBOUND)
    True
    """

    name: str = attrs.field(validator=_check_name)
    label: str = attrs.field(validator=attrs.validators.instance_of(str))
    medium: Medium = attrs.field(converter=_medium)
    capabilities: frozenset[Capability] = attrs.field(converter=_capabilities)

    def supports(self, capability: Capability | str) -> bool:
        """Whether this channel carries ``capability``."""
        return Capability(capability) in self.capabilities


_SELF = Capability.SELF_SERVICE
_HUMAN = Capability.HUMAN_ADVISOR
_OUT = Capability.OUTBOUND

BUILTIN_CHANNELS: tuple[Channel, ...] = (
    Channel(
        name="branch", label="Shop or branch visit", medium=Medium.PHYSICAL, capabilities={_HUMAN}
    ),
    Channel(name="web", label="Website", medium=Medium.SYNCHRONOUS, capabilities={_SELF}),
    Channel(name="app", label="Mobile app", medium=Medium.SYNCHRONOUS, capabilities={_SELF, _OUT}),
    Channel(name="email", label="Email", medium=Medium.ASYNCHRONOUS, capabilities={_HUMAN, _OUT}),
    Channel(
        name="phone", label="Phone call", medium=Medium.SYNCHRONOUS, capabilities={_HUMAN, _OUT}
    ),
    Channel(
        name="sms", label="SMS", medium=Medium.ASYNCHRONOUS, capabilities={_SELF, _HUMAN, _OUT}
    ),
    Channel(
        name="chat", label="Live chat", medium=Medium.SYNCHRONOUS, capabilities={_SELF, _HUMAN}
    ),
    Channel(
        name="social",
        label="Social network",
        medium=Medium.ASYNCHRONOUS,
        capabilities={_HUMAN, _OUT},
    ),
    Channel(
        name="mail", label="Postal mail", medium=Medium.ASYNCHRONOUS, capabilities={_HUMAN, _OUT}
    ),
    Channel(name="ivr", label="Voice bot / IVR", medium=Medium.SYNCHRONOUS, capabilities={_SELF}),
)
"""The channels every registry made with :meth:`ChannelRegistry.with_builtins` holds."""


class ChannelRegistry:
    """The channels an application knows, by name.

    Registering a channel whose name is taken by a different definition is an error;
    registering the very same definition again does nothing. Registries are plain objects:
    make one per application (nothing global is changed).

    >>> registry = ChannelRegistry.with_builtins()
    >>> registry.get("email").medium
    <Medium.ASYNCHRONOUS: 'asynchronous'>
    """

    def __init__(self, channels: Iterable[Channel] = ()) -> None:
        self._channels: dict[str, Channel] = {}
        for channel in channels:
            self.register(channel)

    @classmethod
    def with_builtins(cls, *, entry_points: bool = False) -> ChannelRegistry:
        """A registry of :data:`BUILTIN_CHANNELS`, plus installed plug-ins if asked."""
        registry = cls(BUILTIN_CHANNELS)
        if entry_points:
            registry.load_entry_points()
        return registry

    def register(self, channel: Channel) -> Channel:
        """Add ``channel``; return it (so this can decorate a factory's result)."""
        if not isinstance(channel, Channel):
            raise InvalidValueError("channel", channel, "must be a Channel")
        existing = self._channels.get(channel.name)
        if existing is not None and existing != channel:
            raise ChannelConflictError(
                f"channel {channel.name!r} is already registered as {existing!r}; "
                f"refusing {channel!r}"
            )
        self._channels[channel.name] = channel
        return channel

    def load_entry_points(self, group: str = CHANNEL_ENTRY_POINT_GROUP) -> list[Channel]:
        """Register the channels that installed packages declare in ``group``.

        An entry point may name a :class:`Channel`, an iterable of them, or a callable
        returning either. The channels added are returned.
        """
        added: list[Channel] = []
        for entry_point in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
            loaded = entry_point.load()
            if callable(loaded) and not isinstance(loaded, Channel):
                loaded = loaded()
            channels = [loaded] if isinstance(loaded, Channel) else list(loaded)
            for channel in channels:
                if not isinstance(channel, Channel):
                    raise InvalidValueError(
                        f"entry point {entry_point.name!r}", channel, "is not a Channel"
                    )
                added.append(self.register(channel))
        return added

    def get(self, name: str) -> Channel:
        """The channel called ``name``."""
        try:
            return self._channels[name]
        except KeyError:
            known = ", ".join(sorted(self._channels))
            raise UnknownChannelError(f"no channel {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._channels

    def __iter__(self) -> Iterator[Channel]:
        return iter(sorted(self._channels.values(), key=lambda c: c.name))

    def __len__(self) -> int:
        return len(self._channels)

    def __repr__(self) -> str:
        return f"ChannelRegistry({sorted(self._channels)!r})"
