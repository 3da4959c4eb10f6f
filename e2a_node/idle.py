"""Is the person at this PC away, and is it on mains power? One small interface, per OS.

``IdleSource.idle_seconds()`` says how long there has been no keyboard or mouse
input, or None where this PC cannot tell; ``on_battery()`` says whether it runs on
battery (None: unknown, or no battery). Each OS has its own small function:

- Linux: the X11 screensaver extension through ctypes on an X11 session, and
  logind's ``IdleHint`` over D-Bus (jeepney, which wakepy already brings) elsewhere.
- Windows: ``GetLastInputInfo`` through ctypes.
- macOS: ``HIDIdleTime`` from IOKit, read with ``ioreg``.
- Battery: ``psutil.sensors_battery()`` where psutil is installed.

``IdlePolicy`` turns those answers into one decision, and never guesses: where
idle time is unknown it says so, and the node then works whenever it is not paused.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

IdleProbe = Callable[[], "float | None"]


class IdleSource:
    """Where idle time and power state come from on this machine."""

    name = "none"

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input; None when unknown."""
        return None

    def on_battery(self) -> bool | None:
        """True on battery, False on mains; None when unknown or there is no battery."""
        return None


class FakeIdleSource(IdleSource):
    """A source tests set by hand."""

    name = "fake"

    def __init__(self, idle: float | None = 0.0, battery: bool | None = False) -> None:
        self.idle = idle
        self.battery = battery

    def idle_seconds(self) -> float | None:
        return self.idle

    def on_battery(self) -> bool | None:
        return self.battery


class SystemIdleSource(IdleSource):
    """Asks the OS, trying its probes in order; remembers which one answered."""

    def __init__(self, probes: list[tuple[str, IdleProbe]] | None = None,
                 battery: Callable[[], bool | None] | None = None) -> None:
        self._probes = probes if probes is not None else platform_probes()
        self._battery = battery or psutil_on_battery
        self.name = "none"

    def idle_seconds(self) -> float | None:
        for name, probe in self._probes:
            try:
                seconds = probe()
            except Exception:  # a probe that breaks is a probe that does not answer
                seconds = None
            if seconds is not None:
                self.name = name
                return max(0.0, seconds)
        self.name = "none"
        return None

    def on_battery(self) -> bool | None:
        try:
            return self._battery()
        except Exception:
            return None


def platform_probes(platform: str = sys.platform,
                    env: Mapping[str, str] | None = None) -> list[tuple[str, IdleProbe]]:
    """This OS's probes, best first. On an X11 session the X server counts input itself;
    elsewhere (Wayland, a console) logind's hint is what the desktop reports."""
    if platform.startswith("win"):
        return [("GetLastInputInfo", windows_idle_seconds)]
    if platform == "darwin":
        return [("HIDIdleTime", macos_idle_seconds)]
    env = os.environ if env is None else env
    logind: tuple[str, IdleProbe] = ("logind IdleHint", LogindIdle())
    x11: tuple[str, IdleProbe] = ("X11 screensaver", x11_idle_seconds)
    on_x11 = bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")
    return [x11, logind] if on_x11 else [logind, x11]


# -- Linux -------------------------------------------------------------------------------


class LogindIdle:
    """logind's IdleHint of this session; the idle time counts from IdleSinceHintMonotonic."""

    def __call__(self) -> float | None:
        hint, since_us = self._read()
        if hint is None:
            return None
        if not hint:
            return 0.0
        if not since_us:
            return None  # idle, but since when is not known: no number to compare
        return max(0.0, time.monotonic() - since_us / 1e6)

    def _read(self) -> tuple[bool | None, int]:
        try:
            from jeepney import DBusAddress, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            return None, 0
        session = DBusAddress("/org/freedesktop/login1/session/auto",
                              bus_name="org.freedesktop.login1",
                              interface="org.freedesktop.DBus.Properties")
        with open_dbus_connection(bus="SYSTEM") as conn:
            values = []
            for prop in ("IdleHint", "IdleSinceHintMonotonic"):
                msg = new_method_call(session, "Get", "ss", ("org.freedesktop.login1.Session",
                                                             prop))
                reply = conn.send_and_get_reply(msg, timeout=1.0)
                values.append(reply.body[0][1])
        return bool(values[0]), int(values[1])


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [("window", ctypes.c_ulong), ("state", ctypes.c_int), ("kind", ctypes.c_int),
                ("til_or_since", ctypes.c_ulong), ("idle", ctypes.c_ulong),
                ("eventMask", ctypes.c_ulong)]


def x11_idle_seconds() -> float | None:
    """The X11 screensaver extension's idle time (libXss), when an X display is open."""
    x11_name, xss_name = ctypes.util.find_library("X11"), ctypes.util.find_library("Xss")
    if not x11_name or not xss_name:
        return None
    x11, xss = ctypes.cdll.LoadLibrary(x11_name), ctypes.cdll.LoadLibrary(xss_name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    x11.XFree.argtypes = [ctypes.c_void_p]
    xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
    xss.XScreenSaverQueryInfo.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                          ctypes.POINTER(_XScreenSaverInfo)]
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    try:
        info = xss.XScreenSaverAllocInfo()
        try:
            if not xss.XScreenSaverQueryInfo(display, x11.XDefaultRootWindow(display), info):
                return None
            return float(info.contents.idle) / 1000.0
        finally:
            x11.XFree(info)
    finally:
        x11.XCloseDisplay(display)


# -- Windows -----------------------------------------------------------------------------


class _LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]


def windows_idle_seconds() -> float | None:
    """GetLastInputInfo against GetTickCount (both 32-bit milliseconds; wraps after 49 days)."""
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return None
    info = _LastInputInfo()
    info.cbSize = ctypes.sizeof(info)
    if not windll.user32.GetLastInputInfo(ctypes.byref(info)):
        return None
    now = windll.kernel32.GetTickCount() & 0xFFFFFFFF
    return ((now - info.dwTime) & 0xFFFFFFFF) / 1000.0


# -- macOS -------------------------------------------------------------------------------

_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')


def macos_idle_seconds() -> float | None:
    """IOKit's HIDIdleTime (nanoseconds), as ``ioreg -c IOHIDSystem`` prints it."""
    out = subprocess.run(["ioreg", "-c", "IOHIDSystem", "-d", "4"], capture_output=True,
                         text=True, timeout=2, check=False).stdout
    return parse_hid_idle(out)


def parse_hid_idle(ioreg_output: str) -> float | None:
    match = _HID_IDLE.search(ioreg_output)
    return int(match.group(1)) / 1e9 if match else None


# -- battery -----------------------------------------------------------------------------


def psutil_on_battery() -> bool | None:
    try:
        import psutil
    except ImportError:
        return None
    battery = psutil.sensors_battery()
    if battery is None or battery.power_plugged is None:
        return None
    return not battery.power_plugged


# -- the decision ------------------------------------------------------------------------


@dataclass(frozen=True)
class IdleVerdict:
    """Whether the node may work now, and the sentence that says why."""

    may_work: bool
    reason: str
    known: bool = True  # False: this PC cannot tell idle time, so idle mode has no effect


class IdlePolicy:
    """Work only after ``idle_after`` seconds without input, and not on battery."""

    def __init__(self, source: IdleSource, idle_after: float = 300.0) -> None:
        self.source = source
        self.idle_after = idle_after

    def verdict(self) -> IdleVerdict:
        idle = self.source.idle_seconds()
        if self.source.on_battery():
            return IdleVerdict(False, "on battery: waiting for mains power")
        if idle is None:
            return IdleVerdict(True, "this PC cannot tell when it is idle: working whenever "
                               "not paused", known=False)
        if idle < self.idle_after:
            minutes = max(1, round(self.idle_after / 60))
            return IdleVerdict(False, f"waiting until this PC has been idle for {minutes} min")
        return IdleVerdict(True, "this PC is idle")
