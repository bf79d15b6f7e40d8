"""The review station while its store is paused with judgments on their way."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from elconsole.data.stores import StoreTarget
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import GUI_FIELDS
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session
from faults.helpers import assert_store_holds_exactly, raw_record

CTRL = Qt.KeyboardModifier.ControlModifier
TOLD_WITHIN_S = 10.0  # a ping every 5 s, each bounded at 2 s, and a margin


def _ai_half(i: int) -> dict[str, Any]:
    return {k: v for k, v in raw_record(i, "PVF").items() if k not in GUI_FIELDS}


def _as_judged(half: dict[str, Any]) -> dict[str, Any]:
    """Submitted untouched: every AI defect kept, NG with defects, else OK."""
    verdict = "0" if any(half["ai_defects"].values()) else "1"
    return {**half, "gui_result": verdict, "gui_defects": half["ai_defects"]}


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    """A window on an embedded store of its own; its server is never left stopped."""
    monkeypatch.setattr(QMessageBox, "question", lambda *_: QMessageBox.StandardButton.Yes)
    window = _window(qtbot, tmp_path)
    try:
        yield window
    finally:
        store = window.session.store
        if store is not None and store.server is not None and store.server.pid:
            os.kill(store.server.pid, signal.SIGCONT)
        window.close()


def _window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    session = Session(StoreTarget(path=tmp_path / "store.db"), PlantClock(zone("UTC")))
    session.inbox_dir = tmp_path / "inbox"
    session.spool_dir = tmp_path / "spool"
    session.inbox_settle_s = 0.0
    session.inbox_dir.mkdir()
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_paused_store_is_told_while_submissions_wait_and_each_is_stored_once(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    # The embedded store's client waits long for a connection (its server answers
    # on one event loop), so a paused server holds every store call for 30 s.
    halves = [_ai_half(i) for i in (1, 2, 3)]
    for half in halves:
        path = tmp_path / "inbox" / f"{half['barcode']}.json"
        path.write_text(json.dumps(half), encoding="utf-8")
    window.open_store()
    qtbot.waitUntil(lambda: window.state_label.text() == "reachable", timeout=30000)
    review = window.entry_tab.review
    qtbot.keyClicks(review.sign_in_bar.operator_edit, "op7")
    qtbot.keyClick(review.sign_in_bar.operator_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(review.queue) == 3, timeout=30000)
    history = review.module_view.history_label
    qtbot.waitUntil(lambda: history.text() == "", timeout=30000)  # never tested before
    qtbot.waitUntil(lambda: window.runner.busy == 0, timeout=30000)

    store = window.session.store
    assert store is not None and store.server is not None and store.server.pid
    os.kill(store.server.pid, signal.SIGSTOP)
    paused = time.monotonic()
    qtbot.keyClick(review.scan_edit, Qt.Key.Key_Return, CTRL)  # the first: no question
    assert review.judgment is not None and review.judgment.half.barcode == "PVF0000002"
    qtbot.keyClick(review.scan_edit, Qt.Key.Key_Return, CTRL)  # its history hangs: asked
    assert review.retest_prompt.isVisible()
    qtbot.keyClick(review.scan_edit, Qt.Key.Key_Return, CTRL)  # store anyway
    assert review.judgment is not None and review.judgment.half.barcode == "PVF0000003"
    qtbot.waitUntil(lambda: window.state_label.text() == "UNREACHABLE", timeout=15000)
    told = time.monotonic() - paused
    print(f"UNREACHABLE {told:.1f} s after the pause, {window.runner.busy} jobs busy")
    assert told < TOLD_WITHIN_S
    assert window.statusBar().currentMessage() == "The store cannot be reached."
    # Both judgments are on the station's disk and counted; which of the two was
    # told last depends on which one a flush of the spool had already taken.
    unsent = "2 judgment(s) wait to be sent to the store"
    qtbot.waitUntil(lambda: review.unsent_label.text() == unsent, timeout=5000)
    assert len(list((tmp_path / "spool").glob("*.json"))) == 2
    assert review.message_label.text() in {
        f"{barcode} is kept on this station and waits for the store to answer."
        for barcode in ("PVF0000001", "PVF0000002")
    }

    os.kill(store.server.pid, signal.SIGCONT)
    qtbot.waitUntil(lambda: window.state_label.text() == "reachable", timeout=15000)
    qtbot.waitUntil(lambda: review.unsent == 0, timeout=60000)
    assert_store_holds_exactly(store.db, [_as_judged(h) for h in halves[:2]])
