"""XTTS-v2's cloning path (reference latents, language, limits) with a tiny random XTTS.

XTTS weights cannot be had offline, so the model here has XTTS's architecture with a
one-layer GPT, a character vocabulary and random weights: it babbles, but every step
the real model takes runs (tokenizer, conditioning on the reference, GPT, HiFi-GAN).
"""

from __future__ import annotations

import json
import warnings
import wave
from pathlib import Path

import numpy as np
import pytest

from e2a_desktop.job import STORE_NAME
from e2a_desktop.store import JobStore
from e2a_node.engines.coqui import CoquiEngine
from e2a_node.errors import VoiceError
from e2a_node.settings import EngineSettings
from e2a_node.voices.samples import store_sample
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body
from tests.integration.cli_runner import e2a

pytest.importorskip("TTS.api", reason="the coqui extra is not installed")
pytestmark = pytest.mark.slow

NAME = "xtts-tiny"
CHARS = "abcdefghijklmnopqrstuvwxyzàâçéèêëîïôûùüÿœæ'.,;:!?-"


def build_tiny_xtts(folder: Path) -> Path:
    """XTTS's architecture, shrunk, with random weights; saved as XTTS-v2 ships."""
    import torch
    from tokenizers import Tokenizer, models
    from TTS.tts.configs.xtts_config import XttsConfig
    from TTS.tts.models.xtts import Xtts, XttsArgs, XttsAudioConfig

    folder.mkdir(parents=True, exist_ok=True)
    special = ["[STOP]", "[UNK]", "[SPACE]", "[START]", "[en]", "[fr]"]
    vocab = {token: i for i, token in enumerate(special + list(CHARS))}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="[UNK]"))
    tokenizer.add_special_tokens(special)
    tokenizer.save(str(folder / "vocab.json"))
    args = XttsArgs(gpt_layers=1, gpt_n_model_channels=32, gpt_n_heads=2,
                    gpt_max_audio_tokens=90, gpt_max_text_tokens=402,
                    gpt_max_prompt_tokens=70, gpt_num_audio_tokens=64,
                    gpt_start_audio_token=62, gpt_stop_audio_token=63,
                    gpt_use_perceiver_resampler=True, decoder_input_dim=32, d_vector_dim=512,
                    tokenizer_file=str(folder / "vocab.json"), gpt_code_stride_len=1024,
                    output_sample_rate=24000)
    config = XttsConfig(model_args=args, languages=["en", "fr"],
                        audio=XttsAudioConfig(output_sample_rate=24000))
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Xtts(config)
        model.tokenizer.__init__(vocab_file=str(folder / "vocab.json"))  # type: ignore[misc]
        model.init_models()
    # Never draw the stop token: each call then speaks its whole ~4 s, a plausible length
    # for a sentence, whatever the random weights would say.
    with torch.no_grad():
        model.gpt.mel_head.bias[args.gpt_stop_audio_token] = -1e4
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder


def reference_wav(path: Path, seconds: float = 4.0, rate: int = 22050) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    tone = (6000 * np.sin(2 * np.pi * 180 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(tone.tobytes())
    return path


@pytest.fixture(scope="module")
def tiny_xtts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_xtts(tmp_path_factory.mktemp("xtts") / NAME)


@pytest.fixture
def voices(tiny_xtts: Path, data_dir: Path) -> Path:
    folder = data_dir / "voices" / "coqui" / NAME
    folder.parent.mkdir(parents=True)
    folder.symlink_to(tiny_xtts, target_is_directory=True)
    return data_dir / "voices"


def test_xtts_clones_the_reference_in_the_asked_language(voices: Path, tmp_path: Path) -> None:
    sample = store_sample(reference_wav(tmp_path / "me.wav"), voices)
    (info,) = CoquiEngine.list_voices(voices)
    assert (info.language, info.languages, info.sample_rate) == ("multi", ("en", "fr"), 24000)
    engine = CoquiEngine(voices)
    engine.load(EngineSettings(engine="coqui", voice=NAME, model=NAME, language="fr",
                               reference_voice=sample))
    assert engine.max_chars == 273 and engine.sample_rate == 24000  # French's XTTS limit
    speech = engine.speak("Bonjour, je suis une voix de test.")
    assert speech.sample_rate == 24000 and len(speech.samples) > 0
    with pytest.raises(VoiceError, match="does not speak 'de' \\(it speaks en, fr\\)"):
        engine.load(EngineSettings(engine="coqui", voice=NAME, model=NAME, language="de",
                                   reference_voice=sample))
    with pytest.raises(VoiceError, match="XTTS needs a voice sample"):
        engine.load(EngineSettings(engine="coqui", voice=NAME, model=NAME, language="fr"))


def test_another_take_of_a_refused_unit_sounds_different(voices: Path, tmp_path: Path) -> None:
    """XTTS samples: a take of a text sounds the same on every PC, and a re-render the
    audio check asked for is another take, not the babble it refused played again."""
    from e2a_node.render import render_unit
    from e2a_node.settings import PauseSettings

    sample = store_sample(reference_wav(tmp_path / "me.wav"), voices)
    engine = CoquiEngine(voices)
    engine.load(EngineSettings(engine="coqui", voice=NAME, model=NAME, language="en",
                               reference_voice=sample))
    text = ["The keeper climbed the stairs."]

    def spoken(take: int) -> np.ndarray:
        return render_unit(engine, text, [False], PauseSettings(), take=take).samples

    first = spoken(0)
    assert np.array_equal(first, spoken(0))  # the same take: the same audio anywhere
    again = spoken(1)
    assert len(again) != len(first) or not np.array_equal(again, first)


def test_convert_with_a_voice_sample(voices: Path, tmp_path: Path, data_dir: Path) -> None:
    book = build_epub(EpubSpec(docs=[Doc("c1.xhtml", chapter_body("One", [
        "The keeper climbed the stairs slowly, one step at a time.",
        "Every evening he wiped the salt from the windows."]), "One")]),
        tmp_path / "short.epub")
    base = ["convert", str(book), "--engine", "coqui", "--model", NAME, "--no-farm",
            "-o", str(tmp_path / "x.m4b")]
    missing = e2a(*base)
    assert missing.returncode == 2 and "--voice-sample FILE.wav" in missing.stderr
    short = e2a(*base, "--voice-sample", str(reference_wav(tmp_path / "s.wav", 1.0)))
    assert short.returncode == 2 and "s.wav: the voice sample is 1.0 s long" in short.stderr
    out = e2a(*base, "--voice-sample", str(reference_wav(tmp_path / "me.wav")))
    assert out.returncode == 0, out.stderr
    (store_file,) = data_dir.glob(f"jobs/*/{STORE_NAME}")
    engine = json.loads(JobStore(store_file).meta()["settings"])["engine"]
    assert engine["language"] == "en" and len(engine["reference_voice"]) == 64
    assert (voices / "samples" / f"{engine['reference_voice']}.wav").is_file()


def test_a_lan_node_clones_the_jobs_voice_with_xtts(voices: Path, tiny_xtts: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the farm: the node has the model but not the recording; it fetches the
    recording, speaks with the real XTTS path, and its 24 kHz audio is accepted.

    A model of random weights speaks noise, which the coordinator's speech judge rightly
    refuses from a LAN node; the judge is tested on real speech and noise elsewhere
    (test_audio_judge.py, test_noise_refused.py), so here it hears everything as speech."""
    from e2a_desktop.audio.judge import Verdict
    from e2a_desktop.farm import uploads

    monkeypatch.setattr(uploads, "judge", lambda *_args, **_kw: Verdict(None))
    from e2a_desktop.config import AppPaths
    from e2a_desktop.events import UnitFinished
    from e2a_node.voices.samples import sample_path
    from tests.helpers.lan_farm import convert_on_one_lan_node

    sample = store_sample(reference_wav(tmp_path / "me.wav"), voices)
    assert voices == AppPaths.load().voices_dir
    book = tmp_path / "book.txt"
    book.write_text("A Book\n\nChapter 1\n\nThe keeper climbed the stairs. He wiped the "
                    "salt from the windows.\n", encoding="utf-8")
    node_data = tmp_path / "node"
    (node_data / "voices" / "coqui").mkdir(parents=True)
    (node_data / "voices" / "coqui" / NAME).symlink_to(tiny_xtts, target_is_directory=True)
    voice = EngineSettings(engine="coqui", voice=NAME, model=NAME, language="en",
                           reference_voice=sample)
    seen, node = convert_on_one_lan_node(book, tmp_path / "book.m4b", voice, node_data,
                                         "xtts-test-farm", timeout=300, name="gpu-less")
    assert sample_path(node_data / "voices", sample).is_file()  # fetched from the farm
    accepted = [e for e in seen.of(UnitFinished) if e.accepted]
    assert accepted and {e.node for e in accepted} == {node}
    assert (tmp_path / "book.m4b").stat().st_size > 0
