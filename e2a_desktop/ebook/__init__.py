"""Ebook readers: a registry from file extension to reader, all returning a Book."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..errors import BookError
from .limits import MAX_FILE_BYTES, MB, LimitExceeded, check_file_size
from .model import Book, Chapter, Cover, Metadata
from .options import SKIPPED_KINDS, ReadOptions

Reader = Callable[[Path], Book]


def _readers(options: ReadOptions) -> dict[str, Reader]:
    from .docxbook import read_docx
    from .epub import read_epub
    from .fb2 import read_fb2
    from .htmlbook import read_html
    from .markdownbook import read_markdown
    from .mobibook import read_mobi
    from .odtbook import read_odt
    from .pdfbook import read_pdf
    from .plaintext import read_text

    return {
        ".epub": partial(read_epub, options=options),
        ".txt": read_text,
        ".text": read_text,
        ".md": partial(read_markdown, options=options),
        ".markdown": partial(read_markdown, options=options),
        ".html": partial(read_html, options=options),
        ".htm": partial(read_html, options=options),
        ".xhtml": partial(read_html, options=options),
        ".fb2": partial(read_fb2, options=options),
        ".docx": partial(read_docx, options=options),
        ".odt": partial(read_odt, options=options),
        ".pdf": partial(read_pdf, options=options),
        ".mobi": partial(read_mobi, options=options),
        ".azw": partial(read_mobi, options=options),
        ".azw3": partial(read_mobi, options=options),
    }


EXTENSIONS = (".epub", ".pdf", ".mobi", ".azw3", ".azw", ".fb2", ".docx", ".odt", ".html",
              ".htm", ".xhtml", ".md", ".markdown", ".txt", ".text")
"""What the readers take, for a file dialog's filter (the registry has the same keys)."""

SUPPORTED = "EPUB, PDF, MOBI/AZW3, FB2, DOCX, ODT, HTML, Markdown and plain text"


_FILE_LIMITS = {".epub": 0, ".docx": 0, ".odt": 0,  # zips: each member is bounded as read
                ".pdf": 1024 * MB,  # PDFium reads pages as asked; pictures make PDFs large
                ".mobi": 256 * MB, ".azw": 256 * MB, ".azw3": 256 * MB}  # held whole
"""Bounds on the file itself where it differs from MAX_FILE_BYTES (0: none)."""


def read_book(path: Path, options: ReadOptions | None = None) -> Book:
    """Read any supported ebook, or raise BookError naming the file and the problem.

    ``options`` can bring back parts skipped by default (an index, a licence, code).
    """
    path = Path(path)
    if not path.exists():
        raise BookError("no such file", path)
    if path.is_dir():
        raise BookError("this is a folder, not an ebook file", path)
    reader = _readers(options or ReadOptions()).get(path.suffix.lower())
    if reader is None:
        kind = f"'{path.suffix}'" if path.suffix else "a file without extension"
        raise BookError(f"unknown format ({kind}); e2a reads {SUPPORTED}", path)
    try:
        limit = _FILE_LIMITS.get(path.suffix.lower(), MAX_FILE_BYTES)
        if limit:
            check_file_size(path, limit)
        return reader(path)
    except BookError:
        raise
    except LimitExceeded as exc:
        raise BookError(str(exc), path) from None
    except (OSError, ValueError, UnicodeError) as exc:
        raise BookError(f"cannot read this book: {exc}", path) from None


__all__ = ["EXTENSIONS", "Book", "Chapter", "Cover", "Metadata", "ReadOptions", "SKIPPED_KINDS",
           "read_book",
           "SUPPORTED"]
