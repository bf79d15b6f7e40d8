"""The Panel entry tab: the review station, with manual entry for modules without AI."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from elconsole.tasks import TaskRunner
from elconsole.ui.entry.manual import ManualEntry
from elconsole.ui.entry.review import ReviewPage
from elconsole.ui.session import Session

log = logging.getLogger(__name__)

MODE_STYLE = (
    "QToolButton { padding: 4px 12px; }"
    "QToolButton:checked { background: #2d6cdf; color: white; border-radius: 3px; }"
)


class EntryTab(QWidget):
    """Review (the default) and manual entry, one at a time.

    Signals:
        status_message(str): a sentence for the status bar.
        panel_submitted(str): a record of this barcode was stored.
        operator_changed(str): who signed in ("" after signing out).
    """

    status_message = Signal(str)
    panel_submitted = Signal(str)
    operator_changed = Signal(str)

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.review = ReviewPage(session, runner)
        self.manual = ManualEntry(session, runner)
        self._build()
        self._connect_signals()
        self.review.start()

    def _build(self) -> None:
        self.review_button = _mode_button(self.tr("Review  (F9)"))
        self.manual_button = _mode_button(self.tr("Manual entry  (F10)"))
        self.mode_group = QButtonGroup(self)
        row = QHBoxLayout()
        for button in (self.review_button, self.manual_button):
            self.mode_group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.review_button.setChecked(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.review)
        self.pages.addWidget(self.manual)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.pages, 1)
        self._mode_keys = [QShortcut(QKeySequence(k), self) for k in ("F9", "F10")]
        for shortcut in self._mode_keys:
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusProxy(self.review)

    def _connect_signals(self) -> None:
        for page in (self.review, self.manual):
            page.status_message.connect(self.status_message)
            page.panel_submitted.connect(self.panel_submitted)
        self.review.operator_changed.connect(self.operator_changed)
        self.review_button.clicked.connect(self.show_review)
        self.manual_button.clicked.connect(self.show_manual)
        self._mode_keys[0].activated.connect(self.show_review)
        self._mode_keys[1].activated.connect(self.show_manual)

    # -- public ----------------------------------------------------------

    def store_opened(self) -> None:
        """Called once the store is open and answering: look for work at once."""
        self.manual.store_opened()
        self.review.store_opened()

    def show_review(self) -> None:
        self.review_button.setChecked(True)
        self.pages.setCurrentWidget(self.review)
        self.setFocusProxy(self.review)
        self.review.setFocus()

    def show_manual(self) -> None:
        self.manual_button.setChecked(True)
        self.pages.setCurrentWidget(self.manual)
        self.setFocusProxy(self.manual)
        self.manual.form.focus_barcode()

    def close_warning(self) -> str | None:
        """Return what to tell before the window closes, or None when nothing waits."""
        unsent = max(self.review.unsent, self.review.unsent_on_disk())
        if not unsent:
            return None
        return self.tr(
            "{0} judgment(s) have not reached the store yet. They stay on this station"
            " and are sent when the console starts again. Close anyway?"
        ).format(unsent)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        page = self.pages.currentWidget()
        if page is not None:
            page.setFocus()


def _mode_button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setCheckable(True)
    button.setStyleSheet(MODE_STYLE)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button
