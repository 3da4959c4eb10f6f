"""A book's own pronunciation hints: SSML ``alias`` attributes and PLS lexicon aliases.

EPUB 3 lets a publisher say how a word is read: ``<span ssml:alias="north">N.</span>``
in the text, or a PLS lexicon (``<lexeme><grapheme>N.</grapheme><alias>north</alias>``)
linked from the package. Aliases are text, so every engine can honour them: they
replace the printed word before anything else reads it. Phonemes (``ssml:ph``, PLS
``<phoneme>``) need an engine that takes phonemes; this release reads the printed text.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from .epub_package import Package, parse_xml, read_bytes

SSML_ALIAS = "{http://www.w3.org/2001/10/synthesis}alias"
_PLS = "{http://www.w3.org/2005/01/pronunciation-lexicon}"
PLS_MEDIA_TYPE = "application/pls+xml"


def lexicon_aliases(archive: zipfile.ZipFile, package: Package) -> dict[str, str]:
    """Grapheme → alias from every PLS lexicon the package declares (later ones win)."""
    aliases: dict[str, str] = {}
    for item in package.manifest.values():
        if item.media_type != PLS_MEDIA_TYPE:
            continue
        try:
            root = parse_xml(read_bytes(archive, item.path))
        except (KeyError, ValueError, etree.LxmlError):
            continue  # a lexicon that cannot be read takes nothing away from the text
        if root is None:
            continue
        for lexeme in root.iter(f"{_PLS}lexeme"):
            alias = " ".join((lexeme.findtext(f"{_PLS}alias") or "").split())
            if not alias:
                continue
            for grapheme in lexeme.iter(f"{_PLS}grapheme"):
                word = " ".join((grapheme.text or "").split())
                if word:
                    aliases[word] = alias
    return aliases


def apply_aliases(text: str, aliases: dict[str, str]) -> str:
    """Each grapheme, as a whole word, replaced by its alias (the longest first)."""
    if not aliases:
        return text
    words = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, words)) + r")(?![\w])")
    return pattern.sub(lambda m: aliases[m.group(1)], text)
