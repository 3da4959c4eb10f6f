"""Coqui TTS (``coqui-tts``, imported as ``TTS``): XTTS-v2 with voice cloning, VITS and more.

Models live in ``<voices dir>/coqui/NAME/`` (the model store puts them there; "/" in a
name becomes "--"), each a ``config.json`` and its checkpoint. Listing them reads only
the JSON: torch and ``TTS`` are imported by ``load``, so nothing else pays for them.
XTTS speaks with a reference recording (``reference_voice``: a sample id, see
``e2a_node.voices.samples``), read with the project's own WAV reader rather than
torchaudio's loader (which needs FFmpeg's shared libraries).
"""

from __future__ import annotations

import json
import logging
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import VoiceError
from ..language_tags import best_match
from ..settings import EngineSettings
from .base import Engine, LoadProgress, Speech, VoiceInfo
from .clauses import split_clauses

log = logging.getLogger(__name__)

XTTS_CHAR_LIMITS = {"en": 250, "de": 253, "fr": 273, "es": 239, "it": 213, "pt": 203,
                    "pl": 224, "zh": 82, "ar": 166, "cs": 186, "ru": 182, "nl": 251,
                    "tr": 226, "ja": 71, "hu": 224, "ko": 95, "hi": 150}
"""Characters XTTS-v2 speaks well in one call, by language (from its tokenizer)."""
DEFAULT_LIMIT = 250
CHECKPOINTS = ("model.pth", "model_file.pth", "best_model.pth", "checkpoint.pth")
XTTS_SETTINGS = {"temperature": 0.7, "repetition_penalty": 10.0, "top_k": 50, "top_p": 0.85}
"""Below XTTS's defaults' temperature: fewer trailing babbles and repeated words."""


def model_folder(voices_dir: Path | None, name: str) -> Path | None:
    if voices_dir is None or not name or name.startswith(".") or "\\" in name:
        return None
    folder = voices_dir / "coqui" / name.replace("/", "--")
    return folder if (folder / "config.json").is_file() else None


def model_name(folder_name: str) -> str:
    """The model a folder holds: its name with "/" stored as "--". A catalogue name has
    four parts (tts_models/LANG/DATASET/MODEL) and its last may hold "--" itself
    (``vits--neon``), so only the first three are split off."""
    if folder_name.startswith("tts_models--"):
        return "/".join(folder_name.split("--", 3))
    return folder_name.replace("--", "/")


def _config(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _is_xtts(config: dict[str, Any]) -> bool:
    return str(config.get("model", "")).lower() == "xtts"


def _languages(name: str, config: dict[str, Any]) -> tuple[str, ...]:
    listed = config.get("languages")
    if isinstance(listed, list) and listed:
        return tuple(str(x) for x in listed)
    parts = name.split("/")
    if len(parts) == 4 and parts[0] == "tts_models" and parts[1] != "multilingual":
        return (parts[1],)
    phoneme = config.get("phoneme_language")
    return (str(phoneme),) if phoneme else ()


def _rate(config: dict[str, Any]) -> int:
    audio = config.get("audio") if isinstance(config.get("audio"), dict) else {}
    assert isinstance(audio, dict)
    rate = audio.get("output_sample_rate") or audio.get("sample_rate")
    return rate if isinstance(rate, int) and rate > 0 else 22050


def char_limit(language: str) -> int:
    """The per-call limit for ``language``: XTTS's table, which other Coqui models (whose
    quality also falls on long inputs) are held to as well; 250 for languages not in it."""
    return XTTS_CHAR_LIMITS.get(language.lower().split("-")[0].split("_")[0], DEFAULT_LIMIT)


def take_seed(text: str, take: int) -> int:
    """The sampling seed of a text's ``take``: the text's own for the first (every PC says
    it alike), another for each re-render the audio check asked for."""
    return (zlib.crc32(text.encode()) + take * 0x9E3779B1) % 2**32


class CoquiEngine(Engine):
    """One Coqui model, loaded once and kept warm; speaks on CUDA, MPS or the CPU."""

    name = "coqui"

    def __init__(self, voices_dir: Path | None = None, device: str = "cpu",
                 threads: int | None = None) -> None:
        super().__init__(voices_dir, device, threads)
        self._tts: Any = None
        self._xtts: Any = None  # the XTTS model itself, when cloning
        self._latents: tuple[Any, Any] | None = None
        self._settings = EngineSettings(engine="coqui")
        self._rate = 22050
        self._limit = DEFAULT_LIMIT
        self._torch_device = "cpu"
        self._model_language = "en"
        self._speaker = ""

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        root = voices_dir / "coqui" if voices_dir else None
        if root is None or not root.is_dir():
            return []
        voices = []
        for folder in sorted(root.iterdir()):
            if folder.name.startswith(".") or not (folder / "config.json").is_file():
                continue
            name = model_name(folder.name)
            config = _config(folder)
            languages = _languages(name, config)
            language = languages[0] if len(languages) == 1 else "multi" if languages else ""
            voices.append(VoiceInfo("coqui", name, language, source=str(folder),
                                    sample_rate=_rate(config), max_chars=DEFAULT_LIMIT,
                                    max_speed=2.0, languages=languages,
                                    speakers=_speaker_names(folder, config)))
        return voices

    def load(self, settings: EngineSettings, progress: LoadProgress | None = None) -> None:
        name = settings.model or settings.voice
        folder = model_folder(self.voices_dir, name)
        if folder is None:
            raise VoiceError(f"coqui model '{name}' is not installed here; get it with "
                             f"`e2a voices --download {name}`")
        config = _config(folder)
        languages = _languages(name, config)
        language = settings.language
        spoken = best_match(language, languages) if len(languages) > 1 else language
        if spoken is None:
            raise VoiceError(f"coqui model {name} does not speak '{language}' (it speaks "
                             f"{', '.join(languages)})")
        self._model_language = spoken  # the model's own spelling: 'zh' is XTTS's 'zh-cn'
        if progress is not None:
            progress(0.0)
        torch, tts_class = _import_coqui()
        self._torch_device = _pick_device(torch, self.device)
        if self.threads and self._torch_device == "cpu":
            torch.set_num_threads(self.threads)
        checkpoint = folder if _is_xtts(config) else _checkpoint(folder)
        try:
            self._tts = tts_class(model_path=str(checkpoint),
                                  config_path=str(_config_path(folder, config)),
                                  progress_bar=False).to(self._torch_device)
        except Exception as exc:  # TTS raises many types for a bad model
            raise VoiceError(f"cannot load coqui model {name}: {exc}", folder) from None
        self._settings = settings
        self._speaker = "" if _is_xtts(config) else self._choose_speaker(name, settings.speaker)
        self._rate = int(self._tts.synthesizer.output_sample_rate)
        self._limit = char_limit(language)
        if _is_xtts(config):
            self._prepare_xtts(settings)
        elif hasattr(self._tts.synthesizer.tts_model, "length_scale"):
            self._tts.synthesizer.tts_model.length_scale = 1.0 / settings.speed
        if progress is not None:
            progress(1.0)

    def _choose_speaker(self, name: str, asked: str) -> str:
        """The speaker a multi-speaker model reads with: the one asked for, else its first
        (the same on every node, which loads the same model). A single-voice model
        asked for a speaker says so rather than ignoring the choice."""
        speakers = [str(s) for s in (self._tts.speakers or [])] \
            if getattr(self._tts, "is_multi_speaker", False) else []
        if not speakers:
            if asked:
                raise VoiceError(f"coqui model {name} has one voice; --speaker {asked} does "
                                 "not apply to it")
            return ""
        if asked and asked not in speakers:
            shown = ", ".join(speakers[:12]) + (f" … ({len(speakers)} in all)"
                                                if len(speakers) > 12 else "")
            raise VoiceError(f"coqui model {name} has no speaker '{asked}' (it has: {shown})")
        return asked or speakers[0]

    def _prepare_xtts(self, settings: EngineSettings) -> None:
        """Conditioning latents from the reference recording, computed once per load."""
        from ..voices.samples import read_wav, sample_path

        if not settings.reference_voice or self.voices_dir is None:
            raise VoiceError("XTTS needs a voice sample to clone (--voice-sample FILE.wav)")
        path = sample_path(self.voices_dir, settings.reference_voice)
        samples, rate = read_wav(path)
        import torch
        import torchaudio

        audio = torch.from_numpy(samples.astype(np.float32) / 32768.0).unsqueeze(0)
        audio = torchaudio.functional.resample(audio, rate, 22050)[:, : 22050 * 30]
        model = self._tts.synthesizer.tts_model
        audio = audio.to(model.device)
        with torch.inference_mode():
            embedding = model.get_speaker_embedding(audio, 22050)
            latent = model.get_gpt_cond_latents(audio, 22050,
                                                length=model.config.gpt_cond_len,
                                                chunk_length=model.config.gpt_cond_chunk_len)
        self._xtts, self._latents = model, (latent, embedding)

    @property
    def max_chars(self) -> int:
        return self._limit

    @property
    def device_used(self) -> str:
        return self._torch_device

    @property
    def sample_rate(self) -> int:
        return self._rate

    def speak(self, text: str) -> Speech:
        pieces = [self._speak_safely(p) for p in split_clauses(text, self._limit)]
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
        return Speech(pcm, self._rate)

    def _speak_safely(self, text: str) -> np.ndarray:
        """Speak; a CUDA out-of-memory halves the text, then falls back to the CPU."""
        import torch

        torch.manual_seed(take_seed(text, self.take))  # the same take sounds the same anywhere
        try:
            return self._synthesize(text)
        except torch.OutOfMemoryError:
            torch.cuda.empty_cache()
            halves = split_clauses(text, max(20, len(text) // 2))
            if len(halves) > 1:
                log.warning("coqui: out of GPU memory; speaking %d characters in two parts",
                            len(text))
                return np.concatenate([self._speak_safely(h) for h in halves])
            log.warning("coqui: out of GPU memory on %d characters; moving to the CPU",
                        len(text))
            self._tts.to("cpu")
            self._torch_device = "cpu"
            return self._synthesize(text)

    def _synthesize(self, text: str) -> np.ndarray:
        import torch

        with torch.inference_mode():
            if self._xtts is not None and self._latents is not None:
                out = self._xtts.inference(text, self._model_language,
                                           *self._latents, speed=self._settings.speed,
                                           enable_text_splitting=False, **XTTS_SETTINGS)
                wav = out["wav"]
            else:
                wav = self._tts.tts(text=text, speaker=self._speaker or None,
                                    language=self._model_language
                                    if getattr(self._tts, "is_multi_lingual", False) else None,
                                    split_sentences=False)
        if isinstance(wav, torch.Tensor):
            wav = wav.detach().cpu().numpy()
        return np.asarray(wav, dtype=np.float32).reshape(-1)

    def unload(self) -> None:
        self._tts = self._xtts = self._latents = None
        try:
            import torch
        except ImportError:
            return
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


LIBRARY_LOGGERS = ("TTS", "transformers", "trainer", "fsspec", "numba")
"""Libraries under Coqui whose warnings ("Character '\"' not found in the vocabulary",
"Could not identify language from config", deprecations) are for their developers: at
the user's terminal they broke into the progress display. Kept at DEBUG level runs."""


def _quiet_library_logs() -> None:
    if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
        return
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def _import_coqui() -> tuple[Any, Any]:
    _quiet_library_logs()
    try:
        import torch
        from TTS.api import TTS
    except ImportError as exc:
        raise VoiceError(f"the coqui engine is not installed here ({exc.name} is missing); "
                         "install it with: pip install 'e2a[coqui]'") from None
    return torch, TTS


def _pick_device(torch: Any, wanted: str) -> str:
    """CUDA or MPS when asked for ("auto": whichever is here) and present; otherwise the
    CPU, with a log line when a device was asked for by name."""
    if wanted == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"
    if wanted.startswith("cuda") and torch.cuda.is_available():
        return wanted
    if wanted == "mps" and torch.backends.mps.is_available():
        return "mps"
    if wanted != "cpu":
        log.warning("coqui: device %s is not available here; speaking on the CPU", wanted)
    return "cpu"


SPEAKER_FILES = ("speaker_ids.json", "speakers.json", "speakers.pth")
"""Where multi-speaker models keep their speakers' names (ids, or embeddings by name)."""


def _speakers_file(folder: Path, config: dict[str, Any]) -> Path | None:
    """The model's speaker file, in its own folder. A config names it by the path it had
    where the model was trained or first saved; Coqui's own downloader rewrites that path,
    e2a's store keeps the file beside the config, so it is found by its name."""
    model_args = config.get("model_args")
    for owner in (config, model_args if isinstance(model_args, dict) else {}):
        named = owner.get("speakers_file")
        if isinstance(named, str) and named and (folder / Path(named).name).is_file():
            return folder / Path(named).name
    return next((folder / n for n in SPEAKER_FILES if (folder / n).is_file()), None)


def _speaker_names(folder: Path, config: dict[str, Any]) -> tuple[str, ...]:
    """The speakers a model lists in a JSON file (by id), without loading it; () for
    single-voice models and for those whose names only torch can read (speakers.pth)."""
    file = _speakers_file(folder, config)
    if file is None or file.suffix != ".json":
        return ()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple(str(k) for k in data)  # the file's order, as TTS lists them


def _config_path(folder: Path, config: dict[str, Any]) -> Path:
    """config.json, or where its speaker file's path is not this folder's, a copy beside
    it that names the local file (TTS would otherwise look where the model was trained)."""
    file = _speakers_file(folder, config)
    original = folder / "config.json"
    if file is None:
        return original
    patched = json.loads(json.dumps(config))
    changed = False
    model_args = patched.get("model_args")
    for owner in (patched, model_args if isinstance(model_args, dict) else {}):
        if owner.get("speakers_file") and owner["speakers_file"] != str(file):
            owner["speakers_file"] = str(file)
            changed = True
    if not changed:
        return original
    local = folder / "config.local.json"
    text = json.dumps(patched, indent=2)
    try:
        if not local.is_file() or local.read_text(encoding="utf-8") != text:
            local.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise VoiceError(f"cannot write the model's local settings: {exc}", folder) from None
    return local


def _checkpoint(folder: Path) -> Path:
    for name in CHECKPOINTS:
        if (folder / name).is_file():
            return folder / name
    found = sorted(p for p in folder.glob("*.pth") if "speaker" not in p.name)
    if not found:
        raise VoiceError("the coqui model has no checkpoint (*.pth)", folder)
    return found[0]
