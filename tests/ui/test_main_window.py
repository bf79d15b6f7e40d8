"""The main window opens its store in the background and tells its state."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from elconsole.data.stores import StoreTarget
from elconsole.domain.plantclock import PlantClock, zone
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
