"""The catalogue of voices and models a user can download, readable offline.

Piper voices come in the official ``voices.json`` format of the Piper voices
repository; Coqui models in the shape of ``TTS``'s own ``.models.json``. A
snapshot of both ships in the package (``data/``), so ``e2a voices --available``
works with no network; ``refresh_piper`` replaces the Piper part with the
current list when the network is there. Nothing here imports torch.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import language_tags
from ..errors import VoiceError

PIPER_BASE_ENV = "E2A_PIPER_VOICES_URL"
"""Where Piper voice files are fetched from (a mirror, or a loopback server in tests)."""
PIPER_BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"
"""Snapshot and files of the same release (v1.0.0), so sizes and md5s match."""
HF_ENV = "E2A_HF_URL"
"""Where Hugging Face repositories (XTTS-v2) are fetched from: a mirror, or loopback in tests."""
HF_URL = "https://huggingface.co/"
PIPER_SNAPSHOT = "piper-voices.json"
COQUI_SNAPSHOT = "coqui-models.json"


@dataclass(frozen=True)
class Licence:
    """A model's licence; ``must_accept`` ones are shown and accepted once before download."""

    name: str
    summary: str = ""
    url: str = ""
    must_accept: bool = False


@dataclass(frozen=True)
class RemoteFile:
    """One file of a model: where it is fetched from and what it must be once fetched."""

    url: str
    name: str  # the file name it is stored under
    size: int = 0  # 0: unknown
    md5: str = ""  # "": the catalogue gives none


@dataclass(frozen=True)
class CatalogueEntry:
    """A downloadable voice or model."""

    engine: str
    name: str
    language: str  # "en_US", "fr"; "multi" for multilingual models
    files: tuple[RemoteFile, ...]
    quality: str = ""
    description: str = ""
    licence: Licence | None = None
    archive: bool = False  # the one file is a zip holding the model (Coqui releases)
    languages: tuple[str, ...] = ()  # a multilingual model's languages

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


CPML = Licence(
    "CPML", "Coqui Public Model License: NON-COMMERCIAL use only. You may not use this "
    "model, or audio it makes, for anything commercial (selling audiobooks included).",
    "https://coqui.ai/cpml", must_accept=True)

_NON_COMMERCIAL = re.compile(r"(\bNC\b|non[- ]?commercial)", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")


def licence_of(text: str) -> Licence | None:
    """What a model's licence line means for the user. Non-commercial (CC BY-NC, CPML)
    and custom licences are shown and accepted once before the download, like XTTS's;
    open ones (Apache, BSD, MIT, CC BY) are only named."""
    text = text.strip()
    if not text:
        return None
    if text.lower() == "cpml":
        return CPML
    url = next(iter(_URL.findall(text)), "")
    if _NON_COMMERCIAL.search(text):
        return Licence(text, f"{text}: NON-COMMERCIAL use only. You may not use this model, "
                       "or audio it makes, for anything commercial (selling audiobooks "
                       "included).", url or "https://creativecommons.org/licenses/",
                       must_accept=True)
    if text.lower().startswith("custom"):
        return Licence("custom", "A licence of its own: read it before you use the audio "
                       f"(at {url or 'the model page'}).", url, must_accept=True)
    return Licence(text)


XTTS_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar",
                  "zh-cn", "hu", "ko", "ja", "hi")


_SAFE = re.compile(r"^\w[\w.\-]*$")  # letters of any script: Piper's pt_PT-tugão-medium


def safe_part(name: str) -> bool:
    """A name that can be one path component as it is (a list from the network may lie):
    letters, digits, ``_.-`` only, in NFC (so macOS's decomposed file names match it)."""
    return bool(_SAFE.match(name)) and ".." not in name \
        and unicodedata.normalize("NFC", name) == name


def piper_base_url() -> str:
    base = os.environ.get(PIPER_BASE_ENV, "").strip() or PIPER_BASE_URL
    return base if base.endswith("/") else base + "/"


def parse_piper(data: Any, base_url: str, source: str = "voices.json") -> list[CatalogueEntry]:
    """Entries from Piper's ``voices.json``: each voice's ``.onnx`` and ``.onnx.json``."""
    if not isinstance(data, dict):
        raise VoiceError("is not a Piper voice list (expected an object of voices)", source)
    entries = []
    for key, voice in sorted(data.items()):
        try:
            files = tuple(_piper_file(base_url, path, facts)
                          for path, facts in sorted(voice["files"].items())
                          if path.endswith((".onnx", ".onnx.json")))
            language = str(voice["language"]["code"])
            english = str(voice["language"].get("name_english", ""))
        except (KeyError, TypeError, AttributeError):
            raise VoiceError(f"voice '{key}' has no files or language", source) from None
        if len(files) != 2 or not safe_part(str(key)) or \
                not all(safe_part(f.name) for f in files):
            continue
        entries.append(CatalogueEntry("piper", str(key), language, files,
                                      quality=str(voice.get("quality", "")),
                                      description=english))
    return entries


def _piper_file(base_url: str, path: str, facts: Any) -> RemoteFile:
    facts = facts if isinstance(facts, dict) else {}
    return RemoteFile(base_url + quote(path), path.rsplit("/", 1)[-1],
                      int(facts.get("size_bytes") or 0), str(facts.get("md5_digest") or ""))


def parse_coqui(data: Any, source: str = COQUI_SNAPSHOT) -> list[CatalogueEntry]:
    """Entries from the ``tts_models`` part of ``TTS``'s model list (type/lang/dataset/model)."""
    if not isinstance(data, dict) or not isinstance(data.get("tts_models"), dict):
        raise VoiceError("is not a Coqui model list (no 'tts_models')", source)
    entries = []
    for language, datasets in data["tts_models"].items():
        for dataset, models in datasets.items():
            for model, facts in models.items():
                entry = _coqui_entry(f"tts_models/{language}/{dataset}/{model}", language,
                                     facts)
                if entry is not None:
                    entries.append(entry)
    return sorted(entries, key=lambda e: e.name)


def _coqui_entry(full: str, language: str, facts: Any) -> CatalogueEntry | None:
    if not isinstance(facts, dict):
        return None
    urls = facts.get("hf_url") or facts.get("github_rls_url")
    if isinstance(urls, str):
        urls = [urls]
    if "repo_id" in facts and isinstance(facts.get("files"), list):  # a Hugging Face repo
        hub = os.environ.get(HF_ENV, "").strip().rstrip("/") or HF_URL.rstrip("/")
        urls = [f"{hub}/{facts['repo_id']}/resolve/main/{name}" for name in facts["files"]]
    if not urls:
        return None
    name = full.rsplit("/", 1)[-1] if language == "multilingual" else full
    licence = licence_of(str(facts.get("license") or ""))
    files = tuple(RemoteFile(str(u), str(u).rsplit("/", 1)[-1]) for u in urls)
    if not all(safe_part(f.name) for f in files):
        return None
    languages = tuple(facts.get("languages") or ())
    return CatalogueEntry("coqui", name, "multi" if language == "multilingual" else language,
                          files, description=str(facts.get("description") or ""),
                          licence=licence, archive="github_rls_url" in facts,
                          languages=languages)


@dataclass(frozen=True)
class Catalogue:
    """Every voice and model the store can download."""

    entries: tuple[CatalogueEntry, ...]

    def find(self, name: str) -> CatalogueEntry:
        """An entry by name (or ENGINE:NAME); a VoiceError lists near names otherwise."""
        engine, _, bare = name.rpartition(":")
        for entry in self.entries:
            if entry.name == bare and engine in ("", entry.engine):
                return entry
        near = difflib.get_close_matches(bare, [e.name for e in self.entries], n=3, cutoff=0.75)
        hint = f" (did you mean {', '.join(near)}?)" if near else \
            " (see `e2a voices --available`)"
        raise VoiceError(f"no voice or model '{name}' in the catalogue{hint}")

    def for_language(self, language: str) -> list[CatalogueEntry]:
        """Entries that speak ``language`` ('fr' matches fr_FR, fr_BE; multilingual too)."""
        wanted = primary(language)
        return [e for e in self.entries
                if primary(e.language) == wanted or wanted in map(primary, e.languages)]


def primary(tag: str) -> str:
    """'en_US' / 'en-GB' / 'EN' / 'eng' → 'en' (e2a_node.language_tags)."""
    return language_tags.primary(tag)


def _package_json(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name)
                      .read_text(encoding="utf-8"))


def cached_piper_list(voices_dir: Path) -> Path:
    """Where a refreshed ``voices.json`` is kept (it wins over the shipped snapshot)."""
    return voices_dir / "catalogue" / PIPER_SNAPSHOT


def load_catalogue(voices_dir: Path | None, base_url: str | None = None) -> Catalogue:
    """The refreshed Piper list if there is one, else the snapshot; plus the Coqui models."""
    base = base_url or piper_base_url()
    cached = cached_piper_list(voices_dir) if voices_dir else None
    piper: list[CatalogueEntry] = []
    if cached is not None and cached.is_file():
        try:
            piper = parse_piper(json.loads(cached.read_text(encoding="utf-8")), base,
                                str(cached))
        except (OSError, ValueError, VoiceError):
            piper = []  # a damaged refresh falls back to the snapshot
    if not piper:
        piper = parse_piper(_package_json(PIPER_SNAPSHOT), base, PIPER_SNAPSHOT)
    return Catalogue(tuple(_merged(piper, parse_coqui(_package_json(COQUI_SNAPSHOT)))))


def _merged(*groups: Iterable[CatalogueEntry]) -> list[CatalogueEntry]:
    return [entry for group in groups for entry in group]
