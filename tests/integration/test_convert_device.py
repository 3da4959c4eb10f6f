"""The device asked of `e2a convert` (and the window's service) reaches this PC's voice,
and the device the voice really loaded on is what the user is shown (issue 23, finding 1:
the built-in node was fixed to the CPU whatever was asked)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import ConvertRequest, prepare
from e2a_desktop.events import NodeChanged
from e2a_desktop.plan import PlanSettings
from e2a_desktop.service import FINISHED, Conversion
from e2a_desktop.terminal import TerminalProgress
from e2a_node.engines import VoiceInfo, register_engine, unregister_engine
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import ToneEngine
from tests.helpers.recorder import Recorder


class FakeCudaEngine(ToneEngine):
    """A voice on a PC with a (pretend) GPU: it loads where it is asked to, as torch would
    with CUDA present, and says so."""

    name = "fakecuda"
    asked: list[str] = []

    def __init__(self, voices_dir: Path | None = None, device: str = "cpu",
                 threads: int | None = None) -> None:
        super().__init__(voices_dir, device, threads)
        FakeCudaEngine.asked.append(device)

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        return [VoiceInfo("fakecuda", "tone", "en", sample_rate=cls.RATE)]

    @property
    def device_used(self) -> str:
        return "cpu" if self.device == "cpu" else "cuda:1" if self.device == "auto" \
            else self.device


@pytest.fixture
def fake_cuda() -> Iterator[type[FakeCudaEngine]]:
    FakeCudaEngine.asked = []
    register_engine("fakecuda", FakeCudaEngine)
    yield FakeCudaEngine
    unregister_engine("fakecuda")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "fables.txt"
    path.write_text("Fables\n\nChapter 1: The Fox\n\nThe quick brown fox jumps over the "
                    "lazy dog near the river bank.\n", encoding="utf-8")
    return path


def _convert(book: Path, out: Path, device: str) -> tuple[Recorder, str]:
    request = ConvertRequest(book, out, voice=EngineSettings(engine="fakecuda", voice="tone"),
                             plan=PlanSettings(target_chars=140, max_chars=300))
    conversion = Conversion(prepare(request), AppPaths.load(), device=device)
    seen, said = Recorder(), io.StringIO()
    conversion.bus.subscribe(seen)
    conversion.bus.subscribe(TerminalProgress(conversion.progress, said))
    outcome = conversion.run()
    assert outcome.state == FINISHED, outcome
    return seen, said.getvalue()


@pytest.mark.parametrize(("asked", "used"), [("cuda:1", "cuda:1"), ("auto", "cuda:1"),
                                              ("cpu", "cpu")])
def test_the_device_asked_reaches_this_pcs_voice_and_the_one_used_is_shown(
        fake_cuda: type[FakeCudaEngine], book: Path, tmp_path: Path, data_dir: Path,
        asked: str, used: str) -> None:
    seen, said = _convert(book, tmp_path / "book.m4b", asked)
    assert fake_cuda.asked == [asked]
    shown = {e.device for e in seen.of(NodeChanged) if e.units_done}
    assert shown == {used}, shown
    assert f"this PC (built-in) speaks on {used} (fakecuda)" in said
