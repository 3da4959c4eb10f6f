"""Before Qt starts on X11, missing xcb libraries are named with the line that installs them."""

from __future__ import annotations

import sys

import pytest

from e2a_node.tray import qt_platform_check
from e2a_node.tray.qt_platform_check import missing_packages, uses_xcb, xcb_problem

X11 = {"DISPLAY": ":0"}


def _finder(absent: set[str]) -> qt_platform_check.Finder:
    return lambda name: None if name in absent else f"lib{name}.so"


def test_a_debian_desktop_without_the_xcb_helpers_is_told_what_to_install() -> None:
    line = xcb_problem("e2a", X11, "linux", _finder({"xcb-cursor", "xcb-icccm"}))
    assert line.startswith("e2a: Qt cannot open a window on X11")
    assert line.endswith("sudo apt install libxcb-cursor0 libxcb-icccm4")
    assert "\n" not in line


def test_nothing_is_said_when_everything_is_there() -> None:
    assert xcb_problem("e2a-node", X11, "linux", _finder(set())) == ""


@pytest.mark.parametrize(("env", "platform", "expected"), [
    (X11, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux",
     True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({}, "linux", False),
    (X11, "darwin", False),
    (X11, "win32", False),
])
def test_only_an_x11_start_is_checked(env: dict[str, str], platform: str,
                                      expected: bool) -> None:
    assert uses_xcb(env, platform) is expected
    found_nothing = _finder(set(qt_platform_check.XCB_LIBRARIES))
    assert bool(xcb_problem("e2a", env, platform, found_nothing)) is expected


def test_a_system_whose_libraries_cannot_be_looked_up_is_not_stopped() -> None:
    """Not even libxcb found: the lookup is blind here, so nothing is claimed missing."""
    assert missing_packages(lambda _name: None) == []


def test_a_bundle_carries_its_own_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert xcb_problem("e2a", X11, "linux", _finder({"xcb-cursor"})) == ""


def test_this_machine_is_looked_up_without_error() -> None:
    assert isinstance(missing_packages(), list)
