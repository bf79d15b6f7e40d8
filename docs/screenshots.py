"""Take the README's pictures: each tab, the settings and About dialogs, and the Chinese UI.

Run from the repository root with the project's Python (no display needed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py [--out docs/images]

It fills a temporary embedded store with the demo data, opens the real main window on it,
waits until every background load has finished, and saves one PNG per view. Chinese text
needs a CJK font on the machine (Debian: fonts-noto-cjk or fonts-wqy-microhei).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from elconsole import i18n  # noqa: E402
from elconsole.data.stores import StoreTarget, open_store  # noqa: E402
from elconsole.domain.demo import generate  # noqa: E402
from elconsole.domain.plantclock import PlantClock, zone  # noqa: E402
from elconsole.domain.records import Validator  # noqa: E402
from elconsole.logsetup import log_path  # noqa: E402
from elconsole.ui.about import AboutDialog  # noqa: E402
from elconsole.ui.launch import app_icon  # noqa: E402
from elconsole.ui.main_window import MainWindow  # noqa: E402
from elconsole.ui.session import Session  # noqa: E402
from elconsole.ui.settings import SettingsDialog  # noqa: E402

log = logging.getLogger("screenshots")
ZONE = "Asia/Shanghai"
SIZE = (1280, 800)
LOAD_LIMIT_MS = 60000


def fill_store(target: StoreTarget, days: int) -> str:
    """Store the demo records; return a barcode tested more than once, with defects."""
    raw = generate(days)
    validator = Validator()
    records = [validator.validate(r) for r in raw]
    with open_store(target) as store:
        store.ping()
        store.repo.ensure_indexes()
        for i in range(0, len(records), 500):
            store.repo.store_many(records[i : i + 500])
    return _retested_barcode(raw)


def _retested_barcode(raw: list[dict[str, Any]]) -> str:
    counts = Counter(r["barcode"] for r in raw)
    for record in reversed(raw):
        if counts[record["barcode"]] > 1 and record["gui_defects"]:
            return str(record["barcode"])
    return str(raw[-1]["barcode"])


def wait_until(done: Callable[[], bool], limit_ms: int = LOAD_LIMIT_MS) -> bool:
    """Run the event loop until ``done()`` holds (checked every 50 ms) or the limit."""
    loop = QEventLoop()
    check = QTimer()

    def on_check_timeout() -> None:  # a slot returning a value upsets PySide's refcounts
        if done():
            loop.quit()

    check.timeout.connect(on_check_timeout)
    check.start(50)
    QTimer.singleShot(limit_ms, loop.quit)
    if not done():
        loop.exec()
    check.stop()
    return done()


def settle(window: MainWindow) -> None:
    """Wait until the window's background work has finished twice in a row."""
    for _ in range(2):
        if not wait_until(lambda: window.runner.busy == 0):
            log.warning("background work still running after %d ms", LOAD_LIMIT_MS)
        wait_until(lambda: False, 300)  # let the views paint what arrived


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def open_window(target: StoreTarget) -> MainWindow:
    window = MainWindow(Session(target, PlantClock(zone(ZONE))))
    window.resize(*SIZE)
    window.show()
    window.open_store()
    if not wait_until(lambda: window.session.store is not None):
        raise SystemExit("the store did not open")
    settle(window)
    return window


def shoot_tabs(window: MainWindow, out: Path, prefix: str, barcode: str) -> None:
    """Save each tab with data: the lookup of ``barcode``, the last 7 days' figures."""
    window.tabs.setCurrentWidget(window.entry_tab)
    settle(window)
    save(window, out, f"{prefix}entry")
    window.tabs.setCurrentWidget(window.lookup_tab)
    window.lookup_tab.look_up(barcode)
    settle(window)
    save(window, out, f"{prefix}lookup")
    window.tabs.setCurrentWidget(window.stats_tab)
    combo = window.stats_tab.range_combo
    index = combo.findData("last7")
    if index >= 0 and index != combo.currentIndex():
        combo.setCurrentIndex(index)
    else:
        window.stats_tab.refresh()
    settle(window)
    save(window, out, f"{prefix}stats")


def shoot_dialogs(window: MainWindow, out: Path, prefix: str) -> None:
    settings = SettingsDialog(window.session.settings, window.runner, window)
    settings.show()
    settle(window)
    save(settings, out, f"{prefix}settings")
    settings.pages.setCurrentIndex(1)
    save(settings, out, f"{prefix}settings-shifts")
    settings.close()
    about = AboutDialog(window.session.target.description, log_path(), window)
    about.show()
    settle(window)
    save(about, out, f"{prefix}about")
    about.close()


def shoot(app: QApplication, target: StoreTarget, out: Path, barcode: str, lang: str) -> None:
    i18n.install(app, lang)
    prefix = "" if lang == "en" else f"{lang}-"
    window = open_window(target)
    shoot_tabs(window, out, prefix, barcode)
    shoot_dialogs(window, out, prefix)
    window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "images")
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EL Console")
    app.setWindowIcon(app_icon())
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        log.warning("no Chinese font found: the zh_CN pictures will show boxes")
    with tempfile.TemporaryDirectory(prefix="elconsole-shots-") as tmp:
        target = StoreTarget(path=Path(tmp) / "demo.db")
        barcode = fill_store(target, args.days)
        for lang in ("en", "zh_CN"):
            shoot(app, target, args.out, barcode, lang)
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # Skip the interpreter's finalization: PySide6 6.12 may abort there ("bool_dealloc")
    # after many windows and dialogs; every picture is written by now.
    os._exit(status)
