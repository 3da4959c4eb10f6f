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
