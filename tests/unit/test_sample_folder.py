"""Voice samples leave nothing behind: every start of the window left an empty or one-WAV
``e2a-sample-…`` folder in /tmp (667 of them on the household test's machine)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from e2a_desktop.ebook.model import Chapter
from e2a_desktop.sample import SampleSpeaker
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import tone_voice

CHAPTER = Chapter("One", "The wolf met a lamb by the stream. It had a plea ready.")


def _folders(root: Path) -> set[Path]:
    return set(root.glob("e2a-sample-*"))


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_speaker_makes_no_folder_until_a_sample_and_removes_it_when_closed(
        temp_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("e2a_desktop.sample.create_engine",
                        lambda voice, voices_dir: tone_voice(voice))
    speaker = SampleSpeaker(None)
    assert _folders(temp_root) == set()  # a window opened and closed: nothing left
    wav = speaker.speak_sample(CHAPTER, "en", EngineSettings(engine="tone", voice="tone"))
    assert wav.is_file() and wav.parent in _folders(temp_root)
    speaker.close()
    assert _folders(temp_root) == set()


def test_samples_are_removed_when_the_program_exits(tmp_path: Path) -> None:
    script = (
        "import tempfile, sys\n"
        f"tempfile.tempdir = {str(tmp_path)!r}\n"
        "import e2a_desktop.sample as sample\n"
        "from tests.helpers.fakes import tone_voice\n"
        "from e2a_desktop.ebook.model import Chapter\n"
        "from e2a_node.settings import EngineSettings\n"
        "sample.create_engine = lambda voice, voices_dir: tone_voice(voice)\n"
        "speaker = sample.SampleSpeaker(None)\n"
        "print(speaker.speak_sample(Chapter('One', 'A lamb. A wolf.'), 'en',\n"
        "      EngineSettings(engine='tone', voice='tone')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).name.endswith(".wav")
    assert _folders(tmp_path) == set()
