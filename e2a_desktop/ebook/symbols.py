"""Per-language words for symbols that carry meaning (°, %, §, fractions).

A voice given "30°" says "30" (the symbol is dropped as unspeakable), so the
normaliser spells such symbols out first, in the book's language. Add a language
by adding a table; a language without one keeps the English table's structure
but leaves the symbols for its voice (better than English words in French speech).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SymbolWords:
    """How one language says the symbols the normaliser spells out."""

    degree: str
    minute: str
    second: str
    percent: str
    section: str
    sections: str
    copyright: str
    celsius: str
    fahrenheit: str
    over: str
    fractions: dict[int, tuple[str, str]] = field(default_factory=dict)  # den: (one, many)
    numbers: tuple[str, ...] = ()  # 0..10 in words, for "two thirds"
    numbered: tuple[str, ...] = ()  # words a Roman numeral follows in a heading ("Chapter XII")
    times: str = ""  # "3 × 4"; "" leaves the sign to the voice
    arrow: str = ""  # "→" in running text ("London → Paris")
    yields: str = ""  # "→" in a formula ("2H2 + O2 ⟶ 2H2O")
    singular: dict[str, str] = field(default_factory=dict)  # "degrees": "degree"
    singular_below_two: bool = False  # French: "1,5 degré", English: "1.5 degrees"

    def counted(self, count: str, word: str) -> str:
        """ "1", "degrees" → "1 degree": the unit after a count, singular where the
        language says it so ("one degrees" was heard in "1° colder")."""
        try:
            value = float(count.replace(",", "."))
        except ValueError:
            return f"{count} {word}"
        one = value < 2 if self.singular_below_two else value == 1 and count.isdigit()
        return f"{count} {self.singular.get(word, word) if one else word}"


ENGLISH = SymbolWords(
    degree="degrees", minute="minutes", second="seconds", percent="percent",
    section="section", sections="sections", copyright="copyright", celsius="Celsius",
    fahrenheit="Fahrenheit", over="over",
    fractions={2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"),
               5: ("fifth", "fifths"), 6: ("sixth", "sixths"), 7: ("seventh", "sevenths"),
               8: ("eighth", "eighths"), 9: ("ninth", "ninths"), 10: ("tenth", "tenths"),
               16: ("sixteenth", "sixteenths"), 100: ("hundredth", "hundredths")},
    numbers=("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten"),
    numbered=("chapter", "part", "book", "volume", "section", "act", "scene", "canto", "letter",
              "stave", "appendix", "lecture", "lesson"),
    times="times", arrow="to", yields="gives",
    singular={"degrees": "degree", "minutes": "minute", "seconds": "second"},
)
FRENCH = SymbolWords(
    degree="degrés", minute="minutes", second="secondes", percent="pour cent",
    section="paragraphe", sections="paragraphes", copyright="copyright", celsius="Celsius",
    fahrenheit="Fahrenheit", over="sur",
    fractions={2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts")},
    numbers=("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
             "dix"),
    numbered=("chapitre", "partie", "livre", "tome", "acte", "scène", "lettre", "section"),
    times="fois", arrow="vers", yields="donne",
    singular={"degrés": "degré", "minutes": "minute", "secondes": "seconde"},
    singular_below_two=True,
)
GERMAN = SymbolWords(
    degree="Grad", minute="Minuten", second="Sekunden", percent="Prozent",
    section="Paragraf", sections="Paragrafen", copyright="Copyright", celsius="Celsius",
    fahrenheit="Fahrenheit", over="durch",
    fractions={2: ("halb", "halbe"), 3: ("Drittel", "Drittel"), 4: ("Viertel", "Viertel")},
    numbers=("null", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
             "zehn"),
    numbered=("kapitel", "teil", "buch", "band", "akt", "szene", "brief", "abschnitt"),
    times="mal", arrow="nach", yields="ergibt",
    singular={"Minuten": "Minute", "Sekunden": "Sekunde"},
)
_TABLES = {"en": ENGLISH, "fr": FRENCH, "de": GERMAN}


def symbol_words(language: str) -> SymbolWords | None:
    """The table for a language code ("en-GB" → English); None where there is none yet."""
    return _TABLES.get(language.split("-")[0].split("_")[0].lower())


def fraction_words(numerator: int, denominator: int, words: SymbolWords) -> str:
    """ "2", "3" → "two thirds"; unknown denominators → "2 over 3"."""
    names = words.fractions.get(denominator)
    if names is None or numerator <= 0:
        return f"{numerator} {words.over} {denominator}"
    count = words.numbers[numerator] if numerator < len(words.numbers) else str(numerator)
    return f"{count} {names[0] if numerator == 1 else names[1]}"


_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_VALID_ROMAN = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")


def roman_to_int(numeral: str) -> int | None:
    """ "XII" → 12; None for anything that is not a well-formed Roman numeral."""
    if not numeral or not _VALID_ROMAN.match(numeral):
        return None
    values = [_ROMAN_DIGITS[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v
               for i, v in enumerate(values))


GREEK_NAMES = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda",
    "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
"""Single Greek letters (variables, not Greek words) said by name in English text."""
