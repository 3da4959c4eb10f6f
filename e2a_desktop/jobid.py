"""A job's name: the book's bytes plus what changes the audio, stable across upgrades.

The folder of a job is named by this id, so running the same conversion again
finds it and resumes. The id covers the settings' *identity* (settings.py):
optional fields left at their default are not part of it, so a new optional
field does not orphan existing jobs. Jobs made by e2a before the settings were
versioned (0.1) had another id; ``job_folder`` finds such a folder and renames it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from e2a_node.settings import EngineSettings, PauseSettings, SpeechSettings

from .ebook.options import ReadOptions
from .plan import PlanSettings

ID_SCHEME = b"e2a job id v1\n"


@dataclass(frozen=True)
class JobSettings:
    """Everything that shapes a job's audio: the voice, the pauses, how units are cut."""

    engine: EngineSettings = field(default_factory=EngineSettings)
    pauses: PauseSettings = field(default_factory=PauseSettings)
    plan: PlanSettings = field(default_factory=PlanSettings)
    reading: ReadOptions = field(default_factory=ReadOptions)
    """Which parts of the book are read: another choice is another text, another job."""

    @property
    def speech(self) -> SpeechSettings:
        return SpeechSettings(self.engine, self.pauses)

    def identity(self) -> dict[str, object]:
        identity: dict[str, object] = {**self.speech.identity(), "plan": asdict(self.plan)}
        if self.reading != ReadOptions():  # the default adds nothing: ids stay as they were
            identity["reading"] = {"include": sorted(self.reading.include),
                                   "code": self.reading.code}
        return identity


def _book_digest(book_path: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    with book_path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest


def job_id(book_path: Path, settings: JobSettings) -> str:
    digest = _book_digest(book_path)
    digest.update(ID_SCHEME)
    digest.update(json.dumps(settings.identity(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def legacy_job_id(book_path: Path, settings: JobSettings) -> str | None:
    """The id e2a 0.1 gave this job (its voice settings always said language "en")."""
    engine = settings.engine
    if engine.model or engine.reference_voice:
        return None  # 0.1 had no such settings: no job of it can match
    voice = {"engine": engine.engine, "voice": engine.voice, "language": "en",
             "speed": engine.speed, "sentence_pause": settings.pauses.sentence_pause,
             "paragraph_pause": settings.pauses.paragraph_pause}
    digest = _book_digest(book_path)
    digest.update(json.dumps([voice, asdict(settings.plan)], sort_keys=True).encode())
    return digest.hexdigest()[:16]


def job_folder(jobs_dir: Path, book_path: Path, settings: JobSettings) -> Path:
    """The job's folder; a folder from e2a 0.1 for the same job is taken over (renamed)."""
    folder = jobs_dir / job_id(book_path, settings)
    if not folder.exists():
        legacy = legacy_job_id(book_path, settings)
        old = jobs_dir / legacy if legacy else None
        if old is not None and old.is_dir():
            old.rename(folder)
    return folder
