"""A node that speaks is shown speaking: its next unit, leased ahead, is the one it is on."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.farm.farm import Farm
from e2a_desktop.nodestate import NodeState
from e2a_node.protocol import Assignment, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})
NODE = "kitchen-node-1"


def _upload(farm: Farm, unit: Assignment) -> None:
    seconds = len(" ".join(unit.sentences)) / 15
    n = len(unit.sentences)
    tmp = farm.upload_tmp(unit.unit_id, NODE)
    tmp.write_bytes(speech_like_wav(seconds))
    assert farm.accept_upload(NODE, unit.unit_id, tmp,
                              [(k * seconds / n, (k + 1) * seconds / n) for k in range(n)])[0]


def test_the_unit_leased_ahead_is_shown_once_the_last_one_is_in(tmp_path: Path) -> None:
    """The household saw PCs that spoke shown 'waiting' most of the time: the upload of unit
    N (sent while N+1 is spoken) set the row to 'waiting' with no unit."""
    farm = make_farm(tmp_path, clock=FakeClock())
    first = farm.lease(NODE, CAPS).assignment
    assert first is not None
    farm.heartbeat(NODE, first.unit_id, 0, len(first.sentences))
    ahead = farm.lease(NODE, CAPS).assignment  # asked for as its last sentence began
    assert ahead is not None
    _upload(farm, first)
    stats = farm.nodes[NODE]
    assert (stats.state, stats.unit_id) == (NodeState.SPEAKING, ahead.unit_id)


def test_a_beat_with_progress_shows_the_node_speaking_that_unit(tmp_path: Path) -> None:
    farm = make_farm(tmp_path, clock=FakeClock())
    unit = farm.lease(NODE, CAPS).assignment
    assert unit is not None
    stats = farm.nodes[NODE]
    stats.state, stats.unit_id = NodeState.IDLE, None  # whatever was shown before
    farm.heartbeat(NODE, unit.unit_id, 1, len(unit.sentences))
    assert (stats.state, stats.unit_id) == (NodeState.SPEAKING, unit.unit_id)
