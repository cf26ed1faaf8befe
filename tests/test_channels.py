"""Tests for channels and the channel registry, including entry-point plug-ins."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from omnicontact import (
    BUILTIN_CHANNELS,
    CHANNEL_ENTRY_POINT_GROUP,
    Capability,
    Channel,
    ChannelRegistry,
    Medium,
)
from omnicontact import testing as oct
from omnicontact.exceptions import (
    ChannelConflictError,
    InvalidValueError,
    OmnicontactError,
    UnknownChannelError,
)

WHATSAPP = Channel(
    name="whatsapp", label="WhatsApp", medium="asynchronous", capabilities={"human_advisor"}
)


class TestChannel:
    def test_medium_and_capabilities_are_converted_from_strings(self) -> None:
        """Strings for medium and capabilities become the enums."""
        assert WHATSAPP.medium is Medium.ASYNCHRONOUS
        assert WHATSAPP.capabilities == frozenset({Capability.HUMAN_ADVISOR})
        assert WHATSAPP.supports("human_advisor")
        assert not WHATSAPP.supports(Capability.OUTBOUND)

    @pytest.mark.parametrize("name", ["WhatsApp", "1chat", "", "with space", "dot.ted"])
    def test_bad_names_are_refused(self, name: str) -> None:
        """A name that is not lowercase letters, digits, ``_`` or ``-`` is refused."""
        with pytest.raises(InvalidValueError) as caught:
            Channel(name=name, label="x", medium="physical", capabilities=())
        assert caught.value.field == "channel.name"

    def test_unknown_medium_is_refused(self) -> None:
        """A medium other than the three known ones is refused, naming the field."""
        with pytest.raises(InvalidValueError) as caught:
            Channel(name="x", label="x", medium="telepathy", capabilities=())
        assert caught.value.field == "channel.medium"

    def test_unknown_capability_is_refused(self) -> None:
        """An unknown capability is refused, naming the field."""
        with pytest.raises(InvalidValueError) as caught:
            Channel(name="x", label="x", medium="physical", capabilities={"teleport"})
        assert caught.value.field == "channel.capabilities"


class TestBuiltins:
    def test_the_issue_s_channels_are_all_there(self) -> None:
        """Branch, web, app, email, phone, SMS, chat, social, mail and IVR are built in."""
        names = {channel.name for channel in BUILTIN_CHANNELS}
        assert names == {"branch", "web", "app", "email", "phone", "sms", "chat", "social"} | {
            "mail",
            "ivr",
        }

    def test_media_match_the_channels(self) -> None:
        """A branch visit is physical, a call synchronous, an email asynchronous."""
        registry = ChannelRegistry.with_builtins()
        assert registry.get("branch").medium is Medium.PHYSICAL
        assert registry.get("phone").medium is Medium.SYNCHRONOUS
        assert registry.get("email").medium is Medium.ASYNCHRONOUS

    def test_registries_are_independent(self) -> None:
        """Registering in one registry changes no other (nothing global)."""
        one, two = ChannelRegistry.with_builtins(), ChannelRegistry.with_builtins()
        one.register(WHATSAPP)
        assert "whatsapp" in one
        assert "whatsapp" not in two


class TestRegister:
    def test_register_adds_and_returns_the_channel(self) -> None:
        """A registered channel can be looked up by name."""
        registry = ChannelRegistry()
        assert registry.register(WHATSAPP) is WHATSAPP
        assert registry.get("whatsapp") == WHATSAPP
        assert len(registry) == 1
        assert list(registry) == [WHATSAPP]

    def test_same_definition_twice_is_fine(self) -> None:
        """Registering an equal definition again changes nothing."""
        registry = ChannelRegistry([WHATSAPP])
        twin = Channel(
            name="whatsapp", label="WhatsApp", medium="asynchronous", capabilities=["human_advisor"]
        )
        registry.register(twin)
        assert len(registry) == 1

    def test_conflicting_definition_is_an_error(self) -> None:
        """Registering a different channel under a taken name raises ChannelConflictError."""
        registry = ChannelRegistry.with_builtins()
        clash = Channel(name="email", label="E-mail", medium="synchronous", capabilities=())
        with pytest.raises(ChannelConflictError, match="email"):
            registry.register(clash)
        assert registry.get("email").medium is Medium.ASYNCHRONOUS

    def test_non_channel_is_refused(self) -> None:
        """Registering something that is not a Channel is refused."""
        with pytest.raises(InvalidValueError):
            ChannelRegistry().register("email")  # type: ignore[arg-type]

    @given(oct.channels())
    def test_any_channel_registers_and_is_found(self, channel: Channel) -> None:
        """Any valid channel can be registered in an empty registry and found again."""
        registry = ChannelRegistry()
        registry.register(channel)
        assert registry.get(channel.name) is channel


class TestUnknownChannel:
    def test_unknown_name_raises_unknown_channel_error(self) -> None:
        """Looking up a name nobody registered raises UnknownChannelError listing known ones."""
        with pytest.raises(UnknownChannelError, match="known: app, branch, chat"):
            ChannelRegistry.with_builtins().get("fax")

    def test_unknown_channel_error_is_a_lookup_error(self) -> None:
        """UnknownChannelError is caught by ``except LookupError`` and by the root."""
        assert issubclass(UnknownChannelError, LookupError)
        assert issubclass(UnknownChannelError, OmnicontactError)
        with pytest.raises(LookupError):
            ChannelRegistry().get("fax")


class _FakeEntryPoint:
    def __init__(self, name: str, loaded: Any) -> None:
        self.name = name
        self._loaded = loaded

    def load(self) -> Any:
        return self._loaded


def _fake_entry_points(monkeypatch: pytest.MonkeyPatch, *points: _FakeEntryPoint) -> None:
    def entry_points(*, group: str) -> list[_FakeEntryPoint]:
        return list(points) if group == CHANNEL_ENTRY_POINT_GROUP else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


TELEGRAM = Channel(name="telegram", label="Telegram", medium="asynchronous", capabilities=())
KIOSK = Channel(name="kiosk", label="Kiosk", medium="physical", capabilities={"self_service"})


class TestLoadEntryPoints:
    def test_channel_iterable_and_factory_are_loaded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An entry point may name a channel, a list of channels or a factory of either."""
        _fake_entry_points(
            monkeypatch,
            _FakeEntryPoint("a", WHATSAPP),
            _FakeEntryPoint("b", [TELEGRAM]),
            _FakeEntryPoint("c", lambda: KIOSK),
        )
        registry = ChannelRegistry()
        added = registry.load_entry_points()
        assert added == [WHATSAPP, TELEGRAM, KIOSK]
        assert {"whatsapp", "telegram", "kiosk"} <= {channel.name for channel in registry}

    def test_with_builtins_loads_entry_points_only_when_asked(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``with_builtins()`` ignores plug-ins unless ``entry_points=True``."""
        _fake_entry_points(monkeypatch, _FakeEntryPoint("a", WHATSAPP))
        assert "whatsapp" not in ChannelRegistry.with_builtins()
        assert "whatsapp" in ChannelRegistry.with_builtins(entry_points=True)

    def test_entry_point_that_is_not_a_channel_is_refused(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An entry point yielding something else raises, naming the entry point."""
        _fake_entry_points(monkeypatch, _FakeEntryPoint("broken", ["not a channel"]))
        with pytest.raises(InvalidValueError, match="broken"):
            ChannelRegistry().load_entry_points()

    def test_entry_point_conflicting_with_a_builtin_is_an_error(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A plug-in redefining a built-in channel differently raises ChannelConflictError."""
        clash = Channel(name="sms", label="SMS", medium="synchronous", capabilities=())
        _fake_entry_points(monkeypatch, _FakeEntryPoint("clash", clash))
        with pytest.raises(ChannelConflictError):
            ChannelRegistry.with_builtins(entry_points=True)


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package declaring a channel in a real ``.dist-info`` on ``sys.path``."""
    module = "omnicontact_test_plugin_channels"
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            """
            from omnicontact import Channel

            def channels():
                return [
                    Channel(name="fax", label="Fax", medium="asynchronous",
                            capabilities={"outbound"}),
                ]
            """
        )
    )
    dist_info = tmp_path / "omnicontact_test_plugin-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: omnicontact-test-plugin\nVersion: 1.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[{CHANNEL_ENTRY_POINT_GROUP}]\nfax = {module}:channels\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module
    sys.modules.pop(module, None)


class TestInstalledEntryPoint:
    def test_channel_from_an_installed_distribution_is_registered(
        self, installed_plugin: str
    ) -> None:
        """A channel declared in an installed distribution's entry points is registered."""
        registry = ChannelRegistry.with_builtins(entry_points=True)
        fax = registry.get("fax")
        assert fax.medium is Medium.ASYNCHRONOUS
        assert fax.supports(Capability.OUTBOUND)
