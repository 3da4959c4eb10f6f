"""A book's own pronunciation hints: SSML ``alias``/``ph`` attributes and PLS lexicons.

EPUB 3 lets a publisher say how a word is read: ``<span ssml:alias="north">N.</span>``
or ``<span ssml:ph="ˈdʒɔːdʒə">Georgia</span>`` in the text, or a PLS lexicon
(``<lexeme><grapheme>N.</grapheme><alias>north</alias>``, or a ``<phoneme>``) linked
from the package. Aliases are text, so every engine honours them: they replace the
printed word before anything else reads it. Phonemes become a hint in the text
(``e2a_node.phonemes``): a voice that takes phonemes (Piper) says them, any other says
the alias, else the printed word. IPA is taken as is, X-SAMPA is turned into IPA; a
hint in another alphabet is read as its word.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from e2a_node.phonemes import hint

from .epub_package import Package, parse_xml, read_bytes

_SSML = "{http://www.w3.org/2001/10/synthesis}"
SSML_ALIAS = f"{_SSML}alias"
SSML_PH = f"{_SSML}ph"
SSML_ALPHABET = f"{_SSML}alphabet"
_PLS = "{http://www.w3.org/2005/01/pronunciation-lexicon}"
PLS_MEDIA_TYPE = "application/pls+xml"

_XSAMPA = {
    "a": "a", "b": "b", "b_<": "ɓ", "c": "c", "d": "d", "d`": "ɖ", "d_<": "ɗ", "e": "e",
    "f": "f", "g": "ɡ", "g_<": "ɠ", "h": "h", "h\\": "ɦ", "i": "i", "j": "j", "j\\": "ʝ",
    "k": "k", "l": "l", "l`": "ɭ", "l\\": "ɺ", "m": "m", "n": "n", "n`": "ɳ", "o": "o",
    "p": "p", "p\\": "ɸ", "q": "q", "r": "r", "r`": "ɽ", "r\\": "ɹ", "r\\`": "ɻ",
    "s": "s", "s`": "ʂ", "s\\": "ɕ", "t": "t", "t`": "ʈ", "u": "u", "v": "v",
    "v\\": "ʋ", "w": "w", "x": "x", "x\\": "ɧ", "y": "y", "z": "z", "z`": "ʐ",
    "z\\": "ʑ", "A": "ɑ", "B": "β", "B\\": "ʙ", "C": "ç", "D": "ð", "E": "ɛ", "F": "ɱ",
    "G": "ɣ", "G\\": "ɢ", "H": "ɥ", "H\\": "ʜ", "I": "ɪ", "I\\": "ᵻ", "J": "ɲ",
    "J\\": "ɟ", "K": "ɬ", "K\\": "ɮ", "L": "ʎ", "L\\": "ʟ", "M": "ɯ", "M\\": "ɰ",
    "N": "ŋ", "N\\": "ɴ", "O": "ɔ", "O\\": "ʘ", "P": "ʋ", "Q": "ɒ", "R": "ʁ",
    "R\\": "ʀ", "S": "ʃ", "T": "θ", "U": "ʊ", "U\\": "ᵿ", "V": "ʌ", "W": "ʍ", "X": "χ",
    "X\\": "ħ", "Y": "ʏ", "Z": "ʒ", "\"": "ˈ", "%": "ˌ", ":": "ː", ":\\": "ˑ",
    "@": "ə", "@\\": "ɘ", "@`": "ɚ", "{": "æ", "}": "ʉ", "1": "ɨ", "2": "ø", "3": "ɜ",
    "3`": "ɝ", "3\\": "ɞ", "4": "ɾ", "5": "ɫ", "6": "ɐ", "7": "ɤ", "8": "ɵ", "9": "œ",
    "&": "ɶ", "?": "ʔ", "?\\": "ʕ", "<\\": "ʢ", ">\\": "ʡ", "^": "ꜛ", "!": "ꜜ",
    "|\\": "ǀ", "||": "‖", "|\\|\\": "ǁ", "=\\": "ǂ", "-\\": "‿", "~": "\u0303",
    "_~": "\u0303", "=": "\u0329", "_=": "\u0329", "_h": "ʰ", "_j": "ʲ", "_w": "ʷ",
    "'": "ʲ", ".": ".", "-": "",
}
_XSAMPA_TOKEN = re.compile("|".join(map(re.escape, sorted(_XSAMPA, key=len, reverse=True))))
_IPA_STAND_INS = str.maketrans({"g": "ɡ", "'": "ˈ", ",": "ˌ", ":": "ː",
                                "\u0361": None, "\u035c": None})
"""ASCII a publisher's IPA often has for an IPA symbol (an apostrophe for the stress
mark), and tie bars espeak's phonemes never carry (its "dʒ" is two symbols)."""


def ipa(phonemes: str, alphabet: str) -> str:
    """``phonemes`` in IPA: X-SAMPA converted, IPA tidied; "" for an alphabet not known."""
    alphabet = alphabet.strip().lower()
    if alphabet in ("x-sampa", "xsampa", "sampa"):
        return _XSAMPA_TOKEN.sub(lambda m: _XSAMPA[m.group(0)], phonemes)
    if alphabet in ("", "ipa"):
        return phonemes.translate(_IPA_STAND_INS)
    return ""


def ph_hint(el: etree._Element, word: str) -> str | None:
    """The hint an element's ``ssml:ph`` gives (its alphabet from it or the nearest
    ancestor that says one), or None when it has no ``ssml:ph``."""
    phonemes = el.get(SSML_PH)
    if phonemes is None:
        return None
    alphabet = el.get(SSML_ALPHABET)
    if alphabet is None:
        alphabet = next((a.get(SSML_ALPHABET) or "" for a in el.iterancestors()
                         if a.get(SSML_ALPHABET)), "")
    return hint(word, ipa(phonemes, alphabet))


def lexicon_aliases(archive: zipfile.ZipFile, package: Package) -> dict[str, str]:
    """Grapheme → what is read for it, from every PLS lexicon the package declares (later
    ones win): its alias, or a phoneme hint (with the alias, else the grapheme, as the
    word a voice without phonemes reads)."""
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
            _lexeme(lexeme, root.get("alphabet") or "", aliases)
    return aliases


def _lexeme(lexeme: etree._Element, alphabet: str, aliases: dict[str, str]) -> None:
    alias = " ".join((lexeme.findtext(f"{_PLS}alias") or "").split())
    phoneme = lexeme.find(f"{_PLS}phoneme")
    sounds = ipa("".join(phoneme.itertext()).strip(), phoneme.get("alphabet") or alphabet) \
        if phoneme is not None else ""
    if not alias and not sounds:
        return
    for grapheme in lexeme.iter(f"{_PLS}grapheme"):
        word = " ".join((grapheme.text or "").split())
        if word:
            aliases[word] = hint(alias or word, sounds) if sounds else alias


def apply_aliases(text: str, aliases: dict[str, str]) -> str:
    """Each grapheme, as a whole word, replaced by its alias (the longest first)."""
    if not aliases:
        return text
    words = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, words)) + r")(?![\w])")
    return pattern.sub(lambda m: aliases[m.group(1)], text)
