"""Markdown books, parsed as CommonMark (markdown-it-py) and read by the HTML reader.

Regular expressions cannot tell a ``# comment`` in a fenced code block from a chapter
heading, and read the fence's language tag aloud; a real parser knows both. The page it
renders goes through the HTML reader, so code blocks, tables, lists and notes are read
(or left out) exactly as in an HTML or EPUB book. Front matter (``title:``,
``author:``, ``lang:``) names the book; footnotes are notes, read after the chapter that
cites them as elsewhere.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .htmlbook import html_book, split_levels
from .htmltext import SKIP_MARK, parse_document
from .limits import check_nesting
from .model import Book
from .options import DEFAULT_OPTIONS, ReadOptions
from .plaintext import decode_text

_NOTE_ROLES = {"footnote-ref": "doc-noteref", "footnote-backref": "doc-backlink",
               "footnotes": "doc-endnotes", "footnote-item": "doc-footnote"}


def _parser() -> MarkdownIt:
    # "html": raw HTML in Markdown is HTML (a <br>, a <div>); the HTML reader judges it.
    return (MarkdownIt("commonmark", {"html": True})
            .enable(["table", "strikethrough"])
            .use(front_matter_plugin)
            .use(footnote_plugin))


def _field(front: str, *names: str) -> str:
    for name in names:
        match = re.search(rf"^{name}:[ \t]*(.+)$", front, re.MULTILINE | re.IGNORECASE)
        if match:
            return match.group(1).strip().strip("\"'")
    return ""


def markdown_page(source: str) -> str:
    """The Markdown rendered as an HTML page whose head carries the front matter."""
    parser = _parser()
    tokens = parser.parse(source)
    front = next((t.content for t in tokens if t.type == "front_matter"), "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    split_level = min(split_levels(levels))
    title = _field(front, "title")
    if not title and levels.count(1) == 1 and split_level > 1:  # the book's own title line
        at = next(i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1")
        title = tokens[at + 1].content
    author = _field(front, "author", "creator")
    language = _field(front, "lang", "language")
    head = f"<title>{escape(title)}</title>" if title else ""
    head += f'<meta name="author" content="{escape(author)}"/>' if author else ""
    lang = f' lang="{escape(language)}"' if language else ""
    body = parser.renderer.render(tokens, parser.options, {})
    return f"<html{lang}><head>{head}</head><body>{body}</body></html>"


def _mark_notes(root: etree._Element) -> None:
    """Footnotes, their marks and their links back as the roles the HTML reader knows
    them by; the rule above the notes is not read."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        classes = set((el.get("class") or "").split())
        if "footnotes-sep" in classes:
            el.set(SKIP_MARK, "notes")
        for cls, role in _NOTE_ROLES.items():
            if cls in classes:
                el.set("role", role)


def read_markdown(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """Markdown: chapters at its chapter headings (``htmlbook.split_levels``)."""
    page = markdown_page(decode_text(path).replace("\r\n", "\n"))
    root = parse_document(page.encode("utf-8"))
    check_nesting(root, "the Markdown")
    _mark_notes(root)
    return html_book(root, path, options, source_format="md")
