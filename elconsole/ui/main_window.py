"""The main window: three tabs and a status bar that tells the store's state."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from elconsole.data.errors import StoreError
from elconsole.data.stores import Store, open_store
from elconsole.tasks import TaskRunner
from elconsole.ui.entry.tab import EntryTab
from elconsole.ui.lookup.tab import LookupTab
from elconsole.ui.session import Session
from elconsole.ui.stats.tab import StatsTab

log = logging.getLogger(__name__)

PING_INTERVAL_MS = 10000


class MainWindow(QMainWindow):
    """The console's window; opens the store in the background and watches it."""

    def __init__(self, session: Session, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.session = session
        self.runner = runner or TaskRunner(self)
        self._reachable: bool | None = None
        self._init_tabs()
        self._init_status_bar()
        self._init_timers()
        self._connect_signals()
        self.setWindowTitle("EL Console")
        self.resize(1280, 800)

    def _init_tabs(self) -> None:
        self.tabs = QTabWidget(self)
        self.entry_tab = EntryTab(self.session, self.runner)
        self.lookup_tab = LookupTab(self.session, self.runner)
        self.stats_tab = StatsTab(self.session, self.runner)
        self.tabs.addTab(self.entry_tab, "Panel entry")
        self.tabs.addTab(self.lookup_tab, "Lookup")
        self.tabs.addTab(self.stats_tab, "Statistics")
        self.setCentralWidget(self.tabs)

    def _init_status_bar(self) -> None:
        self.store_label = QLabel(self.session.target.description)
        self.state_label = QLabel("opening the store…")
        self.zone_label = QLabel(f"plant zone {self.session.clock.zone_name}")
        bar = self.statusBar()
        bar.addPermanentWidget(self.zone_label)
        bar.addPermanentWidget(self.store_label)
        bar.addPermanentWidget(self.state_label)

    def _init_timers(self) -> None:
        self.ping_timer = QTimer(self)
        self.ping_timer.setInterval(PING_INTERVAL_MS)

    def _connect_signals(self) -> None:
        for tab in self._tab_widgets():
            tab.status_message.connect(self._on_tab_status_message)
        self.ping_timer.timeout.connect(self._on_ping_timer_timeout)

    def _tab_widgets(self) -> tuple[QWidget, ...]:
        return (self.entry_tab, self.lookup_tab, self.stats_tab)

    # -- the store -----------------------------------------------------------

    def open_store(self) -> None:
        """Open the session's store in the background; the window stays usable."""
        self.runner.run(
            lambda: _open_and_ping(self.session), self._on_store_opened, self._on_store_failed
        )

    def _on_store_opened(self, store: Store) -> None:
        self.session.store = store
        self._set_reachable(True)
        self.ping_timer.start()
        for tab in self._tab_widgets():
            tab.store_opened()  # type: ignore[attr-defined]

    def _on_store_failed(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, StoreError) else f"unexpected error: {exc!r}"
        log.warning("store did not open: %s", message)
        self.state_label.setText("not available")
        self.statusBar().showMessage(f"The store could not be opened: {message}")

    def _on_ping_timer_timeout(self) -> None:
        store = self.session.store
        if store is None:
            return
        self.runner.run(
            store.ping, lambda _: self._set_reachable(True), lambda _exc: self._set_reachable(False)
        )

    def _set_reachable(self, reachable: bool) -> None:
        previous, self._reachable = self._reachable, reachable
        if reachable == previous:
            return
        self.state_label.setText("reachable" if reachable else "UNREACHABLE")
        if previous is not None:
            word = "answers again" if reachable else "cannot be reached"
            self.statusBar().showMessage(f"The store {word}.", 10000)

    def _on_tab_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.ping_timer.stop()
        self.runner.wait(5000)
        if self.session.store is not None:
            self.session.store.close()
            self.session.store = None
        super().closeEvent(event)


def _open_and_ping(session: Session) -> Store:
    store = open_store(session.target)
    try:
        store.ping()
        store.repo.ensure_indexes()
    except Exception:
        store.close()
        raise
    return store
