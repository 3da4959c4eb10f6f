"""A lease's "wait" says why, and a farm's retry time is never taken beyond reason."""

from __future__ import annotations

import pytest

from e2a_node.protocol import LEASE_WAIT, MAX_RETRY_AFTER_S, LeaseResponse
from e2a_node.state import NodeSnapshot, NodeStatus
from e2a_node.tray.status import Look, describe


def test_a_wait_carries_its_reason_and_older_answers_still_read() -> None:
    sent = LeaseResponse(LEASE_WAIT, retry_after=1.0, reason="paused")
    assert LeaseResponse.from_json(sent.to_json()) == sent
    assert LeaseResponse.from_json({"status": "wait", "retry_after": 2}).reason == ""


@pytest.mark.parametrize("retry, heeded", [(float("inf"), MAX_RETRY_AFTER_S),
                                           (-5.0, 0.0), (float("nan"), 1.0), (3.0, 3.0)])
def test_a_retry_time_out_of_reason_is_bounded(retry: float, heeded: float) -> None:
    assert LeaseResponse.from_json({"status": "wait", "retry_after": retry}).retry_after == \
        heeded


@pytest.mark.parametrize("reason, look, headline", [
    ("paused", Look.READY, "study · K7QF is paused"),
    ("standing aside", Look.READY, "Standing aside: the others will finish “Emma” sooner"),
    ("gpu first", Look.READY, "Waiting: study · K7QF gives “Emma” to a PC with a GPU first"),
    ("benched", Look.ERROR, "study · K7QF stopped taking this PC's audio"),
    ("hearing", Look.WORKING,
     "Listening to a part of “Emma” for study · K7QF: checking its words"),
    ("idle", Look.READY, "Ready for study · K7QF: no part of “Emma” to speak right now"),
])
def test_the_tray_says_why_the_farm_gives_this_pc_nothing(reason: str, look: Look,
                                                           headline: str) -> None:
    state = NodeSnapshot(NodeStatus.IDLE, farm="study", farm_tag="K7QF", title="Emma",
                         waiting_for=reason)
    view = describe(state)
    assert (view.look, view.headline) == (look, headline)
