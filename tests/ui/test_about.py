"""Help ▸ About: version, store without its password, log file, library versions."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from elconsole.data.stores import StoreTarget
from elconsole.ui.about import AboutDialog, library_versions


def test_about_names_store_log_and_versions(qtbot: QtBot, tmp_path: Path) -> None:
    store = StoreTarget(uri="mongodb://op:hunter2@db1,db2/plant?replicaSet=rs0").description
    dialog = AboutDialog(store, tmp_path / "elconsole.log")
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert not any("hunter2" in t for t in texts)
    assert dialog.store_label.text() == "mongodb://op:***@db1,db2/plant?replicaSet=rs0"
    assert dialog.log_label.text() == str(tmp_path / "elconsole.log")
    assert f"EL Console {metadata.version('elconsole')}" in texts[0]
    versions = library_versions()
    assert list(versions) == ["Python", "Qt", "PySide6", "pyqtgraph", "pymongo", "nx-27017"]
    assert versions["nx-27017"] == "0.8.1"
    assert versions["pymongo"] == metadata.version("pymongo")
    assert "0.8.1" in texts
