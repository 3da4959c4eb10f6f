"""Ebook readers: a registry from file extension to reader, all returning a Book."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import BookError
from .model import Book, Chapter, Cover, Metadata

Reader = Callable[[Path], Book]


def _readers() -> dict[str, Reader]:
    from .epub import read_epub
    from .fb2 import read_fb2
    from .htmlbook import read_html
    from .plaintext import read_markdown, read_text

    return {
        ".epub": read_epub,
        ".txt": read_text,
        ".text": read_text,
        ".md": read_markdown,
        ".markdown": read_markdown,
        ".html": read_html,
        ".htm": read_html,
        ".xhtml": read_html,
        ".fb2": read_fb2,
    }


SUPPORTED = "EPUB, FB2, HTML, Markdown and plain text"


def read_book(path: Path) -> Book:
    """Read any supported ebook, or raise BookError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise BookError("no such file", path)
    if path.is_dir():
        raise BookError("this is a folder, not an ebook file", path)
    reader = _readers().get(path.suffix.lower())
    if reader is None:
        kind = f"'{path.suffix}'" if path.suffix else "a file without extension"
        raise BookError(f"unknown format ({kind}); e2a reads {SUPPORTED}", path)
    try:
        return reader(path)
    except BookError:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise BookError(f"cannot read this book: {exc}", path) from None


__all__ = ["Book", "Chapter", "Cover", "Metadata", "read_book", "SUPPORTED"]
