"""The voices a person can choose from, installed and downloadable, as one list.

Pure (no Qt): the window's voice manager shows these rows; the same matching of
languages as `e2a voices` decides what "voices for this book" means, so the two
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from e2a_node.engines import VoiceInfo, available_voices
from e2a_node.voices import CatalogueEntry, ModelStore

from .voicecmd import speaks

BUNDLED = "en_US-joe-medium"

SAMPLE_LINES = {
    "en": "Hello. This is how I will read your book, chapter by chapter.",
    "fr": "Bonjour. Voici comment je lirai votre livre, chapitre après chapitre.",
    "de": "Hallo. So werde ich Ihr Buch vorlesen, Kapitel für Kapitel.",
    "es": "Hola. Así leeré su libro, capítulo a capítulo.",
    "it": "Ciao. Ecco come leggerò il tuo libro, capitolo dopo capitolo.",
    "pt": "Olá. É assim que vou ler o seu livro, capítulo a capítulo.",
    "nl": "Hallo. Zo lees ik uw boek voor, hoofdstuk na hoofdstuk.",
}
"""What a voice says when the person asks to hear it (its language's line, else English)."""


@dataclass(frozen=True)
class VoiceRow:
    """One voice as the manager lists it."""

    engine: str
    name: str
    language: str
    quality: str = ""
    size: int = 0  # bytes to download; 0: unknown
    licence: str = ""
    binding: bool = False  # its licence must be accepted (non-commercial, custom)
    licence_summary: str = ""
    installed: bool = False
    bundled: bool = False
    clones: bool = False  # speaks only with a voice sample (XTTS): no plain sample

    @property
    def key(self) -> str:
        return f"{self.engine}:{self.name}"

    @property
    def size_text(self) -> str:
        if not self.size:
            return ""
        return f"{self.size / 1e9:.1f} GB" if self.size >= 1e9 else f"{self.size / 1e6:.0f} MB"


def voice_rows(store: ModelStore, language: str | None = None) -> list[VoiceRow]:
    """Installed voices first (the bundled one among them), then the catalogue's, each
    once; only those speaking ``language`` when it is given (None: all)."""
    installed = [v for v in available_voices(store.voices_dir)
                 if speaks(v.language, language, v.languages)]
    entries = {(e.engine, e.name): e for e in store.catalogue.entries}
    rows = [_installed_row(v, entries.get((v.engine, v.name))) for v in installed]
    have = {(r.engine, r.name) for r in rows}
    rows += [_catalogue_row(e) for e in store.catalogue.entries
             if (e.engine, e.name) not in have and speaks(e.language, language, e.languages)]
    return rows


def sample_line(language: str) -> str:
    code = language.replace("_", "-").split("-")[0].lower()
    return SAMPLE_LINES.get(code, SAMPLE_LINES["en"])


def _installed_row(voice: VoiceInfo, entry: CatalogueEntry | None) -> VoiceRow:
    licence = entry.licence if entry is not None else None
    return VoiceRow(voice.engine, voice.name,
                    ",".join(voice.languages) if len(voice.languages) > 1 else voice.language,
                    entry.quality if entry is not None else "",
                    _on_disk(voice.source), licence.name if licence else "",
                    bool(licence and licence.must_accept),
                    licence.summary if licence else "", installed=True,
                    bundled=voice.name == BUNDLED, clones="xtts" in voice.name.lower())


def _catalogue_row(entry: CatalogueEntry) -> VoiceRow:
    licence = entry.licence
    language = ",".join(entry.languages) if entry.language == "multi" and entry.languages \
        else entry.language
    return VoiceRow(entry.engine, entry.name, language, entry.quality, entry.size,
                    licence.name if licence else "", bool(licence and licence.must_accept),
                    licence.summary if licence else "", clones="xtts" in entry.name.lower())


def _on_disk(source: str) -> int:
    """Bytes an installed voice takes (its folder, or its model and settings files)."""
    if not source:
        return 0
    path = Path(source)
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    files = [path, path.with_name(path.name + ".json")] if path.suffix == ".onnx" else [path]
    return sum(p.stat().st_size for p in files if p.is_file())
