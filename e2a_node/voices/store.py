"""The model store: install, list and remove voices under the user data dir.

Layout (the engines already look there, so an installed voice is usable at once,
by ``e2a`` and ``e2a-node`` alike, offline afterwards)::

    voices/piper/NAME.onnx, NAME.onnx.json     a Piper voice
    voices/coqui/SAFE_NAME/config.json, ...    a Coqui model ("/" in names → "--")
    voices/.downloads/SAFE_NAME/FILE.part      broken downloads, resumed next time
    voices/records/ENGINE--SAFE_NAME.json      what was installed: sizes, sha256, source
    voices/licences.json                       licences the user accepted, and when

An install becomes visible in one step (a rename), so a node never sees half a voice.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import VoiceError
from .catalogue import (
    Catalogue,
    CatalogueEntry,
    Licence,
    RemoteFile,
    cached_piper_list,
    load_catalogue,
    parse_piper,
    piper_base_url,
    safe_part,
)
from .download import Digests, DownloadError, ProgressCallback, check, fetch, remote_size

LicenceCallback = Callable[[CatalogueEntry, Licence], bool]
"""Asked once per licence that must be accepted; True accepts it (and it is remembered)."""


class LicenceRefused(VoiceError):
    """The user did not accept a model's licence; nothing was downloaded."""


def safe_name(name: str) -> str:
    """A model name as one folder name ('tts_models/en/ljspeech/vits' → 'tts_models--en--…')."""
    cleaned = name.replace("/", "--")
    if not safe_part(cleaned):
        raise VoiceError(f"'{name}' is not a valid voice name")
    return cleaned


def coqui_models_dir(voices_dir: Path) -> Path:
    return voices_dir / "coqui"


@dataclass(frozen=True)
class InstallRecord:
    """What the store installed, kept next to the voices (sha256 of every file)."""

    engine: str
    name: str
    language: str
    files: dict[str, dict[str, Any]]
    licence: str = ""
    installed_at: float = 0.0


class ModelStore:
    """Downloads catalogue entries into ``voices_dir``; removes what it (or a user) put there."""

    def __init__(self, voices_dir: Path, catalogue: Catalogue | None = None, *,
                 timeout: float = 30.0, retries: int = 3,
                 free_space: Callable[[Path], int] | None = None) -> None:
        self.voices_dir = voices_dir
        self._catalogue = catalogue
        self.timeout = timeout
        self.retries = retries
        self._free_space = free_space or (lambda p: shutil.disk_usage(p).free)

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.voices_dir)
        return self._catalogue

    # --- licences -------------------------------------------------------------------------

    @property
    def _licences_file(self) -> Path:
        return self.voices_dir / "licences.json"

    def accepted_licences(self) -> dict[str, Any]:
        try:
            data = json.loads(self._licences_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def accept_licence(self, licence: Licence, model: str) -> None:
        accepted = self.accepted_licences()
        accepted[licence.name] = {"accepted_at": time.time(), "model": model,
                                  "summary": licence.summary, "url": licence.url}
        _write_json(self._licences_file, accepted)

    def _ensure_licence(self, entry: CatalogueEntry, ask: LicenceCallback | None) -> None:
        licence = entry.licence
        if licence is None or not licence.must_accept:
            return
        if licence.name in self.accepted_licences():
            return
        if ask is None or not ask(entry, licence):
            raise LicenceRefused(f"{entry.name} is under the {licence.name} licence "
                                 f"({licence.summary}); it was not accepted, so nothing was "
                                 "downloaded")
        self.accept_licence(licence, entry.name)

    # --- install / remove -----------------------------------------------------------------

    def install(self, name: str, progress: ProgressCallback | None = None,
                accept: LicenceCallback | None = None) -> InstallRecord:
        """Download, check and install one catalogue entry; returns its record."""
        entry = self.catalogue.find(name)
        self._ensure_licence(entry, accept)
        staging = self.voices_dir / ".downloads" / safe_name(entry.name)
        staging.mkdir(parents=True, exist_ok=True)
        self._check_space(entry, staging, self.download_size(entry))
        digests: dict[str, Digests] = {}
        for remote in entry.files:
            part = staging / (remote.name + ".part")
            digests[remote.name] = fetch(remote, part, entry.name, progress, self.timeout,
                                          self.retries)
        if entry.engine == "piper":
            self._place_piper(entry, staging)
        else:
            self._place_folder(entry, staging)
        shutil.rmtree(staging, ignore_errors=True)
        record = InstallRecord(entry.engine, entry.name, entry.language,
                               {n: {"size": d.size, "md5": d.md5, "sha256": d.sha256,
                                    "url": next(f.url for f in entry.files if f.name == n)}
                                for n, d in digests.items()},
                               entry.licence.name if entry.licence else "", time.time())
        _write_json(self._record_path(entry.engine, entry.name), asdict(record))
        return record

    def download_size(self, entry: CatalogueEntry) -> int:
        """Bytes the entry's files take: the catalogue's figure, else what the servers say
        (Coqui's list has no sizes); 0 when any file's size is unknown."""
        if entry.size:
            return entry.size
        sizes = [remote_size(f, min(self.timeout, 10.0)) for f in entry.files]
        return sum(sizes) if all(sizes) else 0

    def _check_space(self, entry: CatalogueEntry, staging: Path, size: int) -> None:
        have = sum(p.stat().st_size for p in staging.glob("*.part"))
        needed = size - have
        free = self._free_space(staging)
        if needed > 0 and free < needed:
            raise DownloadError(f"voice {entry.name} needs {needed / 1e6:.0f} MB but only "
                                f"{free / 1e6:.0f} MB are free", staging)

    def _place_piper(self, entry: CatalogueEntry, staging: Path) -> None:
        target = self.voices_dir / "piper"
        target.mkdir(parents=True, exist_ok=True)
        by_suffix = {f.name.endswith(".json"): staging / (f.name + ".part") for f in entry.files}
        _json_check(by_suffix[True], entry.name)
        # The config lands first: the engine lists a voice only once its .onnx is there too.
        os.replace(by_suffix[True], target / f"{entry.name}.onnx.json")
        os.replace(by_suffix[False], target / f"{entry.name}.onnx")

    def _place_folder(self, entry: CatalogueEntry, staging: Path) -> None:
        root = coqui_models_dir(self.voices_dir)
        final = root / safe_name(entry.name)
        building = root / f".{safe_name(entry.name)}.new"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        for remote in entry.files:
            part = staging / (remote.name + ".part")
            if entry.archive:
                _unzip(part, building, entry.name)
            else:
                os.replace(part, building / remote.name)
        if final.exists():
            shutil.rmtree(final)
        os.replace(building, final)

    def remove(self, name: str) -> str:
        """Delete an installed voice or model (never the bundled one); returns its name."""
        engine, _, bare = name.rpartition(":")
        piper = self.voices_dir / "piper" / f"{safe_name(bare)}.onnx"
        if engine in ("", "piper") and piper.exists():
            piper.unlink()  # first the model: the voice disappears in one step
            piper.with_name(piper.name + ".json").unlink(missing_ok=True)
            self._record_path("piper", bare).unlink(missing_ok=True)
            return bare
        folder = coqui_models_dir(self.voices_dir) / safe_name(bare)
        if engine in ("", "coqui") and folder.is_dir():
            doomed = folder.with_name(f".{folder.name}.removing")
            os.replace(folder, doomed)
            shutil.rmtree(doomed, ignore_errors=True)
            self._record_path("coqui", bare).unlink(missing_ok=True)
            return bare
        if bare == "en_US-joe-medium":
            raise VoiceError("voice en_US-joe-medium is bundled with e2a and cannot be removed")
        raise VoiceError(f"no installed voice '{name}' (see `e2a voices`)")

    def record(self, engine: str, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._record_path(engine, name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _record_path(self, engine: str, name: str) -> Path:
        return self.voices_dir / "records" / f"{engine}--{safe_name(name)}.json"

    def refresh(self, url: str | None = None) -> int:
        """Fetch the current Piper ``voices.json``; returns how many voices it lists."""
        source = url or piper_base_url() + "voices.json"
        cached = cached_piper_list(self.voices_dir)
        part = cached.with_name(cached.name + ".part")
        part.unlink(missing_ok=True)
        fetch(RemoteFile(source, "voices.json"), part, "catalogue", None, self.timeout)
        try:
            count = len(parse_piper(json.loads(part.read_text(encoding="utf-8")),
                                    piper_base_url(), source))
        except ValueError:
            part.unlink(missing_ok=True)
            raise VoiceError("the voice list is not valid JSON; kept the previous one",
                             source) from None
        os.replace(part, cached)
        self._catalogue = None
        return count


def _json_check(path: Path, voice: str) -> None:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        raise DownloadError(f"voice {voice}: its config file is not valid JSON; nothing was "
                            "installed") from None


def _unzip(archive: Path, into: Path, voice: str) -> None:
    """Extract a release zip flat into ``into`` (Coqui zips hold one folder of files)."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                leaf = Path(info.filename).name
                if info.is_dir() or not leaf or leaf.startswith("."):
                    continue
                with zipped.open(info) as src, open(into / leaf, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        archive.unlink(missing_ok=True)
        raise DownloadError(f"voice {voice}: the download is not a valid zip archive; it was "
                            "deleted") from None


def _write_json(path: Path, data: Any) -> None:
    """Write via a temporary file and a rename, so a crash never leaves half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["InstallRecord", "LicenceCallback", "LicenceRefused", "ModelStore", "check",
           "coqui_models_dir", "safe_name"]
