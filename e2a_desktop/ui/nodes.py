"""The Nodes table: one row per node of the farm, this PC included, fed by core events."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QWidget,
)

from e2a_node.gpu import GpuInfo, gpu_label

from ..events import Event, JobStarted, NodeChanged, NodeGone, UnitProgress
from ..localnode import LOCAL_NODE
from ..nodestate import NodeState, display_name, node_state, state_label
from ..progress import NodeView
from .rows_model import Index, RowsModel


def local_device_label(device: str, gpus: list[tuple[str, GpuInfo]]) -> str:
    """The device chosen for this PC as the table shows a node's: with its GPU's name."""
    info = dict(gpus).get(device)
    return gpu_label(device, info.name, info.free_mb) if info is not None else device


class NodesModel(RowsModel):
    """Rows appear when a node joins and go grey when it is lost."""

    COLUMNS = ("Node", "Device", "Engine", "State", "Unit", "Units done", "Speed", "Share")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[NodeView] = []
        # node → (unit, "done/total"): a node's report on the unit it speaks. Kept with its
        # unit: a node leased its next unit while it finished this one, and a report
        # on one must never be shown beside the other.
        self._progress: dict[str, tuple[int, str]] = {}
        # Another book is open and not started: the farm's figures are still the last
        # book's (it counts afresh when the next starts), so they are not shown.
        self._old_figures = False
        # "This PC speaks too" is unticked: the built-in row says "off", not "ready".
        self._local_off = False

    def apply(self, event: Event) -> None:
        if isinstance(event, JobStarted):
            self._old_figures = False
        if isinstance(event, NodeChanged):
            view = NodeView(event.node, event.name, event.state, event.device, event.engine,
                            event.unit_id, event.units_done, event.audio_seconds,
                            event.busy_seconds)
            if self._old_figures:  # a state change after another book was opened
                view = replace(view, units_done=0, audio_seconds=0.0, busy_seconds=0.0)
            self._upsert(view)
        elif isinstance(event, NodeGone):
            row = self._row(event.node)
            if row is not None:
                old = self.rows[row]
                self._upsert(NodeView(old.node, old.name, NodeState.GONE.value, old.device,
                                      old.engine, None,
                                      old.units_done, old.audio_seconds, old.busy_seconds))
        elif isinstance(event, UnitProgress):
            self._progress[event.node] = (event.unit_id,
                                          f"{event.sentences_done}/{event.sentences_total}")
            row = self._row(event.node)
            if row is not None:
                self.dataChanged.emit(self.index(row, 4), self.index(row, 4))

    def _row(self, node: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.node == node), None)

    def _upsert(self, view: NodeView) -> None:
        row = self._row(view.node)
        if view.unit_id is None:
            self._progress.pop(view.node, None)
        if row is None:
            at = 0 if view.node == LOCAL_NODE else len(self.rows)
            self.beginInsertRows(QModelIndex(), at, at)
            self.rows.insert(at, view)
            self.endInsertRows()
        else:
            self.rows[row] = view
        # Shares change for every row when one node finishes a unit.
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                            len(self.COLUMNS) - 1))

    def show_local_device(self, device: str) -> None:
        """This PC's row names the device chosen for it, until its node says which it uses
        (it did say "CPU" until its first unit, whatever GPU was chosen)."""
        row = self._row(LOCAL_NODE)
        if row is not None:
            self._upsert(replace(self.rows[row], device=device))

    def new_book(self) -> None:
        """Another book is open: the figures of the book before (Units done, Speed, Share)
        go. They were shown beside "Ready to convert"; the farm counts afresh per book."""
        self._progress.clear()
        self._old_figures = True
        self.rows = [replace(r, unit_id=None, units_done=0, audio_seconds=0.0, busy_seconds=0.0)
                     for r in self.rows]
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                                len(self.COLUMNS) - 1))

    def follow_speaking_here(self, box: QAbstractButton) -> None:
        """This PC's row follows "This PC speaks too" (``box``), now and as it is ticked."""
        self.show_speaking_here(box.isChecked())
        box.toggled.connect(self.show_speaking_here)

    def show_speaking_here(self, speaks: bool) -> None:
        """Unticked, this PC's row says "off" (greyed): the household test read "ready"
        there, and this PC spoke nothing. A book converts with it as it was at Convert."""
        self._local_off = not speaks
        row = self._row(LOCAL_NODE)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def _state(self, view: NodeView) -> str:
        """The state the row shows: this PC's is "off" while it is not to speak."""
        return NodeState.OFF.value if self._local_off and view.node == LOCAL_NODE else view.state

    def state_of(self, node: str) -> str | None:
        row = self._row(node)
        return self._state(self.rows[row]) if row is not None else None

    # -- QAbstractTableModel --------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        view = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(view, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"{view.name}\nnode key {view.node}"
        state = node_state(self._state(view))
        if role == Qt.ItemDataRole.ForegroundRole and state is not None and state.grey:
            return QColor(Qt.GlobalColor.gray)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, view: NodeView, column: int) -> str:
        if column == 0:
            # The name was chosen at pairing; the key id tells two "laptop"s apart.
            return display_name(view.node, view.name)
        if column == 1:
            kind, sep, gpu = view.device.partition(" · ")  # "cuda · RTX 3060, 10.2 GB free"
            return ("Automatic" if kind == "auto" else kind.upper()) + sep + gpu
        if column == 2:
            return view.engine
        if column == 3:
            return state_label(self._state(view))
        if column == 4:
            if view.unit_id is None:
                return ""
            unit, done = self._progress.get(view.node, (None, ""))
            return f"{view.unit_id}" + (f" ({done})" if unit == view.unit_id else "")
        if column == 5:
            return str(view.units_done)
        if column == 6:
            return f"{view.speed:.1f}×" if view.speed else ""
        total = sum(r.audio_seconds for r in self.rows)
        return f"{view.audio_seconds / total:.0%}" if total else ""


class NodesView(QTableView):
    """Signals: ``revoke_requested(str)`` (a node's id, from its row's context menu)."""

    revoke_requested = Signal(str)

    def __init__(self, model: NodesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.nodes = model
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_menu_requested)
        self.setAccessibleName("Nodes of the farm")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(NodesModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def menu_for(self, row: int) -> QMenu | None:
        """The row's context menu: stop (revoke) a LAN node; this PC has none."""
        if not 0 <= row < len(self.nodes.rows):
            return None
        view = self.nodes.rows[row]
        if view.node == LOCAL_NODE:
            return None
        menu = QMenu(self)
        action = menu.addAction(f"Stop {view.name} and unpair it (revoke)…")
        action.setEnabled(view.state != NodeState.REVOKED)
        action.setToolTip("It leaves the farm; its unit goes to another node. It can pair "
                          "again with the farm code.")
        action.triggered.connect(lambda: self.revoke_requested.emit(view.node))
        return menu

    def _on_menu_requested(self, at: QPoint) -> None:
        menu = self.menu_for(self.indexAt(at).row())
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(at))
            menu.deleteLater()
