"""The interface language: Chinese from the shipped .qm, English where untranslated."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from elconsole import i18n
from elconsole import settings as st
from elconsole.data.stores import StoreTarget
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.tasks import TaskRunner
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session
from elconsole.ui.settings import SettingsDialog


def _ts_translations(context: str) -> dict[str, str]:
    """Return the .ts file's finished translations of one context, by English source."""
    ts = resources.files("elconsole.translations").joinpath("elconsole_zh_CN.ts")
    root = ET.fromstring(ts.read_bytes())
    found = {}
    for ctx in root.iter("context"):
        if ctx.findtext("name") != context:
            continue
        for message in ctx.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") is None:
                found[message.findtext("source") or ""] = translation.text or ""
    return found


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[str]:
    yield i18n.install(qapp, "zh_CN")
    i18n.install(qapp, "en")
    QLocale.setDefault(QLocale("en_US"))


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[], MainWindow]]:
    """Build windows (the store never opened); each is closed with its tasks done."""
    made: list[MainWindow] = []

    def make() -> MainWindow:
        session = Session(StoreTarget(path=tmp_path / "x.db"), PlantClock(zone("UTC")))
        made.append(MainWindow(session))
        qtbot.addWidget(made[-1])
        return made[-1]

    yield make
    for window in made:
        window.close()
        qtbot.waitUntil(lambda w=window: w.runner.busy == 0)


def test_system_language_picks_chinese_for_any_chinese_locale() -> None:
    assert i18n.choose_locale("system", QLocale("zh_TW")) == "zh_CN"
    assert i18n.choose_locale("system", QLocale("de_DE")) == "en"
    assert i18n.choose_locale("en", QLocale("zh_CN")) == "en"
    assert i18n.choose_locale("zh_CN", QLocale("en_US")) == "zh_CN"


def test_tab_titles_and_menus_are_chinese(
    make_window: Callable[[], MainWindow], chinese: str
) -> None:
    assert chinese == "zh_CN"
    assert QLocale().name() == "zh_CN"  # dates and numbers follow the language
    window = make_window()
    titles = [window.tabs.tabText(i) for i in range(3)]
    assert titles == ["组件录入", "查询", "统计"]
    wanted = _ts_translations("MainWindow")
    assert titles == [wanted["Panel entry"], wanted["Lookup"], wanted["Statistics"]]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "帮助(&H)"]
    # The default defect types' labels follow; codes stay as stored.
    catalog = window.session.catalog
    assert [catalog.label(c) for c in catalog.codes] == [
        "隐裂",
        "虚焊",
        "黑片 / 失效电池片",
        "混档电池片",
    ]
    assert catalog.codes == ("cr", "cs", "bc", "mr")


def test_settings_labels_and_rules_are_chinese(qtbot: QtBot, tmp_path: Path, chinese: str) -> None:
    dialog = SettingsDialog(st.Settings(), TaskRunner(), path=tmp_path / "s.json")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "设置"
    assert dialog.pages.tabText(1) == _ts_translations("SettingsDialog")["Time zone and shifts"]
    dialog.zone_combo.setCurrentText("Mars/Olympus")
    dialog.save_button().click()
    assert dialog.errors["time_zone"].text() == (
        "“Mars/Olympus” — 应为 IANA 时区名称，如 Asia/Shanghai"
    )


def test_an_untranslated_string_stays_english(chinese: str) -> None:
    assert QCoreApplication.translate("MainWindow", "no such text yet") == "no such text yet"


def test_english_installs_no_translator(
    make_window: Callable[[], MainWindow], qapp: QApplication
) -> None:
    assert i18n.install(qapp, "en") == "en"
    window = make_window()
    assert window.tabs.tabText(0) == "Panel entry"
