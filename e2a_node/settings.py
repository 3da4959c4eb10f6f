"""A job's speech settings, split by who needs them, and their one wire form.

- ``EngineSettings``: what the engine needs to speak (engine, model, voice,
  language, speed, reference voice). The node's device is not here: it is the
  node's own choice, not the job's.
- ``PauseSettings``: the pipeline's pauses between sentences and paragraphs.
- ``SpeechSettings``: both, versioned, as they travel to nodes and as they name
  a job. Fields added later are optional with a default; a job's identity
  leaves optional fields out while they hold their default, so adding one never
  changes an existing job's id (resume keeps working across an upgrade), and a
  node ignores fields it does not know.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SETTINGS_VERSION = 1

_REQUIRED_ENGINE_FIELDS = ("engine", "voice", "language", "speed")


class SettingsError(ValueError):
    """Settings that do not have the expected shape or range."""


@dataclass(frozen=True)
class EngineSettings:
    """What a voice engine needs to speak a job."""

    engine: str = "piper"
    voice: str = "en_US-joe-medium"
    language: str = "en_US"  # the voice's language, as its engine names it
    speed: float = 1.0
    model: str = ""  # engines with several models (Coqui); "" for one-model engines
    reference_voice: str = ""  # id of a voice sample to clone (XTTS); never a path
    speaker: str = ""  # one voice of a multi-speaker model (VCTK's p225); "": its first

    def __post_init__(self) -> None:
        if not 0.25 <= self.speed <= 4.0:
            raise SettingsError(f"speed {self.speed} is outside 0.25–4.0")

    def identity(self) -> dict[str, Any]:
        """The fields that name a job: the required ones, and optional ones once set."""
        defaults = EngineSettings.__dataclass_fields__
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name in _REQUIRED_ENGINE_FIELDS
                or getattr(self, f.name) != defaults[f.name].default}

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.voice}"


@dataclass(frozen=True)
class PauseSettings:
    """Silence the pipeline puts between sentences, and where a paragraph starts."""

    sentence_pause: float = 0.35
    paragraph_pause: float = 0.75

    def __post_init__(self) -> None:
        if not (0 <= self.sentence_pause <= 5 and 0 <= self.paragraph_pause <= 10):
            raise SettingsError("pauses must be 0–5 s (sentence) and 0–10 s (paragraph)")

    def at_speed(self, speed: float) -> PauseSettings:
        """Pauses as heard at ``speed``: faster speech has shorter pauses, as a player's
        speed control would give (the voice itself only shortens the words)."""
        return PauseSettings(self.sentence_pause / speed, self.paragraph_pause / speed)


@dataclass(frozen=True)
class SpeechSettings:
    """Engine and pause settings together: the job's voice as nodes receive it."""

    engine: EngineSettings = field(default_factory=EngineSettings)
    pauses: PauseSettings = field(default_factory=PauseSettings)

    def to_json(self) -> dict[str, Any]:
        return {"version": SETTINGS_VERSION, "engine": asdict(self.engine),
                "pauses": asdict(self.pauses)}

    @classmethod
    def from_json(cls, data: Any) -> SpeechSettings:
        if not isinstance(data, dict) or not isinstance(data.get("engine"), dict):
            raise SettingsError("settings must hold an 'engine' object")
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise SettingsError("settings carry no valid version")
        engine = _build(EngineSettings, data["engine"], _REQUIRED_ENGINE_FIELDS)
        pauses = _build(PauseSettings, data.get("pauses", {}), ())
        return cls(engine, pauses)

    def identity(self) -> dict[str, Any]:
        return {"engine": self.engine.identity(), "pauses": asdict(self.pauses)}


def _build(cls: type[Any], data: Any, required: tuple[str, ...]) -> Any:
    """Build a settings dataclass from JSON: known fields type-checked, unknown ignored."""
    if not isinstance(data, dict):
        raise SettingsError(f"{cls.__name__} must be an object")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            if f.name in required:
                raise SettingsError(f"field '{f.name}' is missing")
            continue
        value = data[f.name]
        wanted = type(f.default)
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise SettingsError(f"field '{f.name}' has the wrong type")
        values[f.name] = value
    return cls(**values)
