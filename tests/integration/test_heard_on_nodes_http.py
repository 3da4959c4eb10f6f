"""`--verify asr` on nodes with spare time, through the real routes (issue 25): two real
NodeWorkers over TLS speak a book while the coordinator's own recogniser is held; at the
tail each hears units the other spoke (signed GET of the audio, signed POST of what it
heard) and the book is done without waiting for the coordinator's recogniser. A hostile
paired client sending an oversized transcript is refused, lent no more, and the unit is
heard on the coordinator."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import numpy as np
import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.audio.asr import AsrVerifier
from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import Farm
from e2a_node.client import CoordinatorClient, RequestRefused
from e2a_node.hearer import Hearer
from e2a_node.protocol import MAX_TRANSCRIPT_CHARS, Capabilities, HeardReport
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine, tone_voice
from tests.helpers.farm_fixtures import CODE, SENTENCE, make_farm, tls_context
from tests.helpers.polling import async_until
from tests.unit.test_refused_elsewhere import lease, send

RECOGNISER = "fake-recogniser"
GOOD = " ".join([SENTENCE] * 20)


@dataclass
class HeldTranscriber:
    """A recogniser that hears every unit well; on the coordinator, only once ``go``."""

    name: str = RECOGNISER
    language: str = "en"
    go: threading.Event = field(default_factory=threading.Event)
    heard: int = 0

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        assert len(pcm) > rate / 2
        assert self.go.wait(30)
        self.heard += 1
        return GOOD


@dataclass
class Served:
    farm: Farm
    here: HeldTranscriber
    url: str


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    farm = make_farm(tmp_path / "farm", rate=ToneEngine.RATE)
    job, scheduler = farm.job, farm.scheduler
    here = HeldTranscriber()
    farm.detach()
    farm.attach(job, scheduler, ToneEngine.RATE, verify=AsrVerifier(here))
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    try:
        yield Served(farm, here, f"https://127.0.0.1:{server.port}")
    finally:
        here.go.set()
        farm.detach()
        await server.close()
        job.close()


def _hearer() -> Hearer:
    ready = HeldTranscriber()
    ready.go.set()
    return Hearer(find=lambda: (RECOGNISER,), make=lambda _name, _language: ready)


async def test_two_nodes_hear_each_others_units_and_the_book_is_done(
        served: Served, tmp_path: Path) -> None:
    farm = served.farm
    nodes = [NodeWorker(NodeConfig(tmp_path / name, name=name, url=served.url, code=CODE),
                        engine_factory=tone_voice, hearer=_hearer()) for name in ("pc1", "pc2")]
    running = [asyncio.create_task(node.async_run()) for node in nodes]
    hearing = farm._work.hearing if farm._work is not None else None  # noqa: SLF001
    assert hearing is not None
    try:
        # The coordinator's recogniser is held on its first unit: the nodes hear every
        # unit, that one too (a second ear at the book's end: the first verdict wins).
        await async_until(farm.scheduler.finished, 60, "the nodes to hear every unit")
        assert sum(hearing.heard_on.values()) == len(farm.job.store.units())
        assert set(hearing.heard_on) == {n.identity.node_id for n in nodes}  # both heard
        assert hearing.waiting == 0 and served.here.heard == 0
        served.here.go.set()  # its late verdict is dropped
        assert await asyncio.to_thread(farm.hearing_drained, 30)
    finally:
        for node in nodes:
            node.stop()
        await asyncio.gather(*running, return_exceptions=True)


async def test_an_oversized_transcript_is_refused_and_the_unit_heard_here(
        served: Served) -> None:
    farm = served.farm
    while (unit_id := lease(farm, "node-a")) is not None:  # one node speaks the whole book
        assert send(farm, "node-a", unit_id) == (True, False)
    async with aiohttp.ClientSession() as session:
        liar = CoordinatorClient(session, served.url, "node-liar0001")
        paired = await liar.async_pair("liar", CODE)
        liar.secret = paired.secret
        liar.pin(paired.certificate)
        caps = Capabilities("liar", "cpu", {"piper": ["en_US-joe-medium"]}, hears=(RECOGNISER,))
        lent = (await liar.async_lease(caps)).hearing
        assert lent is not None
        wav = await liar.async_hearing_audio(lent.unit_id)
        assert wav[:4] == b"RIFF"
        with pytest.raises(RequestRefused) as refused:
            await liar.async_hearing_audio(lent.unit_id + 1)  # not lent to it: nothing
        assert refused.value.status == 404
        with pytest.raises(RequestRefused) as refused:
            await liar.async_heard(lent.unit_id, HeardReport(
                lent.token, "word " * MAX_TRANSCRIPT_CHARS))
        assert refused.value.status == 400
        assert (await liar.async_lease(caps)).hearing is None  # lent no more
        served.here.go.set()
        assert await asyncio.to_thread(farm.hearing_drained, 30)
        assert farm.scheduler.finished()  # every unit heard on the coordinator, kept
        assert not await liar.async_heard(lent.unit_id, HeardReport(lent.token, GOOD))
