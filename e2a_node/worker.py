"""The node's work loop (asyncio, no Qt): discover → pair → lease → speak → upload.

Speaking runs in a worker thread (it is CPU-bound); heartbeats keep the lease
alive meanwhile and tell the node to drop a unit finished elsewhere. When the
coordinator goes away the node backs off and reconnects; when a job ends it
waits for the next one (or leaves, with one_job). The desktop's built-in node
is this same loop over a direct link instead of HTTP.

Thread safety: ``stop``, ``pause``, ``resume``, ``set_thread_limit`` and
``set_device`` may be called from any thread (runner.NodeRunner wraps them);
everything else runs on the worker's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp

from .client import (
    CoordinatorClient,
    CoordinatorGone,
    NotTheTrustedCoordinator,
    ProtocolMismatch,
    RequestRefused,
    Unauthorized,
)
from .config import AppPaths
from .discovery import farm_url
from .engines import available_voices, engine_class
from .engines.base import Engine
from .errors import E2AError, VoiceError
from .farm_tag import farm_label, farm_tag
from .gpu import describe_gpu
from .hearer import Hearer
from .joining import CodePrompt, FarmFinder, FarmOffer, JoinedFarm
from .link import FarmLink
from .protocol import (
    LEASE_DONE,
    LEASE_UNIT,
    LEAVING_FOR_ANOTHER_FARM,
    LEAVING_TO_STOP,
    Assignment,
    Capabilities,
    JobInfo,
    LeaseResponse,
)
from .render import UnitAudio, render_unit
from .settings import EngineSettings
from .state import NodeSnapshot, NodeStatus
from .trust import NodeIdentity, TrustStore
from .voices.download import DownloadProgress
from .voices.samples import install_sample, sample_path
from .voices.store import ModelStore

log = logging.getLogger("e2a.node")

HEARTBEAT_MAX_S = 2.0
"""The longest gap between a speaking node's beats: a farm's Pause (or a copy finished
elsewhere) is heard within this, then the unit is given up at once."""
LOAD_KEEPALIVE_S = 10.0
"""While a voice loads, the farm is asked for its job this often (it lists a node silent
for a lease's length, 30-60 s, as gone)."""
FARM_SILENT_S = 8.0
"""A speaking node whose farm has not answered a beat for this long stops the unit: the
window was closed (or the PC went away), and the audio could not be delivered anyway."""
HALT_POLL_S = 0.1
"""How often a node speaking a unit checks whether it was paused, stopped or dropped."""
HOLD_ASK_LEAD_S = 0.5
"""A node held by --max-speed asks for its next unit this long before its hold ends (so
the answer is there as it does), not as its last sentence begins: a unit asked for then
lay unspoken, kept from faster nodes, for the whole hold (simulated, three 8x nodes
beside two 20x voices held to 2x: 1.031 x the lower bound, now 1.016). Before the farm
has any of its audio (which is how it times a held node), it asks once its first held
unit's upload is answered: asked earlier, the farm took it for as fast as its voice and
gave it a whole unit it would finish last."""
PAUSED_BEAT_S = 20.0
"""How often a node paused at its PC tells its farm it is still there (farms say how often)."""
NO_JOB_RETRY_S = 3.0
"""How often a node on a farm without a book asks whether one has started."""
NO_JOB_RETRY_SOON_S = 1.0
OTHER_FARMS_EVERY_S = 3.0
"""While its farm has no book, a node paired with other farms asks them this often whether
they have one (and moves to one that has: it helps whichever farm has a book)."""
ELSEWHERE_EVERY_S = 20.0
"""While it speaks for its farm, a node paired with other farms tells them this often that
it is busy elsewhere (``Elsewhere``): they show it helping another farm, and lost only once
it stops saying so (the farm's AWAY_GONE_AFTER_S). Once a minute, a node killed mid-book
read "helping another farm" on its other farm for three and a half minutes."""
FARM_PAUSED = "paused"
"""A lease's reason while the person at the farm has paused its book (the farm's own
NodeState.PAUSED, as it goes over the wire)."""
JOB_OVER_MEMORY_S = 60.0
"""How long a job heard to be over is not taken for new work while it is still listed."""
REFUSED_RETRY_S = 30.0
"""A farm that refused this node (or answered oddly) is left alone this long."""
VOICE_RETRY_S = 600.0
"""A voice that could not be downloaded is tried again after this long, not at every lease."""
MAX_ENGINE_FAILURES = 3
"""Units in a row the voice engine failed on before the node stops with the error."""
ENGINE_ERROR_PAUSE_S = 2.0
"""After an engine error on a unit, wait this long before asking for the next one."""
TLS_GOODBYE_S = 0.25
"""At the end, how long closed TLS connections get to finish closing."""
RETRY_MAX_S = 10.0
"""The longest wait between tries to reach a coordinator that is gone."""
RETRY_SOON_S = 0.5
RETRY_SOON_FOR_S = 60.0
"""A coordinator heard from within this long is tried every RETRY_SOON_S: the
desktop's next book (or `e2a convert`'s next run) usually comes within seconds, and
a node backing off even to two seconds started it that much late (a refused connection
costs nothing). Only the first failure of a run of them is logged."""


@dataclass(frozen=True)
class NodeConfig:
    """How a node runs. ``data_dir`` is the e2a user data dir shared with the desktop."""

    data_dir: Path
    name: str | None = None
    url: str | None = None
    code: str | None = None
    mdns_interfaces: list[str] | None = None
    one_job: bool = False
    max_speed: float | None = None
    device: str = "auto"
    """"auto" (a GPU where the voice's engine can use one, else the CPU), "cpu", "cuda",
    "cuda:N" or "mps"."""
    give_up_after: float | None = None
    """With one_job: leave with an error after this many seconds without a coordinator."""
    farm_name: str | None = None
    """Join only the farm of this name (several farms on one LAN, or tests beside others)."""
    threads: int | None = None
    """At most this many CPU cores for speech (None: all); see set_thread_limit."""
    get_voices: bool = False
    """The owner allows downloading a voice a farm's book needs and this node lacks (from
    the public catalogue; a model whose licence must be accepted only once it was here)."""

    @property
    def paths(self) -> AppPaths:
        return AppPaths(self.data_dir)


class UnitDropped(Exception):
    """The unit is no longer ours: finished elsewhere, lease lost, or we stop or pause."""


class NodeWorker:
    """One node; ``async_run`` until stopped (or the first job ends, with one_job)."""

    def __init__(self, config: NodeConfig, prompt: CodePrompt | None = None,
                 engine_factory: Callable[[EngineSettings], Engine] | None = None,
                 on_state: Callable[[NodeSnapshot], None] | None = None,
                 link: FarmLink | None = None, identity: NodeIdentity | None = None,
                 on_offer: Callable[[tuple[FarmOffer, ...]], None] | None = None,
                 hearer: Hearer | None = None) -> None:
        self.config = config
        paths = config.paths
        self.identity = identity or NodeIdentity.load(paths.node_dir, config.name)
        self.trust = TrustStore(paths.node_dir / "trust")
        self.voices_dir = paths.voices_dir
        self.prompt = prompt
        self._engine_factory = engine_factory or self._create_engine
        self._engine: tuple[tuple[EngineSettings, str, int | None], Engine] | None = None
        self._device = config.device
        self._threads = config.threads
        self._on_state = on_state or (lambda _s: None)
        self._link = link
        self.state = NodeSnapshot()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()  # set when stop/pause/resume changes; loop-local
        self._halt = threading.Event()  # stop or pause: the speaking thread checks this
        self._stopping = False
        self._paused = False
        self._pinned = False
        self.finder = FarmFinder(
            self.identity, self.trust, url=farm_url(config.url) if config.url else None,
            code=config.code, farm_name=config.farm_name,
            mdns_interfaces=config.mdns_interfaces,
            prompt=None if on_offer is not None else prompt, on_offer=on_offer,
            on_problem=lambda why: self._set(last_error=why))
        self._joined: JoinedFarm | None = None
        self._leaving = False  # the farm worked for was forgotten: hand back and leave
        self._current_url = ""  # the coordinator being talked to (for messages)
        self._jobs_over: dict[str, float] = {}  # job id → when this node heard it is over
        self._last_job_end = -RETRY_SOON_FOR_S  # when a job this node worked on ended
        self._asked_others = -OTHER_FARMS_EVERY_S  # when other paired farms were last asked
        self._told_others = -ELSEWHERE_EVERY_S  # when they were last told it is busy here
        self._telling: asyncio.Future[Any] | None = None
        self._voice_tries: dict[str, float] = {}  # voice → when a download was last tried
        self._get_voices = config.get_voices
        self._engine_failures = 0  # in a row; a spoken unit resets it
        self._speaking: asyncio.Future[UnitAudio] | None = None  # the voice's thread at work
        self.hearer = hearer or Hearer()
        """Hears units the farm lends it when it has nothing to speak (hearer.py); the
        built-in node never does (its farm hears on its own thread)."""

    # -- commands (any thread) --------------------------------------------------------

    def stop(self) -> None:
        """Finish now: the unit in hand is handed back. Safe from any thread."""
        self._stopping = True
        self._halt.set()
        self._poke()
        self.finder.poke()

    def pause(self) -> None:
        """Stop speaking within a sentence and hand the unit back; wait for resume."""
        self._paused = True
        self._halt.set()
        self._poke()
        self.finder.poke()

    def resume(self) -> None:
        self._paused = False
        if not (self._stopping or self._leaving):
            self._halt.clear()
        self._poke()

    @property
    def paused(self) -> bool:
        return self._paused

    def set_thread_limit(self, threads: int | None) -> None:
        """Speak on at most ``threads`` CPU cores (None: all), from the next unit on.

        Applied by CPU affinity of the speaking threads (Linux); the voice is
        reloaded so its thread pool starts inside the limit. Safe from any thread.
        """
        self._threads = threads if threads and threads > 0 else None

    @property
    def thread_limit(self) -> int | None:
        return self._threads

    def set_device(self, device: str) -> None:
        """Speak on ``device`` ("auto", "cpu", "cuda", "cuda:1", "mps") from the next unit
        on. Safe from any thread."""
        self._device = device

    @property
    def device(self) -> str:
        return self._device

    @property
    def may_download_voices(self) -> bool:
        return self._get_voices

    def allow_voice_downloads(self, allowed: bool) -> None:
        """Whether a voice a job needs may be downloaded (the owner's choice). Any thread."""
        self._get_voices = allowed
        self._voice_tries.clear()  # a new "yes" tries again at once

    def _poke(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to wake
            if _running_on(loop):
                self._wake.set()
            else:
                loop.call_soon_threadsafe(self._wake.set)

    # -- state ----------------------------------------------------------------------

    def _set(self, status: NodeStatus | None = None, **changes: object) -> None:
        if status is not None:
            changes["status"] = status
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self._on_state(self.state)

    def capabilities(self) -> Capabilities:
        engines: dict[str, list[str]] = {}
        for voice in available_voices(self.voices_dir):
            engines.setdefault(voice.engine, []).append(voice.name)
        device = self.device_in_use
        gpu = describe_gpu(device)
        return Capabilities(self.identity.name, device, engines,
                            gpu.name if gpu else "", gpu.free_mb if gpu else 0,
                            hears=self.hearer.names() if self._link is None else (),
                            hints=True)

    @property
    def device_in_use(self) -> str:
        """The device the loaded voice really speaks on; before a voice is loaded, the one
        asked for ("auto" reads as the CPU: nothing is known to be faster yet)."""
        if self._engine is not None:
            return self._engine[1].device_used
        return "cpu" if self._device == "auto" else self._device

    async def _async_sleep(self, seconds: float) -> None:
        """Sleep, but wake at once for stop, pause or resume."""
        self._wake.clear()
        if self._stopping:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _async_wait_while_paused(self) -> None:
        while self._paused and not self._stopping:
            self._set(NodeStatus.PAUSED, unit_id=None)
            await self._async_sleep(3600)

    # -- the outer loop -----------------------------------------------------------------

    async def async_run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            if self._link is not None:
                await self._async_run_on(self._link)
            else:
                try:
                    async with aiohttp.ClientSession() as session:
                        try:
                            await self._async_run_lan(session)
                        finally:
                            await self.finder.async_close()
                finally:  # also when the run ends in an error (not paired, a bad URL)
                    # Closed connections finish their goodbye on this loop; closing the
                    # loop at once would leave their sockets open (aiohttp's documented
                    # way), to be found by the garbage collector later.
                    await asyncio.sleep(TLS_GOODBYE_S)
        finally:
            if self._telling is not None:
                self._telling.cancel()
            self.hearer.close()
            self._set(NodeStatus.STOPPED, unit_id=None)

    async def _async_run_on(self, link: FarmLink) -> None:
        while not self._stopping:
            await self._async_wait_while_paused()
            if self._stopping or await self._async_work(link):
                return

    async def _async_run_lan(self, session: aiohttp.ClientSession) -> None:
        backoff, failing = RETRY_SOON_S, False
        last_contact = time.monotonic()
        while not self._stopping:
            await self._async_wait_while_paused()
            self._leave_done()
            try:
                client = await self._async_connect(session)
                if client is None:
                    continue
                last_contact = time.monotonic()
                try:
                    finished = await self._async_work(client)
                finally:  # it answered until now: --one-job's patience counts from here
                    last_contact = time.monotonic()
                backoff, failing = RETRY_SOON_S, False
                if await self._async_run_ends(client, finished):
                    return
            except CoordinatorGone as exc:
                self._set(NodeStatus.RECONNECTING, unit_id=None, last_error=str(exc))
                if isinstance(exc, NotTheTrustedCoordinator):
                    self.finder.pass_over(exc.url, str(exc))
                elif not failing or backoff > RETRY_SOON_S:
                    log.info("coordinator unreachable (%s); retrying in %.1f s", exc, backoff)
                failing = True
                self._give_up_if_alone(last_contact)
                await self._async_sleep(backoff)
                recent = time.monotonic() - last_contact < RETRY_SOON_FOR_S
                backoff = RETRY_SOON_S if recent else min(backoff * 2, RETRY_MAX_S)
            except E2AError as exc:
                if isinstance(exc, ProtocolMismatch) and self._stays_for(exc):
                    await self._async_refused(str(exc), last_contact)
                    continue
                raise  # this node's own problem (its voice engine, its arguments): say so
            except (RequestRefused, Unauthorized) as exc:
                # Anything can answer on the LAN: a refusal or an odd answer is never a
                # reason to exit or to forget a farm, only to try later or elsewhere.
                await self._async_refused(getattr(exc, "reason", "") or str(exc), last_contact)
            except Exception as exc:  # noqa: BLE001 - what a peer sends never ends the node
                if self.config.one_job:
                    raise
                log.debug("talking to %s failed", self._current_url, exc_info=True)
                await self._async_refused(f"failed: {type(exc).__name__}: {exc}", last_contact)

    async def _async_run_ends(self, client: CoordinatorClient, finished: bool) -> bool:
        """Whether the run ends after a job (--one-job); a node that goes says goodbye."""
        ends = finished and self.config.one_job
        if ends or self._stopping:
            await self._async_say_leaving(client, LEAVING_TO_STOP)
            joined = self._joined
            if joined is not None:  # and its other farms, which saw it ready or busy here
                await self.finder.async_tell_others_leaving(joined.fingerprint, LEAVING_TO_STOP)
        return ends

    def _stays_for(self, mismatch: ProtocolMismatch) -> bool:
        """Whether another protocol at the farm's address is waited out, not an exit.

        A paired node's farm may come back at that address (whatever answers there
        now); a node paired with nothing, pointed at one address with --url, could
        never work there: it says why and leaves, as does a --one-job node.
        """
        return not self.config.one_job and (not self.config.url or bool(self.trust.all()))

    async def _async_refused(self, why: str, last_contact: float) -> None:
        self._pass_over(self._current_url, why)
        self._give_up_if_alone(last_contact)
        await self._async_sleep(REFUSED_RETRY_S)

    def _leave_done(self) -> None:
        """A forgotten farm has been left: speaking may go on (for another farm)."""
        if self._leaving:
            self._leaving = False
            self._joined = None
            if not (self._stopping or self._paused):
                self._halt.clear()

    def _pass_over(self, url: str, why: str) -> None:
        """Leave a farm that refused us alone for a while (another may be found meanwhile)."""
        self._set(NodeStatus.RECONNECTING, unit_id=None, last_error=why)
        self.finder.pass_over(url, why)

    def _give_up_if_alone(self, last_contact: float) -> None:
        limit = self.config.give_up_after
        if self.config.one_job and limit is not None and time.monotonic() - last_contact > limit:
            where = self.config.url or "on the network"
            raise E2AError(f"no coordinator answered {where} for {limit:.0f} s; giving up "
                           "(--one-job)")

    # -- finding and joining a coordinator ----------------------------------------------

    async def _async_connect(self, session: aiohttp.ClientSession) -> CoordinatorClient | None:
        """The farm to work for (joining.FarmFinder decides which); None to look again."""
        began = time.monotonic()

        def waiting() -> None:
            if self.state.status is not NodeStatus.SEARCHING:
                self._set(NodeStatus.SEARCHING, farm="", farm_tag="", unit_id=None)
            self._give_up_if_alone(began)

        joined = await self.finder.async_find(
            session, lambda: not (self._stopping or self._paused), waiting)
        if joined is None:
            return None
        self._joined = joined
        self._current_url = joined.client.base_url
        self._set(NodeStatus.JOINED, farm=joined.name, farm_tag=farm_tag(joined.fingerprint))
        log.info("joined farm '%s' at %s", joined.label, joined.client.base_url)
        return joined.client

    def answer_offer(self, fingerprint: str, code: str | None) -> None:
        """The person's reply to a farm on offer: its code, or None. Any thread."""
        self.finder.answer(fingerprint, code)
        self._poke()

    def forget_farm(self, fingerprint: str) -> None:
        """Un-pair from a farm, and leave it now if working for it. Any thread.

        The unit in hand is handed back within a sentence and nothing more is leased
        from that farm. It is then offered like any farm this PC does not know ("Join
        the farm …", by its code): forgetting is not "never again", and a farm still on
        the network must not leave the tray "looking for a farm" with no way back.
        """
        self.trust.forget(fingerprint)
        joined = self._joined
        if joined is not None and joined.fingerprint == fingerprint:
            log.info("forgot farm '%s': leaving it now", joined.label)
            self._leaving = True
            self._halt.set()
        self._poke()

    def _at_work(self) -> bool:
        """Whether the unit loop may go on (not stopping, pausing or leaving the farm)."""
        return not (self._stopping or self._paused or self._leaving)

    def _staying(self) -> bool:
        """Whether to stay with this farm: at work, or paused (not stopping nor leaving)."""
        return not (self._stopping or self._leaving)

    async def _async_rest(self, link: FarmLink, caps: Capabilities) -> None:
        """Paused while joined: stay with the farm and tell it so now and then.

        Its Nodes table then says "paused": a node that fell silent would read
        "stopped" (it handed its unit back) and later "lost". Resume wakes the sleep.
        """
        while self._paused and self._staying():
            if self.state.status is not NodeStatus.PAUSED:
                self._set(NodeStatus.PAUSED, unit_id=None)
            lease = await self._async_next_lease_of(link.async_lease(replace(caps, paused=True)))
            if lease.status == LEASE_UNIT and lease.assignment is not None:
                await self._async_hand_back(link, lease.assignment.unit_id)  # an older farm
            await self._async_sleep(lease.retry_after or PAUSED_BEAT_S)

    # -- working on a job -----------------------------------------------------------------

    async def _async_work(self, link: FarmLink) -> bool:
        """Work on the link's job; True when the job is over, False to reconnect or resume."""
        job = await self._async_next_job(link)
        if job is None:
            return False
        ready = await self._async_get_ready(link, job)
        if ready is None:
            await self._async_sleep(30)
            return False
        self._told_others = -ELSEWHERE_EVERY_S  # a new book: its other farms hear at once
        caps, engine = ready
        voice = job.settings.engine
        log.info("working on %r (voice %s, on %s)", job.title, voice.label,
                 _device_words(caps.device, caps.gpu))
        flow = _UnitFlow(link, caps)
        try:
            while self._staying():
                if self._paused:
                    await flow.settle(self._async_hand_back)
                    await self._async_rest(link, flow.caps)
                    continue
                if self._engine is not None and \
                        self._engine[0][1:] != (self._device, self._threads):
                    await self._async_finish_straggler()
                    engine = await self._async_load(link, voice)  # settings changed
                    flow.caps = self.capabilities()  # the farm sees the device now used
                self._tell_others_busy()
                lease = await self._async_next_lease(flow)
                if lease.status == LEASE_DONE:
                    await flow.finish_sending(job_over=True)
                    self._set(NodeStatus.FINISHED, unit_id=None)
                    log.info("job %r is over", job.title)
                    self._jobs_over[job.job_id] = self._last_job_end = time.monotonic()
                    return True
                if lease.status != LEASE_UNIT or lease.assignment is None:
                    if lease.reason == FARM_PAUSED and await self._async_move_for_a_book():
                        # Its farm was paused by its person: help the other farm with a
                        # book meanwhile (it sat idle for half an hour while that one
                        # waited); this farm is asked again in turn once that book ends.
                        await flow.finish_sending()
                        await self._async_say_leaving(link, LEAVING_FOR_ANOTHER_FARM)
                        return False
                    await self._async_between_units(link, lease, job)
                    continue
                if lease.assignment.job_id not in ("", job.job_id):  # the farm moved on
                    await self._async_hand_back(link, lease.assignment.unit_id)
                    return False
                unit = lease.assignment
                spoken = await self._async_do_unit(link, engine, job, unit, flow)
                await flow.finish_sending()  # one upload in flight at a time
                if spoken is not None:
                    flow.send(self._async_upload(link, unit, *spoken))
                    if flow.ask_after_upload:  # (see HOLD_ASK_LEAD_S)
                        flow.ask_after_upload = False
                        await flow.finish_sending()
        finally:
            await flow.close(self._async_hand_back)
        return False

    async def _async_between_units(self, link: FarmLink, lease: LeaseResponse,
                                   job: JobInfo) -> None:
        """No unit to speak: hear one lent to this node, or wait as the farm says, and why."""
        if await self._async_hear(link, lease, job):
            return
        busy = lease.reason == "speaking"  # its last upload is still on its way
        if not busy and (self.state.status is not NodeStatus.IDLE
                         or self.state.waiting_for != lease.reason):
            self._set(NodeStatus.IDLE, unit_id=None, waiting_for=lease.reason)
        await self._async_sleep(lease.retry_after)

    async def _async_hear(self, link: FarmLink, lease: LeaseResponse, job: JobInfo) -> bool:
        """Nothing to speak, and a unit another node spoke lent to hear (the farm's word
        check): hear it; False if the lease lends none."""
        lent = lease.hearing
        if lent is None or not isinstance(link, CoordinatorClient) \
                or lent.job_id not in ("", job.job_id):
            return False
        if self.state.status is not NodeStatus.IDLE or self.state.waiting_for != "hearing":
            self._set(NodeStatus.IDLE, unit_id=None, waiting_for="hearing")
        await self.hearer.async_hear(link, lent, lambda: not self._at_work())
        return True

    async def _async_next_lease(self, flow: _UnitFlow) -> LeaseResponse:
        """The next lease; a farm whose book ended while it was asked (410) means "done"."""
        return await self._async_next_lease_of(flow.next_lease())

    @staticmethod
    async def _async_next_lease_of(asking: Awaitable[LeaseResponse]) -> LeaseResponse:
        try:
            return await asking
        except Unauthorized:
            raise CoordinatorGone("no longer authorised") from None
        except RequestRefused as exc:
            if exc.status != 410:
                raise
            return LeaseResponse(LEASE_DONE)

    async def _async_get_ready(self, link: FarmLink,
                               job: JobInfo) -> tuple[Capabilities, Engine] | None:
        """The job's voice (downloaded if allowed), its sample, the engine loaded; or None."""
        caps = self.capabilities()
        voice = job.settings.engine
        if not caps.can_speak(voice) and await self._async_get_voice(voice):
            caps = self.capabilities()
        if not caps.can_speak(voice):
            self._set(NodeStatus.NO_VOICE, title=job.title)
            log.warning("job %r needs voice %s, which this node does not have", job.title,
                        voice.label)
            return None
        if not await self._async_have_sample(link, voice):
            return None
        self._set(NodeStatus.LOADING, title=job.title)
        await self._async_finish_straggler()
        engine = await self._async_load(link, voice)
        return self.capabilities(), engine  # the device it really loaded on, for the farm

    async def _async_load(self, link: FarmLink, voice: EngineSettings) -> Engine:
        """Load the voice, telling the farm now and then that this node is still here.

        A large model on a slow PC loads for over a minute (XTTS-v2 on a CPU), and a
        farm that hears nothing from a node that long lists it as gone. Asking for the
        job is the lightest thing a node can ask; its answer is not needed.
        """
        loading = asyncio.ensure_future(asyncio.to_thread(self._engine_for, voice))
        while True:
            done, _ = await asyncio.wait({loading}, timeout=LOAD_KEEPALIVE_S)
            if done:
                return loading.result()
            with contextlib.suppress(CoordinatorGone, RequestRefused, Unauthorized):
                await link.async_job()

    async def _async_get_voice(self, voice: EngineSettings) -> bool:
        """Download the job's voice when the owner allowed it (--get-voices); True if done.

        A voice that could not be had is not tried again for a while: the farm keeps
        asking, and each attempt would be another download.
        """
        name = voice.model or voice.voice
        tried = self._voice_tries.get(name)
        if not self._get_voices or (tried is not None
                                          and time.monotonic() - tried < VOICE_RETRY_S):
            return False
        self._voice_tries[name] = time.monotonic()
        self._set(NodeStatus.LOADING, last_error="")
        log.info("downloading voice %s for the farm's book…", voice.label)
        try:
            await asyncio.to_thread(self._download_voice, voice.engine, name)
        except (E2AError, OSError) as exc:
            self._set(last_error=f"could not get voice {voice.label}: {exc}")
            log.warning("could not get voice %s: %s", voice.label, exc)
            return False
        log.info("installed voice %s", voice.label)
        return True

    def _download_voice(self, engine: str, name: str) -> None:
        store = ModelStore(self.voices_dir)
        try:
            store.catalogue.find(f"{engine}:{name}")
        except VoiceError:
            store.refresh()  # a voice newer than this node's list: fetch the list once
        last = [0.0]

        def progress(step: DownloadProgress) -> None:
            if step.total and time.monotonic() - last[0] > 5:
                last[0] = time.monotonic()
                log.info("  %s: %d of %d MB", step.file, step.done >> 20, step.total >> 20)

        store.install(f"{engine}:{name}", progress)

    async def _async_have_sample(self, link: FarmLink, voice: EngineSettings) -> bool:
        """A cloned voice needs the job's reference recording here; fetch it once, by id.

        Every node then clones the very same recording, so chapters spoken on
        different PCs sound alike. The bytes must hash to the id the job names.
        """
        sample_id = voice.reference_voice
        if not sample_id:
            return True
        try:
            if sample_path(self.voices_dir, sample_id).is_file():
                return True
            data = await link.async_voice_sample(sample_id)
            await asyncio.to_thread(install_sample, data, sample_id, self.voices_dir)
        except (E2AError, RequestRefused, OSError) as exc:
            why = getattr(exc, "reason", None) or str(exc)
            self._set(NodeStatus.NO_VOICE, last_error=f"voice sample: {why}")
            log.warning("cannot get the job's voice sample %s… (%s)", sample_id[:12], why)
            return False
        log.info("received the job's voice sample %s…", sample_id[:12])
        return True

    async def _async_next_job(self, link: FarmLink) -> JobInfo | None:
        """The farm's book; while it has none, wait as "ready" (None: stopping or pausing)."""
        try:
            job = await self._async_open_job(link)
            while job is None and self._staying():
                if self._paused:
                    await self._async_rest(link, self.capabilities())
                    job = await self._async_open_job(link)
                    continue
                if self.state.status is not NodeStatus.READY:
                    self._set(NodeStatus.READY, title="", unit_id=None)
                    log.info("ready: the farm has no book right now")
                await self._async_sleep(self._no_job_wait())
                if await self._async_move_for_a_book():
                    await self._async_say_leaving(link, LEAVING_FOR_ANOTHER_FARM)
                    return None  # joined again, to the farm with the book
                job = await self._async_open_job(link)
        except Unauthorized as exc:
            if not (exc.proven and exc.revoked and isinstance(link, CoordinatorClient)):
                raise  # a fake farm, a replay or a clock far off: never forget a farm for it
            hello = await link.async_hello()
            self.trust.forget(hello.fingerprint)
            raise CoordinatorGone("this node's pairing was revoked; pairing again") from None
        return job

    async def _async_move_for_a_book(self) -> bool:
        """Whether another paired farm has a book while this one has none: move to it.

        A node paired with two farms sat "ready" on the one without a book while the
        other spoke twelve chapters alone. It is asked between books only, never in a
        unit's middle; the farm left stays paired and is asked again in turn once the
        other's book is over (the node then looks among its farms anew).
        """
        joined = self._joined
        if joined is None or self._link is not None or not self._at_work():
            return False
        now = time.monotonic()
        if now - self._asked_others < OTHER_FARMS_EVERY_S:
            return False
        self._asked_others = now
        there = await self.finder.async_farm_with_book(joined.fingerprint, self._could_help)
        if there is None or not self._at_work():
            return False
        log.info("moving to farm '%s': it has a book", farm_label(there.name, there.fingerprint))
        self.finder.prefer(there.fingerprint)
        return True

    def _tell_others_busy(self) -> None:
        """Every ELSEWHERE_EVERY_S while speaking for its farm, tell its other paired farms (in the
        background: a unit is never held up): they show it helping another farm, where one
        read "ready" and then "lost" of a node busy elsewhere all along."""
        joined = self._joined
        if joined is None or self._link is not None:
            return
        now = time.monotonic()
        if now - self._told_others < ELSEWHERE_EVERY_S or (
                self._telling is not None and not self._telling.done()):
            return
        self._told_others = now
        self._telling = asyncio.ensure_future(
            self.finder.async_ask_others(joined.fingerprint, busy=True))

    def _could_help(self, job: JobInfo) -> bool:
        """Whether this node could speak another farm's book: not one heard to be over,
        nor one in a voice it lacks and may not download (it would sit "no voice" there
        while its own farm's next book waited)."""
        voice = job.settings.engine
        return not self._heard_over(job.job_id) and (
            self._get_voices or self.capabilities().can_speak(voice))

    def _heard_over(self, job_id: str) -> bool:
        """Whether this node heard lately that the job is over (a farm lists it a while)."""
        heard = self._jobs_over.get(job_id)
        return heard is not None and time.monotonic() - heard < JOB_OVER_MEMORY_S

    def _no_job_wait(self) -> float:
        """How long to wait before asking a farm without a book again.

        Soon after a book ended the next one often starts within seconds (the person
        queued it, or a new coordinator takes the port): ask every second then.
        """
        if time.monotonic() - self._last_job_end < RETRY_SOON_FOR_S:
            return NO_JOB_RETRY_SOON_S
        return NO_JOB_RETRY_S

    async def _async_open_job(self, link: FarmLink) -> JobInfo | None:
        """The farm's job, unless it is one this node already heard is over.

        A coordinator keeps listing a finished book for a few seconds while it
        binds; without this the node would cycle hello → job → lease → "over"
        as fast as the network allows.
        """
        job = await link.async_job()
        if job is None:
            # Forgotten once old: another farm may still list its ended book (job ids
            # are new for each book, so none comes back under an old id).
            now = time.monotonic()
            self._jobs_over = {job_id: heard for job_id, heard in self._jobs_over.items()
                               if now - heard < JOB_OVER_MEMORY_S}
            return None
        return None if self._heard_over(job.job_id) else job

    def _create_engine(self, voice: EngineSettings) -> Engine:
        engine = engine_class(voice.engine)(self.voices_dir, self._device, self._threads)
        engine.load(voice)
        return engine

    def _engine_for(self, voice: EngineSettings) -> Engine:
        key = (voice, self._device, self._threads)
        if self._engine is None or self._engine[0] != key:
            if self._engine is not None:
                self._engine[1].unload()
            self._pin_thread()
            self._engine = (key, self._engine_factory(voice))
        return self._engine[1]

    def _pin_thread(self) -> None:
        """Keep this (speaking or loading) thread within the thread limit."""
        if self._threads is None and not self._pinned:
            return  # never limited: leave the thread as the OS made it
        self._pinned = pin_current_thread(self._threads)

    async def _async_do_unit(self, link: FarmLink, engine: Engine, job: JobInfo,
                             unit: Assignment, flow: _UnitFlow | None = None,
                             ) -> tuple[UnitAudio, float] | None:
        """Speak one unit; its audio and when it began, or None (dropped, handed back).

        With a ``flow``, the next lease is asked for (on the loop) as the last sentence
        starts, so it is on its way while this one is still being spoken, and it is kept
        alive by this unit's heartbeats until it is spoken in turn.
        """
        self._set(NodeStatus.SPEAKING, unit_id=unit.unit_id, chapter=unit.chapter,
                  waiting_for="")
        dropped = threading.Event()
        progress = [0, len(unit.sentences)]
        beats = asyncio.create_task(self._async_heartbeats(link, unit, dropped, progress,
                                                           flow))
        began = time.monotonic()
        loop = asyncio.get_running_loop()

        def last_sentence() -> None:  # on the speaking thread
            if flow is not None and not self.config.max_speed:  # held: as the hold ends
                loop.call_soon_threadsafe(flow.ask_ahead)

        try:
            await self._async_finish_straggler()
            speaking = asyncio.ensure_future(asyncio.to_thread(
                self._speak, engine, job, unit, dropped, progress, last_sentence))
            speaking.add_done_callback(_retrieved)  # a straggler's end is not an error
            self._speaking = speaking
            audio = await self._async_until_spoken(speaking, dropped)
            self._engine_failures = 0
            await self._async_throttle(audio, began, dropped, flow)
        except UnitDropped:
            if self._halt.is_set():
                await self._async_hand_back(link, unit.unit_id)
            else:
                log.info("the farm took unit %d back (paused, or finished elsewhere); "
                         "stopped speaking it", unit.unit_id)
            return None
        except Exception as exc:  # an engine failing on one unit must not end the node...
            log.warning("unit %d failed in the voice engine (%s); handed back", unit.unit_id,
                        exc)
            self._set(last_error=f"voice engine failed: {exc}")
            await self._async_hand_back(link, unit.unit_id)
            self._engine_failures += 1
            if self._engine_failures >= MAX_ENGINE_FAILURES:  # ...but one that always fails
                raise E2AError(f"the voice engine failed on {self._engine_failures} units in "
                               f"a row; the last error: {exc}") from None
            await self._async_sleep(ENGINE_ERROR_PAUSE_S)
            return None
        finally:
            beats.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beats
        return audio, began

    async def _async_until_spoken(self, speaking: asyncio.Future[UnitAudio],
                                  dropped: threading.Event) -> UnitAudio:
        """The unit's audio; a pause, stop, Forget or drop gives the unit up at once.

        The voice cannot be stopped inside a sentence, but the farm need not wait for
        it: the unit is handed back now (another node can take it this second), and
        the sentence being spoken ends on its thread, unheard, before the next unit
        begins (``_async_finish_straggler``). The tray's Pause took 10-25 s to hand a
        unit back while a slow node finished its sentence.
        """
        while True:
            done, _ = await asyncio.wait({speaking}, timeout=HALT_POLL_S)
            if done:
                return speaking.result()
            if dropped.is_set() or self._halt.is_set():
                raise UnitDropped

    async def _async_finish_straggler(self) -> None:
        """Wait for a sentence still being spoken for a unit given up (one voice, one thread)."""
        straggler, self._speaking = self._speaking, None
        if straggler is not None and not straggler.done():
            with contextlib.suppress(Exception):
                await straggler

    async def _async_say_leaving(self, link: FarmLink, why: str) -> None:
        """Tell a farm this node goes between books, so it is not reported lost a minute
        later. Best effort: a farm from before this message answers 404, a vanished one
        nothing; neither holds the node up for more than a few seconds."""
        if not isinstance(link, CoordinatorClient):
            return  # the desktop's own node never leaves its farm
        with contextlib.suppress(CoordinatorGone, RequestRefused, Unauthorized, TimeoutError):
            await asyncio.wait_for(link.async_leaving(why), 3)

    async def _async_hand_back(self, link: FarmLink, unit_id: int) -> None:
        with contextlib.suppress(CoordinatorGone, RequestRefused, Unauthorized, TimeoutError):
            await asyncio.wait_for(link.async_hand_back(unit_id), 3)
        log.info("unit %d handed back unfinished", unit_id)

    async def _async_upload(self, link: FarmLink, unit: Assignment, audio: UnitAudio,
                            began: float) -> None:
        try:
            result = await link.async_upload(unit.unit_id, audio.wav_bytes(),
                                             [(s.start, s.end) for s in audio.spans])
        except RequestRefused as exc:
            log.warning("unit %d refused: %s", unit.unit_id, exc.reason)
            self._set(last_error=f"unit {unit.unit_id} refused: {exc.reason}")
            return
        if result.accepted:
            spent = time.monotonic() - began
            self._set(units_done=self.state.units_done + 1,
                      audio_seconds=self.state.audio_seconds + audio.duration,
                      busy_seconds=self.state.busy_seconds + spent,
                      last_speed=audio.duration / spent if spent else 0.0)
            log.info("unit %d done: %.1f s of audio in %.1f s (%.1fx real time)", unit.unit_id,
                     audio.duration, spent, audio.duration / spent if spent else 0.0)

    def _speak(self, engine: Engine, job: JobInfo, unit: Assignment,
               dropped: threading.Event, progress: list[int],
               last_sentence: Callable[[], None] = lambda: None) -> UnitAudio:
        def check(done: int, total: int) -> None:
            progress[0] = done
            if dropped.is_set() or self._halt.is_set():
                raise UnitDropped
            if done == total - 1:
                last_sentence()

        self._pin_thread()
        check(0, len(unit.sentences))
        pauses = job.settings.pauses.at_speed(job.settings.engine.speed)
        return render_unit(engine, unit.sentences, unit.breaks, pauses, on_sentence=check,
                           take=unit.take)

    async def _async_throttle(self, audio: UnitAudio, began: float, dropped: threading.Event,
                              flow: _UnitFlow | None = None) -> None:
        """With max_speed, hold the result so this node never exceeds that × real time.

        Held, it asks for its next unit ``HOLD_ASK_LEAD_S`` before the hold ends, or,
        before any upload of this job was answered, once this one's is.
        """
        if not self.config.max_speed:
            return
        ends = began + audio.duration / self.config.max_speed
        first_held = flow is not None and ends > time.monotonic() and not flow.answered
        while True:
            if dropped.is_set() or self._halt.is_set():
                raise UnitDropped
            remaining = ends - time.monotonic()
            if flow is not None and flow.answered and remaining <= HOLD_ASK_LEAD_S:
                flow.ask_ahead()  # (once: it asks only while nothing is asked for)
            if remaining <= 0:
                if flow is not None:
                    flow.ask_after_upload = first_held
                return
            until_ask = remaining - HOLD_ASK_LEAD_S
            await asyncio.sleep(min(0.2, until_ask if until_ask > 0 else remaining))

    async def _async_heartbeats(self, link: FarmLink, unit: Assignment,
                                dropped: threading.Event, progress: list[int],
                                flow: _UnitFlow | None = None) -> None:
        # Often enough that a unit finished elsewhere is dropped soon (and a node hears
        # "job over" before the coordinator leaves); rarely enough to cost nothing. The
        # first beat goes as speaking begins: the coordinator times this node's speed
        # from it (a unit leased ahead was leased well before it was begun).
        interval = max(0.5, min(unit.lease_seconds / 3, HEARTBEAT_MAX_S))
        first = True
        answered = time.monotonic()
        while True:
            if not first:
                await asyncio.sleep(interval)
            first = False
            try:
                answer = await link.async_heartbeat(unit.unit_id, progress[0], progress[1])
                answered = time.monotonic()
                if not answer.keep:
                    dropped.set()
                    return
                ahead = flow.held() if flow is not None else None
                if ahead is not None:  # leased ahead: its clock must not run out meanwhile
                    kept = await link.async_heartbeat(ahead)
                    if not kept.keep and flow is not None:  # taken back (Pause): not begun
                        flow.forget_ahead(ahead)
            except CoordinatorGone as exc:
                if time.monotonic() - answered > FARM_SILENT_S:  # closed, or gone: stop now
                    log.info("the farm has not answered for %.0f s (%s); stopping unit %d",
                             time.monotonic() - answered, exc, unit.unit_id)
                    dropped.set()
                    return
            except (RequestRefused, Unauthorized):
                continue  # the upload will tell; keep speaking meanwhile


class _UnitFlow:
    """Keeps a node's network out of its speaking time: no idle round trips.

    The next lease is asked for while the last sentence of the current unit is
    spoken, and a unit's upload runs while the next one is spoken (one upload in
    flight at a time). Only the fastest nodes notice, and they are the ones whose
    units are a fraction of a second.
    """

    def __init__(self, link: FarmLink, caps: Capabilities) -> None:
        self.link, self.caps = link, caps
        self._ahead: asyncio.Task[LeaseResponse] | None = None
        self._sending: asyncio.Task[None] | None = None
        self.closing = False
        self.answered = False
        """An upload of this job was answered: the farm has timed this node by its audio."""
        self.ask_after_upload = False
        """Held by --max-speed before that: the next unit is asked for once this upload
        is answered (see HOLD_ASK_LEAD_S)."""

    def ask_ahead(self) -> None:
        if self._ahead is None and not self.closing:
            self._ahead = asyncio.ensure_future(self.link.async_lease(self.caps))

    async def next_lease(self) -> LeaseResponse:
        ahead, self._ahead = self._ahead, None
        return await ahead if ahead is not None else await self.link.async_lease(self.caps)

    def held(self) -> int | None:
        """The unit leased ahead and not yet begun, if there is one."""
        ahead = self._ahead
        if ahead is None or not ahead.done() or ahead.cancelled() or ahead.exception():
            return None
        lease = ahead.result()
        return lease.assignment.unit_id if lease.assignment is not None else None

    def forget_ahead(self, unit_id: int) -> None:
        """The farm took back the unit leased ahead: do not begin it (ask anew instead)."""
        if self.held() == unit_id:
            self._ahead = None

    def send(self, upload: Awaitable[None]) -> None:
        self._sending = asyncio.ensure_future(upload)
        self._sending.add_done_callback(self._answered)

    def _answered(self, sending: asyncio.Task[None]) -> None:
        if not sending.cancelled() and sending.exception() is None:
            self.answered = True

    async def finish_sending(self, job_over: bool = False) -> None:
        """Wait for the upload in flight; once the job is over, a failed one is moot.

        (The farm was finished without that unit and may already have closed.)
        """
        sending, self._sending = self._sending, None
        if sending is None:
            return
        if not job_over:
            await sending
            return
        try:
            await sending
        except (CoordinatorGone, Unauthorized) as exc:
            log.info("the last upload did not arrive (%s); the book was done without it", exc)

    async def close(self, hand_back: Callable[[FarmLink, int], Awaitable[None]]) -> None:
        """Leaving the job: the last upload completes; a unit leased ahead goes back."""
        self.closing = True
        await self.settle(hand_back)

    async def settle(self, hand_back: Callable[[FarmLink, int], Awaitable[None]]) -> None:
        """Nothing in flight after this: the last upload is done, the unit ahead given back."""
        with contextlib.suppress(Exception):
            await self.finish_sending()
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return
        try:
            lease = await ahead
        except Exception:  # the farm is gone or refused: nothing was leased to hand back
            return
        if lease.status == LEASE_UNIT and lease.assignment is not None:
            await hand_back(self.link, lease.assignment.unit_id)


_ALL_CPUS: frozenset[int] = frozenset(
    os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ())


def pin_current_thread(threads: int | None) -> bool:
    """Run the calling thread (and threads it starts) on at most ``threads`` cores.

    Linux only (per-thread affinity); elsewhere nothing happens. True when limited.
    """
    setter = getattr(os, "sched_setaffinity", None)
    if setter is None or not _ALL_CPUS:
        return False
    cpus = sorted(_ALL_CPUS)
    limited = threads is not None and threads < len(cpus)
    setter(0, set(cpus[:threads]) if limited else set(cpus))
    return limited


def _device_words(device: str, gpu: str) -> str:
    """"the CPU", "cuda (RTX 3060)": where a node's voice speaks, for its log."""
    if device == "cpu":
        return "the CPU"
    return f"{device} ({gpu})" if gpu else device


def _retrieved(future: asyncio.Future[UnitAudio]) -> None:
    """Mark a speaking thread's outcome as seen: a unit given up ends in UnitDropped or
    an engine error that nobody awaits any more (asyncio would log it as a traceback)."""
    if not future.cancelled():
        future.exception()


def _running_on(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


__all__ = ["NodeConfig", "NodeSnapshot", "NodeStatus", "NodeWorker", "ProtocolMismatch"]
