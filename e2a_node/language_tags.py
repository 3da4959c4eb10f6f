"""Language tags, normalised once and matched the same way everywhere.

A book says its language as its publisher wrote it: BCP 47 (``en-GB``, ``zh-Hans``,
``pt-BR``), ISO 639-2/3 as older EPUBs and MARC records do (``eng``, ``fra``, ``ger``),
``und`` when nobody knew. Voices say it their own way: Piper ``fr_FR``, XTTS ``zh-cn``,
Coqui's model names ``en``. Detection, the catalogue, the engines and the CLI all
compare tags, and each doing it its own way is how a French book tagged ``fra`` came to
be refused with a French voice installed. Everything compares through this module.

Pure and tiny: no Babel, no CLDR. The table holds the languages e2a's voices speak
(and their bibliographic twins); an unknown three-letter code passes through unchanged,
so nothing is lost that a later voice might know.
"""

from __future__ import annotations

from collections.abc import Iterable

UNDETERMINED = frozenset({"und", "mul", "zxx", "mis", "unknown", "none"})
"""Tags that say "no language known": the text decides instead (detection)."""

ISO_639_3_TO_1: dict[str, str] = {
    "afr": "af", "alb": "sq", "amh": "am", "ara": "ar", "arm": "hy", "aze": "az",
    "baq": "eu", "bel": "be", "ben": "bn", "bos": "bs", "bul": "bg", "cat": "ca",
    "ces": "cs", "chi": "zh", "cmn": "zh", "cym": "cy", "cze": "cs", "dan": "da",
    "deu": "de", "dut": "nl", "ell": "el", "eng": "en", "epo": "eo", "est": "et",
    "eus": "eu", "fas": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "geo": "ka",
    "ger": "de", "gle": "ga", "glg": "gl", "gre": "el", "guj": "gu", "heb": "he",
    "hin": "hi", "hrv": "hr", "hun": "hu", "hye": "hy", "ice": "is", "ind": "id",
    "isl": "is", "ita": "it", "jpn": "ja", "kan": "kn", "kat": "ka", "kaz": "kk",
    "khm": "km", "kor": "ko", "lao": "lo", "lat": "la", "lav": "lv", "lit": "lt",
    "ltz": "lb", "mac": "mk", "mal": "ml", "mar": "mr", "may": "ms", "mkd": "mk",
    "mlt": "mt", "msa": "ms", "mya": "my", "nep": "ne", "nld": "nl", "nno": "nn",
    "nob": "nb", "nor": "no", "pan": "pa", "per": "fa", "pol": "pl", "por": "pt",
    "ron": "ro", "rum": "ro", "rus": "ru", "sin": "si", "slk": "sk", "slo": "sk",
    "slv": "sl", "spa": "es", "sqi": "sq", "srp": "sr", "swa": "sw", "swe": "sv",
    "tam": "ta", "tel": "te", "tgl": "tl", "tha": "th", "tur": "tr", "ukr": "uk",
    "urd": "ur", "uzb": "uz", "vie": "vi", "wel": "cy", "zho": "zh",
}
"""ISO 639-2 (terminology and bibliographic) and 639-3 codes of languages with voices."""

DEPRECATED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
"""Old two-letter codes some books still carry."""

CHINESE_SCRIPT_REGION = {"hans": "CN", "hant": "TW"}
"""Simplified Chinese is read as Mainland Mandarin, Traditional as Taiwan's, by voices
that only know regions (XTTS's ``zh-cn``)."""


def normalize(tag: str) -> str:
    """The tag in BCP 47 form: ``eng`` → ``en``, ``pt_br`` → ``pt-BR``,
    ``zh-hans`` → ``zh-Hans``; ``und`` and junk → ``""`` (no language known)."""
    parts = [p for p in tag.strip().replace("_", "-").split("-") if p]
    if not parts:
        return ""
    first = parts[0].lower()
    if first in UNDETERMINED or not first.isascii() or not first.isalpha() \
            or not 2 <= len(first) <= 8:
        return ""
    first = DEPRECATED.get(first, ISO_639_3_TO_1.get(first, first))
    rest: list[str] = []
    for part in parts[1:]:
        if not part.isascii() or not part.isalnum():
            break  # a private or broken tail: the language itself is still known
        if len(part) == 4 and part.isalpha():
            rest.append(part.title())  # a script: Hans, Latn, Cyrl
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            rest.append(part.upper())  # a region: BR, 419
        else:
            rest.append(part.lower())  # a variant
    return "-".join([first, *rest])


def primary(tag: str) -> str:
    """The language alone: ``en-GB``, ``en_US``, ``eng`` and ``EN`` are all ``en``."""
    return normalize(tag).split("-")[0]


def region(tag: str) -> str:
    """The tag's region (``BR`` of ``pt-BR``), or the one its Chinese script implies."""
    parts = normalize(tag).split("-")[1:]
    for part in parts:
        if part.isupper() or part.isdigit():
            return part
    for part in parts:
        if part.lower() in CHINESE_SCRIPT_REGION:
            return CHINESE_SCRIPT_REGION[part.lower()]
    return ""


def same_language(a: str, b: str) -> bool:
    """True when both tags name one language (regions and scripts aside)."""
    return bool(primary(a)) and primary(a) == primary(b)


def best_match(wanted: str, offered: Iterable[str]) -> str | None:
    """The one of ``offered`` (an engine's own spellings: ``zh-cn``, ``pt``, ``fr_FR``)
    that speaks ``wanted``: the same region first, then the bare language, then any
    region of it (``zh`` → XTTS's ``zh-cn``). ``None`` when none speaks it."""
    language = primary(wanted)
    if not language:
        return None
    candidates = [o for o in offered if primary(o) == language]
    if not candidates:
        return None
    want_region = region(wanted) or (_home_region(language))

    def rank(candidate: str) -> tuple[bool, bool, str]:
        own = region(candidate)
        return (own != want_region, bool(own) and own != want_region, candidate)

    return min(candidates, key=rank)


def _home_region(language: str) -> str:
    """The region a bare tag most means (``zh`` → CN, ``pt`` → PT, ``fr`` → FR)."""
    return {"zh": "CN", "en": "US"}.get(language, language.upper())
