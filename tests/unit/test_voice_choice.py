"""Which voice reads a book when none is named, and which one to download when none can."""

from __future__ import annotations

from e2a_desktop.convert import default_voice, language_warning
from e2a_desktop.voicecmd import suggest_download
from e2a_node.engines import VoiceInfo
from e2a_node.settings import EngineSettings
from e2a_node.voices import load_catalogue

JOE = VoiceInfo("piper", "en_US-joe-medium", "en_US")
ALAN = VoiceInfo("piper", "en_GB-alan-medium", "en_GB")
SIWIS = VoiceInfo("piper", "fr_FR-siwis-medium", "fr_FR")
QUEBEC = VoiceInfo("piper", "fr_CA-x-medium", "fr_CA")
VITS_FR = VoiceInfo("coqui", "tts_models/fr/css10/vits", "fr")
XTTS = VoiceInfo("coqui", "xtts_v2", "multi", languages=("en", "fr"))
ALL = [ALAN, JOE, QUEBEC, SIWIS, VITS_FR, XTTS]


def test_the_book_language_picks_an_installed_voice() -> None:
    assert default_voice("fr", ALL) == SIWIS
    assert default_voice("fr-CA", ALL) == QUEBEC
    assert default_voice("fr_FR", ALL) == SIWIS
    assert default_voice("en", ALL) == JOE  # the bundled voice first among equals
    assert default_voice("en-GB", ALL) == ALAN  # the book's region wins
    assert default_voice("fr", [VITS_FR, XTTS]) == VITS_FR  # piper first, never multilingual
    assert default_voice("de", ALL) is None
    assert default_voice("", ALL) == JOE  # unknown language: the bundled voice


def test_the_download_suggestion_is_the_regions_medium_voice() -> None:
    entries = load_catalogue(None).entries
    assert suggest_download("fr", entries) == "fr_FR-siwis-medium"
    assert suggest_download("de-DE", entries) == "de_DE-thorsten-medium"
    assert suggest_download("pt_BR", entries) == "pt_BR-faber-medium"
    assert suggest_download("xx", entries) is None


def test_a_mismatch_warning_names_both_languages() -> None:
    warning = language_warning("fr", EngineSettings(voice="en_US-joe-medium", language="en_US"))
    assert warning is not None and "'fr'" in warning and "'en_US'" in warning
    assert language_warning("fr", EngineSettings(voice="x", language="fr_FR")) is None
