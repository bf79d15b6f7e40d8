"""Unexpected exceptions: logged with their traceback and shown in plain words."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


class CrashReporter(QObject):
    """Installs exception hooks; shows a message box on the GUI thread.

    Signals:
        crashed(str): an unexpected error happened (a one-line summary).
    """

    crashed = Signal(str)

    def __init__(self, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._log_file = log_file
        self._parent = parent
        self._showing = False
        self._unshown = 0  # errors that came while the message was open
        # Queued: the message opens after the hook has returned, never inside it
        # (Python's error state is still set there, and Qt calls back into Python).
        self.crashed.connect(self._on_self_crashed, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.critical("unexpected error", exc_info=(kind, exc, tb))
        self.crashed.emit(_summary(kind, exc))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self._excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _on_self_crashed(self, summary: str) -> None:
        if self._showing:  # one message at a time; the log holds every error
            self._unshown += 1
            return
        self._showing = True
        try:
            self._show(summary)
        finally:
            self._showing = False

    def _show(self, summary: str) -> None:
        where = self.tr("The details are in {0}.").format(self._log_file) if self._log_file else ""
        QMessageBox.critical(
            self._parent,
            self.tr("EL Console: unexpected error"),
            self.tr(
                "Something went wrong that the console did not expect:\n\n{0}\n\n"
                "Your data is safe; you can keep working. {1}"
            ).format(summary, where),
        )
        if self._unshown:
            more, self._unshown = self._unshown, 0
            self._show(self.tr("{0} more unexpected error(s) happened meanwhile").format(more))


def _summary(kind: type[BaseException], exc: BaseException) -> str:
    """Return one line naming the error; a long message is shortened."""
    text = f"{kind.__name__}: {exc}".splitlines()[0] if str(exc) else kind.__name__
    return text if len(text) <= 300 else text[:297] + "..."
