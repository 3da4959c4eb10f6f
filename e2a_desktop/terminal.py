"""Terminal progress for `e2a convert`: one bar, the chapter being spoken, speed, ETA.

Draws from the shared ProgressModel; prints the lines that are news (farm code,
chapters encoded, binding) as they happen.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable
from typing import TextIO

from e2a_node.farm_tag import farm_label

from .events import (
    Binding,
    ChapterEncoded,
    Event,
    FarmStarted,
    JobFailed,
    JobFinished,
    JobStarted,
    NodeBack,
    NodeChanged,
    NodeGone,
    NodeLeft,
    NodePaired,
    PairingRefused,
    UnitFinished,
    UnitRejected,
    UnitStarted,
    WaitingForNodes,
)
from .loglines import log_line
from .nodestate import display_name, state_label
from .progress import NodeView, ProgressModel, ProgressSnapshot, format_duration


def node_summary(nodes: Iterable[NodeView]) -> list[str]:
    """Per-node lines for the end of a run: units, audio minutes, speed."""
    lines = []
    for node in nodes:
        if not node.units_done:
            continue
        units = "unit" if node.units_done == 1 else "units"
        lines.append(f"  {display_name(node.node, node.name)}: {node.units_done} {units}, "
                     f"{node.audio_seconds / 60:.1f} min of audio, {node.speed:.1f}x real time")
    return (["per node:", *lines]) if lines else []


def status_lines(snap: ProgressSnapshot) -> list[str]:
    """The redrawn block: the bar, then one line per node."""
    eta = snap.eta_seconds
    filled = int(snap.fraction * 30)
    bar = "#" * filled + "." * (30 - filled)
    lines = [f"[{bar}] {snap.fraction:4.0%}  {snap.audio_done / 60:.1f} min audio  "
             f"{snap.speed:.1f}x real time  ETA {format_duration(eta) if eta else '--:--'}  "
             f"| {snap.pause_text or snap.chapter_title[:40]}"]
    for node in snap.nodes:
        unit = f"unit {node.unit_id}" if node.unit_id is not None else "-"
        state = state_label(node.state).split(":")[0]  # the window's words, shortened
        name = display_name(node.node, node.name)
        lines.append(f"  {name[:27]:27} {node.device[:10]:10} {node.engine[:8]:8} "
                     f"{state[:14]:14} {unit:10} {node.units_done:4d} done "
                     f"{node.speed:5.1f}x")
    return lines


class TerminalProgress:
    """Renders events as a redrawn status block on a TTY, or plain lines otherwise."""

    def __init__(self, model: ProgressModel, stream: TextIO = sys.stderr) -> None:
        self.model = model
        self.stream = stream
        self.tty = stream.isatty()
        self._lock = threading.Lock()
        self._last_plain = 0.0
        self._drawn_lines = 0
        self._devices_said: dict[str, str] = {}  # node → the device its line named

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._handle(event)

    def _handle(self, event: Event) -> None:
        if isinstance(event, JobStarted):
            resumed = f", resuming: {event.units_done}/{event.units_total} units already " \
                      f"spoken" if event.units_done else ""
            self._line(f"{event.title}: {plural(event.chapters, 'chapter')}, "
                       f"{plural(event.units_total, 'unit')}{resumed}")
        elif isinstance(event, UnitStarted | UnitFinished | NodeChanged):
            if isinstance(event, NodeChanged) and event.device \
                    and self._devices_said.get(event.node) != event.device:
                self._devices_said[event.node] = event.device  # said once, and on a change
                engine = f" ({event.engine})" if event.engine else ""
                self._line(f"{display_name(event.node, event.name)} speaks on "
                           f"{event.device}{engine}")
            self._draw()
        elif isinstance(event, NodeGone | NodeBack | NodeLeft | NodePaired | PairingRefused
                        | UnitRejected):
            self._line(log_line(event))  # the window's log says the same
        elif isinstance(event, ChapterEncoded):
            when = " (by an earlier run)" if event.earlier else ""
            self._line(f"encoded chapter {event.chapter + 1}{when}: {event.title} "
                       f"({format_duration(event.duration)})")
        elif isinstance(event, FarmStarted):
            waiting = (f"waiting for {event.wait_nodes} node(s)…" if event.wait_nodes
                       else "rendering here, nodes may join")
            name = farm_label(event.name, event.fingerprint)  # as the nodes name it
            self._line(f'farm "{name}", code {event.code}, port {event.port}, {waiting}')
        elif isinstance(event, WaitingForNodes):
            if event.gave_up:
                self._line(f"only {event.joined} of {event.wanted} node(s) came; starting "
                           "with those and this PC")
            else:
                self._line(f"{event.joined} of {event.wanted} node(s) here; starting anyway in "
                           f"{format_duration(event.seconds_left)}")
        elif isinstance(event, Binding):
            self._line(f"binding {event.output}")
        elif isinstance(event, JobFinished | JobFailed):
            self._clear()

    def _draw(self) -> None:
        lines = status_lines(self.model.snapshot())
        if not self.tty:
            now = time.monotonic()
            if now - self._last_plain >= 5:
                self._last_plain = now
                self.stream.write(lines[0] + "\n")
                self.stream.flush()
            return
        self._clear()
        self.stream.write("\n".join(lines) + "\n")
        self._drawn_lines = len(lines)
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty and self._drawn_lines:
            self.stream.write("\x1b[1A\x1b[2K" * self._drawn_lines)
            self._drawn_lines = 0

    def _line(self, text: str) -> None:
        self._clear()
        self.stream.write(text + "\n")
        self.stream.flush()


def plural(count: int, word: str) -> str:
    """'1 chapter', '3 chapters'."""
    return f"{count} {word}{'' if count == 1 else 's'}"
