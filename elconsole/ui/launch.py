"""Opening the window: QApplication, plant clock, main window, event loop."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from importlib import resources

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox

from elconsole.data.errors import StoreError
from elconsole.data.stores import resolve_target
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.logsetup import setup_logging
from elconsole.ui.crash import CrashReporter
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    """Return the application icon shipped inside the package."""
    data = resources.files("elconsole.resources").joinpath("elconsole.svg").read_bytes()
    pixmap = QPixmap()
    pixmap.loadFromData(data, "SVG")
    return QIcon(pixmap)


def run_window(args: argparse.Namespace) -> int:
    """Open the main window on the chosen store; returns the exit status."""
    log_file = setup_logging(verbose=bool(getattr(args, "verbose", False)))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EL Console")
    app.setOrganizationName("elconsole")
    app.setWindowIcon(app_icon())
    try:
        target = resolve_target(getattr(args, "store", None))
        clock = PlantClock(zone(getattr(args, "tz", None)))
    except (ValueError, StoreError) as exc:
        QMessageBox.critical(None, "EL Console", str(exc))
        return 2
    window = MainWindow(Session(target, clock))
    CrashReporter(log_file, window).install()
    log.info("window opened on %s", target.description)
    _quit_on_signals(app)
    window.show()
    window.open_store()
    return int(app.exec())


def _quit_on_signals(app: QApplication) -> None:
    """Close the window cleanly on SIGINT/SIGTERM (stopping the embedded store)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.closeAllWindows())
    timer = QTimer(app)  # lets Python run its signal handlers while Qt waits
    timer.start(250)
    timer.timeout.connect(lambda: None)
