"""A serving farm notices a node gone between books (household test: a node killed while
the farm had no book read "ready" in the Nodes table two minutes later)."""

from __future__ import annotations

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import FarmOptions
from e2a_desktop.events import NodeGone
from e2a_desktop.farm.host import FarmHost
from tests.helpers.fakes import FakeClock
from tests.helpers.recorder import Recorder


def test_a_node_silent_between_books_is_reported_lost_by_the_serving_farm() -> None:
    clock, seen = FakeClock(), Recorder()
    host = FarmHost(AppPaths.load(), FarmOptions(mdns_interfaces=["127.0.0.1"]), emit=seen,
                    clock=clock)
    host.start()
    try:
        assert host.farm.job_for("node-denpc0001") is None  # no book: it waits, "ready"
        clock.advance(120)  # and then asks no more (killed)
        seen.wait_kind(NodeGone, timeout=20)
    finally:
        host.stop()
    assert [e.node for e in seen.of(NodeGone)] == ["node-denpc0001"]
