"""The Panel entry tab (placeholder until built)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from elconsole.tasks import TaskRunner
from elconsole.ui.session import Session


class EntryTab(QWidget):
    """Panel entry.

    Signals:
        status_message(str): a sentence for the status bar.
    """

    status_message = Signal(str)

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Panel entry"))

    def store_opened(self) -> None:
        """Called once the store is open and answering."""
