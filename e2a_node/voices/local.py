"""Adding a voice the user already has on disk: `e2a voices --add PATH`.

People fine-tune XTTS on their own voice, or download a Piper voice by hand; before
this, such a model worked only if they guessed the store's folder layout. Here it is
checked as a download is (its files there, its config readable) and copied into the
store the same way (staged, then one rename), with a record of what was added and
from where. The original is never moved or changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import VoiceError
from .store import InstallRecord, ModelStore, _write_json, coqui_models_dir, safe_name

CHECKPOINT_SUFFIXES = (".pth", ".pt", ".safetensors")


def add_local(store: ModelStore, path: Path, name: str | None = None) -> InstallRecord:
    """Check and copy a Piper ``NAME.onnx`` (+ ``NAME.onnx.json``) or a Coqui model
    folder (``config.json`` + checkpoint) into the store; VoiceError says what is wrong."""
    path = path.expanduser()
    if not path.exists():
        raise VoiceError("no such file or folder", path)
    if path.is_file():
        if path.suffix != ".onnx":
            raise VoiceError("is not a voice: give a Piper NAME.onnx (with NAME.onnx.json "
                             "beside it) or a Coqui model folder (with config.json)", path)
        return _add_piper(store, path, name or path.stem)
    if (path / "config.json").is_file():
        return _add_coqui(store, path, name or path.name)
    onnx = sorted(path.glob("*.onnx"))
    if len(onnx) == 1:
        return _add_piper(store, onnx[0], name or onnx[0].stem)
    raise VoiceError("holds no voice: a Coqui model folder has a config.json, a Piper voice "
                     "is one NAME.onnx with its NAME.onnx.json", path)


def _add_piper(store: ModelStore, model: Path, name: str) -> InstallRecord:
    config = model.with_name(model.name + ".json")
    if not config.is_file():
        raise VoiceError(f"a Piper voice needs its settings beside it: {config.name} is "
                         "missing", model)
    settings = _read_json(config)
    rate = (settings.get("audio") or {}).get("sample_rate") \
        if isinstance(settings.get("audio"), dict) else None
    if not isinstance(rate, int) or rate <= 0 or "phoneme_id_map" not in settings:
        raise VoiceError("is not a Piper voice's settings (no audio.sample_rate or "
                         "phoneme_id_map)", config)
    _check_onnx(model)
    name = safe_name(name)
    target = store.voices_dir / "piper"
    final_model, final_config = target / f"{name}.onnx", target / f"{name}.onnx.json"
    _refuse_taken(final_model.exists(), name)
    target.mkdir(parents=True, exist_ok=True)
    staged = [_stage(config, final_config), _stage(model, final_model)]
    for part, final in staged:  # the settings land first: the voice is listed once whole
        os.replace(part, final)
    language = str((settings.get("language") or {}).get("code", "")) \
        if isinstance(settings.get("language"), dict) else ""
    return _record(store, "piper", name, language, {config.name: config, model.name: model})


def _add_coqui(store: ModelStore, folder: Path, name: str) -> InstallRecord:
    config = _read_json(folder / "config.json")
    if not isinstance(config.get("model"), str):
        raise VoiceError("config.json names no model (its 'model' field); is this a Coqui "
                         "TTS model folder?", folder)
    if not any(p.suffix in CHECKPOINT_SUFFIXES for p in folder.iterdir() if p.is_file()):
        raise VoiceError("has a config.json but no checkpoint (*.pth)", folder)
    if str(config["model"]).lower() == "xtts" and not (folder / "vocab.json").is_file():
        raise VoiceError("an XTTS model needs its vocab.json beside config.json", folder)
    name = safe_name(name)
    root = coqui_models_dir(store.voices_dir)
    final = root / name
    _refuse_taken(final.exists(), name)
    building = root / f".{name}.new"
    shutil.rmtree(building, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    files = {p.name: p for p in sorted(folder.iterdir())
             if p.is_file() and not p.name.startswith(".")}
    try:
        shutil.copytree(folder, building, ignore=shutil.ignore_patterns(".*"))
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise VoiceError(f"cannot copy the model: {exc.strerror or exc}", folder) from None
    os.replace(building, final)
    languages = config.get("languages")
    language = "multi" if isinstance(languages, list) and len(languages) > 1 else ""
    return _record(store, "coqui", name.replace("--", "/"), language, files)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VoiceError(f"cannot be read as JSON ({exc})", path) from None
    if not isinstance(data, dict):
        raise VoiceError("is not a JSON object", path)
    return data


def _check_onnx(model: Path) -> None:
    """The network loads (onnxruntime, as Piper will): a truncated or foreign file is
    refused here, not on the first unit of a book."""
    import onnxruntime

    try:
        onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own many kinds
        raise VoiceError(f"is not a model onnxruntime can load ({type(exc).__name__})",
                         model) from None


def _refuse_taken(taken: bool, name: str) -> None:
    if taken:
        raise VoiceError(f"a voice named '{name}' is installed already; remove it first "
                         f"(e2a voices --remove {name}) or add this one with --name")


def _stage(source: Path, final: Path) -> tuple[Path, Path]:
    part = final.with_name(final.name + ".part")
    try:
        shutil.copyfile(source, part)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise VoiceError(f"cannot copy it: {exc.strerror or exc}", source) from None
    return part, final


def _record(store: ModelStore, engine: str, name: str, language: str,
            files: dict[str, Path]) -> InstallRecord:
    record = InstallRecord(engine, name, language,
                           {n: {"size": p.stat().st_size, "sha256": _sha256(p),
                                "url": p.resolve().as_uri()} for n, p in files.items()},
                           "", time.time())
    _write_json(store.voices_dir / "records" / f"{engine}--{safe_name(name)}.json",
                asdict(record))
    return record


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
