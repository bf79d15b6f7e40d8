"""The settings dialog: refusals beside their fields, saving, and the store test."""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from elconsole import settings as st
from elconsole.tasks import TaskRunner
from elconsole.ui.settings import SettingsDialog
from elconsole.ui.settings.tables import BAD_CELL


def _dialog(qtbot: QtBot, path: Path, current: st.Settings | None = None) -> SettingsDialog:
    runner = TaskRunner()
    dialog = SettingsDialog(current or st.Settings(), runner, path=path)
    dialog.runner_ref = runner  # type: ignore[attr-defined] - keep it alive with the dialog
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_invalid_values_are_shown_beside_their_fields_and_nothing_is_saved(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    dialog = _dialog(qtbot, path)
    dialog.zone_combo.setCurrentText("Mars/Olympus")
    dialog.shifts_editor.table.item(1, 1).setText("08:00")  # the night shift starts at 08:00
    dialog.station_edit.setText("EL 03")

    dialog.save_button().click()

    assert dialog.isVisible() and not path.exists()
    assert dialog.errors["time_zone"].isVisible()
    assert dialog.errors["time_zone"].text() == (
        "“Mars/Olympus” — an IANA time zone name like Asia/Shanghai"
    )
    assert dialog.errors["shifts"].text() == (
        "row 2, start: “08:00” — a time HH:MM, each start once"
    )
    assert dialog.errors["station_id"].text() == (
        "“EL 03” — at most 32 characters without spaces, or empty"
    )
    assert not dialog.errors["store"].isVisible()
    assert dialog.pages.currentIndex() == 1  # the first refused field's page


def test_valid_values_are_saved_and_announced(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    dialog = _dialog(qtbot, path)
    dialog.zone_combo.setCurrentText("Asia/Shanghai")
    dialog.station_edit.setText("EL-03")
    dialog.types_editor.add_button.click()
    for col, text in enumerate(("br", "Broken cell", "#000000")):
        dialog.types_editor.table.item(4, col).setText(text)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))

    with qtbot.waitSignal(dialog.settings_saved) as saved:
        dialog.save_button().click()

    chosen = saved.args[0]
    assert (chosen.time_zone, chosen.station_id, chosen.language) == (
        "Asia/Shanghai",
        "EL-03",
        "zh_CN",
    )
    assert [t.code for t in chosen.defect_types] == ["cr", "cs", "bc", "mr", "br"]
    assert json.loads(path.read_text(encoding="utf-8"))["station_id"] == "EL-03"
    assert st.load(path) == chosen


def test_a_new_embedded_file_is_announced_not_created(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path / "settings.json")
    store = tmp_path / "line3" / "line3.db"
    dialog.store_edit.setText(str(store))
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=3000)
    assert dialog.test_result.text() == f"A new embedded store will be created: {store}"
    assert not store.exists()


def test_restore_defaults_fills_the_defaults(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path / "s.json", st.Settings(station_id="EL-09"))
    assert dialog.station_edit.text() == "EL-09"
    dialog.restore_button().click()
    assert st.parse(dialog.data()) == st.Settings()


def test_a_bad_colour_is_marked_with_dark_text(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    dialog = _dialog(qtbot, path)
    item = dialog.types_editor.table.item(1, 2)
    item.setText("#12zz45")
    assert item.foreground().color() == QColor("black")  # not white on white

    dialog.save_button().click()

    assert not path.exists()
    assert item.background().color() == BAD_CELL
    assert item.foreground().color() == QColor("black")
    assert dialog.errors["defect_types"].text() == "row 2, colour: “#12zz45” — a colour #rrggbb"


def test_a_malformed_store_uri_is_refused_before_saving(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    dialog = _dialog(qtbot, path)
    dialog.store_edit.setText("mongodb://op:hunter2@db1:abc/plant")

    dialog.save_button().click()

    assert dialog.isVisible() and not path.exists()
    assert dialog.errors["store"].text() == (
        "“mongodb://op:***@db1:abc/plant” — a port from 1 to 65535 after each host"
    )
    assert dialog.pages.currentIndex() == 0


def test_an_unreachable_store_is_answered_before_two_seconds_with_its_reason_not_password(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, tmp_path / "settings.json")
    dialog.store_edit.setText("mongodb://op:hunter2@127.0.0.1:1/plant")
    began = time.monotonic()
    dialog.test_button.click()
    assert time.monotonic() - began < 0.3  # the GUI thread did not wait

    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=3000)
    assert time.monotonic() - began < 2.0
    text = dialog.test_result.text()
    assert text.startswith("The store does not answer: ")
    assert "no answer within" not in text  # the ping's own reason, not the dialog's limit
    assert "hunter2" not in text


def test_the_default_names_are_saved_as_stored_and_an_edit_as_typed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, tmp_path / "settings.json")
    assert dialog.types_editor.table.item(0, 1).text() == "Crack"
    dialog.types_editor.table.item(1, 1).setText("Solder")
    labels = [row["label"] for row in dialog.data()["defect_types"]]  # type: ignore[union-attr]
    assert labels == ["Crack", "Solder", "Dark / failed cell", "Mixed-grade cell"]
