"""A job's speech settings, split by who needs them, and their one wire form.

- ``EngineSettings``: what the engine needs to speak (engine, model, voice,
  language, speed, reference voice). The node's device is not here: it is the
  node's own choice, not the job's.
- ``PauseSettings``: the pipeline's pauses between sentences, lines of verse, stanzas
  and paragraphs; ``Break`` names which of them comes before a sentence.
- ``SpeechSettings``: both, versioned, as they travel to nodes and as they name
  a job. Fields added later are optional with a default; a job's identity
  leaves optional fields out while they hold their default, so adding one never
  changes an existing job's id (resume keeps working across an upgrade), and a
  node ignores fields it does not know.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import IntEnum
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


class Break(IntEnum):
    """What comes before a sentence, and so which pause: a sentence's, a line of verse's,
    a stanza's or a paragraph's.

    Stored and sent as these numbers; a stored job or a peer from before verse had its
    own pauses says ``true``/``false`` (paragraph/sentence), which read as the same
    numbers. Its truth is "a new block starts here" (a paragraph or a stanza), what a
    bool said before: a subtitle cue or a read-along paragraph opens there, and a peer
    that knows only bools gets the nearest pause (a line's as a sentence's).
    """

    SENTENCE = 0
    PARAGRAPH = 1
    LINE = 2
    STANZA = 3

    def __bool__(self) -> bool:
        return self.value in (1, 3)

    @classmethod
    def of(cls, value: object) -> Break:
        """A stored or received break: a Break's number, or a bool as before (True: a
        paragraph). Anything else is refused with a ValueError."""
        if isinstance(value, int) and 0 <= value <= 3:
            return cls(int(value))
        raise ValueError(f"not a break: {value!r}")


_NEW_PAUSES = ("line_pause", "stanza_pause")
"""Pauses added after jobs were first named: left out of a job's identity at their
default, so an existing job keeps its id."""


@dataclass(frozen=True)
class PauseSettings:
    """Silence the pipeline puts before a sentence, by what it starts (see ``Break``).

    A line of verse pauses a little less than a sentence and keeps its tone (the line is
    spoken with its own punctuation, no full stop added); a stanza pauses longer than a
    paragraph of prose, as a reader lets the white space between stanzas be heard.
    """

    sentence_pause: float = 0.35
    paragraph_pause: float = 0.75
    line_pause: float = 0.3
    stanza_pause: float = 1.0

    def __post_init__(self) -> None:
        if not (0 <= self.sentence_pause <= 5 and 0 <= self.paragraph_pause <= 10
                and 0 <= self.line_pause <= 5 and 0 <= self.stanza_pause <= 10):
            raise SettingsError("pauses must be 0–5 s (sentence, line) and 0–10 s "
                                "(paragraph, stanza)")

    def before(self, kind: int) -> float:
        """The pause before a sentence that ``kind`` (a Break, or a bool as before) starts."""
        return {Break.SENTENCE: self.sentence_pause, Break.PARAGRAPH: self.paragraph_pause,
                Break.LINE: self.line_pause, Break.STANZA: self.stanza_pause}[Break.of(kind)]

    def at_speed(self, speed: float) -> PauseSettings:
        """Pauses as heard at ``speed``: faster speech has shorter pauses, as a player's
        speed control would give (the voice itself only shortens the words)."""
        return PauseSettings(self.sentence_pause / speed, self.paragraph_pause / speed,
                             self.line_pause / speed, self.stanza_pause / speed)

    def identity(self) -> dict[str, float]:
        """The pauses that name a job: the first two always, the later ones once changed."""
        defaults = PauseSettings.__dataclass_fields__
        return {name: value for name, value in asdict(self).items()
                if name not in _NEW_PAUSES or value != defaults[name].default}

    @property
    def longest(self) -> float:
        """The longest silence the job puts between sentences: the audio check allows it."""
        return max(self.sentence_pause, self.paragraph_pause, self.line_pause,
                   self.stanza_pause)


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
        return {"engine": self.engine.identity(), "pauses": self.pauses.identity()}


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
