"""How the main window's parts are arranged (no behaviour here).

The farm banner and a message line on top; the book page (or the drop zone) in
the middle; the Nodes table, the books waiting and the log in tabs below.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


def book_page(book: QWidget, settings: QWidget, chapters: QWidget, controls: QWidget) -> QWidget:
    """The book over its chapters, the voice and output beside them, then the controls.

    The chapters take the height the book leaves, not what the voice and output
    boxes leave: at 800×600 the table shows several rows, not two."""
    page = QWidget()
    left = QVBoxLayout()
    left.addWidget(book)
    left.addWidget(chapters, 1)
    top = QHBoxLayout()
    top.addLayout(left, 3)
    top.addWidget(scrolling(settings), 2)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 4, 0, 0)  # the window's own margins are around it already
    layout.addLayout(top, 1)
    layout.addWidget(controls)
    return page


def scrolling(panel: QWidget) -> QScrollArea:
    """The voice and output boxes, scrolled up and down only where the window is too low
    for them (800×600): they no longer set the window's least height."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the boxes inside, not here
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.viewport().setAutoFillBackground(False)
    panel.setAutoFillBackground(False)
    bar = area.verticalScrollBar().sizeHint().width()
    area.setMinimumWidth(panel.minimumSizeHint().width() + bar)
    return area


def let_shrink(label: QLabel | None) -> None:
    """A line of secondary text that wraps rather than pushing its neighbours aside (the
    farm banner's hint ran into the code at 800×600)."""
    if label is not None:
        label.setWordWrap(True)
        label.setMinimumWidth(40)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


def stack(*pages: QWidget) -> QStackedWidget:
    stacked = QStackedWidget()
    for page in pages:
        stacked.addWidget(page)
    return stacked


def tabs(*named: tuple[QWidget, str]) -> QTabWidget:
    widget = QTabWidget()
    for page, title in named:
        one_tab_stop(page)
        widget.addTab(page, title)
    return widget


def one_tab_stop(widget: QWidget) -> None:
    """A table or a text pane is one Tab stop: arrows move inside it, Tab leaves it (Tab
    went from cell to cell and never reached the buttons and tabs after it)."""
    if isinstance(widget, QAbstractItemView):
        widget.setTabKeyNavigation(False)
    elif isinstance(widget, QPlainTextEdit):
        widget.setTabChangesFocus(True)


def tab_chain(*widgets: QWidget) -> None:
    """Tab visits ``widgets`` in this order, top to bottom and left to right as they stand
    (the order they were made in is not the screen's: a household test found it off)."""
    for first, second in zip(widgets[:-1], widgets[1:], strict=True):
        QWidget.setTabOrder(first, second)


def central(banner: QWidget, message: QWidget, pages: QWidget, below: QWidget) -> QWidget:
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(pages)
    split.addWidget(below)
    split.setStretchFactor(0, 3)
    split.setStretchFactor(1, 1)
    # Room for a few nodes below the book; the book page keeps the voice and output boxes
    # whole at 800×600 (with a two-line message above them too).
    split.setSizes([540, 200])
    split.setChildrenCollapsible(False)
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(8, 4, 8, 8)
    layout.addWidget(banner)
    layout.addWidget(message)
    layout.addWidget(split, 1)
    return widget
