"""Opening the window: QApplication, plant clock, main window, event loop."""

from __future__ import annotations

import argparse
import logging
import sys

from elconsole.data.stores import resolve_target
from elconsole.domain.plantclock import PlantClock, zone

log = logging.getLogger(__name__)


def run_window(args: argparse.Namespace) -> int:
    """Open the main window on the chosen store; returns the exit status."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from elconsole.ui.main_window import MainWindow
    from elconsole.ui.session import Session

    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EL Console")
    app.setOrganizationName("elconsole")
    try:
        target = resolve_target(getattr(args, "store", None))
        clock = PlantClock(zone(getattr(args, "tz", None)))
    except ValueError as exc:
        QMessageBox.critical(None, "EL Console", str(exc))
        return 2
    window = MainWindow(Session(target, clock))
    window.show()
    window.open_store()
    return int(app.exec())
