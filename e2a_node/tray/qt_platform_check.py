"""Before Qt starts on X11: are the libraries its xcb plugin needs installed? (No Qt here.)

A fresh Debian 12 with ``pip install`` has X11 but not the small xcb helper libraries
Qt 6.5+ loads with its xcb plugin (libxcb-cursor0 first of all): Qt then prints
"Could not load the Qt platform plugin "xcb"" and aborts Python. Both front ends (the
window and the tray node) ask here first and, where something is missing, say in one
line which packages to install and exit 1.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping

Finder = Callable[[str], "str | None"]

XCB_LIBRARIES: dict[str, str] = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-util": "libxcb-util1",
    "xcb-randr": "libxcb-randr0",
    "xcb-shape": "libxcb-shape0",
    "xcb-shm": "libxcb-shm0",
    "xcb-sync": "libxcb-sync1",
    "xcb-xfixes": "libxcb-xfixes0",
    "xcb-render": "libxcb-render0",
    "xkbcommon": "libxkbcommon0",
    "X11-xcb": "libx11-xcb1",
}
"""The libraries Qt 6's xcb plugin links (as ``find_library`` names them) → Debian's
package for each (Ubuntu's are named alike)."""

BASE_LIBRARY = "xcb"
"""Every X11 desktop has libxcb: where even it is not found, the lookup cannot see this
system's libraries (an unusual layout), and nothing is claimed missing."""


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Qt would open on X11 (xcb): Linux, an X display, and xcb asked for or (no Wayland
    session) chosen by default."""
    if not platform.startswith("linux") or not env.get("DISPLAY"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if asked:
        return asked == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def missing_packages(find: Finder = ctypes.util.find_library) -> list[str]:
    """The packages whose libraries the xcb plugin needs and this system lacks."""
    if find(BASE_LIBRARY) is None:
        return []
    return [package for library, package in XCB_LIBRARIES.items() if find(library) is None]


def xcb_problem(program: str, env: Mapping[str, str] | None = None,
                platform: str = sys.platform,
                find: Finder = ctypes.util.find_library) -> str:
    """One line saying what to install before ``program`` can open on X11; "" if nothing."""
    if getattr(sys, "frozen", False):  # a bundle carries its own libraries
        return ""
    if not uses_xcb(os.environ if env is None else env, platform):
        return ""
    missing = missing_packages(find)
    if not missing:
        return ""
    return (f"{program}: Qt cannot open a window on X11: this system lacks libraries its xcb "
            f"plugin needs. Install them (Debian/Ubuntu): sudo apt install {' '.join(missing)}")
