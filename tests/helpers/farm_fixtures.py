"""Build a real Farm (job store, scheduler, pairing) around a small in-memory book."""

from __future__ import annotations

import io
import ssl
import wave
from pathlib import Path

import numpy as np
from aiohttp import web

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm.certificate import load_or_create
from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.pairing import CoordinatorIdentity, PairingRegistry
from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.job import Job, JobSettings
from e2a_desktop.plan import PlanSettings
from e2a_node.protocol import API, PROTOCOL_VERSION
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import speech_like

RATE = 16000
CODE = "482913"
SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."


def small_book(chapters: int = 2, sentences: int = 6) -> Book:
    text = " ".join([SENTENCE] * sentences)
    return Book(Metadata("Farm Test", "Tester"),
                [Chapter(f"Chapter {i}", text) for i in range(1, chapters + 1)])


def make_farm(folder: Path, clock: object = None, unit_chars: int = 140,
              book: Book | None = None, lease_ttl: float = 30, rate: int = RATE,
              voice: EngineSettings | None = None, code: str = CODE,
              name: str = "Test Farm") -> Farm:
    import time

    book = book or small_book()
    settings = JobSettings(voice or EngineSettings(engine="piper", voice="en_US-joe-medium"),
                           plan=PlanSettings(target_chars=unit_chars,
                                             max_chars=max(unit_chars, 300)))
    job = Job(folder / "job", book, settings)
    tick = clock or time.monotonic
    scheduler = Scheduler(job.store, tick, lease_ttl=lease_ttl)  # type: ignore[arg-type]
    identity = CoordinatorIdentity.load(folder / "trust", name)
    pairing = PairingRegistry(folder / "trust", code, tick,  # type: ignore[arg-type]
                              identity.certificate.sha256)
    farm = Farm(identity, pairing, clock=tick)  # type: ignore[arg-type]
    farm.attach(job, scheduler, rate)
    return farm


def speech_like_wav(seconds: float, rate: int = RATE, channels: int = 1) -> bytes:
    """A WAV that passes as speech (``speech_like``), loud enough, of the given length."""
    samples = speech_like(seconds, rate, peak=12000).astype("<i2")
    if channels == 2:
        samples = np.repeat(samples, 2)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def tls_context(farm: Farm) -> ssl.SSLContext:
    """The farm's own TLS context, for a test server standing in for its FarmServer."""
    return farm.identity.certificate.server_context()


def impostor_tls_context(folder: Path) -> ssl.SSLContext:
    """A certificate of the impostor's own: it can copy the advert, not the farm's key."""
    return load_or_create(folder, "e2a farm Test Farm").server_context()


def copycat_app(farm: Farm, asked: list[str]) -> web.Application:
    """A server that copies ``farm``'s public identity but not its key; logs what it is asked.

    It answers every request with the job's settings, as an impostor would to lure a node.
    """
    async def hello(_request: web.Request) -> web.Response:
        ident = farm.identity  # everything in it is public: it is in the mDNS advert
        return web.json_response({"protocol": PROTOCOL_VERSION, "name": ident.name,
                                  "coordinator_id": ident.coordinator_id,
                                  "fingerprint": ident.fingerprint})

    async def anything(request: web.Request) -> web.Response:
        asked.append(request.path)
        info = farm.job_info()
        assert info is not None
        return web.json_response(info.to_json())

    app = web.Application()
    app.router.add_get(f"{API}/hello", hello)
    app.router.add_route("*", f"{API}/{{tail:.*}}", anything)
    return app


def noise_wav(seconds: float, rate: int = RATE) -> bytes:
    """Loud white noise as a WAV: what the audio check refuses as not speech."""
    samples = np.random.default_rng(5).standard_normal(int(seconds * rate)) * 8000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()
