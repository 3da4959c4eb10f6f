"""Terminal progress for `e2a convert`: one bar, the chapter being spoken, speed, ETA."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable
from typing import Protocol, TextIO

from .events import (
    Binding,
    ChapterEncoded,
    Event,
    FarmStarted,
    JobFinished,
    JobStarted,
    NodeChanged,
    UnitFinished,
    UnitStarted,
)


class _NodeFigures(Protocol):
    name: str
    units_done: int
    audio_seconds: float
    busy_seconds: float


def node_summary(nodes: Iterable[_NodeFigures]) -> list[str]:
    """Per-node lines for the end of a run: units, audio minutes, speed."""
    lines = []
    for node in nodes:
        if not node.units_done:
            continue
        speed = node.audio_seconds / node.busy_seconds if node.busy_seconds else 0.0
        units = "unit" if node.units_done == 1 else "units"
        lines.append(f"  {node.name}: {node.units_done} {units}, "
                     f"{node.audio_seconds / 60:.1f} min of audio, {speed:.1f}x real time")
    return (["per node:", *lines]) if lines else []


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TerminalProgress:
    """Renders events as a redrawn status block on a TTY, or plain lines otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self.chars_total = self.chars_done = self.chars_start = 0
        self.audio_done = self.audio_run = 0.0
        self.chapter_title = ""
        self.nodes: dict[str, NodeChanged] = {}
        self._last_plain = 0.0
        self._drawn_lines = 0

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._handle(event)

    def _handle(self, event: Event) -> None:
        if isinstance(event, JobStarted):
            self.chars_total, self.chars_done = event.chars_total, event.chars_done
            self.chars_start, self.audio_done = event.chars_done, event.audio_done
            resumed = f", resuming: {event.units_done}/{event.units_total} units already " \
                      f"spoken" if event.units_done else ""
            self._line(f"{event.title}: {event.chapters} chapters, {event.units_total} "
                       f"units{resumed}")
        elif isinstance(event, UnitStarted):
            self.chapter_title = event.chapter_title
            self._draw()
        elif isinstance(event, UnitFinished) and event.accepted:
            self.chars_done += event.chars
            self.audio_done += event.audio_seconds
            self.audio_run += event.audio_seconds
            self._draw()
        elif isinstance(event, NodeChanged):
            self.nodes[event.node] = event
            self._draw()
        elif isinstance(event, ChapterEncoded):
            self._line(f"encoded chapter {event.chapter + 1}: {event.title} "
                       f"({format_duration(event.duration)})")
        elif isinstance(event, FarmStarted):
            waiting = (f"waiting for {event.wait_nodes} node(s)…" if event.wait_nodes
                       else "rendering here, nodes may join")
            self._line(f'farm "{event.name}", code {event.code}, port {event.port}, {waiting}')
        elif isinstance(event, Binding):
            self._line(f"binding {event.output}")
        elif isinstance(event, JobFinished):
            self._clear()

    def status_lines(self) -> list[str]:
        fraction = self.chars_done / self.chars_total if self.chars_total else 1.0
        elapsed = max(1e-6, time.monotonic() - self._start)
        speed = self.audio_run / elapsed
        rate = (self.chars_done - self.chars_start) / elapsed
        remaining = self.chars_total - self.chars_done
        eta = format_duration(remaining / rate) if rate > 0 else "--:--"
        filled = int(fraction * 30)
        bar = "#" * filled + "." * (30 - filled)
        lines = [f"[{bar}] {fraction:4.0%}  {self.audio_done / 60:.1f} min audio  "
                 f"{speed:.1f}x real time  ETA {eta}  | {self.chapter_title[:40]}"]
        for node in self.nodes.values():
            node_speed = node.audio_seconds / node.busy_seconds if node.busy_seconds else 0.0
            unit = f"unit {node.unit_id}" if node.unit_id is not None else "-"
            lines.append(f"  {node.name[:20]:20} {node.device[:10]:10} {node.engine[:8]:8} "
                         f"{node.state[:10]:10} {unit:10} {node.units_done:4d} done "
                         f"{node_speed:5.1f}x")
        return lines

    def _draw(self) -> None:
        lines = self.status_lines()
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
