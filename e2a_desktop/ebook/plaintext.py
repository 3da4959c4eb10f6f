"""Plain text reader: chapters found by their headings (Markdown: markdownbook)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .gutenberg import END as _GUTENBERG_END
from .gutenberg import START as _GUTENBERG_START
from .model import Book, Chapter, Metadata

_ROMAN = r"[IVXLCDM]+"
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|[a-z]+-[a-z]+"
)
CHAPTER_HEADING = re.compile(
    rf"^[ \t]*(?:chapter|part|book|prologue|epilogue|letter)\b"
    rf"(?:[ \t]+(?:\d+|{_ROMAN}|{_NUMBER_WORDS})\b)?[^\n]{{0,80}}$",
    re.IGNORECASE | re.MULTILINE,
)
# The same headings in the other languages e2a's voices speak (French, German, Spanish,
# Italian, Portuguese, Dutch). A word such as "Parte" or "Deel" also opens sentences, so
# here the word must be followed by a number (digits, Roman, a number word or an ordinal)
# and nothing but an optional title: "Chapitre 2", "CAPÍTULO PRIMERO", "Hoofdstuk 3. Thuis".
_WORDS_INTL = (
    r"chapitre|partie|livre|lettre|kapitel|teil|buch|cap[ií]tulo|parte|libro|carta|"
    r"capitolo|lettera|livro|hoofdstuk|deel|boek"
)
_NUMBERS_INTL = (
    r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|premier|premi[eè]re|"
    r"\w+i[eè]me|eins|zwei|drei|vier|f[uü]nf|sechs|sieben|acht|neun|zehn|uno|dos|tres|"
    r"cuatro|cinco|seis|siete|ocho|nueve|diez|primero|primera|segundo|segunda|tercero|"
    r"tercera|cuarto|quinto|sexto|s[eé]ptimo|octavo|noveno|d[eé]cimo|due|tre|quattro|"
    r"cinque|sei|sette|otto|nove|dieci|primo|prima|secondo|terzo|um|dois|tr[eê]s|quatro|"
    r"sete|oito|dez|primeiro|primeira|terceiro|s[eé]timo|oitavo|nono|een|twee|drie|vijf|"
    r"zes|zeven|negen|tien|eerste|tweede|derde|vierde|\w+de|[uú]nico|unique|einzig"
)
_ALONE_INTL = (
    r"prologue|[eé]pilogue|prolog|epilog|pr[oó]logo|ep[ií]logo|proloog|epiloog|"
    r"einleitung|introducci[oó]n|introduzione|introdu[cç][aã]o|inleiding|vorwort|"
    r"pr[eé]face|pref[aá]cio|prefacio|prefazione|voorwoord"
)
_ORDINAL_FIRST = (  # German and Dutch put the ordinal first: "Erstes Kapitel", "Zweiter Teil"
    r"\w+(?:tes|ter|stes|ster|de|ste)[ \t]+(?:kapitel|teil|buch|hoofdstuk|deel|boek)"
)
CHAPTER_HEADING_INTL = re.compile(
    rf"^[ \t]*(?:(?:{_WORDS_INTL})[ \t]+(?:\d+|(?-i:{_ROMAN})|{_NUMBERS_INTL})\b"
    rf"[.:\-\u2013\u2014 \t]*[^\n]{{0,80}}|(?:{_ALONE_INTL})\b[.: \t]*|"
    rf"{_ORDINAL_FIRST}\b[^\n]{{0,80}})$",
    re.IGNORECASE | re.MULTILINE,
)
MAX_TITLE_CHARS = 80
_ITALIC_MARK = re.compile(r"(?<![\w])_+(?=[^\s_])|(?<=[^\s_])_+(?![\w])")
_BOLD_MARKS = re.compile(r"(?<![\w=])=(?=[^\s=])([^=\n]{1,80}?)(?<=[^\s=])=(?![\w=])")
_NOTE_MARK = re.compile(r"(?<=[^\s\[(])\[\d{1,3}\]")


def drop_typing_marks(text: str) -> str:
    """Project Gutenberg's typed emphasis and note marks, gone from the printed text:
    "_italics_", "=bold=" and a note's "[12]" glued to its word ("vruchtdragen[53]:").
    The subtitles and the read-along show what a printed page shows, and the voice read
    "._" as a word, "=" as "equals", "[53]" as a sentence. The notes themselves (a line
    opening "[53]") stay, as do "snake_case" and a spaced "x = y"."""
    if "_" in text:
        text = _ITALIC_MARK.sub("", text)
    if "=" in text:
        text = _BOLD_MARKS.sub(r"\1", text)
    return _NOTE_MARK.sub("", text) if "]" in text else text


def decode_text(path: Path) -> str:
    """Read a text file as UTF-8 (with or without BOM), else Windows-1252."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BookError(f"cannot read the file: {exc.strerror}", path) from None
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BookError("this is a binary file, not text", path)
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _header_field(text: str, name: str) -> str:
    match = re.search(rf"^{name}:[ \t]*(.+)$", text, re.MULTILINE | re.IGNORECASE)
    return match.group(1).strip() if match else ""


def _is_heading(text: str, match: re.Match[str]) -> bool:
    """A heading stands alone: a blank line (or the start) before it."""
    before = text[: match.start()]
    return not before.strip() or before.endswith("\n\n") or before.endswith("\n\n ")


_PAGE_NUMBER = re.compile(r"\S[ \t]{3,}(?:\d{1,4}|[ivxlc]{1,6})[ \t]*$")
"""A contents line's page number ("CHAPTER I. The Widow and her Child      1"): the line
names a chapter but is none (Jack Sheppard's contents made three chapters of it)."""


def _headings(body: str) -> list[re.Match[str]]:
    """Chapter headings in reading order, English or another language's, standing alone."""
    found = {m.start(): m for pattern in (CHAPTER_HEADING, CHAPTER_HEADING_INTL)
             for m in pattern.finditer(body)
             if _is_heading(body, m) and not _PAGE_NUMBER.search(m.group())}
    return [found[start] for start in sorted(found)]


_SET_OFF = re.compile(r"(?<=\n\n\n\n)[ \t]*(\S[^\n]{0,59}?)[ \t]*\n[ \t]*\n")
"""A short line after three blank lines and before a blank one: Project Gutenberg sets a
heading off so (its guide: four blank lines before a chapter, two after) in books whose
headings carry no word "Chapter": a dictionary's letters, essays, poems, a play's acts."""
_HALF_TITLE = re.compile(r"[ \t]*\S[^\n]{0,59}\n[ \t]*\n[ \t]*((?:[IVXLCDM]+|\d{1,3})\.?)"
                         r"[ \t]*\n[ \t]*\n")
"""The book's title set off before its first chapter's bare number (Katrine's "KATRINE",
then "I"): the chapter starts there, and is called by its number as the others are."""
_CREDITS = re.compile(r"(?:produced|prepared|transcribed|scanned|digiti[sz]ed|e-?text)\b"
                      r"[^\n]*\bby\b", re.IGNORECASE)
MIN_SET_OFF_HEADINGS = 3


def _set_off_headings(body: str, title: str) -> list[re.Match[str]]:
    """Headings set off by blank lines, without the title page's own lines (the book's
    title, a byline, the transcriber's credits) or a line that is punctuation only."""
    def plain(text: str) -> str:
        return re.sub(r"[\W_]+", " ", text).strip().casefold()

    found = []
    for match in _SET_OFF.finditer(body):
        line = match.group(1)
        if plain(line) == plain(title):  # a half-title; the chapter's number may follow it
            numbered = _HALF_TITLE.match(body, match.start())
            if numbered is not None:
                found.append(numbered)
            continue
        if (not any(ch.isalpha() for ch in line) or line.endswith((",", ";", ":"))
                or _BYLINE.fullmatch(line) or _CREDITS.match(line) or line.startswith("[")):
            continue
        found.append(match)
    return found


def _without_credits(body: str) -> str:
    """The text without its opening "Produced by … and the Online Distributed Proofreading
    Team" paragraph: the transcribers' credit, not the book's (it was read as the first
    words of chapter 1, before the title page)."""
    opening = re.match(r"\s*([^\n]+(?:\n[ \t]*\S[^\n]*)*)", body)
    if opening is None or not _CREDITS.match(opening.group(1)):
        return body
    return body[opening.end():]


def _chapter_headings(body: str, title: str) -> tuple[list[re.Match[str]], bool]:
    """The chapters' headings: those naming themselves ("Chapter 5", "Hoofdstuk 3"), or,
    where those are (nearly) absent, the lines set off as headings are (then True)."""
    named = _headings(body)
    set_off = _set_off_headings(body, title)
    if len(set_off) >= MIN_SET_OFF_HEADINGS and len(set_off) > 2 * len(named):
        return set_off, True
    return named, False


def read_text(path: Path) -> Book:
    """Plain text; Project Gutenberg headers are understood and their licence skipped."""
    raw = decode_text(path).replace("\r\n", "\n")
    title = _header_field(raw, "Title")
    author = _header_field(raw, "Author")
    language = _header_field(raw, "Language")
    start = _GUTENBERG_START.search(raw)
    end = _GUTENBERG_END.search(raw)
    body = drop_typing_marks(raw[start.end() if start else 0 : end.start() if end else len(raw)])
    if start is not None:
        body = _without_credits(body)
    headings, set_off = _chapter_headings(body, title)
    title_line = _title_line(body, headings)
    title = title or title_line or path.stem
    front = body[: headings[0].start() if headings else len(body)]
    byline = _byline(front, title_line) if headings else None
    if byline is not None:
        author = author or byline
    sections = []
    if (not headings or headings[0].start() > 0) and byline is None:
        sections.append(Section("", "", front))
    for i, match in enumerate(headings):
        stop = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        heading = match.group(match.lastindex or 0).strip()
        sections.append(Section(heading, "", body[match.start() : stop]))
    if set_off:
        sections = front_matter(sections, title, author)
    book = _book(path, sections, title, author, _language(language), "txt")
    if not headings and len(book.chapters) == 1:  # one untitled chapter: call it by the book
        book.chapters[0] = Chapter(title, book.chapters[0].text)
    return book


_CONTENTS = (r"(?:table\s+of\s+)?contents|inhoud|inhalt|inhaltsverzeichnis|sommaire"
             r"|table\s+des\s+mati[eè]res|[ií]ndice")
_LISTS = (r"(?:the\s+)?(?:plays|works|novels|books|poems|writings|stories|tales)\s+of\s+\S"
          r"|by\s+the\s+same\s+author|(?:also|other\s+\w+|works|books)\s+by\s+\S"
          r"|du\s+m[eê]me\s+auteur|van\s+denzelfden\s+schrijver|vom\s+selben\s+verfasser")
_DEDICATION = (r"(?:to|aan|à|für|dedicated\s+to|opgedragen\s+aan)\s+(?!(?:the|a|an"
               r"|de|het|een|la|le|les|l'|un|une|der|die|das|den|dem|el|il|lo|o)\s"
               r"(?!memory|m[ée]moire|nagedachtenis|andenken))\S"
               r"|dedication|d[ée]dicace|opdracht|widmung")
""""To Grant B. Schley", "AAN ZIJN BROEDER WILLIBALD", "To the memory of…"; not a poem's
"To a Skylark", nor an essay's "Aan de Noordzee", nor "Au lecteur" (a preface)."""
_FRONT_HEADING = re.compile(rf"(?i)(?:({_CONTENTS})[.:]?$|({_LISTS})|({_DEDICATION}))")
_IMPRINT = re.compile(r"(?i)\b(?:copyright|all\s+rights\s+reserved|publishers?|publishing"
                      r"|verlag|[ée]diteurs?|uitgevers?|verkrijgbaar)\b|\u00a9")
_NUMBER_ONLY = re.compile(r"(?i)[\divxlcdm.\s]+")
MAX_FRONT_PAGE_CHARS = 1500
"""A title page, an imprint or a dedication is short; a section past this is the book."""


def _front_kind(section: Section, title: str, author: str) -> str:
    """What a front page is ("contents", "list", "dedication", "title page", "imprint"),
    "" where the section is the book's own (a preface, a chapter)."""
    heading = " ".join(section.title.split())
    match = _FRONT_HEADING.match(heading)
    if match is not None and match.group(1):
        return "contents"
    if match is not None and match.group(2):
        return "list"
    if len(section.text) > MAX_FRONT_PAGE_CHARS:
        return ""
    if match is not None:
        return "dedication"
    words = set(re.findall(r"\w+", heading.casefold()))
    numbered = _NUMBER_ONLY.fullmatch(heading)  # "I." is a chapter, even of "I, Robot"
    if len(heading) > 1 and words and not numbered and (
            words <= set(re.findall(r"\w+", title.casefold()))
            or words == set(re.findall(r"\w+", author.casefold()))):
        return "title page"  # "THE", the first of the title's lines set one to a line
    if _IMPRINT.search(section.text):
        return "imprint"
    return ""


def front_matter(sections: list[Section], title: str, author: str) -> list[Section]:
    """The pages before the book proper (title page, the publisher's list of the author's
    works, imprint and copyright, dedication, contents) as one chapter named by the book:
    set off by blank lines each came out as a chapter of its own ("NEW YORK AND LONDON
    HARPER & BROTHERS PUBLISHERS", "Chapter 4" for the contents). Where they are only
    the title page and its imprint they are left out, as a title and byline are."""
    kinds = []
    for i, section in enumerate(sections):
        if i == 0 and not section.title:  # what precedes the first heading
            kind = "title page" if len(section.text) <= MAX_FRONT_PAGE_CHARS else ""
        else:
            kind = _front_kind(section, title, author)
        if not kind:
            break
        kinds.append(kind)
        if kind == "contents":  # the last page before the book: what follows is in it
            break
    if len(kinds) < 2:
        return sections
    front, rest = sections[:len(kinds)], sections[len(kinds):]
    text = "\n\n".join(section.text for section in front)
    if not {"contents", "list", "dedication"} & set(kinds) and \
            len(text) <= MAX_FRONT_PAGE_CHARS:
        return rest
    return [Section(title, "", text), *rest]


_BYLINE = re.compile(r"(?:by|von|par|di|de|por|door|af|av)\s+(\S.{0,78})", re.IGNORECASE)


def _byline(front: str, title_line: str) -> str | None:
    """The author, when the text before the first chapter is only the title line and a
    byline ("by Aesop"): that front is the title page, not something to read before the
    first chapter (it was spoken as chapter 1's opening, the author left empty). None
    when the front says more, or has no byline: it is kept and read as before."""
    lines = [line.strip() for line in front.splitlines() if line.strip()]
    if not title_line or len(lines) != 2 or lines[0] != title_line:
        return None
    match = _BYLINE.fullmatch(lines[1])
    name = match.group(1).strip() if match else ""
    return name if name[:1].isupper() else None  # "By the Sea" is a subtitle, not a name


def _title_line(body: str, headings: list[re.Match[str]]) -> str:
    """The text's first line when it stands alone and reads like a title, not like prose.

    A chapter heading ("CHAPTER 5. BREAKFAST.") is not the book's title, and neither is
    the opening of the story when the text has no title line at all.
    """
    first = next((m for m in re.finditer(r"[^\n]+", body) if m.group().strip()), None)
    if first is None or (headings and headings[0].start() <= first.start()):
        return ""
    line = first.group().strip()
    after = body[first.end():first.end() + 2]
    stands_alone = after in ("\n\n", "\n") and body[first.end():].startswith("\n\n") \
        or not body[first.end():].strip()
    if len(line) > MAX_TITLE_CHARS or not stands_alone or line.endswith((".", ",", ";", ":")):
        return ""
    return line


def _language(name: str) -> str:
    """A header's language name as a code; "" when the header is missing (detected later)."""
    names = {"english": "en", "german": "de", "french": "fr", "spanish": "es", "italian": "it",
             "portuguese": "pt", "dutch": "nl", "swedish": "sv", "danish": "da",
             "norwegian": "no", "finnish": "fi", "polish": "pl", "czech": "cs",
             "hungarian": "hu", "russian": "ru", "greek": "el", "catalan": "ca",
             "chinese": "zh", "japanese": "ja", "latin": "la", "esperanto": "eo"}
    return names.get(name.lower(), name.lower()[:5])


def _book(path: Path, sections: list[Section], title: str, author: str, language: str,
          fmt: str) -> Book:
    metadata = Metadata(title=title, author=author,
                        language=language).with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        raise BookError("this book has no readable text", path)
    return Book(metadata, chapters, source_format=fmt)

