"""Idle detection: the policy never guesses, probes fall through, each OS parser reads."""

from __future__ import annotations

import sys

import pytest

from e2a_node.idle import (
    FakeIdleSource,
    IdlePolicy,
    SystemIdleSource,
    parse_hid_idle,
    platform_probes,
    windows_idle_seconds,
)


def test_an_idle_pc_on_mains_may_work() -> None:
    verdict = IdlePolicy(FakeIdleSource(idle=600, battery=False), idle_after=300).verdict()
    assert verdict.may_work and verdict.known


def test_a_pc_in_use_waits_and_says_for_how_long() -> None:
    verdict = IdlePolicy(FakeIdleSource(idle=12, battery=False), idle_after=300).verdict()
    assert not verdict.may_work
    assert "idle for 5 min" in verdict.reason


def test_on_battery_it_never_works_even_when_idle() -> None:
    verdict = IdlePolicy(FakeIdleSource(idle=9999, battery=True)).verdict()
    assert not verdict.may_work and "battery" in verdict.reason


def test_unknown_idle_time_is_said_and_never_guessed_idle() -> None:
    verdict = IdlePolicy(FakeIdleSource(idle=None, battery=None)).verdict()
    assert verdict.may_work and not verdict.known
    assert "cannot tell" in verdict.reason


def test_probes_fall_through_to_the_first_that_answers() -> None:
    def broken() -> float | None:
        raise OSError("no D-Bus here")

    source = SystemIdleSource([("a", broken), ("b", lambda: None), ("c", lambda: 42.0)],
                              battery=lambda: None)
    assert source.idle_seconds() == 42.0 and source.name == "c"
    silent = SystemIdleSource([("a", broken)], battery=lambda: None)
    assert silent.idle_seconds() is None and silent.name == "none"


def test_a_failing_battery_probe_means_unknown() -> None:
    def broken() -> bool | None:
        raise RuntimeError("sensor gone")

    assert SystemIdleSource([], battery=broken).on_battery() is None


def test_each_platform_has_its_probe() -> None:
    assert [n for n, _ in platform_probes("win32")] == ["GetLastInputInfo"]
    assert [n for n, _ in platform_probes("darwin")] == ["HIDIdleTime"]
    wayland = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert [n for n, _ in platform_probes("linux", wayland)] == ["logind IdleHint",
                                                                 "X11 screensaver"]
    assert [n for n, _ in platform_probes("linux", {"DISPLAY": ":0"})] == [
        "X11 screensaver", "logind IdleHint"]


def test_macos_hid_idle_time_is_read_from_ioreg_output() -> None:
    out = '    |   "HIDIdleTime" = 4500000000\n    |   "HIDOtherThing" = 1\n'
    assert parse_hid_idle(out) == 4.5
    assert parse_hid_idle("nothing here") is None


@pytest.mark.skipif(sys.platform.startswith("win"), reason="elsewhere ctypes has no windll")
def test_windows_probe_answers_none_off_windows() -> None:
    assert windows_idle_seconds() is None


def test_this_machine_answers_or_says_it_cannot() -> None:
    source = SystemIdleSource()
    seconds = source.idle_seconds()
    assert seconds is None or seconds >= 0
    assert (seconds is None) == (source.name == "none")
