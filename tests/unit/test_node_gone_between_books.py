"""A node that vanishes between books is reported lost, not "ready" for ever.

Household test: a node killed (kill -9) while the farm had no book still read "ready" in
the Nodes table two minutes later: nothing swept the farm between books, and a node told
"job over" was never reported gone. A node with no book asks every few seconds (a paused
one every 20 s), so a minute of silence means it is gone.
"""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.events import NodeGone
from e2a_desktop.nodestate import NodeState
from e2a_node.protocol import LEASE_DONE, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm
from tests.helpers.recorder import Recorder

CAPS = Capabilities("den-pc", "cpu", {"piper": ["en_US-joe-medium"]})
NODE = "node-denpc0001"


def test_a_node_told_the_book_is_over_that_falls_silent_is_reported_lost(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)
    seen = Recorder()
    farm.emit = seen
    farm.closing = True  # the book is over
    assert farm.lease(NODE, CAPS).status == LEASE_DONE
    assert farm.nodes[NODE].state is NodeState.FINISHED
    farm.detach()
    sweeper = farm.sweeping(every=0.01).start()  # as the farm host runs it while serving
    try:
        clock.advance(120)  # killed: it never asks for the next book
        seen.wait_kind(NodeGone, timeout=10)
    finally:
        sweeper.stop()
    assert farm.nodes[NODE].state is NodeState.GONE
    assert farm.nodes[NODE].state.label == "lost"


def test_a_ready_node_is_lost_once_silent_but_not_while_it_polls(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)
    seen = Recorder()
    farm.emit = seen
    farm.detach()  # no book
    for _ in range(40):  # two minutes of asking every 3 s (NO_JOB_RETRY_S): still here
        assert farm.job_for(NODE) is None
        clock.advance(3)
        farm.sweep()
    for _ in range(6):  # paused at its PC: it says so every 20 s; still here
        farm.lease(NODE, Capabilities("den-pc", "cpu", {}, paused=True))
        clock.advance(20)
        farm.sweep()
    assert not seen.of(NodeGone)
    assert farm.job_for(NODE) is None
    sweeper = farm.sweeping(every=0.01).start()
    try:
        clock.advance(120)
        seen.wait_kind(NodeGone, timeout=10)
    finally:
        sweeper.stop()
    assert [e.node for e in seen.of(NodeGone)] == [NODE]
