"""Property test: whatever the person and the nodes do (pause, resume, cancel and convert
again, lease, vanish, hand back, finish), a free node that asks for work while a unit is
pending and the farm is not paused gets one; the only exception, the end-of-book
stand-aside, is reported as its own state, never as "waiting".
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.farm.uploads import UploadRejected
from e2a_desktop.nodestate import NodeState
from e2a_node.protocol import LEASE_UNIT, LEASE_WAIT, Assignment, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})
NODES = ["fast", "mid", "slow"]
SECONDS_PER_CHAR = {"fast": 0.01, "mid": 0.05, "slow": 0.3}
SENTENCES = [f"Sentence number {n} of the story, long enough to say aloud." for n in range(30)]
ACTIONS = ["lease", "lease", "lease", "finish", "finish", "beat", "vanish", "hand_back",
           "pause", "resume", "cancel", "wait"]
script = st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(NODES),
                            st.floats(0, 20)), max_size=60)


class Household:
    """The farm and what each node holds, as the nodes themselves know it."""

    def __init__(self, folder: Path) -> None:
        self.clock = FakeClock()
        book = Book(Metadata("Property"), [Chapter("One", " ".join(SENTENCES[:18])),
                                           Chapter("Two", " ".join(SENTENCES[18:]))])
        self.farm: Farm = make_farm(folder, clock=self.clock, unit_chars=200, book=book,
                                    lease_ttl=30)
        self.job = self.farm.job
        self.held: dict[str, tuple[Assignment, float]] = {}  # node → (unit, when begun)

    def pending(self) -> int:
        return self.job.store.counts()["pending"]

    def lease(self, node: str) -> None:
        if node in self.held:
            return
        farm = self.farm
        attached, paused, pending = farm.has_job, farm.paused, self.pending()
        answer = farm.lease(node, CAPS)
        state = farm.nodes[node].state
        if answer.status == LEASE_UNIT:
            assert attached and not paused, "a unit handed out while paused or without a book"
            assert answer.assignment is not None
            self.held[node] = (answer.assignment, self.clock())
            return
        if paused and attached:
            assert answer.status == LEASE_WAIT and state is NodeState.PAUSED
        elif attached and pending:
            assert state is NodeState.STANDING_ASIDE, (
                f"{node} left {state.label!r} while {pending} units were pending")

    def finish(self, node: str) -> None:
        if node not in self.held:
            return
        unit, _began = self.held.pop(node)
        text = " ".join(unit.sentences)
        self.clock.advance(len(text) * SECONDS_PER_CHAR[node])
        if not self.farm.has_job:
            return
        seconds, n = len(text) / 15, len(unit.sentences)
        tmp = self.farm.upload_tmp(unit.unit_id, node)
        tmp.write_bytes(speech_like_wav(seconds))
        with contextlib.suppress(UploadRejected):  # (a unit of a run cancelled since)
            self.farm.accept_upload(node, unit.unit_id, tmp, [
                (k * seconds / n, (k + 1) * seconds / n) for k in range(n)])

    def beat(self, node: str) -> None:
        if node in self.held and not self.farm.heartbeat(
                node, self.held[node][0].unit_id, 0, len(self.held[node][0].sentences)):
            del self.held[node]  # told to drop it (paused, cancelled, finished elsewhere)

    def cancel_and_convert_again(self) -> None:
        """Cancel, then Convert again: the same job, a new scheduler, leases forgotten."""
        self.farm.detach()
        self.job.store.release_all()
        self.farm.attach(self.job, Scheduler(self.job.store, self.clock, lease_ttl=30), 16000)

    def step(self, action: str, node: str, seconds: float) -> None:
        self.clock.advance(seconds)
        self.farm.sweep()
        if action == "lease":
            self.lease(node)
        elif action == "finish":
            self.finish(node)
        elif action == "beat":
            self.beat(node)
        elif action == "vanish":
            self.held.pop(node, None)  # its lease simply runs out
        elif action == "hand_back" and node in self.held:
            self.farm.hand_back(node, self.held.pop(node)[0].unit_id)
        elif action == "pause":
            self.farm.pause()
        elif action == "resume":
            self.farm.resume()
        elif action == "cancel":
            self.cancel_and_convert_again()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script)
def test_a_free_node_is_never_left_waiting_while_a_unit_is_pending(
        steps: list[tuple[str, str, float]]) -> None:
    with TemporaryDirectory() as tmp:
        house = Household(Path(tmp))
        try:
            for step in steps:
                house.step(*step)
            # Then the person presses Resume and the nodes work the book to its end.
            house.farm.resume()
            for _ in range(200):
                if house.farm.scheduler.finished():
                    break
                for node in NODES:  # each asks while the others still speak theirs
                    house.beat(node)
                    house.lease(node)
                for node in NODES:
                    house.finish(node)
                house.clock.advance(1)
                house.farm.sweep()
            assert house.farm.scheduler.finished(), "the book was never finished"
        finally:
            house.job.close()


def test_a_node_that_stands_aside_is_shown_so_and_not_as_waiting(tmp_path: Path) -> None:
    clock = FakeClock()
    book = Book(Metadata("Tail"), [Chapter("Only", " ".join(SENTENCES[:12]))])
    farm = make_farm(tmp_path, clock=clock, unit_chars=400, book=book, lease_ttl=30)
    farm.scheduler.record("fast", 5000, 10.0)
    farm.scheduler.record("slow", 500, 10.0)
    assert farm.lease("fast", CAPS).assignment is not None  # the fast node holds the first
    answer = farm.lease("slow", CAPS)  # the last unit: the fast node would end it sooner
    assert answer.assignment is None and farm.job.store.counts()["pending"]
    state = farm.nodes["slow"].state
    assert state is NodeState.STANDING_ASIDE
    assert state.label == "standing aside: the others will finish sooner"
    farm.job.close()


def test_a_run_started_again_is_a_new_job_to_the_nodes(tmp_path: Path) -> None:
    """A node told "job over" when a run was cancelled ignores that job for a minute; the
    same book converted again must not look like it (the fastest node sat out 80 s)."""
    house = Household(tmp_path)
    before = house.farm.job_info()
    house.lease("fast")
    house.cancel_and_convert_again()
    after = house.farm.job_info()
    assert before is not None and after is not None and before.job_id != after.job_id
    answer = house.farm.lease("mid", CAPS)
    assert answer.assignment is not None and answer.assignment.job_id == after.job_id
    house.job.close()
