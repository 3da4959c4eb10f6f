"""A guard against PySide6 releases whose signals steal a reference to ``True``.

Both Qt front ends install it first thing: the tray node (a night of state
signals) and the desktop window (which imports it from here: the node package
never imports the desktop).

PySide6 6.12.0's ``SignalInstance.emit`` and ``.disconnect`` return ``True``
without the reference a caller owns: every call from Python leaves ``True`` with
one reference less. Before Python 3.12 ``True`` is an ordinary object, so after
some thousands of emits (a progress tick four times a second, every core event,
every model change) its count reaches zero and the interpreter aborts with
``Fatal Python error: bool_dealloc`` — seen when the window was closed after a
long conversion with LAN nodes (1 exit in 4: it depends on how many signals were
emitted). 6.11.3 has no such fault (measured). ``install()`` measures whether this
PySide6 has it and, only if so, wraps the two methods to give back the missing
reference; on Python 3.12 and later it does nothing.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBE_CALLS = 200
"""Calls made to measure a method; a faulty one loses exactly this many references."""

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None

_installed: list[str] = []


class _Probe(QObject):
    fired = Signal()


def _ignore() -> None:
    """The slot the probe connects and disconnects."""


def _lost_refs(call: Callable[[], object]) -> int:
    """How many references to True and False ``PROBE_CALLS`` calls of ``call`` lost; they
    are given back at once, so that measuring leaves no trace."""
    enabled = gc.isenabled()
    gc.disable()  # no collection may change the counts meanwhile
    try:
        before = sys.getrefcount(True), sys.getrefcount(False)
        for _ in range(PROBE_CALLS):
            call()
        lost = before[0] - sys.getrefcount(True), before[1] - sys.getrefcount(False)
    finally:
        if enabled:
            gc.enable()
    for value, count in zip((True, False), lost, strict=True):
        for _ in range(max(0, count)):
            _incref(value)
    return sum(lost)


def _giving_back(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, with the reference it should have returned a bool with."""
    def call(self: SignalInstance, *args: Any) -> Any:
        result = method(self, *args)
        if result is True or result is False:
            _incref(result)
        return result

    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


def faulty_methods() -> list[str]:
    """The SignalInstance methods of this PySide6 that lose a reference to a bool."""
    if sys.version_info >= (3, 12):  # True and False are immortal: nothing to lose
        return []
    probe = _Probe()
    found = []
    if _lost_refs(probe.fired.emit) >= PROBE_CALLS // 2:
        found.append("emit")

    def connect_and_disconnect() -> None:
        probe.fired.connect(_ignore)
        probe.fired.disconnect(_ignore)

    if _lost_refs(connect_and_disconnect) >= PROBE_CALLS // 2:
        found.append("disconnect")
    return found


def install() -> list[str]:
    """Repair the faulty methods, once per process (call before any signal is emitted in
    earnest, from the GUI thread); returns the names of the methods repaired."""
    if not _installed:
        for name in faulty_methods():
            setattr(SignalInstance, name, _giving_back(getattr(SignalInstance, name)))
            _installed.append(name)
    return list(_installed)
