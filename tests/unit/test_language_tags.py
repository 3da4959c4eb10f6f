"""Language tags are read one way everywhere (issue 23, finding 3): a book tagged ``eng``,
``fra`` or ``und``, a Chinese book for XTTS's ``zh-cn``, ``pt_BR`` in the catalogue."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from e2a_desktop import cli, voicecmd
from e2a_desktop.convert import default_voice
from e2a_desktop.ebook.language import book_language
from e2a_desktop.errors import E2AError
from e2a_node.engines import VoiceInfo
from e2a_node.language_tags import best_match, normalize, primary, region
from e2a_node.voices import ModelStore

XTTS_LANGUAGES = ["en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar",
                  "zh-cn", "hu", "ko", "ja", "hi"]


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "en"), ("EN", "en"), ("eng", "en"), ("en_US", "en-US"), ("en-gb", "en-GB"),
    ("fra", "fr"), ("fre", "fr"), ("ger", "de"), ("deu-AT", "de-AT"), ("zho", "zh"),
    ("zh-hans", "zh-Hans"), ("zh_Hant_TW", "zh-Hant-TW"), ("pt_br", "pt-BR"),
    ("es-419", "es-419"), ("iw", "he"), ("und", ""), ("UND", ""), ("mul", ""), ("", ""),
    ("  ", ""), ("123", ""), ("fr-x-private!", "fr-x"),
])
def test_tags_are_normalised_to_bcp47(tag: str, expected: str) -> None:
    assert normalize(tag) == expected


def test_the_language_and_region_read_the_same_whatever_the_spelling() -> None:
    assert {primary(t) for t in ("fr", "fra", "fre", "fr_FR", "fr-CA", "FR")} == {"fr"}
    assert region("pt_BR") == region("pt-br") == "BR"
    assert region("zh-Hans") == "CN" and region("zh-Hant") == "TW" and region("fr") == ""


def test_an_engine_gets_its_own_spelling_of_the_books_language() -> None:
    assert best_match("zh", XTTS_LANGUAGES) == "zh-cn"
    assert best_match("zh-Hans", XTTS_LANGUAGES) == "zh-cn"
    assert best_match("zho", XTTS_LANGUAGES) == "zh-cn"
    assert best_match("pt-BR", XTTS_LANGUAGES) == "pt"
    assert best_match("fra", XTTS_LANGUAGES) == "fr"
    assert best_match("sv", XTTS_LANGUAGES) is None
    assert best_match("pt", ["pt_BR", "pt_PT"]) == "pt_PT"  # a bare tag: its home region
    assert best_match("pt-BR", ["pt_PT", "pt_BR"]) == "pt_BR"
    assert best_match("und", XTTS_LANGUAGES) is None


FRENCH_TEXT = ["Le vieux gardien montait l'escalier lentement, une marche après l'autre, "
               "et personne ne lui avait demandé de rester. Il resta pourtant chaque soir "
               "dans la tour, avec le vent et la mer pour seuls compagnons de sa vie."]


def test_a_book_tagged_in_iso_639_2_or_und_gets_its_real_language() -> None:
    assert book_language("eng", []) == ("en", False)
    assert book_language("fra", FRENCH_TEXT) == ("fr", False)
    assert book_language("und", FRENCH_TEXT) == ("fr", True)  # nobody knew: the text says


JOE = VoiceInfo("piper", "en_US-joe-medium", "en_US")


def test_an_eng_tagged_book_is_read_by_the_english_voice() -> None:
    """It was refused: "the book is in 'eng' and no voice for it" with joe installed."""
    language, _ = book_language("eng", [])
    assert default_voice(language, [JOE]) == JOE


def _xtts_installed(voices_dir: Path, name: str = "tts_models--multilingual--x--xtts-tiny"
                    ) -> None:
    folder = voices_dir / "coqui" / name
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model": "xtts",
                                                   "languages": XTTS_LANGUAGES}))


def test_voices_for_a_language_lists_an_installed_multilingual_model(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _xtts_installed(data_dir / "voices")
    for language in ("ja", "fr", "zh-CN"):
        assert cli.main(["voices", "--language", language]) == 0
        assert "coqui:tts_models/multilingual/x/xtts-tiny" in capsys.readouterr().out


@pytest.mark.parametrize("language", ["zh-cn", "zh", "pt_BR", "ja"])
def test_the_catalogue_offers_xtts_for_regional_tags(
        data_dir: Path, capsys: pytest.CaptureFixture[str], language: str) -> None:
    assert cli.main(["voices", "--available", "--language", language]) == 0
    assert "coqui:xtts_v2\t" in capsys.readouterr().out


def test_no_piper_voice_names_the_multilingual_model_that_speaks_it(data_dir: Path) -> None:
    message = voicecmd.no_voice_message("ja", ModelStore(data_dir / "voices"))
    assert "e2a voices --download xtts_v2" in message
    assert "--engine coqui --model xtts_v2" in message


def _args(**given: object) -> argparse.Namespace:
    defaults: dict[str, object] = {"voice": None, "model": None, "engine": None,
                                   "language": None, "voice_sample": None}
    return argparse.Namespace(**{**defaults, **given})


def test_the_name_voices_prints_is_a_voice_convert_takes(data_dir: Path) -> None:
    """`--voice coqui:NAME` (as `e2a voices` prints it) failed with "speaks 'multi'"."""
    voices = data_dir / "voices"
    _xtts_installed(voices)
    sample = data_dir / "sample.wav"
    voice, language, _ = voicecmd.choose_for_convert(
        _args(voice="coqui:tts_models/multilingual/x/xtts-tiny", voice_sample=sample),
        voices, "zh")
    assert voice.engine == "coqui" and language == "zh"
    assert best_match(language, voice.languages) == "zh-cn"
    with pytest.raises(E2AError, match="does not speak 'sv'"):
        voicecmd.choose_for_convert(
            _args(voice="coqui:tts_models/multilingual/x/xtts-tiny", voice_sample=sample),
            voices, "sv")
