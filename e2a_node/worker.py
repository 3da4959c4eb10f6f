"""The node's work loop (asyncio, no Qt): discover → pair → lease → speak → upload.

Speaking runs in a worker thread (it is CPU-bound); heartbeats keep the lease
alive meanwhile and tell the node to drop a unit finished elsewhere. When the
coordinator goes away the node backs off and reconnects; when a job ends it
waits for the next one (or leaves, with one_job).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from .client import (
    CoordinatorClient,
    CoordinatorGone,
    NotTheTrustedCoordinator,
    ProtocolMismatch,
    RequestRefused,
    Unauthorized,
)
from .discovery import Browser, FarmAdvert
from .engines import available_voices, create_engine
from .engines.base import Engine, VoiceSettings
from .errors import E2AError
from .protocol import LEASE_DONE, LEASE_UNIT, Assignment, Capabilities, JobInfo
from .render import UnitAudio, render_unit
from .trust import NodeIdentity, TrustedCoordinator, TrustStore

log = logging.getLogger("e2a.node")

CodePrompt = Callable[[str], Awaitable[str | None]]
"""Asks the user for the farm code of a coordinator (by name); None if nobody can answer."""


@dataclass(frozen=True)
class NodeConfig:
    data_dir: Path
    name: str | None = None
    url: str | None = None
    code: str | None = None
    mdns_interfaces: list[str] | None = None
    one_job: bool = False
    max_speed: float | None = None
    device: str = "cpu"


class UnitDropped(Exception):
    """The coordinator said the unit is no longer ours (done elsewhere, lease lost)."""


@dataclass
class NodeState:
    """What the node is doing, for a tray icon or log lines."""

    state: str = "starting"
    farm: str = ""
    title: str = ""
    unit_id: int | None = None
    units_done: int = 0
    audio_seconds: float = 0.0


class NodeWorker:
    """One node; ``async_run`` until stopped (or the first job ends, with one_job)."""

    def __init__(self, config: NodeConfig, prompt: CodePrompt | None = None,
                 engine_factory: Callable[[VoiceSettings], Engine] | None = None,
                 on_state: Callable[[NodeState], None] | None = None) -> None:
        self.config = config
        self.identity = NodeIdentity.load(config.data_dir, config.name)
        self.trust = TrustStore(config.data_dir / "trust")
        self.voices_dir = config.data_dir / "voices"
        self.prompt = prompt
        self._engine_factory = engine_factory or (lambda v: create_engine(v, self.voices_dir))
        self._engine: tuple[VoiceSettings, Engine] | None = None
        self._on_state = on_state or (lambda _s: None)
        self.state = NodeState()
        self._stop = asyncio.Event()
        self._impostors: set[str] = set()  # URLs that failed to prove a paired farm's key

    def stop(self) -> None:
        self._stop.set()

    def _set(self, **changes: object) -> None:
        for key, value in changes.items():
            setattr(self.state, key, value)
        self._on_state(self.state)

    def capabilities(self) -> Capabilities:
        engines: dict[str, list[str]] = {}
        for voice in available_voices(self.voices_dir):
            engines.setdefault(voice.engine, []).append(voice.name)
        return Capabilities(self.identity.name, self.config.device, engines)

    async def async_run(self) -> None:
        backoff = 0.5
        async with aiohttp.ClientSession() as session:
            while not self._stop.is_set():
                try:
                    client = await self._async_connect(session)
                    if client is None:
                        continue
                    await self._async_work(client)
                    backoff = 0.5
                    if self.config.one_job:
                        return
                except CoordinatorGone as exc:
                    self._set(state="reconnecting", unit_id=None)
                    if isinstance(exc, NotTheTrustedCoordinator):
                        self._impostors.add(exc.url)
                        log.warning("%s", exc)
                    else:
                        log.info("coordinator unreachable (%s); retrying in %.1f s", exc,
                                 backoff)
                    await self._async_sleep(backoff)
                    backoff = min(backoff * 2, 10.0)

    async def _async_sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    # -- finding and joining a coordinator ----------------------------------

    async def _async_connect(self, session: aiohttp.ClientSession) -> CoordinatorClient | None:
        if self.config.url:
            return await self._async_join(session, self.config.url, None)
        self._set(state="searching")
        browser = Browser(self.config.mdns_interfaces)
        await browser.async_start()
        try:
            while not self._stop.is_set():
                adverts = await browser.async_wait(2.0)
                advert = self.choose_advert(adverts)
                if advert is not None:
                    return await self._async_join(session, advert.url, advert)
        finally:
            await browser.async_close()
        return None

    def choose_advert(self, adverts: list[FarmAdvert]) -> FarmAdvert | None:
        """Trusted coordinators first (auto-join); otherwise one we can pair with."""
        adverts = [a for a in adverts if a.url not in self._impostors]
        trusted = [a for a in adverts if self.trust.get(a.fingerprint)]
        if trusted:
            return trusted[0]
        if self.config.code or self.prompt:
            return adverts[0] if adverts else None
        if adverts:
            log.warning("found farm %r but this node is not paired with it; run with "
                        "--code CODE (the code the desktop shows)", adverts[0].name)
        return None

    async def _async_join(self, session: aiohttp.ClientSession, url: str,
                          advert: FarmAdvert | None) -> CoordinatorClient:
        client = CoordinatorClient(session, url, self.identity.node_id)
        hello = await client.async_hello()
        trusted = self.trust.get(hello.fingerprint)
        if trusted is None:
            trusted = await self._async_pair(client, hello.name, hello.fingerprint)
        client.secret = trusted.secret
        self._set(state="joined", farm=hello.name)
        return client

    async def _async_pair(self, client: CoordinatorClient, name: str,
                          fingerprint: str) -> TrustedCoordinator:
        code = self.config.code
        if code is None and self.prompt is not None:
            code = await self.prompt(name)
        if not code:
            raise E2AError(f"{client.base_url}: this node is not paired with farm '{name}'; "
                           "run with --code CODE (the code the desktop shows)")
        try:
            paired = await client.async_pair(self.identity.name, code)
        except RequestRefused as exc:
            if exc.status == 429:  # other nodes pairing at this moment: wait and try again
                raise CoordinatorGone(f"pairing is paused: {exc.reason}") from None
            raise E2AError(f"{client.base_url}: pairing refused: {exc.reason}") from None
        if paired.fingerprint != fingerprint:
            raise E2AError(f"{client.base_url}: the coordinator changed its key during pairing")
        trusted = TrustedCoordinator(paired.coordinator_id, paired.fingerprint, paired.name,
                                     paired.secret)
        self.trust.remember(trusted)
        log.info("paired with farm %r; it will be joined automatically from now on", name)
        return trusted

    # -- working on a job -----------------------------------------------------

    async def _async_work(self, client: CoordinatorClient) -> None:
        try:
            job = await client.async_job()
        except Unauthorized:
            hello = await client.async_hello()
            self.trust.forget(hello.fingerprint)
            raise CoordinatorGone("this node's pairing was revoked; pairing again") from None
        caps = self.capabilities()
        if not caps.can_speak(job.voice):
            self._set(state="no voice", title=job.title)
            log.warning("job %r needs voice %s:%s, which this node does not have",
                        job.title, job.voice.engine, job.voice.voice)
            await self._async_sleep(30)
            return
        engine = await asyncio.to_thread(self._engine_for, job.voice)
        self._set(state="working", title=job.title)
        log.info("working on %r", job.title)
        while not self._stop.is_set():
            try:
                lease = await client.async_lease(caps)
            except Unauthorized:
                raise CoordinatorGone("no longer authorised") from None
            if lease.status == LEASE_DONE:
                self._set(state="finished", unit_id=None)
                log.info("job %r is over", job.title)
                return
            if lease.status != LEASE_UNIT or lease.assignment is None:
                self._set(state="idle", unit_id=None)
                await self._async_sleep(lease.retry_after)
                continue
            await self._async_do_unit(client, engine, job, lease.assignment)

    def _engine_for(self, voice: VoiceSettings) -> Engine:
        if self._engine is None or self._engine[0] != voice:
            self._engine = (voice, self._engine_factory(voice))
        return self._engine[1]

    async def _async_do_unit(self, client: CoordinatorClient, engine: Engine, job: JobInfo,
                             unit: Assignment) -> None:
        self._set(state="speaking", unit_id=unit.unit_id)
        dropped = threading.Event()
        beats = asyncio.create_task(self._async_heartbeats(client, unit, dropped))
        began = time.monotonic()
        try:
            audio = await asyncio.to_thread(self._speak, engine, job.voice, unit, dropped)
            await self._async_throttle(audio, began, dropped)
        except UnitDropped:
            if self._stop.is_set():
                with contextlib.suppress(CoordinatorGone, RequestRefused, Unauthorized,
                                         TimeoutError):
                    await asyncio.wait_for(client.async_hand_back(unit.unit_id), 3)
                log.info("stopping: unit %d handed back unfinished", unit.unit_id)
            else:
                log.info("unit %d was finished elsewhere; dropped", unit.unit_id)
            return
        finally:
            beats.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beats
        try:
            result = await client.async_upload(unit.unit_id, audio.wav_bytes(),
                                               [(s.start, s.end) for s in audio.spans])
        except RequestRefused as exc:
            log.warning("unit %d refused: %s", unit.unit_id, exc.reason)
            return
        if result.accepted:
            spent = time.monotonic() - began
            self._set(units_done=self.state.units_done + 1,
                      audio_seconds=self.state.audio_seconds + audio.duration)
            log.info("unit %d done: %.1f s of audio in %.1f s (%.1fx real time)", unit.unit_id,
                     audio.duration, spent, audio.duration / spent if spent else 0.0)

    def _speak(self, engine: Engine, voice: VoiceSettings, unit: Assignment,
               dropped: threading.Event) -> UnitAudio:
        def check(_done: int, _total: int) -> None:
            if dropped.is_set() or self._stop.is_set():
                raise UnitDropped

        return render_unit(engine, unit.sentences, unit.breaks, voice, on_sentence=check)

    async def _async_throttle(self, audio: UnitAudio, began: float,
                              dropped: threading.Event) -> None:
        """With max_speed, hold the result so this node never exceeds that × real time."""
        if not self.config.max_speed:
            return
        remaining = audio.duration / self.config.max_speed - (time.monotonic() - began)
        while remaining > 0 and not dropped.is_set():
            await asyncio.sleep(min(remaining, 0.2))
            remaining -= 0.2
        if dropped.is_set():
            raise UnitDropped

    async def _async_heartbeats(self, client: CoordinatorClient, unit: Assignment,
                                dropped: threading.Event) -> None:
        interval = max(0.5, unit.lease_seconds / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                if not (await client.async_heartbeat(unit.unit_id)).keep:
                    dropped.set()
                    return
            except (CoordinatorGone, RequestRefused, Unauthorized):
                continue  # the upload will tell; keep speaking meanwhile


__all__ = ["NodeConfig", "NodeState", "NodeWorker", "ProtocolMismatch"]
