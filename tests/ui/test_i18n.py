"""The interface language: Chinese from the shipped .qm, English where untranslated."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QFontMetrics, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from elconsole import i18n
from elconsole import settings as st
from elconsole.data.stores import StoreTarget
from elconsole.domain.defect_types import DEFAULT_DEFECT_TYPES
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.tasks import TaskRunner
from elconsole.ui.about import AboutDialog, store_text
from elconsole.ui.main_window import MainWindow
from elconsole.ui.names import layout_name
from elconsole.ui.session import Session, translated_catalog
from elconsole.ui.settings import SettingsDialog
from elconsole.ui.stats.charts import BarChart, Series, wrap_label
from elconsole.ui.stats.models import period_label, period_text
from elconsole.ui.stats.views import ResultViews


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


def test_settings_tables_show_the_default_names_translated(
    qtbot: QtBot, tmp_path: Path, chinese: str
) -> None:
    dialog = SettingsDialog(st.Settings(), TaskRunner(), path=tmp_path / "s.json")
    qtbot.addWidget(dialog)
    names = [dialog.shifts_editor.table.item(r, 0).text() for r in range(2)]
    labels = [dialog.types_editor.table.item(r, 1).text() for r in range(4)]
    assert names == ["白班", "夜班"]
    assert labels == ["隐裂", "虚焊", "黑片 / 失效电池片", "混档电池片"]
    assert st.parse(dialog.data()) == st.Settings()  # saved as stored, in English
    dialog.types_editor.table.item(3, 1).setText("混档片")
    assert dialog.data()["defect_types"][3]["label"] == "混档片"  # type: ignore[index]


def test_pchart_titles_and_shift_labels_are_chinese(qtbot: QtBot, chinese: str) -> None:
    views = ResultViews(translated_catalog(DEFAULT_DEFECT_TYPES))
    qtbot.addWidget(views)
    views.name_periods("day")
    assert views.pcharts[0]._title == "操作员 NG 率（按天），p 控制图（3σ 控制限）"
    views.name_periods("shift")
    assert views.pcharts[1]._title == "AI 组件过杀率（按班次），p 控制图（3σ 控制限）"
    assert period_label("2026-11-22 night") == "11-22 夜班"
    assert period_text("2026-11-22 day") == "2026-11-22 白班"


def test_every_chinese_defect_type_is_named_under_its_bars(qtbot: QtBot, chinese: str) -> None:
    catalog = translated_catalog(DEFAULT_DEFECT_TYPES)
    chart = BarChart("各类型缺陷数", "缺陷数", stacked=False)
    qtbot.addWidget(chart)
    chart.resize(460, 230)
    chart.show()
    # As wide as the longest line it may make: wrapped in any font, CJK or none.
    width = QFontMetrics(QGuiApplication.font()).horizontalAdvance("失效电池片")
    labels = [wrap_label(catalog.label(c), width) for c in catalog.codes]
    chart.set_data(labels, [Series("AI 确认", "#1f77b4", [3, 4, 2, 1])])
    qtbot.waitExposed(chart)
    qtbot.wait(100)  # the axis takes the two lines' height
    assert _drawn_labels(chart.axis) == ["隐裂", "虚焊", "黑片 /\n失效电池片", "混档电池片"]


def test_the_embedded_store_is_named_in_chinese(qtbot: QtBot, chinese: str) -> None:
    dialog = AboutDialog(StoreTarget(path=Path("/data/line3.db")), None)
    qtbot.addWidget(dialog)
    assert dialog.store_label.text() == "内置数据库 /data/line3.db"
    assert store_text(StoreTarget(uri="mongodb://op:pw@db/plant")) == "mongodb://op:***@db/plant"


def _drawn_labels(axis: Any) -> list[str]:
    """Return the texts an axis draws now, left to right."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    specs = axis.generateDrawSpecs(painter)
    painter.end()
    return [text for _, _, text in specs[2]]


def test_the_status_bar_names_the_embedded_store_in_chinese(
    chinese: str, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    window = make_window()
    assert window.store_label.text() == f"内置数据库 {tmp_path / 'x.db'}"


def test_layouts_are_named_in_chinese(chinese: str) -> None:
    assert layout_name("mono", "half", 120) == "单晶 半片 120"
    assert layout_name("poly", "full", 72) == "多晶 整片 72"
    assert layout_name("cdte", "full", 99) == "cdte 整片 99"  # old data: shown as stored
