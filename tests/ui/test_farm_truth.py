"""What the window says about the farm: the status line while pausing, node states and the
log name nodes as the Nodes table does, and record joins, returns, wrong codes, hand-backs."""

from __future__ import annotations

from PySide6.QtCore import Qt

from e2a_desktop.events import (
    NodeBack,
    NodeChanged,
    NodeGone,
    NodeJoined,
    NodePaired,
    PairingRefused,
    UnitRequeued,
)
from e2a_desktop.progress import NodeView, ProgressSnapshot
from e2a_desktop.ui.controls import ConvertControls
from e2a_desktop.ui.log_pane import log_line
from e2a_desktop.ui.nodes import NodesModel

NODE = "node-key-7f3a"


def test_the_status_says_pausing_until_the_nodes_have_stopped(qapp: object) -> None:
    controls = ConvertControls()
    nodes = (NodeView("a-0001", "vm", "pausing"), NodeView("b-0002", "vm", "pausing"),
             NodeView("local", "this PC (built-in)", "paused"))
    controls.show_progress(ProgressSnapshot(state="paused", chars_total=100, nodes=nodes))
    assert "pausing… 2 nodes finishing their part" in controls.status.text()
    stopped = tuple(NodeView(n.node, n.name, "paused") for n in nodes)
    controls.show_progress(ProgressSnapshot(state="paused", chars_total=100, nodes=stopped))
    assert controls.status.text().endswith("paused")
    assert "pausing" not in controls.status.text()


def test_a_node_standing_aside_is_not_shown_waiting(qapp: object) -> None:
    model = NodesModel()
    model.apply(NodeChanged(NODE, "vm", "standing aside"))
    model.apply(NodeChanged("node-key-0001", "vm", "pausing", unit_id=4))
    state = [model.data(model.index(row, 3), Qt.ItemDataRole.DisplayRole) for row in (0, 1)]
    assert state == ["standing aside: the others will finish sooner",
                     "pausing: stopping after this sentence"]


def test_the_log_names_nodes_as_the_table_does_and_records_what_happened(qapp: object) -> None:
    model = NodesModel()
    model.apply(NodeChanged(NODE, "vm", "speaking"))
    table_name = model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
    assert table_name == "vm · 7f3a"
    lines = [log_line(event) for event in (
        NodePaired(NODE, "vm"), NodeJoined(NODE, "vm"), NodeGone(NODE, "vm", 61.0),
        NodeBack(NODE, "vm", 75.0), PairingRefused("node-key-9999", "kitchen"),
        UnitRequeued(12, NODE, "handed back", "vm"), UnitRequeued(13, NODE, "paused", "vm"))]
    assert all(table_name in line for line in lines if "kitchen" not in line), lines
    assert lines[3] == "node vm · 7f3a is back (silent 75 s)"
    assert lines[4] == "kitchen · 9999 tried to pair with a wrong farm code"
    assert lines[5] == "unit 12 handed back by vm · 7f3a"
    assert "paused" in lines[6]
