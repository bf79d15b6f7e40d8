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

from elconsole import i18n
from elconsole import settings as st
from elconsole.data.errors import StoreError
from elconsole.data.stores import resolve_target
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.logsetup import setup_logging
from elconsole.ui.crash import CrashReporter
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session

log = logging.getLogger(__name__)

SMOKE_LIMIT_MS = 30000
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """Return the application icon shipped inside the package, at every drawn size."""
    icon = QIcon()
    folder = resources.files("elconsole.resources").joinpath("icons")
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(folder.joinpath(f"elconsole-{size}.png").read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon


def run_window(args: argparse.Namespace, smoke: bool = False) -> int:
    """Open the main window on the chosen store; returns the exit status.

    With ``smoke`` the window quits once the store opened (0) or failed (1).
    """
    log_file = setup_logging(verbose=bool(getattr(args, "verbose", False)))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EL Console")
    app.setOrganizationName("elconsole")
    app.setWindowIcon(app_icon())
    saved = st.load()
    i18n.install(app, saved.language)
    overrides = st.Overrides(getattr(args, "store", None), getattr(args, "tz", None))
    try:
        session = build_session(saved, overrides)
    except (ValueError, StoreError) as exc:
        QMessageBox.critical(None, app.translate("launch", "EL Console"), str(exc))
        return 2
    window = MainWindow(session)
    CrashReporter(log_file, window).install()
    log.info("window opened on %s", session.target.description)
    _quit_on_signals(app)
    window.show()
    window.open_store()
    if smoke:
        _quit_when_store_settles(app, window)
    return int(app.exec())


def build_session(saved: st.Settings, overrides: st.Overrides) -> Session:
    """Return the session the saved settings and the overrides describe.

    Raises ValueError (an unknown zone) or StoreError (an unknown kind of store).
    """
    target = resolve_target(st.effective_store(saved, overrides))
    session = Session(target, PlantClock(zone(st.effective_zone(saved, overrides))))
    session.overrides = overrides
    session.apply_settings(saved)
    return session


def _quit_when_store_settles(app: QApplication, window: MainWindow) -> None:
    """For a start-up test: quit once the store opened (status 0) or failed (1).

    "Settled" is when no background work is left after the tabs' first loads.
    """
    done: list[bool] = []

    def check(force: bool = False) -> None:
        if done or (window.runner.busy and not force):
            return  # already quit, or the callbacks started more work (the tabs' loads)
        done.append(True)
        opened = window.session.store is not None
        _say(f"smoke: window shown, store {'reachable' if opened else 'NOT available'}")
        window.close()
        app.exit(0 if opened else 1)

    def on_busy_changed(busy: int) -> None:
        if not busy:  # this comes just before the job's callback: look once it has run
            QTimer.singleShot(0, check)

    window.runner.busy_changed.connect(on_busy_changed)
    QTimer.singleShot(SMOKE_LIMIT_MS, lambda: check(force=True))


def _say(text: str) -> None:
    log.info("%s", text)
    if sys.stderr is not None:  # None in a windowed Windows build
        print(text, file=sys.stderr, flush=True)


def _quit_on_signals(app: QApplication) -> None:
    """Close the window cleanly on SIGINT/SIGTERM (stopping the embedded store)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.closeAllWindows())
    timer = QTimer(app)  # lets Python run its signal handlers while Qt waits
    timer.start(250)
    timer.timeout.connect(lambda: None)
