"""Sentence cues are where the sentences are heard: units joined with the job's pauses,
chapters at their marks; SRT and WebVTT written as players read them (issue 25)."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.audio.bind import BoundChapter, chapter_marks
from e2a_desktop.store import UnitRecord
from e2a_desktop.subtitles import (
    Cue,
    book_cues,
    chapter_cues,
    subtitle_path,
    to_srt,
    to_vtt,
    write_subtitles,
)
from e2a_node.settings import PauseSettings

PAUSES = PauseSettings(sentence_pause=0.35, paragraph_pause=0.75)


def _unit(uid: int, sentences: list[str], spans: list[tuple[float, float]], duration: float,
          opens_paragraph: bool = False, chapter: int = 0) -> UnitRecord:
    breaks = (opens_paragraph,) + (False,) * (len(sentences) - 1)
    return UnitRecord(uid, chapter, uid, tuple(sentences), breaks, sum(map(len, sentences)),
                      "done", 1, f"{uid:06d}.wav", duration, tuple(spans), "node")


def test_cues_follow_the_units_and_the_pauses_between_them() -> None:
    units = [
        _unit(1, ["One.", "Two."], [(0.0, 1.0), (1.35, 2.5)], 2.5),
        _unit(2, ["Three."], [(0.0, 1.5)], 1.5),  # a sentence pause before it
        _unit(3, ["Four.", "Five."], [(0.0, 1.0), (1.75, 3.0)], 3.0, opens_paragraph=True),
    ]
    cues = chapter_cues(units, PAUSES, offset=100.0)
    assert [c.text for c in cues] == ["One.", "Two.", "Three.", "Four.", "Five."]
    assert [(round(c.start, 3), round(c.end, 3)) for c in cues] == [
        (100.0, 101.0), (101.35, 102.5),
        (102.85, 104.35),  # 100 + 2.5 + 0.35
        (105.1, 106.1), (106.85, 108.1),  # + 1.5 + 0.75 (a paragraph opens)
    ]


def test_a_sentence_said_in_no_time_has_no_cue_and_text_is_one_line() -> None:
    units = [_unit(1, ["§", "Two\nlines  here."], [(0.0, 0.0), (0.0, 1.0)], 1.0)]
    assert chapter_cues(units, PAUSES) == [Cue(0.0, 1.0, "Two lines here.")]


def test_a_chapter_not_wholly_spoken_has_no_subtitles() -> None:
    unit = _unit(1, ["One."], [(0.0, 1.0)], 1.0)
    pending = UnitRecord(2, 0, 2, ("Two.",), (False,), 4, "pending", 0, None, None, (), None)
    with pytest.raises(ValueError, match="not spoken"):
        chapter_cues([unit, pending], PAUSES)


def test_chapters_start_at_their_marks() -> None:
    bound = [BoundChapter(Path("a"), "A", 10.0004), BoundChapter(Path("b"), "B", 5.0)]
    marks = chapter_marks(bound)
    assert marks == [(0, 10000), (10000, 15000)]
    first = [_unit(1, ["A1."], [(0.0, 2.0)], 2.0)]
    second = [_unit(2, ["B1."], [(0.1, 1.0)], 1.0, chapter=1)]
    cues = book_cues([(marks[0][0] / 1000, first), (marks[1][0] / 1000, second)], PAUSES)
    assert [(c.start, c.text) for c in cues] == [(0.0, "A1."), (10.1, "B1.")]


def test_srt_and_vtt_are_written_as_players_read_them(tmp_path: Path) -> None:
    cues = [Cue(0.0, 1.2345, "Hello."), Cue(3725.5, 3727.0, "He said <no> & -->.")]
    assert to_srt(cues) == ("1\n00:00:00,000 --> 00:00:01,234\nHello.\n\n"
                            "2\n01:02:05,500 --> 01:02:07,000\nHe said <no> & -->.\n\n")
    assert to_vtt(cues) == ("WEBVTT\n\n00:00:00.000 --> 00:00:01.234\nHello.\n\n"
                            "01:02:05.500 --> 01:02:07.000\n"
                            "He said &lt;no&gt; &amp; --&gt;.\n\n")
    book = tmp_path / "Book.m4b"
    for kind in ("srt", "vtt"):
        write_subtitles(subtitle_path(book, kind), cues, kind)
    assert (tmp_path / "Book.srt").read_text(encoding="utf-8") == to_srt(cues)
    assert (tmp_path / "Book.vtt").read_text(encoding="utf-8").startswith("WEBVTT\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Book.srt", "Book.vtt"]
