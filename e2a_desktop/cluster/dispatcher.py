"""Lease units from the Farm for the cluster's workers and send them as Celery tasks.

Each worker process is one node of the farm (``celery:e2a@host:3f9c``), named in
``Farm.local_names`` like the built-in node. A node holds the unit it speaks and,
once that unit's last sentence begins, the next one ahead (as a LAN node asks
ahead), both sent to the worker's own queue. While a task is queued or running
its lease is renewed; its sentence progress (the task's PROGRESS state) is the
heartbeat's progress, so the Nodes table and the terminal show which worker
speaks which unit and how far. A result is handed to ``Farm.accept_upload``:
the same checks as any LAN upload. A worker that stops answering pings has its
units handed back; the farm leases them to the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from e2a_node.cluster.app import CAPABILITIES, SPEAK_UNIT, TASK_EXPIRES_S
from e2a_node.protocol import LEASE_DONE, LEASE_UNIT, Assignment, Capabilities, ProtocolError

from ..errors import E2AError
from ..farm.farm import Farm
from ..farm.uploads import UploadRejected
from ..storage import StorageFault
from .workers import WorkerWatch

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

TICK_S = 0.2
BEAT_EVERY_S = 2.0
MAX_ENGINE_FAILURES = 3
"""Units in a row a worker's engine may fail on before it gets no more of this book."""
CAPS_TIMEOUT_S = 60.0
WAITING_NOTE_EVERY_S = 30.0


@dataclass
class _Task:
    task_id: str
    unit_id: int
    sentences: int
    done: int = -1  # sentences spoken; -1 while queued
    beaten: float = 0.0


@dataclass
class _Slot:
    """One worker process: one node of the farm."""

    node_id: str
    tasks: list[_Task] = field(default_factory=list)
    next_lease: float = 0.0
    finished: bool = False  # told "job over"


@dataclass
class _Worker:
    host: str
    slots: list[_Slot]
    caps_task: str = ""
    caps_asked: float = 0.0
    caps: Capabilities | None = None
    refused: str = ""  # why it gets no units of this book
    failures: int = 0


class ClusterDispatcher:
    """Feeds the farm's current job to the cluster until stopped. Thread-safe start/stop."""

    def __init__(self, farm: Farm, app: Celery, *, on_fatal: Callable[[E2AError], None],
                 say: Callable[[str], None], wait_workers: int = 0,
                 wait_workers_for: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._farm = farm
        self._app = app
        self._on_fatal = on_fatal
        self._say = say
        self._clock = clock
        self._wait_workers = wait_workers
        self._wait_until = clock() + wait_workers_for
        self._watch = WorkerWatch(app, clock)
        self._workers: dict[str, _Worker] = {}
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name="e2a-cluster", daemon=True)
        self._started_leasing = False
        self._noted_waiting = 0.0
        self._failed = False

    def start(self) -> None:
        self._watch.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop sending; units in flight are handed back and their tasks revoked."""
        self._halt.set()
        self._thread.join(timeout=30)
        self._watch.stop()
        for worker in self._workers.values():
            self._drop_worker(worker, revoke=True)

    # -- the loop -----------------------------------------------------------------

    def _run(self) -> None:
        while not self._halt.wait(TICK_S):
            try:
                self._tick()
            except E2AError as exc:
                self._fatal(exc)
            except Exception as exc:  # Redis gone mid-run, or a bug: the job stops, kept
                log.debug("cluster dispatcher failed", exc_info=True)
                self._fatal(E2AError(f"the cluster stopped answering: {_first_line(exc)}"))

    def _fatal(self, error: E2AError) -> None:
        if not self._failed:
            self._failed = True
            self._on_fatal(error)
        self._halt.set()

    def _tick(self) -> None:
        if self._watch.failure is not None:
            raise E2AError(f"the cluster's Redis stopped answering: "
                           f"{_first_line(self._watch.failure)}")
        self._update_workers()
        if not self._farm.has_job:
            return
        for worker in list(self._workers.values()):
            self._learn_caps(worker)
            for slot in worker.slots:
                self._poll(worker, slot)
        if self._may_lease():
            for worker in self._workers.values():
                if worker.caps is not None and not worker.refused:
                    for slot in worker.slots:
                        self._maybe_lease(worker, slot)
        self._check_someone_can_speak()

    def _update_workers(self) -> None:
        alive = self._watch.alive()
        for host in list(self._workers):
            if host not in alive:
                self._worker_gone(self._workers.pop(host))
        for host, size in alive.items():
            if host not in self._workers:
                self._workers[host] = self._new_worker(host, size)

    def _may_lease(self) -> bool:
        """Once ``wait_workers`` workers are ready (or the wait is over), lease on."""
        if self._started_leasing:
            return True
        ready = sum(1 for w in self._workers.values() if w.caps is not None)
        now = self._clock()
        if ready >= max(1, self._wait_workers) or (ready and now >= self._wait_until):
            self._started_leasing = True
            names = ", ".join(sorted(w.host for w in self._workers.values()
                                     if w.caps is not None))
            self._say(f"cluster: rendering with {ready} worker(s): {names}")
            return True
        wanted, here = max(1, self._wait_workers), len(self._workers)
        if self._watch.pinged and here < wanted and \
                now - self._noted_waiting >= WAITING_NOTE_EVERY_S:
            self._noted_waiting = now
            self._say(f"cluster: waiting for workers ({here} of {wanted} here); start them "
                      "with: e2a-node --cluster URL")
        return False

    # -- workers ------------------------------------------------------------------

    def _new_worker(self, host: str, size: int) -> _Worker:
        slots = []
        for k in range(1, size + 1):
            name = host + (f" #{k}" if size > 1 else "")
            # The id ends with a tag of the name, as a LAN node's ends with its key's: the
            # Nodes table shows "e2a@rack1 · 3f9c".
            node_id = f"celery:{name}:{hashlib.sha256(name.encode()).hexdigest()[:4]}"
            self._farm.local_names[node_id] = name
            slots.append(_Slot(node_id))
        return _Worker(host, slots)

    def _learn_caps(self, worker: _Worker) -> None:
        """Ask the worker (its own queue) what it can speak; refuse it if not this book."""
        if worker.caps is not None:
            return
        now = self._clock()
        if not worker.caps_task or now - worker.caps_asked > CAPS_TIMEOUT_S:
            worker.caps_task = self._send(worker.host, CAPABILITIES, (), expires=CAPS_TIMEOUT_S)
            worker.caps_asked = now
            return
        meta = self._meta(worker.caps_task)
        if meta["status"] != "SUCCESS":
            return
        try:
            worker.caps = Capabilities.from_json(meta["result"])
        except (ProtocolError, TypeError, KeyError):
            worker.caps = Capabilities(worker.host, "cpu")
        info = self._farm.job_info()
        if info is not None and not worker.caps.can_speak(info.settings.engine):
            voices = ", ".join(f"{e}:{v}" for e, vs in worker.caps.engines.items() for v in vs)
            self._refuse(worker, f"it has no voice {info.settings.engine.label} (it has: "
                                 f"{voices or 'none'})")

    def _refuse(self, worker: _Worker, why: str) -> None:
        worker.refused = why
        self._say(f"cluster: worker {worker.host} gets no units of this book: {why}")
        self._drop_worker(worker, revoke=True)

    def _check_someone_can_speak(self) -> None:
        known = [w for w in self._workers.values() if w.caps is not None]
        if known and all(w.refused for w in known):
            reasons = "; ".join(f"{w.host}: {w.refused}" for w in known)
            raise E2AError(f"no cluster worker can speak this book ({reasons})")

    def _worker_gone(self, worker: _Worker) -> None:
        held = [t.unit_id for s in worker.slots for t in s.tasks]
        if held:
            self._say(f"cluster: worker {worker.host} stopped answering; its unit(s) "
                      f"{', '.join(map(str, held))} go to the others")
        self._drop_worker(worker, revoke=True)

    def _drop_worker(self, worker: _Worker, revoke: bool) -> None:
        for slot in worker.slots:
            for task in slot.tasks:
                self._hand_back(slot, task, revoke)
            slot.tasks.clear()

    def _hand_back(self, slot: _Slot, task: _Task, revoke: bool) -> None:
        with contextlib.suppress(Exception):  # the job may have ended meanwhile
            self._farm.hand_back(slot.node_id, task.unit_id)
        if revoke:
            with contextlib.suppress(Exception):  # Redis gone: the task expires anyway
                self._app.control.revoke(task.task_id)
        with contextlib.suppress(Exception):
            self._app.backend.forget(task.task_id)

    # -- units --------------------------------------------------------------------

    def _maybe_lease(self, worker: _Worker, slot: _Slot) -> None:
        """Lease when the slot is empty, or ahead as its unit's last sentence begins."""
        if slot.finished or self._clock() < slot.next_lease:
            return
        if slot.tasks and not (len(slot.tasks) == 1 and
                               slot.tasks[0].done >= slot.tasks[0].sentences - 1 >= 0):
            return
        assert worker.caps is not None
        response = self._farm.lease(slot.node_id, worker.caps)
        if response.status == LEASE_DONE:
            slot.finished = True
            return
        if response.status != LEASE_UNIT or response.assignment is None:
            slot.next_lease = self._clock() + min(response.retry_after or 1.0, 5.0)
            return
        unit: Assignment = response.assignment
        info = self._farm.job_info()
        if info is None:
            return
        job = {"settings": info.settings.to_json(), "sample_rate": info.sample_rate,
               "run_id": unit.job_id}
        payload = {"unit_id": unit.unit_id, "sentences": list(unit.sentences),
                   "breaks": list(unit.breaks)}
        task_id = self._send(worker.host, SPEAK_UNIT, (job, payload), expires=TASK_EXPIRES_S)
        slot.tasks.append(_Task(task_id, unit.unit_id, len(unit.sentences),
                                beaten=self._clock()))

    def _poll(self, worker: _Worker, slot: _Slot) -> None:
        for task in list(slot.tasks):
            meta = self._meta(task.task_id)
            status = meta["status"]
            if status == "SUCCESS":
                slot.tasks.remove(task)
                self._app.backend.forget(task.task_id)
                worker.failures = 0
                self._accept(slot, task, meta["result"])
            elif status in ("FAILURE", "REVOKED"):
                slot.tasks.remove(task)
                self._failed_task(worker, slot, task, meta.get("result"))
            else:
                self._beat(slot, task, status, meta.get("result"))

    def _beat(self, slot: _Slot, task: _Task, status: str, info: Any) -> None:
        done = task.done
        if status == "STARTED":
            done = max(done, 0)
        elif status == "PROGRESS" and isinstance(info, dict):
            done = max(done, int(info.get("done", 0)))
        now = self._clock()
        if done == task.done and now - task.beaten < BEAT_EVERY_S:
            return
        task.done, task.beaten = done, now
        keep = (self._farm.heartbeat(slot.node_id, task.unit_id, done, task.sentences)
                if done >= 0 else self._farm.heartbeat(slot.node_id, task.unit_id))
        if not keep:  # paused, or the unit was finished elsewhere: stop it
            slot.tasks.remove(task)
            with contextlib.suppress(Exception):
                self._app.control.revoke(task.task_id)
                self._app.backend.forget(task.task_id)

    def _failed_task(self, worker: _Worker, slot: _Slot, task: _Task, error: Any) -> None:
        self._hand_back(slot, task, revoke=False)
        why = _first_line(error) if error is not None else "revoked"
        if type(error).__name__ == "UnitRefused":
            self._refuse(worker, why)
            return
        worker.failures += 1
        self._say(f"cluster: worker {worker.host} failed on unit {task.unit_id}: {why}")
        if worker.failures >= MAX_ENGINE_FAILURES:
            self._refuse(worker, f"its voice engine failed on {worker.failures} units in a "
                                 f"row; the last error: {why}")

    def _accept(self, slot: _Slot, task: _Task, result: Any) -> None:
        """The worker's audio goes through the farm's upload checks, as a LAN node's does."""
        try:
            wav = bytes(result["wav"])
            spans = [(float(a), float(b)) for a, b in result["spans"]]
        except (TypeError, KeyError, ValueError):
            self._farm.reject(slot.node_id, task.unit_id, "a malformed result from the worker")
            return
        tmp = self._farm.upload_tmp(task.unit_id, slot.node_id)
        try:
            tmp.write_bytes(wav)
            self._farm.accept_upload(slot.node_id, task.unit_id, tmp, spans)
        except StorageFault as exc:
            raise exc from None
        except UploadRejected as exc:  # the farm re-queued the unit and counted a strike
            self._say(f"cluster: unit {task.unit_id} from {slot.node_id} refused: {exc}")
        except OSError as exc:
            trouble = self._farm.storage_trouble(exc)
            raise trouble if isinstance(trouble, E2AError) else E2AError(
                f"cannot write unit audio ({exc.strerror or exc})", tmp) from None
        finally:
            tmp.unlink(missing_ok=True)

    # -- Celery -------------------------------------------------------------------

    def _send(self, host: str, name: str, args: tuple[Any, ...], expires: float) -> str:
        from celery.utils import worker_direct

        result = self._app.send_task(name, args=args, queue=worker_direct(host),
                                     expires=expires)
        return str(result.id)

    def _meta(self, task_id: str) -> dict[str, Any]:
        meta: dict[str, Any] = self._app.backend.get_task_meta(task_id)
        return meta


def _first_line(error: Any) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
