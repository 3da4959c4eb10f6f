"""The Nodes table says what each node speaks on, the GPU's name and free memory included."""

from __future__ import annotations

from PySide6.QtCore import Qt

from e2a_desktop.events import NodeChanged
from e2a_desktop.ui.nodes import NodesModel
from e2a_node.gpu import gpu_label


def test_a_gpu_node_shows_its_gpu_and_a_cpu_node_says_cpu(qapp: object) -> None:
    model = NodesModel()
    gpu = gpu_label("cuda", "NVIDIA GeForce RTX 3060", 10444)
    model.apply(NodeChanged("node-gpu00001", "gaming-pc", "speaking", gpu, "coqui", 3, 1,
                            90.0, 9.0))
    model.apply(NodeChanged("node-cpu00001", "laptop", "idle", "cpu", "coqui", None, 0,
                            0.0, 0.0))
    shown = [model.data(model.index(row, 1), Qt.ItemDataRole.DisplayRole) for row in (0, 1)]
    assert shown == ["CUDA · NVIDIA GeForce RTX 3060, 10.2 GB free", "CPU"]


def test_the_unit_column_never_mixes_one_units_progress_with_another(qapp: object) -> None:
    """A node leases its next unit while it finishes this one: the row then names the
    new unit, without the old unit's "3/5" beside it, until the new one reports."""
    from e2a_desktop.events import UnitProgress

    model = NodesModel()
    model.apply(NodeChanged("node-a0000001", "study-pc", "speaking", "cpu", "piper", 7, 0))
    model.apply(UnitProgress("node-a0000001", 7, 3, 5))

    def unit() -> str:
        return str(model.data(model.index(0, 4), Qt.ItemDataRole.DisplayRole))

    assert unit() == "7 (3/5)"
    model.apply(NodeChanged("node-a0000001", "study-pc", "speaking", "cpu", "piper", 8, 1))
    assert unit() == "8"
    model.apply(UnitProgress("node-a0000001", 7, 5, 5))  # the old unit's last word, late
    assert unit() == "8"
    model.apply(UnitProgress("node-a0000001", 8, 1, 4))
    assert unit() == "8 (1/4)"
