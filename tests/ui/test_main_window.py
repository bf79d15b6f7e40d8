"""The main window opens its store in the background and tells its state."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from elconsole.data.stores import StoreTarget
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.tasks import TaskRunner
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session


def _window(qtbot: QtBot, target: StoreTarget) -> MainWindow:
    window = MainWindow(Session(target, PlantClock(zone("Asia/Shanghai"))))
    qtbot.addWidget(window)
    window.show()
    return window


def test_embedded_store_opens_and_is_closed_with_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, StoreTarget(path=tmp_path / "console.db"))
    assert window.state_label.text() == "opening the store…"
    assert [window.tabs.tabText(i) for i in range(3)] == ["Panel entry", "Lookup", "Statistics"]

    window.open_store()
    qtbot.waitUntil(lambda: window.session.store is not None, timeout=15000)
    assert window.state_label.text() == "reachable"
    assert str(tmp_path / "console.db") in window.store_label.text()
    server = window.session.store.server
    assert server is not None and server.owned

    window.close()
    assert window.session.store is None
    assert not server.owned  # stopped with the window


def test_unreachable_uri_is_told_quickly_and_window_stays_responsive(
    qtbot: QtBot,
) -> None:
    uri = "mongodb://op:hunter2@127.0.0.1:1/plant"
    window = _window(qtbot, StoreTarget(uri=uri))
    began = time.monotonic()
    window.open_store()
    # The call returned at once: the GUI thread did not wait for the server.
    assert time.monotonic() - began < 0.5

    # The driver gives up after 2 s; the margin is for a loaded test machine.
    qtbot.waitUntil(lambda: window.state_label.text() == "not available", timeout=10000)
    message = window.statusBar().currentMessage()
    assert message.startswith("The store could not be opened")
    for text in (message, window.store_label.text(), window.windowTitle()):
        assert "hunter2" not in text
    assert "op:***@" in window.store_label.text()


def test_a_job_that_ends_after_its_widget_is_gone_is_dropped_quietly(qtbot: QtBot) -> None:
    owner = QWidget()
    runner = TaskRunner(owner, threads=1)
    called: list[object] = []
    started = threading.Event()

    def slow() -> int:
        started.set()
        time.sleep(0.3)
        return 1

    runner.run(slow, called.append, called.append)
    assert started.wait(5)
    owner.deleteLater()  # its pool waits for the job, whose result comes after
    qtbot.waitUntil(lambda: not shiboken6.isValid(runner), timeout=5000)
    qtbot.wait(100)  # the job's result is delivered (and must be dropped) here
    assert called == []
