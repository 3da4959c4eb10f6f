"""The catalogue tells the user what they may do with a model before it downloads, and
lists every voice it has (issue 23, findings 5 and 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2a_desktop import cli
from e2a_node.engines.coqui import CoquiEngine, model_name
from e2a_node.voices import load_catalogue
from e2a_node.voices.catalogue import licence_of


def test_non_commercial_and_custom_licences_must_be_accepted_open_ones_are_named() -> None:
    for text in ("CC BY-NC-ND 4.0", "cc-by-nc-4.0", "CPML", "Non-commercial research only"):
        licence = licence_of(text)
        assert licence is not None and licence.must_accept, text
        assert "NON-COMMERCIAL" in licence.summary.upper(), text
    custom = licence_of("custom - see https://github.com/dioco-group/jenny-tts-dataset#important")
    assert custom is not None and custom.must_accept
    assert custom.url == "https://github.com/dioco-group/jenny-tts-dataset#important"
    for text in ("bsd-3-clause", "apache 2.0", "CC-BY-4.0", "CC-BY-SA 4.0", "MIT"):
        licence = licence_of(text)
        assert licence is not None and not licence.must_accept and licence.name == text
    assert licence_of("") is None


def test_the_catalogues_binding_licences_are_gated() -> None:
    gated = {e.name for e in load_catalogue(None).entries
             if e.licence is not None and e.licence.must_accept}
    assert "xtts_v2" in gated
    assert "tts_models/en/vctk/fast_pitch" in gated  # CC BY-NC-ND 4.0
    assert "tts_models/en/jenny/jenny" in gated  # a licence of its own


def test_a_voice_named_beyond_ascii_is_listed_with_a_fetchable_address() -> None:
    """pt_PT-tugão-medium was silently dropped (its name is not ASCII)."""
    entry = load_catalogue(None).find("pt_PT-tugão-medium")
    assert all("tug%C3%A3o" in f.url for f in entry.files)
    assert {f.name for f in entry.files} == {"pt_PT-tugão-medium.onnx",
                                             "pt_PT-tugão-medium.onnx.json"}


def test_a_model_whose_name_holds_a_double_dash_keeps_it(tmp_path: Path) -> None:
    """tts_models/en/ljspeech/vits--neon came back as …/vits/neon, language '?'."""
    assert model_name("tts_models--en--ljspeech--vits--neon") == \
        "tts_models/en/ljspeech/vits--neon"
    folder = tmp_path / "coqui" / "tts_models--en--ljspeech--vits--neon"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model": "vits"}))
    (voice,) = CoquiEngine.list_voices(tmp_path)
    assert (voice.name, voice.language) == ("tts_models/en/ljspeech/vits--neon", "en")


def test_available_voices_name_each_licence_and_mark_the_binding_ones(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["voices", "--available", "--language", "en"]) == 0
    lines = {line.split("\t")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "licence CC BY-NC-ND 4.0 (NON-COMMERCIAL; --accept-licence)" in \
        lines["coqui:tts_models/en/vctk/fast_pitch"]
    assert lines["coqui:tts_models/en/ljspeech/vits"].endswith("\tlicence apache 2.0")
    assert "licence custom (read it first; --accept-licence)" in \
        lines["coqui:tts_models/en/jenny/jenny"]
