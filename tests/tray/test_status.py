"""What the tray says for each state (pure logic: no Qt)."""

from __future__ import annotations

import pytest

from e2a_node.state import NodeSnapshot, NodeStatus
from e2a_node.tray.status import Look, describe


def test_speaking_says_chapter_book_farm_speed_and_units_today() -> None:
    state = NodeSnapshot(NodeStatus.SPEAKING, farm="ada-pc", title="Emma", chapter=3,
                         last_speed=12.4)
    view = describe(state, units_today=37)
    assert view.look is Look.WORKING
    assert view.headline == "Speaking chapter 4 of “Emma” for ada-pc — 12× real time"
    assert view.detail == "37 units done today"
    assert view.tooltip.startswith("e2a node — Speaking chapter 4")


def test_slow_speeds_keep_a_decimal_and_one_unit_is_singular() -> None:
    state = NodeSnapshot(NodeStatus.SPEAKING, title="Emma", last_speed=0.84)
    view = describe(state, units_today=1)
    assert view.headline == "Speaking “Emma” — 0.8× real time"
    assert view.detail == "1 unit done today"


@pytest.mark.parametrize(("status", "look"), [
    (NodeStatus.STARTING, Look.NO_FARM), (NodeStatus.SEARCHING, Look.NO_FARM),
    (NodeStatus.RECONNECTING, Look.NO_FARM), (NodeStatus.JOINED, Look.READY),
    (NodeStatus.READY, Look.READY), (NodeStatus.IDLE, Look.READY),
    (NodeStatus.FINISHED, Look.READY), (NodeStatus.LOADING, Look.WORKING),
    (NodeStatus.SPEAKING, Look.WORKING), (NodeStatus.PAUSED, Look.WAITING),
    (NodeStatus.NO_VOICE, Look.ERROR), (NodeStatus.STOPPED, Look.ERROR),
    (NodeStatus.ERROR, Look.ERROR),
])
def test_every_status_has_a_look(status: NodeStatus, look: Look) -> None:
    assert describe(NodeSnapshot(status)).look is look


def test_a_persons_pause_and_idle_waiting_come_before_the_workers_state() -> None:
    speaking = NodeSnapshot(NodeStatus.SPEAKING, title="Emma")
    assert describe(speaking, paused_by_person=True).look is Look.PAUSED
    waiting = describe(speaking, waiting_reason="on battery: waiting for mains power")
    assert waiting.look is Look.WAITING and "battery" in waiting.detail


def test_unreachable_farm_is_said_plainly_not_as_a_traceback() -> None:
    state = NodeSnapshot(NodeStatus.RECONNECTING, farm="ada-pc",
                         last_error="Cannot connect to host 10.0.0.2:41235 ssl:default [...]")
    view = describe(state)
    assert view.headline == "Cannot reach ada-pc: trying again"
    assert "ssl" not in view.tooltip
