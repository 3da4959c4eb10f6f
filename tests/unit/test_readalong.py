"""The read-along EPUB's pages and overlays, made from stored units with no voice: every
sentence a span and (when heard) a par, timed as its subtitle cue, in reading order; the
package names its durations, cover and highlight class (issue 25)."""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest

from e2a_desktop.audio.formats import FORMATS
from e2a_desktop.convert import ConvertRequest, PreparedBook
from e2a_desktop.ebook.model import Book, Chapter, Cover, Metadata
from e2a_desktop.job import STORE_NAME
from e2a_desktop.plan import PlannedUnit
from e2a_desktop.readalong import (
    ReadAlongChapter,
    ReadAlongError,
    audio_seconds,
    chapter_smil,
    chapter_xhtml,
    readalong_path,
    timed_sentences,
    write_epub,
    write_read_along,
)
from e2a_desktop.store import JobStore, UnitRecord
from e2a_desktop.subtitles import chapter_cues
from e2a_node.settings import Break, PauseSettings

PAUSES = PauseSettings(sentence_pause=0.35, paragraph_pause=0.75)
SMIL = "{http://www.w3.org/ns/SMIL}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _unit(uid: int, sentences: list[str], spans: list[tuple[float, float]], duration: float,
          breaks: tuple[int, ...] | None = None) -> UnitRecord:
    breaks = breaks or (False,) * len(sentences)
    return UnitRecord(uid, 0, uid, tuple(sentences), breaks, sum(map(len, sentences)),
                      "done", 1, f"{uid:06d}.wav", duration, tuple(spans), "node")


UNITS = [
    _unit(1, ["The Wolf & the Lamb", "A Wolf <met> a Lamb."], [(0.0, 1.2), (1.5, 3.0)], 3.0,
          (True, True)),
    _unit(2, ["§", "He said:\n“Sirrah.”"], [(0.0, 0.0), (0.1, 1.4)], 1.5),
    _unit(3, ["The end."], [(0.0, 0.9)], 0.9, (True,)),
]


def _chapter(audio: Path, duration: float = 6.0) -> ReadAlongChapter:
    return ReadAlongChapter("The Wolf & the Lamb",
                            tuple(timed_sentences(UNITS, PAUSES, duration)), audio, duration)


def test_sentences_are_timed_as_their_subtitle_cues() -> None:
    timed = timed_sentences(UNITS, PAUSES)
    cues = chapter_cues(UNITS, PAUSES)
    heard = [s for s in timed if s.clip is not None]
    assert [(s.text, s.clip) for s in heard] == [(c.text, (round(c.start, 3), round(c.end, 3)))
                                                 for c in cues]
    assert [s.text for s in timed][2:4] == ["§", "He said: “Sirrah.”"]
    assert timed[2].clip is None  # said in no time: shown, never lit
    assert [s.opens_paragraph for s in timed] == [True, True, False, False, True]
    # Capped at the chapter file's end: a clip never reaches past the audio.
    assert timed_sentences(UNITS, PAUSES, duration=6.0)[-1].clip == (5.6, 6.0)


def test_page_has_the_title_as_heading_and_a_span_per_sentence() -> None:
    page = chapter_xhtml(1, _chapter(Path("a.m4a")), "en")
    root = ElementTree.fromstring(page.encode())  # well-formed XML, text escaped
    heading = root.find(f".//{XHTML}h1")
    assert heading is not None and heading.find(f"{XHTML}span").get("id") == "s1"
    spans = [(s.get("id"), s.text) for s in root.iter(f"{XHTML}span")]
    assert spans == [("s1", "The Wolf & the Lamb"), ("s2", "A Wolf <met> a Lamb."),
                     ("s3", "§"), ("s4", "He said: “Sirrah.”"), ("s5", "The end.")]
    paragraphs = [[s.get("id") for s in p] for p in root.iter(f"{XHTML}p")]
    assert paragraphs == [["s2", "s3", "s4"], ["s5"]]


def test_verse_keeps_its_lines_on_the_page_and_stanzas_apart() -> None:
    """A stanza is a paragraph of the page, each line on its own line (as printed), not
    the lines run together into prose."""
    verse = [_unit(1, ["Come, said my Soul,", "Such verses for my Body let us write,",
                       "Signing for Soul and Body,", "Prose again."],
                   [(0.0, 1.0), (1.3, 2.5), (3.5, 4.5), (5.2, 6.0)], 6.0,
                   (Break.STANZA, Break.LINE, Break.STANZA, Break.PARAGRAPH))]
    chapter = ReadAlongChapter("Poem", tuple(timed_sentences(verse, PAUSES)), Path("a.m4a"), 6.0)
    root = ElementTree.fromstring(chapter_xhtml(1, chapter, "en").encode())
    paragraphs = list(root.iter(f"{XHTML}p"))
    assert [[s.get("id") for s in p.iter(f"{XHTML}span")] for p in paragraphs] == [
        ["s1", "s2"], ["s3"], ["s4"]]
    first = paragraphs[0]
    assert [child.tag for child in first] == [f"{XHTML}span", f"{XHTML}br", f"{XHTML}span"]


def test_a_title_not_spoken_is_still_the_heading() -> None:
    chapter = ReadAlongChapter("Chapter One", tuple(timed_sentences(UNITS[1:], PAUSES)),
                               Path("a.m4a"), 3.0)
    root = ElementTree.fromstring(chapter_xhtml(1, chapter, "en").encode())
    assert root.find(f".//{XHTML}h1").text == "Chapter One"
    assert [s.get("id") for s in root.iter(f"{XHTML}span")] == ["s1", "s2", "s3"]


def test_overlay_has_a_par_per_heard_sentence_in_order() -> None:
    smil = chapter_smil(1, _chapter(Path("a.m4a")), "audio/chapter-001.m4a")
    root = ElementTree.fromstring(smil.encode())
    pars = list(root.iter(f"{SMIL}par"))
    texts = [p.find(f"{SMIL}text").get("src") for p in pars]
    assert texts == ["chapter-001.xhtml#s1", "chapter-001.xhtml#s2", "chapter-001.xhtml#s4",
                     "chapter-001.xhtml#s5"]
    clips = [(p.find(f"{SMIL}audio").get("clipBegin"), p.find(f"{SMIL}audio").get("clipEnd"))
             for p in pars]
    assert clips[:2] == [("0:00:00.000", "0:00:01.200"), ("0:00:01.500", "0:00:03.000")]
    assert clips[-1] == ("0:00:05.600", "0:00:06.000")
    assert {p.find(f"{SMIL}audio").get("src") for p in pars} == {"audio/chapter-001.m4a"}


def _epub(tmp_path: Path) -> Path:
    audio = tmp_path / "000.m4a"
    audio.write_bytes(b"\x00" * 64)  # the packer copies it; nothing here decodes it
    target = readalong_path([tmp_path / "Fables.m4b"], split=False)
    meta = Metadata("Fables & Co", "Aesop", "en", description="Three fables.")
    write_epub(target, meta, Cover(PNG, "image/png"),
               [_chapter(audio), _chapter(audio, 5.5)],
               "urn:uuid:6f1c3f5e-2b8a-5d4e-9c1a-0e2f3a4b5c6d",
               datetime(2026, 12, 3, 7, 0, tzinfo=timezone.utc))
    return target


def test_package_names_durations_cover_and_highlight(tmp_path: Path) -> None:
    target = _epub(tmp_path)
    assert target.name == "Fables.readalong.epub"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["000.m4a", "Fables.readalong.epub"]
    with zipfile.ZipFile(target) as epub:
        first = epub.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert epub.read("mimetype") == b"application/epub+zip"
        names = set(epub.namelist())
        assert {"OEBPS/chapter-001.smil", "OEBPS/chapter-002.xhtml", "OEBPS/cover.png",
                "OEBPS/audio/chapter-002.m4a", "OEBPS/nav.xhtml"} <= names
        opf = epub.read("OEBPS/content.opf").decode()
    ElementTree.fromstring(opf.encode())
    assert "<dc:title>Fables &amp; Co</dc:title>" in opf and "<dc:creator>Aesop" in opf
    assert re.search(r'properties="cover-image"', opf)
    assert '<meta property="media:duration">0:00:11.500</meta>' in opf
    assert '<meta property="media:duration" refines="#mo2">0:00:05.500</meta>' in opf
    assert '<meta property="media:active-class">-epub-media-overlay-active</meta>' in opf
    assert 'media-overlay="mo1"' in opf and 'media-type="audio/mp4"' in opf


def test_split_chapters_put_it_beside_their_folder(tmp_path: Path) -> None:
    outputs = [tmp_path / "Fables" / "1 - One.mp3", tmp_path / "Fables" / "2 - Two.mp3"]
    assert readalong_path(outputs, split=True) == tmp_path / "Fables.readalong.epub"


def test_missing_or_unreadable_audio_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "001.m4a"
    bad.write_bytes(b"not audio")
    with pytest.raises(ReadAlongError, match="cannot read this chapter's audio") as caught:
        audio_seconds(bad)
    assert "\n" not in str(caught.value) and str(bad) in str(caught.value)


def epubcheck_command() -> list[str] | None:
    """epubcheck as installed: Debian's is a jar on PATH, run by java."""
    found = shutil.which("epubcheck")
    if found is None:
        return None
    if Path(found).resolve().suffix == ".jar":
        java = shutil.which("java")
        return [java, "-jar", found] if java else None
    return [found]


@pytest.mark.slow  # epubcheck is a Java program: tens of seconds on a busy machine
def test_epubcheck_passes_the_package(tmp_path: Path) -> None:
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck is not installed (apt-get install epubcheck)")
    out = subprocess.run([*command, str(_epub(tmp_path))], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No errors or warnings detected" in out.stdout, out.stdout


def _wav(path: Path, seconds: float, rate: int = 22050) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))


def _synthetic_job(tmp_path: Path) -> tuple[PreparedBook, Path]:
    """A job of two spoken chapters, encoded as WAV (no EPUB audio: it must be re-encoded)."""
    folder = tmp_path / "job"
    folder.mkdir()
    store = JobStore(folder / STORE_NAME)
    plan = [PlannedUnit(0, 0, ("One", "It begins."), (True, True)),
            PlannedUnit(1, 0, ("Two",), (True,)), PlannedUnit(1, 1, ("The end.",), (False,))]
    store.initialise({"title": "Tiny"}, [("One", 14), ("Two", 11)], plan)
    spans = [[(0.0, 0.4), (0.8, 1.5)], [(0.0, 0.5)], [(0.1, 0.9)]]
    for unit, unit_spans in zip(store.units(), spans, strict=True):
        store.complete(unit.id, "node", f"{unit.id:06d}.wav", unit_spans[-1][1], unit_spans, 0)
    store.close()
    _wav(folder / "chapters" / "000.wav", 1.5)
    _wav(folder / "chapters" / "001.wav", 0.5 + 0.35 + 0.9)
    book = Book(Metadata("Tiny", "Nobody", "en"),
                [Chapter("One", "One\n\nIt begins."), Chapter("Two", "Two\n\nThe end.")])
    output = tmp_path / "Tiny.wav"
    request = ConvertRequest(tmp_path / "Tiny.epub", output, "wav")
    return PreparedBook(request, book, (0, 1), FORMATS["wav"], (output,), ()), folder


def test_a_synthetic_job_becomes_an_epub_with_its_audio_as_aac(tmp_path: Path) -> None:
    prepared, folder = _synthetic_job(tmp_path)
    target = write_read_along(prepared, folder)
    assert target == tmp_path / "Tiny.readalong.epub"
    with zipfile.ZipFile(target) as epub:
        opf = epub.read("OEBPS/content.opf").decode()
        smil = epub.read("OEBPS/chapter-002.smil").decode()
        (tmp_path / "two.m4a").write_bytes(epub.read("OEBPS/audio/chapter-002.m4a"))
    assert opf.count('media-type="audio/mp4"') == 2 and "audio/x-wav" not in opf
    assert abs(audio_seconds(tmp_path / "two.m4a") - 1.75) < 0.1
    assert 'clipBegin="0:00:00.950" clipEnd="0:00:01.750"' in smil  # 0.5 + 0.35 + 0.1


def test_a_job_without_its_chapter_audio_names_the_file(tmp_path: Path) -> None:
    prepared, folder = _synthetic_job(tmp_path)
    (folder / "chapters" / "001.wav").unlink()
    with pytest.raises(ReadAlongError, match="audio is missing from the work folder"):
        write_read_along(prepared, folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job"]  # no EPUB, no .part
