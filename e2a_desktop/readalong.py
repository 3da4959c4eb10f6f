"""Read-along EPUB: the book's spoken sentences, each lit while the audio says it.

An EPUB 3 with Media Overlays: per chapter one XHTML page (every sentence a
``<span>``), one SMIL file (every sentence a ``<par>`` pointing at its clip) and the
chapter's encoded audio. The clips come from the job, not from listening: every unit
stores its sentences' spans in its audio, and a chapter's audio is its units laid end
to end with the job's pauses (``subtitles.unit_starts``), so a sentence's time in its
chapter file is exact. The text is the sentences as the planner cut them (what
`e2a text` prints), so what is shown is what is heard.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from e2a_node.phonemes import as_printed
from e2a_node.settings import Break, PauseSettings

from .ebook.model import Cover, Metadata
from .errors import E2AError, OutputError
from .subtitles import unit_starts

if TYPE_CHECKING:  # types only: the pages are made without a database
    from .convert import PreparedBook
    from .store import UnitRecord

AUDIO_TYPES = {"m4a": "audio/mp4", "mp3": "audio/mpeg"}
"""Chapter audio an EPUB carries as it is (EPUB 3 core media types); others are
encoded to AAC in MP4 first."""
COVER_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
ACTIVE_CLASS = "-epub-media-overlay-active"
"""The class a reading system puts on the sentence being heard; the conventional name,
so readers that ignore ``media:active-class`` still find it in the style sheet."""
SUFFIX = ".readalong.epub"
STYLE = (f"body {{ line-height: 1.5; }}\nh1 {{ text-align: center; }}\n"
         f".{ACTIVE_CLASS} {{ background-color: #ffe680; color: #000; }}\n")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ReadAlongError(OutputError):
    """The read-along EPUB cannot be made (its audio is missing or not spoken)."""


@dataclass(frozen=True)
class TimedSentence:
    """A sentence as shown; ``clip`` is where its chapter's audio says it (seconds),
    None for a sentence said in no time (a lone symbol): shown, never lit."""

    text: str
    opens_paragraph: bool
    clip: tuple[float, float] | None
    opens_line: bool = False  # a line of verse inside a stanza: the page breaks the line


@dataclass(frozen=True)
class ReadAlongChapter:
    """One chapter's page and overlay: its sentences and its audio file."""

    title: str
    sentences: tuple[TimedSentence, ...]
    audio: Path
    duration: float


def timed_sentences(units: Sequence[UnitRecord], pauses: PauseSettings,
                    duration: float | None = None) -> list[TimedSentence]:
    """A chapter's sentences timed from 0, as ``subtitles.chapter_cues`` times them.

    ``pauses`` as heard (``at_speed``); ``duration``, the chapter file's length, caps a
    clip (the last one may reach a few samples past the encoded end).
    """
    sentences: list[TimedSentence] = []
    for unit, at in zip(units, unit_starts(units, pauses), strict=True):
        if at is None:
            raise ValueError(f"unit {unit.id} of chapter {unit.chapter + 1} is not spoken")
        for index, (text, (start, end)) in enumerate(zip(unit.sentences, unit.spans,
                                                         strict=True)):
            begin, stop = _ms(at + start), _ms(at + end)
            if duration is not None:
                stop = min(stop, _ms(duration))
            kind = Break.of(unit.breaks[index]) if index < len(unit.breaks) else Break.SENTENCE
            sentences.append(TimedSentence(" ".join(as_printed(text).split()), bool(kind),
                                           (begin, stop) if stop > begin else None,
                                           opens_line=kind is Break.LINE))
    return sentences


def _ms(seconds: float) -> float:
    return round(seconds * 1000) / 1000


def clock(seconds: float) -> str:
    """A SMIL full clock value, H:MM:SS.mmm."""
    millis = max(0, round(seconds * 1000))
    minutes, millis = divmod(millis, 60_000)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _same(a: str, b: str) -> bool:
    """A sentence that only says the chapter's title (the planner speaks it first)."""
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())
    return bool(words(a)) and words(a) == words(b)


def page_name(number: int) -> str:
    return f"chapter-{number:03d}.xhtml"


def chapter_xhtml(number: int, chapter: ReadAlongChapter, language: str) -> str:
    """The chapter's page: its title as the heading (the spoken title's own span when
    the planner spoke it), then paragraphs of sentence spans ``s1``, ``s2``, ..."""
    body: list[str] = []
    sentences = list(enumerate(chapter.sentences, 1))
    if sentences and _same(sentences[0][1].text, chapter.title):
        body.append(f'<h1><span id="s1">{_text(sentences[0][1].text)}</span></h1>')
        sentences = sentences[1:]
    else:
        body.append(f"<h1>{_text(chapter.title)}</h1>")
    paragraph: list[str] = []  # a paragraph's (or a stanza's) sentences, each with its joint
    for n, sentence in sentences:
        if sentence.opens_paragraph and paragraph:
            body.append("<p>" + "".join(paragraph) + "</p>")
            paragraph = []
        joint = "" if not paragraph else "<br/>\n" if sentence.opens_line else " "
        paragraph.append(f'{joint}<span id="s{n}">{_text(sentence.text)}</span>')
    if paragraph:
        body.append("<p>" + "".join(paragraph) + "</p>")
    lang = _attr(language)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" xml:lang={lang} lang={lang}>\n'
            f'<head><meta charset="UTF-8"/><title>{_text(chapter.title)}</title>'
            '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
            f'<body><section id="chapter" epub:type="chapter">\n' + "\n".join(body)
            + "\n</section></body>\n</html>\n")


def chapter_smil(number: int, chapter: ReadAlongChapter, audio_href: str) -> str:
    """The chapter's overlay: a ``<par>`` per timed sentence, in reading order."""
    page = page_name(number)
    pars = [f'<par id="p{n}"><text src="{page}#s{n}"/><audio src={_attr(audio_href)} '
            f'clipBegin="{clock(s.clip[0])}" clipEnd="{clock(s.clip[1])}"/></par>'
            for n, s in enumerate(chapter.sentences, 1) if s.clip is not None]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<smil xmlns="http://www.w3.org/ns/SMIL" '
            'xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n<body>\n'
            f'<seq id="seq1" epub:textref="{page}#chapter" epub:type="chapter">\n'
            + "\n".join(pars) + "\n</seq>\n</body>\n</smil>\n")


def nav_xhtml(chapters: Sequence[ReadAlongChapter], title: str, language: str) -> str:
    items = "\n".join(f'<li><a href="{page_name(n)}">{_text(c.title)}</a></li>'
                      for n, c in enumerate(chapters, 1))
    lang = _attr(language)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" xml:lang={lang} lang={lang}>\n'
            f'<head><meta charset="UTF-8"/><title>{_text(title)}</title></head>\n'
            f'<body><nav epub:type="toc" id="toc"><h1>{_text(title)}</h1><ol>\n{items}\n'
            "</ol></nav></body>\n</html>\n")


def package_opf(metadata: Metadata, chapters: Sequence[ReadAlongChapter],
                audio_names: Sequence[str], cover: Cover | None, identifier: str,
                modified: datetime) -> str:
    """The package: metadata (durations per overlay and in total), manifest, spine."""
    durations = [round(c.duration * 1000) / 1000 for c in chapters]
    meta = [f'<dc:identifier id="bookid">{_text(identifier)}</dc:identifier>',
            f"<dc:title>{_text(metadata.title or 'Untitled')}</dc:title>",
            f"<dc:language>{_text(_language(metadata))}</dc:language>",
            f'<meta property="dcterms:modified">{modified:%Y-%m-%dT%H:%M:%SZ}</meta>',
            f'<meta property="media:duration">{clock(sum(durations))}</meta>',
            f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>']
    if metadata.author:
        meta.insert(2, f"<dc:creator>{_text(metadata.author)}</dc:creator>")
    if metadata.description:
        meta.append(f"<dc:description>{_text(metadata.description)}</dc:description>")
    items = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
             'properties="nav"/>', '<item id="css" href="style.css" media-type="text/css"/>']
    if cover is not None:
        items.append(f'<item id="cover" href="cover.{cover.extension}" '
                     f'media-type="{cover.media_type}" properties="cover-image"/>')
    for n, (seconds, audio) in enumerate(zip(durations, audio_names, strict=True), 1):
        meta.append(f'<meta property="media:duration" refines="#mo{n}">{clock(seconds)}</meta>')
        items += [f'<item id="c{n}" href="{page_name(n)}" media-type="application/xhtml+xml" '
                  f'media-overlay="mo{n}"/>',
                  f'<item id="mo{n}" href="chapter-{n:03d}.smil" '
                  'media-type="application/smil+xml"/>',
                  f'<item id="a{n}" href={_attr(audio)} '
                  f'media-type="{AUDIO_TYPES[audio.rsplit(".", 1)[-1]]}"/>']
    spine = "\n".join(f'<itemref idref="c{n}"/>' for n in range(1, len(chapters) + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            f'unique-identifier="bookid" xml:lang={_attr(_language(metadata))}>\n'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' + "\n".join(meta)
            + "\n</metadata>\n<manifest>\n" + "\n".join(items)
            + f"\n</manifest>\n<spine>\n{spine}\n</spine>\n</package>\n")


def _language(metadata: Metadata) -> str:
    return metadata.language.strip() or "und"


CONTAINER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/content.opf" '
             'media-type="application/oebps-package+xml"/></rootfiles></container>\n')


def write_epub(path: Path, metadata: Metadata, cover: Cover | None,
               chapters: Sequence[ReadAlongChapter], identifier: str,
               modified: datetime | None = None) -> None:
    """Write the EPUB atomically (a .part file, then a rename), as the audiobook is.

    Each chapter's audio must be MP3 or AAC in MP4 already (``AUDIO_TYPES``).
    """
    modified = modified or datetime.now(timezone.utc)
    cover = cover if cover is not None and cover.media_type in COVER_TYPES else None
    audio = [f"audio/chapter-{n:03d}.{c.audio.suffix.lstrip('.').lower()}"
             for n, c in enumerate(chapters, 1)]
    language = _language(metadata)
    part = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as epub:
            # The mimetype comes first and uncompressed: readers sniff the zip's start.
            epub.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip",
                          compress_type=zipfile.ZIP_STORED)
            epub.writestr("META-INF/container.xml", CONTAINER)
            epub.writestr("OEBPS/content.opf", package_opf(metadata, chapters, audio, cover,
                                                           identifier, modified))
            epub.writestr("OEBPS/nav.xhtml", nav_xhtml(chapters, metadata.title, language))
            epub.writestr("OEBPS/style.css", STYLE)
            if cover is not None:
                epub.writestr(f"OEBPS/cover.{cover.extension}", cover.data)
            for n, (chapter, href) in enumerate(zip(chapters, audio, strict=True), 1):
                epub.writestr(f"OEBPS/{page_name(n)}", chapter_xhtml(n, chapter, language))
                epub.writestr(f"OEBPS/chapter-{n:03d}.smil", chapter_smil(n, chapter, href))
                # Compressed audio gains nothing from deflate: stored, it is read as is.
                epub.write(chapter.audio, f"OEBPS/{href}", compress_type=zipfile.ZIP_STORED)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ReadAlongError(f"cannot write it ({exc.strerror or exc})", path) from None


def readalong_path(outputs: Sequence[Path], split: bool) -> Path:
    """``BOOK.readalong.epub`` beside ``BOOK.m4b``; beside the folder of chapter files
    with --split-chapters (inside it, a player would list it with the chapters)."""
    if split:
        folder = outputs[0].parent
        return folder.with_name(folder.name + SUFFIX)
    return outputs[0].with_suffix(SUFFIX)


def write_read_along(prepared: PreparedBook, folder: Path, target: Path | None = None) -> Path:
    """The read-along EPUB of a finished job (its work ``folder``); returns its path.

    Raises ReadAlongError (one line) when a chapter's audio is missing, unreadable or
    not wholly spoken: the audiobook stands without it.
    """
    from .job import STORE_NAME
    from .store import JobStore

    request = prepared.request
    pauses = request.pauses.at_speed(request.voice.speed)
    target = target or readalong_path(prepared.outputs, request.split_chapters)
    suffix = prepared.fmt.part_extension
    with tempfile.TemporaryDirectory(prefix="e2a-readalong-") as scratch:
        store = JobStore(folder / STORE_NAME)
        try:
            chapters = [_chapter(store.units(index), prepared.book.chapters[index].title,
                                 folder / "chapters" / f"{index:03d}.{suffix}", pauses,
                                 Path(scratch))
                        for index in prepared.chapters]
        finally:
            store.close()
        write_epub(target, prepared.book.metadata, prepared.book.cover, chapters,
                   f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, folder.name)}")
    return target


def read_along_beside(prepared: PreparedBook, folder: Path) -> tuple[Path | None, str]:
    """After binding: the EPUB written (its path, "") or why not (None, one line). The
    audiobook stands without it, so the job service reports this as a warning."""
    try:
        return write_read_along(prepared, folder), ""
    except E2AError as exc:
        return None, str(exc)


def _chapter(units: Sequence[UnitRecord], title: str, encoded: Path, pauses: PauseSettings,
             scratch: Path) -> ReadAlongChapter:
    if not encoded.is_file():
        raise ReadAlongError("this chapter's audio is missing from the work folder", encoded)
    audio = encoded if encoded.suffix.lstrip(".") in AUDIO_TYPES else _to_aac(encoded, scratch)
    duration = audio_seconds(audio)
    try:
        sentences = timed_sentences(units, pauses, duration)
    except ValueError as exc:
        raise ReadAlongError(str(exc), encoded) from None
    return ReadAlongChapter(title, tuple(sentences), audio, duration)


def _to_aac(encoded: Path, scratch: Path) -> Path:
    """Opus, FLAC or WAV chapters become AAC in MP4, which every EPUB reader plays."""
    from .audio.ffmpeg import run_ffmpeg
    from .audio.formats import FORMATS

    out = scratch / f"{encoded.stem}.m4a"
    run_ffmpeg(["-i", str(encoded), "-map", "0:a", *FORMATS["m4b"].codec_args,
                "-f", "mp4", str(out)], f"encoding {encoded.name} for the read-along EPUB")
    return out


def audio_seconds(path: Path) -> float:
    """The audio file's length (mutagen reads the container, as binding does)."""
    import mutagen

    try:
        info = mutagen.File(str(path))
    except (OSError, mutagen.MutagenError):
        info = None
    if info is None or info.info is None:
        raise ReadAlongError("cannot read this chapter's audio", path)
    return float(info.info.length)
