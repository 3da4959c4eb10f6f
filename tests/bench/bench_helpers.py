"""Shared bits of the benchmarks: a longer book from the sample's fables; peak memory."""

from __future__ import annotations

import os
import resource
import threading
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from e2a_desktop.audio.formats import OutputFormat
from e2a_desktop.audio.master import UnitPiece, encode_units, loudness_of
from e2a_desktop.mastering import STREAM_AFTER_S
from resources.sample.make_sample_book import FABLES
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body


def long_book(path: Path, words: int = 3000, chapters: int = 3) -> Path:
    """An EPUB of about ``words`` words in ``chapters`` chapters (the fables, repeated)."""
    paragraphs = [p for paras in FABLES.values() for p in paras]
    per_chapter = words // chapters
    docs = []
    for c in range(chapters):
        body, count, i = [], 0, c
        while count < per_chapter:
            paragraph = paragraphs[i % len(paragraphs)]
            body.append(paragraph)
            count += len(paragraph.split())
            i += 1
        docs.append(Doc(f"c{c}.xhtml", chapter_body(f"Part {c + 1}", body), f"Part {c + 1}"))
    return build_epub(EpubSpec(title="Benchmark Book", docs=docs), path)


def master_like_the_app(pieces: Sequence[UnitPiece], fmt: OutputFormat, out: Path,
                        rate: int) -> float:
    """A chapter mastered as ``e2a`` does it: loudness from the first STREAM_AFTER_S
    (the book's; here the chapter opens the book), then every unit fed to one encoder.
    Returns the chapter's seconds."""
    beginning: list[UnitPiece] = []
    spoken = 0.0
    for piece in pieces:
        if spoken >= STREAM_AFTER_S:
            break
        beginning.append(piece)
        with wave.open(str(piece.wav_path), "rb") as unit:
            spoken += unit.getnframes() / unit.getframerate()
    integrated = loudness_of(beginning, out.with_name(out.name + ".measure.wav"))
    return encode_units(pieces, integrated, fmt, out, rate)


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its finished children (ffmpeg), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a live process in MB, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _parents() -> dict[int, tuple[int, str]]:
    """Every live process: pid → (parent pid, command name), from /proc/*/stat."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        table[int(entry.name)] = (int(text[text.rindex(")") + 2:].split()[1]), name)
    return table


@dataclass
class TreePeaks:
    """Peak RSS of one process and, separately, of each of its descendants (polled /proc).

    VmHWM is the kernel's own high-water mark, so polling only has to catch each
    process once before it exits; a child that lives less than one interval (an
    ``ffmpeg -version`` probe) may be missed, which is fine for a peak. A child with
    its parent's command name is taken for one not yet exec'd and skipped.
    """

    root: int
    interval: float = 0.2
    root_mb: float = 0.0
    children_mb: dict[int, tuple[str, float]] = field(default_factory=dict)
    commands: dict[int, str] = field(default_factory=dict)  # descendants' command lines
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreePeaks:
        self._thread = threading.Thread(target=self._run, name="bench-peaks", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def largest_child(self) -> tuple[str, float]:
        """The command name and peak MB of the largest descendant seen ("-", 0 if none)."""
        return max(self.children_mb.values(), key=lambda c: c[1], default=("-", 0.0))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        own = vm_hwm_mb(self.root)
        if own is not None:
            self.root_mb = max(self.root_mb, own)
        table = _parents()
        family = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, (ppid, _name) in table.items():
                if ppid in family and pid not in family:
                    family.add(pid)
                    grew = True
        for pid in family - {self.root}:
            name, parent = table[pid][1], table.get(table[pid][0], (0, ""))[1]
            if name == parent:  # forked, not yet exec'd: VmHWM is still the parent's
                continue
            peak = vm_hwm_mb(pid)
            if peak is not None:
                self.children_mb[pid] = (name, max(peak, self.children_mb.get(pid, ("", 0))[1]))
                self.commands[pid] = _command(pid) or self.commands.get(pid, "")


def _command(pid: int) -> str:
    """A process's command line, arguments joined by spaces ("" if it is gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""
