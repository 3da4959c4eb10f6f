"""`e2a convert --read-along` on the sample book, real voice: an EPUB 3 that epubcheck
passes, whose every sentence (as `e2a text` prints it) is a span lit by a par whose
clip is where the audiobook says it (the subtitles' cue), inside audio the EPUB carries
and a player opens; with --split-chapters too (issue 25)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import mutagen
import pytest
from mutagen.mp4 import MP4

from e2a_desktop.cli import _read_along
from e2a_desktop.convert import ConvertRequest, prepare
from tests.conftest import SAMPLE_BOOK, SAMPLE_TITLES
from tests.helpers.audio_checks import decode, voiced_fraction
from tests.integration.cli_runner import e2a
from tests.integration.test_subtitles_convert import _spoken_chapters, _srt_cues
from tests.unit.test_readalong import epubcheck_command

pytestmark = pytest.mark.slow

SMIL = "{http://www.w3.org/ns/SMIL}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Converted:
    folder: Path
    env: dict[str, str]


def _env(root: Path) -> dict[str, str]:
    """The module's own data folder (the per-test one is made after this fixture)."""
    return {"E2A_DATA_DIR": str(root / "e2a-data"), "E2A_BIND_HOST": "127.0.0.1",
            "E2A_MDNS_INTERFACES": "127.0.0.1"}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """The sample book spoken once, with subtitles and the read-along EPUB."""
    root = tmp_path_factory.mktemp("readalong")
    env = _env(root)
    out = e2a("convert", str(SAMPLE_BOOK), "-o", str(root / "fables.m4b"), "--no-farm",
              "--subtitles", "srt", "--read-along", env=env)
    assert out.returncode == 0, out.stderr
    assert f"wrote {root / 'fables.readalong.epub'} (read-along EPUB)" in out.stdout
    return Converted(root, env)


Page = tuple[list[tuple[str, str]], list[ElementTree.Element]]


def _chapters(epub: zipfile.ZipFile) -> list[Page]:
    """Each chapter's spans (id, text) in page order and its pars in overlay order."""
    found: list[Page] = []
    for n in range(1, 100):
        page = f"OEBPS/chapter-{n:03d}.xhtml"
        if page not in epub.namelist():
            break
        root = ElementTree.fromstring(epub.read(page))
        spans = [(s.get("id", ""), "".join(s.itertext())) for s in root.iter(f"{XHTML}span")]
        smil = ElementTree.fromstring(epub.read(f"OEBPS/chapter-{n:03d}.smil"))
        found.append((spans, list(smil.iter(f"{SMIL}par"))))
    return found


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _clip(par: ElementTree.Element) -> tuple[str, float, float]:
    audio = par.find(f"{SMIL}audio")
    assert audio is not None
    return audio.get("src", ""), _seconds(audio.get("clipBegin", "")), \
        _seconds(audio.get("clipEnd", ""))


def test_epubcheck_passes_the_read_along_epub(converted: Converted) -> None:
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck is not installed (apt-get install epubcheck)")
    out = subprocess.run([*command, str(converted.folder / "fables.readalong.epub")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No errors or warnings detected" in out.stdout


def test_every_sentence_is_a_span_lit_by_a_par_in_reading_order(converted: Converted) -> None:
    with zipfile.ZipFile(converted.folder / "fables.readalong.epub") as epub:
        chapters = _chapters(epub)
        nav = epub.read("OEBPS/nav.xhtml").decode()
    spoken = _spoken_chapters(SAMPLE_BOOK)
    assert [[text for _id, text in spans] for spans, _pars in chapters] == spoken
    assert all(title in nav for title in SAMPLE_TITLES)
    for n, (spans, pars) in enumerate(chapters, 1):
        assert [i for i, _t in spans] == [f"s{k}" for k in range(1, len(spans) + 1)]
        targets = [par.find(f"{SMIL}text").get("src") for par in pars]  # type: ignore[union-attr]
        assert targets == [f"chapter-{n:03d}.xhtml#{i}" for i, _t in spans]


def test_clips_are_the_subtitle_cues_inside_the_chapter_audio(converted: Converted,
                                                              tmp_path: Path) -> None:
    cues = _srt_cues((converted.folder / "fables.srt").read_text(encoding="utf-8"))
    starts = [c.start for c in MP4(str(converted.folder / "fables.m4b")).chapters]
    at = 0
    with zipfile.ZipFile(converted.folder / "fables.readalong.epub") as epub:
        for start, (_spans, pars) in zip(starts, _chapters(epub), strict=True):
            end_before = 0.0
            for par in pars:
                src, begin, end = _clip(par)
                audio = tmp_path / Path(src).name
                if not audio.exists():
                    audio.write_bytes(epub.read(f"OEBPS/{src}"))
                assert end_before <= begin < end <= mutagen.File(str(audio)).info.length
                end_before = end
                cue_start, cue_end, _text = cues[at]
                at += 1
                assert abs(start + begin - cue_start) < 0.003
                assert abs(start + end - cue_end) < 0.003
    assert at == len(cues)


def test_the_audio_inside_opens_and_is_speech(converted: Converted, tmp_path: Path) -> None:
    with zipfile.ZipFile(converted.folder / "fables.readalong.epub") as epub:
        opf = epub.read("OEBPS/content.opf").decode()
        names = [n for n in epub.namelist() if n.startswith("OEBPS/audio/")]
        assert len(names) == 3 and opf.count('media-type="audio/mp4"') == 3
        for name in names:
            audio = tmp_path / Path(name).name
            audio.write_bytes(epub.read(name))
            info = MP4(str(audio)).info
            assert info.codec == "mp4a.40.2" and info.length > 20  # AAC LC, a fable long
            assert voiced_fraction(decode(audio)) > 0.5
    assert "<dc:creator>Aesop</dc:creator>" in opf and 'properties="cover-image"' in opf


def test_split_opus_chapters_get_a_read_along_beside_their_folder(converted: Converted) -> None:
    """Opus is no EPUB audio: its chapters go in as AAC. The units are spoken already."""
    folder = converted.folder / "split"
    out = e2a("convert", str(SAMPLE_BOOK), "-o", str(folder), "--no-farm", "--format", "opus",
              "--split-chapters", "--chapters", "2-3", "--read-along", env=converted.env)
    assert out.returncode == 0, out.stderr
    epub_path = converted.folder / "split.readalong.epub"
    assert f"wrote {epub_path} (read-along EPUB)" in out.stdout
    assert len(list(folder.iterdir())) == 2  # only the chapter files in their folder
    with zipfile.ZipFile(epub_path) as epub:
        chapters = _chapters(epub)
        assert sorted(n for n in epub.namelist() if n.startswith("OEBPS/audio/")) == [
            "OEBPS/audio/chapter-001.m4a", "OEBPS/audio/chapter-002.m4a"]
    assert [spans[0][1] for spans, _pars in chapters] == SAMPLE_TITLES[1:]
    assert all(len(pars) == len(spans) for spans, pars in chapters)


def test_missing_chapter_audio_is_one_line_and_no_epub(converted: Converted, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    job = next((converted.folder / "e2a-data" / "jobs").iterdir())
    copy = shutil.copytree(job, tmp_path / "job")
    (copy / "chapters" / "001.m4a").unlink()
    prepared = prepare(ConvertRequest(SAMPLE_BOOK, tmp_path / "fables.m4b"))
    _read_along(prepared, copy)
    err = capsys.readouterr().err
    assert err == (f"e2a: warning: no read-along EPUB: {copy / 'chapters' / '001.m4a'}: "
                   "this chapter's audio is missing from the work folder\n")
    assert not (tmp_path / "fables.readalong.epub").exists()
    assert not list(tmp_path.glob("*.part"))
