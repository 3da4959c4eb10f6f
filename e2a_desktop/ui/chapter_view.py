"""The chapter table: one Tab stop, Space to check, and checks in bulk.

A book of 138 chapters must not need 130 clicks: the header's checkbox checks or
unchecks them all, the context menu (right-click, the Menu key or Shift+F10)
checks all, none, the inverse or the selected rows, and Space checks or unchecks
the selected rows. Tab leaves the table (arrows move inside it), so the buttons
and tabs after it stay reachable from the keyboard. Ctrl+T (or the menu) asks for
the current chapter's speech preview (``speech_preview``).

Titles come first for room: the table is barely 330 pixels wide in an 800×600
window, so the other columns get the room a title leaves (State only once a
conversion gives states, Characters last: Length says as much).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyleOptionButton,
    QTableView,
    QWidget,
)

from ..progress import (
    CHAPTER_DONE,
    CHAPTER_PARTLY,
    CHAPTER_SPEAKING,
    CHAPTER_WAITING,
    estimate_seconds,
    format_duration,
)
from .chapters import ChapterModel

CHECK_COLUMN, TITLE_COLUMN, CHARS_COLUMN, LENGTH_COLUMN, STATE_COLUMN = range(5)
TITLE_ROOM = 40
"""Characters of the longest title given room before the other columns are shown."""
PREVIEW_KEY = "Ctrl+T"
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
    """The chapter table, sized for reading titles.

    Signals: ``preview_requested(int)``: the chapter whose speech the person asked to see.
    """

    preview_requested = Signal(int)

    def __init__(self, model: ChapterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chapters = model
        self._widths: dict[int, int] = {}  # what each column's contents need, once measured
        self.setHorizontalHeader(CheckAllHeader(model, self))
        self.setModel(model)
        self.setAccessibleName("Chapters")
        self.setToolTip("Space checks or unchecks the selected chapters; right-click for "
                        f"all, none or the inverse; {PREVIEW_KEY} shows what will be said")
        self.setTabKeyNavigation(False)  # one Tab stop: arrows move inside, Tab leaves
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        # Every column but the title is a width worked out here from the rows (no view
        # measuring: sized to their contents, columns had the view ask all 150 rows again
        # at each change, seconds of a frozen window when a long book started).
        for column in (CHECK_COLUMN, CHARS_COLUMN, LENGTH_COLUMN, STATE_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(28)  # room for the header's checkbox
        self.verticalHeader().setDefaultSectionSize(26)
        self.preview = QAction("&Show what will be said…", self)
        self.preview.setShortcut(QKeySequence(PREVIEW_KEY))
        self.preview.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.preview.setToolTip("Show the chapter as the voice will say it")
        self.preview.triggered.connect(self.request_preview)
        self.addAction(self.preview)
        self.preview.setEnabled(False)  # until a book's chapters are listed
        model.modelReset.connect(self._on_rows_changed)
        model.dataChanged.connect(self._on_data_changed)
        self._fit_columns()

    def request_preview(self) -> None:
        """Ctrl+T or the menu: the current chapter's speech, else the first's."""
        if self.chapters.rows:
            row = self.currentIndex().row()
            self.preview_requested.emit(max(row, 0))

    # -- column widths ---------------------------------------------------------------------

    def _measure(self) -> dict[int, int]:
        """What each column needs, from the rows themselves (no data() calls)."""
        if not self._widths:
            metrics, header = self.fontMetrics(), self.horizontalHeader()
            pad = 2 * metrics.averageCharWidth()  # the cell's margins, and air

            def widest(column: int, texts: list[str]) -> int:
                return max([header.sectionSizeHint(column),
                            *(metrics.horizontalAdvance(t) + pad for t in set(texts))])

            rows = self.chapters.rows
            indicator = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None,
                                                 self)
            title = max((metrics.horizontalAdvance(r.title) for r in rows), default=0)
            self._widths = {
                CHECK_COLUMN: max(28, indicator + pad),
                TITLE_COLUMN: min(title, TITLE_ROOM * metrics.averageCharWidth()) + pad,
                CHARS_COLUMN: widest(CHARS_COLUMN, [f"{r.chars:,}" for r in rows]),
                LENGTH_COLUMN: widest(LENGTH_COLUMN, [format_duration(estimate_seconds(r.chars))
                                                      for r in rows]),
                STATE_COLUMN: widest(STATE_COLUMN, list(STATE_WORDS)),
            }
        return self._widths

    def _fit_columns(self) -> None:
        """Title first, then State (once there are states), then Characters."""
        widths = self._measure()
        rest = self.viewport().width() - sum(widths[c] for c in (CHECK_COLUMN, TITLE_COLUMN,
                                                                  LENGTH_COLUMN))
        if any(row.state for row in self.chapters.rows):  # a state is worth a short title
            floor = self.fontMetrics().horizontalAdvance(CHAPTER_DONE + "…") + 8
            state = min(widths[STATE_COLUMN], max(rest, floor))
        else:  # an empty column shown only where everything fits
            state = widths[STATE_COLUMN] if rest >= widths[STATE_COLUMN] + widths[
                CHARS_COLUMN] else 0
        chars = widths[CHARS_COLUMN] if rest - state >= widths[CHARS_COLUMN] else 0
        sizes = {CHECK_COLUMN: widths[CHECK_COLUMN], LENGTH_COLUMN: widths[LENGTH_COLUMN],
                 CHARS_COLUMN: chars, STATE_COLUMN: state}
        header = self.horizontalHeader()
        for column, size in sizes.items():
            if header.isSectionHidden(column) != (size == 0):
                header.setSectionHidden(column, size == 0)
            if size and header.sectionSize(column) != size:
                header.resizeSection(column, size)

    def _on_rows_changed(self) -> None:
        self.preview.setEnabled(bool(self.chapters.rows))
        self._remeasure()

    def _remeasure(self) -> None:
        self._widths = {}
        self._fit_columns()

    def _on_data_changed(self, first: QModelIndex, _last: QModelIndex) -> None:
        if first.column() <= TITLE_COLUMN:  # a title may have grown
            self._remeasure()
        else:
            self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_columns()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._remeasure()

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
        menu.addSeparator()
        menu.addAction(self.preview)  # shared with its shortcut: never disabled here
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        menu = self.menu()
        menu.exec(event.globalPos())
        menu.deleteLater()
