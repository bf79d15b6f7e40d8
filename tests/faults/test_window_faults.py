"""The main window while its store is paused or killed, and an unexpected error in a slot."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from elconsole import logsetup
from elconsole.data.stores import StoreTarget
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.ui.crash import CrashReporter
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session
from faults.helpers import ServerUnderTest

BEAT_MS = 20
LONGEST_STALL_S = 0.2


class Heartbeat:
    """A QTimer on the GUI thread; the longest gap between its beats is how long it blocked."""

    def __init__(self, parent: QObject) -> None:
        self.beats: list[float] = []
        self.timer = QTimer(parent)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(lambda: self.beats.append(time.monotonic()))

    def start(self) -> None:
        self.beats.clear()
        self.timer.start()

    def longest_gap(self) -> float:
        self.timer.stop()
        assert len(self.beats) > 50
        return max(b - a for a, b in zip(self.beats, self.beats[1:], strict=False))


def _window(qtbot: QtBot, target: StoreTarget) -> MainWindow:
    window = MainWindow(Session(target, PlantClock(zone("UTC"))))
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_tells_a_paused_or_killed_store_and_its_return(
    qtbot: QtBot, server: ServerUnderTest
) -> None:
    window = _window(qtbot, StoreTarget(uri=server.uri))
    window.open_store()
    qtbot.waitUntil(lambda: window.state_label.text() == "reachable", timeout=30000)
    qtbot.waitUntil(lambda: window.runner.busy == 0, timeout=30000)  # tabs' first loads
    window.ping_timer.setInterval(300)
    heartbeat = Heartbeat(window)
    heartbeat.start()
    for fault, back in (("pause", "resume"), ("kill", "start")):
        getattr(server, fault)()
        qtbot.waitUntil(lambda: window.state_label.text() == "UNREACHABLE", timeout=30000)
        assert window.statusBar().currentMessage() == "The store cannot be reached."
        # the server comes back on its own, as a service manager would restart it;
        # the test's thread must not wait for it on the window's thread
        returning = threading.Thread(target=getattr(server, back))
        returning.start()
        qtbot.waitUntil(lambda t=returning: not t.is_alive(), timeout=60000)
        qtbot.waitUntil(lambda: window.state_label.text() == "reachable", timeout=30000)
        assert window.statusBar().currentMessage() == "The store answers again."
    gap = heartbeat.longest_gap()
    print(f"longest GUI stall {gap:.3f} s")
    assert gap < LONGEST_STALL_S


def test_an_unreachable_password_uri_is_not_shown(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    window = _window(qtbot, StoreTarget(uri="mongodb://op:hunter2@127.0.0.1:1/plant"))
    window.open_store()
    qtbot.waitUntil(lambda: window.state_label.text() == "not available", timeout=10000)
    shown = [
        window.windowTitle(),
        window.statusBar().currentMessage(),
        window.store_label.text(),
        window.state_label.text(),
        caplog.text,
    ]
    assert all("hunter2" not in text for text in shown)
    assert "op:***@127.0.0.1:1" in window.store_label.text()


# -- unexpected errors ------------------------------------------------------------------------


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The console's log file setup, pointed at a temporary file."""
    path = tmp_path / "log" / "elconsole.log"
    monkeypatch.setattr(logsetup, "log_path", lambda: path)
    root = logging.getLogger()
    before = list(root.handlers), root.level
    assert logsetup.setup_logging() == path
    yield path
    for handler in root.handlers[len(before[0]) :]:
        handler.close()
    root.handlers[:] = before[0]
    root.setLevel(before[1])


def _answer_message_boxes(qtbot: QtBot, seen: list[str]) -> QTimer:
    """Close every modal message box as a user would, remembering its text."""

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(close_box)
    timer.start()
    return timer


@pytest.mark.qt_no_exception_capture
@pytest.mark.parametrize("where", ["slot", "task callback", "thread"])
def test_an_unexpected_error_is_shown_and_logged(
    qtbot: QtBot, tmp_path: Path, log_file: Path, where: str
) -> None:
    window = _window(qtbot, StoreTarget(path=tmp_path / "never-opened.db"))
    hooks = sys.excepthook, threading.excepthook
    CrashReporter(log_file, window).install()
    seen: list[str] = []
    closer = _answer_message_boxes(qtbot, seen)
    try:

        def boom(*_: object) -> None:
            raise ZeroDivisionError(f"deliberate failure in a {where}")

        if where == "slot":
            QTimer.singleShot(0, boom)
        elif where == "task callback":
            window.runner.run(lambda: 42, boom)
        else:
            threading.Thread(target=boom).start()
        qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    finally:
        closer.stop()
        sys.excepthook, threading.excepthook = hooks
    (text,) = seen
    assert f"ZeroDivisionError: deliberate failure in a {where}" in text
    assert str(log_file) in text and "Traceback" not in text
    assert window.isVisible()  # the window did not vanish
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert f"ZeroDivisionError: deliberate failure in a {where}" in logged
    assert "def boom" in logged or "in boom" in logged


@pytest.mark.qt_no_exception_capture
def test_a_burst_of_errors_shows_one_message_at_a_time(
    qtbot: QtBot, tmp_path: Path, log_file: Path
) -> None:
    window = _window(qtbot, StoreTarget(path=tmp_path / "never-opened.db"))
    hooks = sys.excepthook, threading.excepthook
    CrashReporter(log_file, window).install()
    seen: list[str] = []
    closer = _answer_message_boxes(qtbot, seen)
    try:

        def boom() -> None:
            raise KeyError("burst")

        for _ in range(3):
            QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    finally:
        closer.stop()
        sys.excepthook, threading.excepthook = hooks
    assert "KeyError: 'burst'" in seen[0]
    assert "2 more unexpected error(s) happened meanwhile" in seen[1]
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert log_file.read_text(encoding="utf-8").count("KeyError: 'burst'") == 3
