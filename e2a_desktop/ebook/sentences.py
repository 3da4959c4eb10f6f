"""Split paragraphs into sentences, per language, without losing a character.

The splitter is deliberately rule-based: it must be fast on a whole book, never
drop text, and be predictable enough to property-test. Abbreviations that end
in a full stop ("Mr.", "z.B.") are the usual trap and are listed per language.
"""

from __future__ import annotations

import re

from e2a_node.language_tags import primary


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower case, without the final full stop; "z.b" also covers "z. B." (single letters
# never end a sentence). Languages Piper has voices in come first.
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset((
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "vol", "ch", "fig",
        "mt", "ft", "e.g", "i.e", "a.m", "p.m", "gen", "col", "capt", "lt", "sgt", "rev", "hon",
        "esq", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec", "sw", "swed", "dan", "dut", "lat", "gr", "heb", "ger", "ital",
        "icel", "alph",
        "fr", "du", "sp", "cf", "viz", "ibid", "pp", "ed", "eds", "trans", "approx", "est",
        "dept", "univ", "assn", "bros", "corp", "ave", "blvd", "rd", "hwy",
    )),
    "de": _words("z.b d.h u.a usw bzw dr prof nr str ca vgl s evtl ggf hr fr st bd jh jhd "
                 "mio mrd abs abb anm bspw dgl etc inkl max min sog tel u.s.w v.a o.ä u.ä z.t "
                 "allg bzgl geb gest dt engl franz lat kap hrsg aufl ebd vs"),
    "fr": _words("m mm mme mmes mlle mlles dr pr me mgr st ste p pp ex etc cf av apr j.-c "
                 "vol chap éd env boul fig réf cie ibid vs n°"),
    "es": _words("sr sra srta sres dr dra ud uds vd vds d dña etc p ej prof lic ing arq pág "
                 "págs núm cap art aprox avda cía dto fig gral mons s.a ee.uu vol tel"),
    "it": _words("sig sigg sig.ra sig.na dott dott.ssa prof avv ing arch on pag pagg ecc cfr "
                 "es n vol cap fig sec ca mons geom rag"),
    "pt": _words("sr sra srta dr dra prof profa exmo exma v.exa pág págs etc n núm cap vol ex "
                 "av dir eng sto sta fig art obs aprox cia ltda"),
    "ca": _words("sr sra srta dr dra pàg núm etc p ex ed vol cap av pl prof mn"),
    "nl": _words("dhr mevr mw mr dr drs ir ing prof bijv bv d.w.z m.a.w o.a e.d enz etc nl "
                 "blz nr ca vgl jl st"),
    "sv": _words("t.ex ex bl.a m.m o.s.v osv d.v.s dvs s.k p.g.a pga f.d t.o.m fr.o.m ca nr "
                 "kap s st jfr dr prof hr"),
    "da": _words("f.eks eks bl.a ca dvs d.v.s mht m.h.t nr osv o.s.v pga p.g.a s st kl hr fr "
                 "dr prof jf evt ifm iflg vha mv m.fl etc bd kap"),
    "no": _words("f.eks eks bl.a ca dvs d.v.s mht m.h.t nr osv o.s.v pga p.g.a s st kl hr fr "
                 "dr prof jf evt ifm iflg vha mv m.fl etc bd kap"),
    "fi": _words("esim ks mm n nk ns os prof tri v vrt yms jne ym klo s tms ko ts"),
    "pl": _words("np tzn tj tzw itd itp m.in prof dr mgr inż hab ul al nr str godz ok ks płk "
                 "gen por ppor kpt św wg zob jw pt gr zł tys mln mld ang łac niem fr wł ros"),
    "cs": _words("např tj tzv atd apod př resp mj str č ul nám prof doc dr ing mudr judr phdr "
                 "mgr sv tzn cca min max st stol"),
    "sk": _words("napr tzv atď resp tj č str ul prof doc dr ing mgr sv cca pozn tzn"),
    "hu": _words("pl stb ill ún dr id kb ld vö ifj özv ny szt sz évf kk ált ford vmi zrt kft "
                 "prof tel"),
    "ro": _words("dl dna dr prof etc ș.a ș.a.m.d str nr pag vol cap fig ex pt ed conf lect "
                 "ing"),
    "tr": _words("dr prof doç yrd av bkz vb vs örn sn no yy sok cad mah böl çev hz alb yzb"),
    "ru": _words("гг др пр см стр ул им тов проф акад доц млн млрд тыс руб коп ок вв св гл "
                 "рис напр т.е т.д т.п т.к и.о н.э"),
    "uk": _words("т.зв т.п т.д тис млн млрд грн ст вул проф див напр рис акад рр пров пл обл "
                 "ін ім"),
    "bg": _words("гр ул проф др т.е т.нар млн млрд хил стр бр вж напр св ок лв ст пр кв"),
    "sr": _words("др гђа гђица проф нпр тј итд сл стр бр ул св dr gđa gđica prof npr tj itd "
                 "sl str br ul sv"),
    "el": _words("κ κα δρ π.χ κ.λπ κλπ βλ σελ αρ μ.χ π.χ χλμ εκ δηλ κ.ά μ.μ π.μ αι τ.μ"),
}

# Languages that write ordinals with a full stop ("am 3. Oktober"): a number of one or two
# digits before a stop is an ordinal, not a sentence end. Merging two sentences only
# loses a pause; splitting "am 3." from "Oktober" would make the voice fall mid-sentence.
_ORDINAL_STOPS = _words("de da no fi pl cs sk hu sl sr hr lv et is tr")

# Greek ends a question with ";" (the Greek question mark folds to it).
_QUESTION_SEMICOLON = frozenset(("el",))

# A sentence ends at . ! ? … or a script's own stop (Arabic ؟, Devanagari ।, Urdu ۔,
# Armenian ։, Ethiopic ።, Burmese ။), possibly repeated ("?!", "..."), optionally followed
# by closing quotes/brackets, then whitespace.
# Chinese and Japanese end sentences with full-width marks and no space after them.
_STOPS = ".!?\u2026\u061f\u0964\u0965\u06d4\u0589\u1362\u104b"
_CLOSERS = "\"'\u201d\u2019\u00bb\u00ab\u203a)]"
_CJK = "[\u3002\uff01\uff1f]+[\u300d\u300f\uff09\"')]*"


def _boundary(stops: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(stops)}]+[{re.escape(_CLOSERS)}]*(?=\\s+)|{_CJK}")


_BOUNDARY = _boundary(_STOPS)
_BOUNDARY_EL = _boundary(_STOPS + ";")
_SPACED_CLOSE = re.compile(r'\s+"(?=\s|$)')


_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")

OPENERS_EN = _words(
    "The A An I He She It We They You But And Then There This That These Those In On At "
    "His Her My Our Their Your What When Where Why How If So As No Yes Now Here After "
    "Before Of For To With From Every All Some One Two Three Its Such Not Nor Or Yet "
    "Once While Though Although Is Was Are Were Do Did Has Had Let Oh Well")
"""English words that more likely open a sentence than continue a name: "the letter A.
You have", "as I. His form", "No. His orders" end a sentence; "J. R. R. Tolkien" does not."""
_TITLES_EN = _words("mr mrs ms dr st messrs mme mlle prof capt col gen lt sgt rev hon")
"""Words that always stand before a name: never the end of a sentence."""
_NUMBERING_EN = _words("no")
"""Abbreviations only before a number ("No. 7"): "No. His orders" is the word no."""
_NEXT_WORD = re.compile(r"\s*[\"'(\u2018\u201c]*([^\W\d_]+|\d)")
_PRONOUN_I = re.compile(r"(?:\b[a-z][a-z']*|\b(?:Not|Nor|And|But|So|Than))\s+I$")
"""A lower-case word before "I." ("said I.", "so shall I."): the pronoun ends a sentence,
as the speech front end (speech/abbreviations_en.is_pronoun_i) keeps its stop."""
_INITIAL_NEXT = re.compile(r"\s+[A-Z]\.")


def primary_language(language: str) -> str:
    """'fr_FR' (Piper), 'fr-FR' (BCP-47), 'fra' (ISO 639-2) and 'fr' all name French."""
    return primary(language)


def _abbreviations(language: str) -> frozenset[str]:
    return _ABBREVIATIONS.get(primary_language(language), _ABBREVIATIONS["en"])


def _ends_with_abbreviation(before: str, abbreviations: frozenset[str],
                            ordinals: bool = False, after: str | None = None) -> bool:
    """``after`` (the text past the stop, English only) lets a sentence end at an
    abbreviation or a single letter when a word that opens sentences follows."""
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip("\"'([").rstrip(".").lower()
    if not word:
        return False
    if after is not None and word not in _TITLES_EN:
        if word == "i" and _pronoun_i(before, after):
            return False
        following = _NEXT_WORD.match(after)
        if following and following.group(1) in OPENERS_EN and following.group(1) != "A":
            return False
        if word in _NUMBERING_EN and not (following and following.group(1).isdigit()):
            return False
    if ordinals and word.isdigit() and len(word) <= 2:
        return True
    # Single letters ("J. R. R. Tolkien") and dotted initials ("T.S. Eliot") are not ends.
    return word in abbreviations or (len(word) == 1 and word.isalpha()) \
        or bool(_INITIALS.match(word))


def _pronoun_i(before: str, after: str) -> bool:
    """ "“One word,” said I. “Have you been time travelling?”": the pronoun, not an
    initial, unless another initial follows ("by I. A. Richards")."""
    return bool(_PRONOUN_I.search(before[-30:].rstrip())) and not _INITIAL_NEXT.match(after)


def ends_with_abbreviation(before: str, language: str = "en", after: str | None = None) -> bool:
    """The text ``before`` a full stop ends with a word the splitter does not end a
    sentence at ("No", "Mr", an initial); ``after`` is the text past the stop."""
    english = primary_language(language) == "en"
    return _ends_with_abbreviation(before, _abbreviations(language),
                                   after=after if english else None)


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Split one paragraph into sentences; joining them with spaces gives it back.

    ``language`` may be a Piper name ("fr_FR") or a BCP-47 tag ("fr-FR", "fr").
    A quote closed after a space (French « Bonjour. », normalised to " Bonjour. ")
    stays with its sentence: a double quote met while one is open closes it.
    """
    code = primary_language(language)
    abbreviations = _abbreviations(code)
    ordinals = code in _ORDINAL_STOPS
    english = code == "en"
    boundary = _BOUNDARY_EL if code in _QUESTION_SEMICOLON else _BOUNDARY
    sentences: list[str] = []
    start = counted = quotes = 0
    for match in boundary.finditer(paragraph):
        if match.start() < start:  # inside a spaced closing quote already taken
            continue
        end = match.end()
        single_stop = match.group().startswith(".") and len(match.group().rstrip(_CLOSERS)) == 1
        if single_stop and _ends_with_abbreviation(paragraph[start : match.start()],
                                                   abbreviations, ordinals,
                                                   paragraph[end:] if english else None):
            continue
        quotes += paragraph.count('"', counted, end)
        counted = end
        if quotes % 2:  # a quote is open: does it close after a space?
            closing = _SPACED_CLOSE.match(paragraph, end)
            if closing:
                end = counted = closing.end()
                quotes += 1
        rest = paragraph[end:].lstrip()
        # "he said. and then" — a lower-case continuation is not a new sentence.
        if rest[:1].islower():
            continue
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_long(sentence: str, limit: int) -> list[str]:
    """Cut a sentence longer than ``limit`` at clause marks, else at spaces, else hard."""
    if len(sentence) <= limit:
        return [sentence]
    for pattern, joiner in _CUTS:
        pieces = re.split(pattern, sentence)
        if len(pieces) > 1:
            return _pack(pieces, limit, joiner)
    return [sentence[i : i + limit] for i in range(0, len(sentence), limit)]


_CUTS = ((r"(?<=[;:])\s+", " "), (r"(?<=,)\s+", " "), (r"\s+", " "),
         (r"(?<=[\u3001\uff0c\uff1b])", ""))  # after a CJK comma: no space to put back


def _pack(pieces: list[str], limit: int, joiner: str = " ") -> list[str]:
    out: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        if len(piece) > limit:
            out.extend(split_long(piece, limit))
            current = ""
        else:
            current = piece
    if current:
        out.append(current)
    return out
