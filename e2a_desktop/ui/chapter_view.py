"""The chapter table: one Tab stop, Space to check, and checks in bulk.

A book of 138 chapters must not need 130 clicks: the header's checkbox checks or
unchecks them all, the context menu (right-click, the Menu key or Shift+F10)
checks all, none, the inverse or the selected rows, and Space checks or unchecks
the selected rows. Tab leaves the table (arrows move inside it), so the buttons
and tabs after it stay reachable from the keyboard.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyleOptionButton,
    QTableView,
    QWidget,
)

from ..progress import CHAPTER_DONE, CHAPTER_PARTLY, CHAPTER_SPEAKING, CHAPTER_WAITING
from .chapters import ChapterModel

CHECK_COLUMN = 0
STATE_COLUMN = 4
STATE_WORDS = (CHAPTER_WAITING, CHAPTER_SPEAKING, CHAPTER_PARTLY, CHAPTER_DONE)


class CheckAllHeader(QHeaderView):
    """A horizontal header whose first section is a checkbox for every chapter."""

    def __init__(self, model: ChapterModel, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._chapters = model
        self.setSectionsClickable(True)
        self.sectionClicked.connect(self._on_section_clicked)
        model.dataChanged.connect(self._on_checks_changed)
        model.modelReset.connect(self._on_checks_changed)

    def paintSection(self, painter: QPainter, rect: QRect,  # noqa: N802 - Qt API
                     logical_index: int) -> None:
        painter.save()
        super().paintSection(painter, rect, logical_index)
        painter.restore()
        if logical_index != CHECK_COLUMN or not self._chapters.rows:
            return
        option = QStyleOptionButton()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self)
        option.rect = QRect(rect.x() + (rect.width() - size) // 2,
                            rect.y() + (rect.height() - size) // 2, size, size)
        state = self._chapters.check_state()
        option.state = QStyle.StateFlag.State_Enabled | {
            Qt.CheckState.Checked: QStyle.StateFlag.State_On,
            Qt.CheckState.Unchecked: QStyle.StateFlag.State_Off,
        }.get(state, QStyle.StateFlag.State_NoChange)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, option,
                                   painter, self)

    def _on_section_clicked(self, section: int) -> None:
        if section == CHECK_COLUMN:
            self._chapters.set_all(self._chapters.check_state() != Qt.CheckState.Checked)

    def _on_checks_changed(self, *_args: object) -> None:
        self.viewport().update()


class ChapterView(QTableView):
    """The chapter table, sized for reading titles."""

    def __init__(self, model: ChapterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chapters = model
        self.setHorizontalHeader(CheckAllHeader(model, self))
        self.setModel(model)
        self.setAccessibleName("Chapters")
        self.setToolTip("Space checks or unchecks the selected chapters; right-click for "
                        "all, none or the inverse")
        self.setTabKeyNavigation(False)  # one Tab stop: arrows move inside, Tab leaves
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The State column is as wide as its widest word from the start: sized to its
        # contents, every state change had the view measure all 150 rows again (seconds
        # of a frozen window when a long book started).
        header.setSectionResizeMode(STATE_COLUMN, QHeaderView.ResizeMode.Fixed)
        self._size_state_column()
        header.setMinimumSectionSize(28)  # room for the header's checkbox
        self.verticalHeader().setDefaultSectionSize(26)

    def _size_state_column(self) -> None:
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(word) for word in (*STATE_WORDS, "State"))
        self.horizontalHeader().resizeSection(STATE_COLUMN, widest + 3 * metrics.averageCharWidth())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_state_column()

    def selected_rows(self) -> list[int]:
        """The selected rows, or the current one when none is selected."""
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return rows

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.toggle_selected()
            event.accept()
            return
        super().keyPressEvent(event)

    def toggle_selected(self) -> None:
        """Space: check the selected rows, or uncheck them if they all were checked."""
        rows = self.selected_rows()
        if rows:
            all_in = all(self.chapters.rows[r].included for r in rows)
            self.chapters.set_rows(rows, not all_in)

    def menu(self) -> QMenu:
        """The bulk commands, for the context menu (and tests)."""
        menu = QMenu(self)
        model, selected = self.chapters, self.selected_rows()
        menu.addAction("Check all", lambda: model.set_all(True))
        menu.addAction("Uncheck all", lambda: model.set_all(False))
        menu.addAction("Invert the checks", model.invert)
        menu.addSeparator()
        check = menu.addAction("Check the selected rows", lambda: model.set_rows(selected, True))
        uncheck = menu.addAction("Uncheck the selected rows",
                                 lambda: model.set_rows(selected, False))
        for action in (check, uncheck):
            action.setEnabled(bool(selected))
        for action in menu.actions():
            action.setEnabled(action.isEnabled() and bool(model.rows))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        menu = self.menu()
        menu.exec(event.globalPos())
        menu.deleteLater()
