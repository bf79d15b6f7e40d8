"""Saved settings take effect in the running window: store, zone, shifts, defect types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from elconsole import settings as st
from elconsole.data.stores import StoreTarget
from elconsole.domain.defect_types import DEFAULT_DEFECT_TYPES, DefectType
from elconsole.domain.plantclock import PlantClock, Shift, zone
from elconsole.ui.about import AboutDialog
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session
from elconsole.ui.settings import SettingsDialog


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.delenv("ELCONSOLE_STORE", raising=False)
    session = Session(StoreTarget(path=tmp_path / "a.db"), PlantClock(zone("UTC")))
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.open_store()
    qtbot.waitUntil(lambda: win.session.store is not None, timeout=15000)
    yield win
    win.close()
    qtbot.waitUntil(lambda: win.runner.busy == 0)


def test_a_new_store_opens_and_the_old_one_closes(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    old_server = window.session.store.server
    window.apply_settings(st.Settings(store=str(tmp_path / "b.db")))

    assert window.state_label.text() == "opening the store…"
    assert window.store_label.text() == f"embedded store {tmp_path / 'b.db'}"
    qtbot.waitUntil(lambda: window.session.store is not None, timeout=15000)
    assert window.session.store.target == StoreTarget(path=tmp_path / "b.db")
    assert window.state_label.text() == "reachable"
    assert not old_server.owned  # stopped in the background


def test_zone_shifts_and_types_apply_and_the_tabs_reread(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    told: list[str] = []
    for tab in (window.entry_tab, window.lookup_tab, window.stats_tab):
        monkeypatch.setattr(tab, "store_opened", lambda t=tab: told.append(type(t).__name__))
    store = window.session.store
    three = (Shift("A", dt.time(6)), Shift("B", dt.time(14)), Shift("C", dt.time(22)))
    types = (*DEFAULT_DEFECT_TYPES, DefectType("br", "Broken cell", "#000000"))
    window.apply_settings(
        st.Settings(
            store=str(tmp_path / "a.db"),
            time_zone="Asia/Shanghai",
            shifts=three,
            defect_types=types,
            station_id="EL-03",
            inbox_dir=str(tmp_path),
            scanner_prefix="]C1",
        )
    )
    session = window.session
    assert session.store is store  # same store: not reopened
    assert window.zone_label.text() == "plant zone Asia/Shanghai"
    # 2026-03-03 23:30 in Shanghai is 15:30 UTC: the C shift of that date.
    assert session.clock.shift_key(dt.datetime(2026, 3, 3, 15, 30, tzinfo=dt.UTC).timestamp()) == (
        "2026-03-03 C"
    )
    assert "br" in session.catalog and "br" in session.validator.catalog.codes
    assert (session.station_id, session.inbox_dir, session.scanner_prefix) == (
        "EL-03",
        tmp_path,
        "]C1",
    )
    assert told == ["EntryTab", "LookupTab", "StatsTab"]


def test_the_command_line_store_stays_over_a_saved_one(window: MainWindow, tmp_path: Path) -> None:
    window.session.overrides = st.Overrides(store=str(tmp_path / "a.db"), time_zone="UTC")
    store = window.session.store
    window.apply_settings(st.Settings(store=str(tmp_path / "b.db"), time_zone="Asia/Tokyo"))
    assert window.session.store is store
    assert window.session.clock.zone_name == "UTC"


def test_menus_open_settings_and_about(window: MainWindow, qtbot: QtBot) -> None:
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Help"]
    window.settings_action.trigger()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    window.about_action.trigger()
    about = window.findChild(AboutDialog)
    assert about is not None and "a.db" in about.store_label.text()
    about.reject()
