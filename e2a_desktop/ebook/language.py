"""Guess a book's language from its text when its metadata does not say.

The language picks the default voice, so a French EPUB without ``dc:language``
must not be read by the English voice. The guess is deliberately small and pure
(no model, no package): the writing system settles most languages outright
(Greek, Hebrew, Thai, Hangul …); within a shared script (Latin, Cyrillic,
Arabic, Devanagari) the most frequent function words of each language are
counted on a bounded sample, so the cost does not grow with the book.
It answers "" rather than guess when the text is short or two languages score
alike (Danish and Norwegian share most of their small words).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from e2a_node.language_tags import normalize

SAMPLE_CHARS = 40_000
"""How much of the book is looked at: plenty for a confident answer, cheap on any book."""

MIN_WORDS = 15
MIN_LETTERS = 40
"""Below these there is too little text to tell (a title page, a caption)."""

MARGIN = 1.3
"""The winner must outscore the runner-up by this factor, or the answer is ""."""

MIN_SHARE = 0.08
"""Weighted share of the words that must be the winner's function words."""

DEFAULT_LANGUAGE = "en"
"""What a book is taken to be in when neither metadata nor text says: today's behaviour."""

# Scripts whose letters name one language (the Unicode block → BCP-47 primary code).
_SINGLE_SCRIPTS: dict[str, tuple[str, str]] = {
    "greek": ("\u0370-\u03ff\u1f00-\u1fff", "el"),
    "hebrew": ("\u0590-\u05ff", "he"),
    "hangul": ("\u1100-\u11ff\u3130-\u318f\uac00-\ud7af", "ko"),
    "thai": ("\u0e00-\u0e7f", "th"),
    "georgian": ("\u10a0-\u10ff", "ka"),
    "armenian": ("\u0530-\u058f", "hy"),
    "bengali": ("\u0980-\u09ff", "bn"),
    "gurmukhi": ("\u0a00-\u0a7f", "pa"),
    "gujarati": ("\u0a80-\u0aff", "gu"),
    "tamil": ("\u0b80-\u0bff", "ta"),
    "telugu": ("\u0c00-\u0c7f", "te"),
    "kannada": ("\u0c80-\u0cff", "kn"),
    "malayalam": ("\u0d00-\u0d7f", "ml"),
    "sinhala": ("\u0d80-\u0dff", "si"),
    "lao": ("\u0e80-\u0eff", "lo"),
    "myanmar": ("\u1000-\u109f", "my"),
    "khmer": ("\u1780-\u17ff", "km"),
    "ethiopic": ("\u1200-\u137f", "am"),
}
_SHARED_SCRIPTS: dict[str, str] = {
    "latin": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff",
    "cyrillic": "\u0400-\u04ff",
    "arabic": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff",
    "devanagari": "\u0900-\u097f",
    "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "kana": "\u3040-\u30ff\u31f0-\u31ff",
}
_SCRIPT_RE = {name: re.compile(f"[{chars}]") for name, (chars, _) in _SINGLE_SCRIPTS.items()}
_SCRIPT_RE.update({name: re.compile(f"[{chars}]") for name, chars in _SHARED_SCRIPTS.items()})

# Letters plus the combining marks of Indic and Arabic words (str.isalpha says no to them).
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0900-\u0dff])+")

_FUNCTION_WORDS: dict[str, dict[str, str]] = {
    "latin": {
        "en": "the and of to a in is that it was he for on with as his her she you i had at be "
              "not but they have this from by which were we would said there an my me what all",
        "fr": "le la les de des du un une et est il elle je ne pas que qui dans pour sur au aux "
              "avec se son sa ses ce cette mais lui nous vous ils était avait comme plus l d qu "
              "c n s j on y",
        "de": "der die das und ist nicht ein eine zu den dem des mit sich auf er sie es ich war "
              "von auch im als aber wie noch wenn nach hatte so nur dass wir ihr sein bei",
        "es": "el la los las de del y que en un una es no se por con para su al lo como pero "
              "más le me sus ya fue era muy sin sobre cuando también porque él ella está hay",
        "it": "il lo la gli le di del della che e è un una non per in con si da dei nel nella "
              "alla ma come più era sono questo anche ha aveva mi ci se quando perché l un",
        "pt": "o a os as de do da dos das que e é um uma não em no na nos com para por se mas "
              "como mais ele ela foi era seu sua ao à isso muito também está lhe",
        "nl": "de het een en van is niet dat die in te op met hij zij ze ik was voor zijn aan er "
              "maar om ook als dan bij nog naar heeft had wat werd wel uit geen",
        "sv": "och att det som en ett är i på av för med till den inte han hon jag var har de "
              "om men så sig vi från kan skulle hade eller när också mycket efter nu bara då",
        "da": "og at det er en et i på af for med til den ikke han hun jeg var har de om men så "
              "sig vi fra kan skulle havde eller når også meget efter nu blev mig dig hvad noget",
        "no": "og at det er en et i på av for med til den ikke han hun jeg var har de om men så "
              "seg vi fra kan skulle hadde eller når også mye etter nå ble meg deg hva noe",
        "fi": "ja on ei se että hän oli en mutta kun niin kuin tai ovat olla myös vain jo nyt "
              "sen hänen minä sinä me te he joka mitä tämä siitä ole sitten vielä kanssa ollut",
        "pl": "i w nie na się z że do to jest jak a o co ale po tak jego od za go już tylko być "
              "jej był była mnie przez dla gdy czy tym jeszcze tego",
        "cs": "a je se v na to že s z do o jako ale by jsem jsou byl byla tak pro jeho už jen "
              "když nebo také není od po který která což mi si ve aby ho ten bylo měl ještě až než "
              "kde tam jeden nic nikdy protože tom kam jsem jsi",
        "sk": "a je sa v na to že s z do o ako ale by som sú bol bola tak pre jeho už len keď "
              "alebo tiež nie od po ktorý ktorá čo mi si vo aby ho ten bolo mal ešte až než kde "
              "tam jeden nič nikdy pretože tom kam",
        "hu": "a az és hogy nem is egy meg de van volt csak már mint még ez azt ki el sem ha "
              "vagy mert pedig nagyon lesz után amikor minden ezt neki",
        "ro": "și în de la a cu nu că pe o un este se din care mai dar sau pentru fost era ce "
              "el ea lui ei sunt am fi când foarte acest această",
        "tr": "ve bir bu da de ne için ile çok o ben sen ama gibi daha var yok değil kadar "
              "sonra her şey olarak diye onu bana mi mı şimdi en",
        "ca": "el la els les de del i que en un una és no es per amb com però més al als va "
              "seu seva hi ho jo ell ella molt també perquè quan aquest aquesta sense li havia "
              "fins cap on d l s em ens",
        "vi": "và của là có không những một các được cho người trong này đã với đó khi thì "
              "cũng như anh tôi ra lại đến để mà nhưng vào rất",
        "id": "yang dan di itu dengan untuk tidak ini dari dalam akan pada juga saya ke karena "
              "ada bisa mereka kami sudah atau tetapi lebih seperti hanya kita dia telah oleh",
        "sl": "in je se na da v za pa ki so z ne bi s tudi kot še ali sem bil bila že po iz do "
              "to ga mu jih ker samo kaj",
        "sr": "i u je da se na su za od sa ne to kao ali iz bi što koji koja ili samo još već "
              "bio bila sam ga mu kad",
        "lv": "un ir ka no uz ar par kas bet vai to tas arī bija viņš viņa es tu mēs jūs kā "
              "nav pie lai vēl tikai jau kad ko būt",
        "is": "og að í á er sem það ekki var hann hún ég við til með um en af þá sig hafði "
              "þegar eða þess frá voru hafa sér mér",
        "cy": "y yr a ac o i yn ei mae roedd wedi gyda ar am ond fel hi ef nid dim oedd bod "
              "hyn ni chi eu fy gan",
        "sw": "na ya wa kwa ni za la katika kuwa hii au yake lakini kama hiyo hakuna sana "
              "mimi wewe yeye sisi wao pia kwamba hata",
    },
    "cyrillic": {
        "ru": "и в не на что он с как я это она но его к по был была так же от из за то все у "
              "мы вы они было бы её ещё только",
        "uk": "і в не на що він з як я це вона але його до по був була так же від за то все у "
              "ми ви вони було б й та її ще тільки",
        "bg": "и в не на че той с като аз това тя но го за по беше да се от са е ще си му ли "
              "още само",
        "sr": "и у не на да је он са као ја то она али за по био била се од су из ће још што "
              "само",
        "kk": "және бұл мен деп да де бір оның сол ол емес үшін ол бар еді болды",
    },
    "devanagari": {
        "hi": "है के में की और से को का यह था नहीं पर भी हैं एक वह कि थे",
        "ne": "छ र को मा हो लाई पनि यो त्यो गर्न भएको छन् थियो एक कि",
        "mr": "आहे आणि या व ते की हे होते नाही मी त्या आला",
    },
}
_WORD_SETS = {script: {lang: frozenset(words.split()) for lang, words in langs.items()}
              for script, langs in _FUNCTION_WORDS.items()}


def _weights(sets: dict[str, frozenset[str]]) -> dict[str, float]:
    """A word shared by n languages counts 1/n: "de" says little, "het" says Dutch."""
    counts = Counter(word for words in sets.values() for word in words)
    return {word: 1.0 / n for word, n in counts.items()}


_WEIGHTS = {script: _weights(sets) for script, sets in _WORD_SETS.items()}


def sample_of(texts: Iterable[str], limit: int = SAMPLE_CHARS) -> str:
    """The first ``limit`` characters of the texts: detection never reads a whole book."""
    parts: list[str] = []
    left = limit
    for text in texts:
        if left <= 0:
            break
        parts.append(text[:left])
        left -= len(parts[-1]) + 1
    return "\n".join(parts)


def detect_language(text: str) -> str:
    """The BCP-47 primary language code of ``text`` ("fr", "ja" …), or "" when unsure."""
    sample = unicodedata.normalize("NFC", text[:SAMPLE_CHARS])
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPT_RE.items()}
    script = max(counts, key=lambda name: counts[name])
    if script in ("han", "kana"):
        cjk = counts["han"] + counts["kana"]
        if cjk < MIN_LETTERS // 4:  # a CJK character carries a word's worth of meaning
            return ""
        return "ja" if counts["kana"] >= 0.05 * cjk else "zh"
    if counts[script] < MIN_LETTERS:
        return ""
    if script in _SINGLE_SCRIPTS:
        return _SINGLE_SCRIPTS[script][1]
    if script == "arabic":
        return _arabic_language(sample)
    return _by_function_words(script, sample)


def _arabic_language(sample: str) -> str:
    """Urdu and Persian write with extra letters (ٹ ڈ ڑ ں ے; پ چ ژ گ and their own ک ی)."""
    urdu = len(re.findall("[\u0679\u0688\u0691\u06ba\u06d2]", sample))
    persian = len(re.findall("[\u067e\u0686\u0698\u06af\u06a9\u06cc]", sample))
    arabic = len(re.findall("[\u0643\u064a\u0629]", sample))  # ك ي ة
    letters = len(_SCRIPT_RE["arabic"].findall(sample))
    if urdu > 0.01 * letters:
        return "ur"
    return "fa" if persian > arabic else "ar"


def _by_function_words(script: str, sample: str) -> str:
    words = Counter(w.lower() for w in _WORD.findall(sample)
                    if _SCRIPT_RE[script].match(w))
    total = sum(words.values())
    if total < MIN_WORDS:
        return ""
    weights = _WEIGHTS[script]
    scores = sorted(((sum(words[w] * weights[w] for w in vocabulary) / total, lang)
                     for lang, vocabulary in _WORD_SETS[script].items()), reverse=True)
    (best, language), (second, _) = scores[0], scores[1]
    if best < MIN_SHARE or best < MARGIN * second:
        return ""
    return language


def book_language(declared: str, texts: Iterable[str]) -> tuple[str, bool]:
    """The language a book is read in, and whether it was detected from the text.

    The book's own metadata wins; without it the text decides; when the text cannot
    (too short, too mixed) the book is taken to be English, as before detection.
    """
    tag = normalize(declared)  # 'eng' → 'en'; 'und' (nobody knew) → '': the text decides
    if tag:
        return tag, False
    found = detect_language(sample_of(texts))
    return (found, True) if found else (DEFAULT_LANGUAGE, False)
