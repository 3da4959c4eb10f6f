"""Engine registry: names to classes, imported lazily so Piper never pulls in torch."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import VoiceError
from ..settings import EngineSettings
from .base import Engine, Speech, VoiceInfo

_ENGINES: dict[str, str | type[Engine]] = {
    "piper": "e2a_node.engines.piper:PiperEngine",
    "coqui": "e2a_node.engines.coqui:CoquiEngine",  # imports torch only when it loads
}


def register_engine(name: str, target: str | type[Engine]) -> None:
    """Add an engine ("module:Class" to import lazily, or the class itself)."""
    _ENGINES[name] = target


def unregister_engine(name: str) -> None:
    _ENGINES.pop(name, None)


def engine_class(name: str) -> type[Engine]:
    target = _ENGINES.get(name)
    if target is None:
        raise VoiceError(f"unknown engine '{name}' (known: {', '.join(sorted(_ENGINES))})")
    if not isinstance(target, str):
        return target
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise VoiceError(f"engine '{name}' is not installed here ({exc.name} is missing); "
                         f"install the extra: pip install 'e2a[{name}]'") from None
    cls: type[Engine] = getattr(module, attr)
    return cls


def create_engine(settings: EngineSettings, voices_dir: Path | None) -> Engine:
    """Instantiate and load the engine a job asks for."""
    engine = engine_class(settings.engine)(voices_dir)
    engine.load(settings)
    return engine


def available_voices(voices_dir: Path | None) -> list[VoiceInfo]:
    """Every voice of every installed engine; engines that cannot import are skipped."""
    voices: list[VoiceInfo] = []
    for name in list(_ENGINES):
        try:
            voices.extend(engine_class(name).list_voices(voices_dir))
        except VoiceError:
            continue
    return voices


def find_voice(name: str, voices_dir: Path | None) -> VoiceInfo:
    """Resolve a voice name (optionally "engine:voice") or raise VoiceError listing choices."""
    engine, _, voice = name.rpartition(":")
    voices = available_voices(voices_dir)
    for info in voices:
        if info.name == voice and engine in ("", info.engine):
            return info
    listed = ", ".join(f"{v.engine}:{v.name}" for v in voices) or "none"
    raise VoiceError(f"no voice '{name}' on this machine (available: {listed})")


def voice_sample_rate(settings: EngineSettings, voices_dir: Path | None) -> int:
    """The rate a job's voice speaks at, known without loading it (so a coordinator
    without the engine's heavy dependencies can still check uploads)."""
    return find_voice(f"{settings.engine}:{settings.voice}", voices_dir).sample_rate


__all__ = ["Engine", "EngineSettings", "Speech", "VoiceInfo", "available_voices",
           "create_engine", "engine_class", "find_voice", "register_engine",
           "unregister_engine", "voice_sample_rate"]
