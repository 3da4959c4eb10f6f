"""The window's process survives any number of signals (the `bool_dealloc` abort on exit)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from e2a_node.tray import pyside_guard

EMITS = 30_000
"""More emits than True has references at start-up (about 6,000 in the window's process)."""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)


def test_thirty_thousand_signals_leave_true_with_its_references() -> None:
    """On PySide6 6.12.0 (Python < 3.12) this process aborted with bool_dealloc unguarded."""
    done = _run(f"""
        import sys
        from PySide6.QtCore import QObject, Signal
        from e2a_node.tray import pyside_guard

        class Ticker(QObject):
            ticked = Signal(object)

        pyside_guard.install()
        ticker = Ticker()
        ticker.ticked.connect(lambda _value: None)
        before = sys.getrefcount(True)
        for n in range({EMITS}):
            ticker.ticked.emit(n)
        for _ in range(1000):
            ticker.ticked.connect(print)
            ticker.ticked.disconnect(print)
        print("lost", before - sys.getrefcount(True))
    """)
    assert done.returncode == 0, done.stderr
    assert "bool_dealloc" not in done.stderr
    lost = int(done.stdout.split("lost")[-1])
    assert abs(lost) < 50, done.stdout


def test_after_the_guard_no_signal_method_loses_a_reference() -> None:
    pyside_guard.install()
    assert pyside_guard.faulty_methods() == []
