"""The main window: three tabs and a status bar that tells the store's state."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from elconsole.data.errors import StoreError
from elconsole.data.stores import Store, open_store, resolve_target
from elconsole.logsetup import log_path
from elconsole.settings import Settings, effective_store
from elconsole.tasks import TaskRunner
from elconsole.ui.about import AboutDialog, store_text
from elconsole.ui.entry.tab import EntryTab
from elconsole.ui.lookup.tab import LookupTab
from elconsole.ui.session import Session
from elconsole.ui.settings import SettingsDialog
from elconsole.ui.stats.tab import StatsTab

log = logging.getLogger(__name__)

PING_INTERVAL_MS = 5000


class MainWindow(QMainWindow):
    """The console's window; opens the store in the background and watches it."""

    def __init__(self, session: Session, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.session = session
        self.runner = runner or TaskRunner(self)
        self._reachable: bool | None = None
        self._init_tabs()
        self._init_status_bar()
        self._init_menus()
        self._init_timers()
        self._connect_signals()
        self.setWindowTitle(self.tr("EL Console"))
        self.resize(1280, 800)

    def _init_tabs(self) -> None:
        self.tabs = QTabWidget(self)
        self.entry_tab = EntryTab(self.session, self.runner)
        self.lookup_tab = LookupTab(self.session, self.runner)
        self.stats_tab = StatsTab(self.session, self.runner)
        self.tabs.addTab(self.entry_tab, self.tr("Panel entry"))
        self.tabs.addTab(self.lookup_tab, self.tr("Lookup"))
        self.tabs.addTab(self.stats_tab, self.tr("Statistics"))
        self.setCentralWidget(self.tabs)

    def _init_status_bar(self) -> None:
        self.store_label = QLabel(store_text(self.session.target))
        self.state_label = QLabel(self.tr("opening the store…"))
        self.zone_label = QLabel(self._zone_text())
        bar = self.statusBar()
        bar.addPermanentWidget(self.zone_label)
        bar.addPermanentWidget(self.store_label)
        bar.addPermanentWidget(self.state_label)
        self.operator_label = QLabel(self.tr("not signed in"))
        bar.addPermanentWidget(self.operator_label)

    def _zone_text(self) -> str:
        return self.tr("plant zone {0}").format(self.session.clock.zone_name)

    def _init_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.settings_action = file_menu.addAction(self.tr("&Settings…"))
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        file_menu.addSeparator()
        self.quit_action = file_menu.addAction(self.tr("&Quit"))
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = help_menu.addAction(self.tr("&About EL Console"))

    def _init_timers(self) -> None:
        self.ping_timer = QTimer(self)
        self.ping_timer.setInterval(PING_INTERVAL_MS)
        # The heartbeat has a thread of its own: store calls that wait for a paused
        # server may fill the runner's pool, and must not keep the state from showing.
        self.pinger = TaskRunner(self, threads=1)
        self._pinging = False

    def _connect_signals(self) -> None:
        for tab in self._tab_widgets():
            tab.status_message.connect(self._on_tab_status_message)
        self.entry_tab.operator_changed.connect(self._on_entry_tab_operator_changed)
        self.ping_timer.timeout.connect(self._on_ping_timer_timeout)
        self.settings_action.triggered.connect(self._on_settings_action_triggered)
        self.quit_action.triggered.connect(self.close)
        self.about_action.triggered.connect(self._on_about_action_triggered)

    def _tab_widgets(self) -> tuple[QWidget, ...]:
        return (self.entry_tab, self.lookup_tab, self.stats_tab)

    # -- the store -----------------------------------------------------------

    def open_store(self) -> None:
        """Open the session's store in the background; the window stays usable."""
        self.runner.run(
            lambda: _open_and_ping(self.session), self._on_store_opened, self._on_store_failed
        )

    def _on_store_opened(self, store: Store) -> None:
        if store.target != self.session.target:  # the settings chose another meanwhile
            self.runner.run(store.close, lambda _: None)
            return
        self.session.store = store
        self._set_reachable(True)
        self.ping_timer.start()
        for tab in self._tab_widgets():
            tab.store_opened()  # type: ignore[attr-defined]

    def _on_store_failed(self, exc: BaseException) -> None:
        message = (
            str(exc)
            if isinstance(exc, StoreError)
            else self.tr("unexpected error: {0}").format(repr(exc))
        )
        log.warning("store did not open: %s", message)
        self.state_label.setText(self.tr("not available"))
        self.statusBar().showMessage(self.tr("The store could not be opened: {0}").format(message))

    def _on_ping_timer_timeout(self) -> None:
        store = self.session.store
        if store is None or self._pinging:  # one ping at a time, each bounded
            return
        self._pinging = True
        self.pinger.run(
            store.ping,
            lambda _: self._on_pinged(store, True),
            lambda _exc: self._on_pinged(store, False),
        )

    def _on_pinged(self, store: Store, reachable: bool) -> None:
        self._pinging = False
        if store is self.session.store:  # else the settings chose another meanwhile
            self._set_reachable(reachable)

    def _set_reachable(self, reachable: bool) -> None:
        previous, self._reachable = self._reachable, reachable
        if reachable == previous:
            return
        self.state_label.setText(self.tr("reachable") if reachable else self.tr("UNREACHABLE"))
        if previous is not None:
            text = (
                self.tr("The store answers again.")
                if reachable
                else self.tr("The store cannot be reached.")
            )
            self.statusBar().showMessage(text, 10000)

    # -- settings and about --------------------------------------------------

    def _on_settings_action_triggered(self) -> None:
        dialog = SettingsDialog(self.session.settings, self.runner, self, self.session.overrides)
        dialog.settings_saved.connect(self.apply_settings)
        dialog.open()

    def _on_about_action_triggered(self) -> None:
        AboutDialog(self.session.target, log_path(), self).open()

    def apply_settings(self, settings: Settings) -> None:
        """Take saved settings at once: a new store is opened, the tabs re-read."""
        old_target = self.session.target
        self.session.apply_settings(settings)
        self.session.target = resolve_target(effective_store(settings, self.session.overrides))
        self.zone_label.setText(self._zone_text())
        self.store_label.setText(store_text(self.session.target))
        if self.session.target != old_target:
            self._switch_store()
        elif self.session.store is not None:
            for tab in self._tab_widgets():
                tab.store_opened()  # type: ignore[attr-defined]

    def _switch_store(self) -> None:
        """Close the old store and open the session's target, both in the background."""
        old, self.session.store = self.session.store, None
        self.ping_timer.stop()
        self._reachable = None
        self.state_label.setText(self.tr("opening the store…"))
        log.info("switching the store to %s", self.session.target.description)
        self.runner.run(
            lambda: _close_then_open(old, self.session),
            self._on_store_opened,
            self._on_store_failed,
        )

    def _on_tab_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def _on_entry_tab_operator_changed(self, operator: str) -> None:
        text = self.tr("operator {0}").format(operator) if operator else self.tr("not signed in")
        self.operator_label.setText(text)

    def _close_confirmed(self) -> bool:
        """Return True unless judgments wait to be sent and the user stays."""
        warning = self.entry_tab.close_warning()
        if warning is None:
            return True
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        answer = QMessageBox.question(
            self, self.tr("Unsent judgments"), warning, buttons, QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._close_confirmed():
            event.ignore()
            return
        self.ping_timer.stop()
        self.pinger.wait(5000)
        self.entry_tab.review.wait_for_submissions(5000)
        self.runner.wait(5000)
        if self.session.store is not None:
            self.session.store.close()
            self.session.store = None
        super().closeEvent(event)


def _close_then_open(old: Store | None, session: Session) -> Store:
    if old is not None:
        old.close()
    return _open_and_ping(session)


def _open_and_ping(session: Session) -> Store:
    store = open_store(session.target)
    try:
        store.ping()
        store.repo.ensure_indexes()
    except Exception:
        store.close()
        raise
    return store
