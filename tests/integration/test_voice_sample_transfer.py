"""Cloning across the farm: every node gets the job's reference recording, and only that.

The coordinator keeps the recording in the job; a node that lacks it fetches it once
per job by its content hash (signed request, TLS), checks it, and keeps it. Nothing
else on the coordinator can be read this way, and a sample that does not hash to the
job's id is refused.
"""

from __future__ import annotations

import hashlib
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.config import AppPaths
from e2a_desktop.events import UnitFinished
from e2a_desktop.farm.app import create_app
from e2a_desktop.plan import PlanSettings
from e2a_node.client import CoordinatorClient, RequestRefused, Unauthorized
from e2a_node.engines import VoiceInfo, register_engine, unregister_engine
from e2a_node.errors import VoiceError
from e2a_node.settings import EngineSettings
from e2a_node.voices.samples import install_sample, sample_path, store_sample
from tests.helpers.fakes import ToneEngine
from tests.helpers.farm_fixtures import make_farm
from tests.helpers.lan_farm import convert_on_one_lan_node

SENTENCE = "The keeper read this line in a voice borrowed from a short recording."


def recording(path: Path, seconds: float = 4.0, rate: int = 22050, loud: bool = True) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    level = 6000 if loud else 0
    tone = (level * np.sin(2 * np.pi * 180 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(tone.tobytes())
    return path


class CloningTone(ToneEngine):
    """A tone voice that, like XTTS, cannot speak without the job's recording on this PC."""

    name = "clone-tone"
    used: list[Path] = []

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        return [VoiceInfo("clone-tone", "beep", "en", sample_rate=cls.RATE)]

    def load(self, settings: EngineSettings, progress: Any = None) -> None:
        assert self.voices_dir is not None
        sample = sample_path(self.voices_dir, settings.reference_voice)
        if not sample.is_file():
            raise VoiceError("XTTS needs a voice sample", sample)
        CloningTone.used.append(sample)
        super().load(settings, progress)


@pytest.fixture
def clone_tone() -> Iterator[type[CloningTone]]:
    CloningTone.used = []
    register_engine("clone-tone", CloningTone)
    yield CloningTone
    unregister_engine("clone-tone")


@pytest.fixture
async def cloning_farm(tmp_path: Path) -> Any:
    """A farm whose job clones a recording kept in its job folder, served over HTTP."""
    voices = tmp_path / "desk-voices"
    sample_id = store_sample(recording(tmp_path / "me.wav"), voices)
    farm = make_farm(tmp_path, voice=EngineSettings(engine="piper", voice="en_US-joe-medium",
                                                    reference_voice=sample_id))
    farm.job.keep_voice_sample(voices)
    (tmp_path / "secret.wav").write_bytes(b"not for peers")
    server = TestServer(create_app(farm))
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        client = CoordinatorClient(session, str(server.make_url("")), "node-clone0001")
        client.secret = (await client.async_pair("tester", "482-913")).secret
        yield sample_id, client, session, server
    await server.close()
    farm.job.close()


async def test_a_paired_node_gets_the_jobs_sample_and_nothing_else(cloning_farm: Any) -> None:
    sample_id, client, session, server = cloning_farm
    data = await client.async_voice_sample(sample_id)
    assert hashlib.sha256(data).hexdigest() == sample_id  # the very recording, bit for bit
    for other in ("0" * 64, hashlib.sha256(b"not for peers").hexdigest(), sample_id.upper()):
        with pytest.raises(RequestRefused) as refused:
            await client.async_voice_sample(other)
        assert refused.value.status == 404
    for path in ("../../secret.wav", "%2e%2e%2fsecret.wav", "..%2f..%2fsecret.wav"):
        with pytest.raises((RequestRefused, Unauthorized)):  # never the file
            await client.async_voice_sample(path)
    stranger = CoordinatorClient(session, str(server.make_url("")), "node-stranger1")
    with pytest.raises(Exception, match="not paired"):
        await stranger.async_voice_sample(sample_id)


def test_a_node_keeps_only_a_sample_that_matches_its_id(tmp_path: Path) -> None:
    good = recording(tmp_path / "good.wav").read_bytes()
    good_id = hashlib.sha256(good).hexdigest()
    voices = tmp_path / "voices"
    with pytest.raises(VoiceError, match="does not match its id"):
        install_sample(good + b"\0\0", good_id, voices)
    silent = recording(tmp_path / "silent.wav", loud=False).read_bytes()
    with pytest.raises(VoiceError, match="silent"):
        install_sample(silent, hashlib.sha256(silent).hexdigest(), voices)
    with pytest.raises(VoiceError, match="not a voice sample id"):
        install_sample(good, "../../evil", voices)
    assert not [f for f in voices.rglob("*") if f.is_file()]  # nothing kept, no leftovers
    kept = install_sample(good, good_id, voices)
    assert kept == sample_path(voices, good_id) and kept.read_bytes() == good


def test_a_lan_node_fetches_the_recording_once_and_speaks_the_book(
        clone_tone: type[CloningTone], tmp_path: Path) -> None:
    paths = AppPaths.load()
    sample_id = store_sample(recording(tmp_path / "me.wav"), paths.voices_dir)
    book = tmp_path / "book.txt"
    book.write_text("A Book\n\n" + "".join(f"Chapter {n}\n\n{' '.join([SENTENCE] * 4)}\n\n"
                                           for n in (1, 2)), encoding="utf-8")
    node_data = tmp_path / "node"
    seen, node = convert_on_one_lan_node(
        book, tmp_path / "book.m4b", EngineSettings(engine="clone-tone", voice="beep",
                                                    language="en", reference_voice=sample_id),
        node_data, "clone-test-farm", PlanSettings(target_chars=80, max_chars=300))
    fetched = sample_path(AppPaths(node_data).voices_dir, sample_id)
    assert fetched.read_bytes() == sample_path(paths.voices_dir, sample_id).read_bytes()
    assert clone_tone.used and set(clone_tone.used) == {fetched}, "the node cloned that file"
    assert {e.node for e in seen.of(UnitFinished) if e.accepted} == {node}
    assert (tmp_path / "book.m4b").stat().st_size > 0
