"""Take the README's pictures: each tab at work, the settings and About dialogs, Chinese tabs.

Run from the repository root with the project's Python (no display needed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py [--out docs/images]

It fills a temporary embedded store with the demo data (fixed seed, ending at a fixed
"now"), drops a few AI results into a temporary inbox, opens the real main window on them at
1280×800, waits until each view shows its data, and saves one PNG per view. Chinese text
needs a CJK font on the machine (Debian: fonts-noto-cjk or fonts-wqy-microhei).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # The demo generator iterates sets of strings, whose order follows the per-process
    # string hash: a fixed hash seed makes the same seed give the same data on every run.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The folders the pictures name (log file, default store) as on an operator's machine; only
# shown, nothing is written there.
os.environ["XDG_DATA_HOME"] = "/home/operator/.local/share"
os.environ["XDG_STATE_HOME"] = "/home/operator/.local/state"

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from elconsole import i18n  # noqa: E402
from elconsole.data.stores import StoreTarget, open_store  # noqa: E402
from elconsole.domain.demo import generate  # noqa: E402
from elconsole.domain.plantclock import PlantClock, zone  # noqa: E402
from elconsole.domain.records import Validator  # noqa: E402
from elconsole.logsetup import log_path  # noqa: E402
from elconsole.settings import Settings  # noqa: E402
from elconsole.ui.about import AboutDialog  # noqa: E402
from elconsole.ui.entry.marks import AI, OPERATOR  # noqa: E402
from elconsole.ui.launch import app_icon  # noqa: E402
from elconsole.ui.main_window import MainWindow  # noqa: E402
from elconsole.ui.session import Session  # noqa: E402
from elconsole.ui.settings import SettingsDialog  # noqa: E402

log = logging.getLogger("screenshots")
ZONE = "Asia/Shanghai"
SIZE = (1280, 800)
LOAD_LIMIT_MS = 60000
SEED = 2026
NOW = dt.datetime(2026, 12, 3, 15, 30, tzinfo=zone(ZONE)).timestamp()  # a Thursday afternoon
OPERATOR_ID = "op7"
QUEUED = 4  # AI results waiting at the station: the newest records, held back from the store
WORK = Path(tempfile.gettempdir()) / "elconsole-screenshots"  # a fixed name: it is shown
STATS_PAGES = ("trends", "pareto", "heatmap", "pcharts")


class Demo:
    """The demo data: what is stored, what waits in the inbox, what to look up."""

    def __init__(self, days: int) -> None:
        raw = generate(days, seed=SEED, now=NOW)
        # Modules never tested before; the one that opens first has the most AI defects.
        tests = Counter(r["barcode"] for r in raw)
        fresh = [r for r in reversed(raw) if r["ai_defects"] and tests[r["barcode"]] == 1]
        first = max(fresh[:200], key=lambda r: (defect_count(r), len(r["ai_defects"])))
        later = [r for r in fresh if r is not first][: QUEUED - 1]
        held = [first, *reversed(later)]
        held_ids = {id(r) for r in held}
        self.stored = [r for r in raw if id(r) not in held_ids]
        stored_barcodes = {r["barcode"] for r in self.stored}
        # They arrived in the last ten minutes, oldest (the one that opens) first.
        self.queued = [
            ai_half(r)
            | {"create_time": NOW - 600.0 + 120.0 * n, "ai_time": NOW - 598.5 + 120.0 * n}
            for n, r in enumerate(held)
        ]
        # One more AI result for a module stored before: the station asks "re-test?".
        again = next(r for r in reversed(self.stored) if r["gui_result"] == "1")
        retest = ai_half(again) | {"create_time": NOW - 90.0, "ai_time": NOW - 88.5}
        self.queued.append(retest)
        self.retest_barcode = str(again["barcode"])
        assert self.retest_barcode in stored_barcodes
        self.lookup_barcode = lookup_barcode(self.stored)


def defect_count(record: dict[str, Any]) -> int:
    return sum(len(positions) for positions in record["ai_defects"].values())


def ai_half(record: dict[str, Any]) -> dict[str, Any]:
    """Return the AI box's half of a record (what arrives in the inbox)."""
    return {k: v for k, v in record.items() if not k.startswith("gui_") and k != "operator"}


def lookup_barcode(raw: list[dict[str, Any]]) -> str:
    """Return a barcode tested twice whose newest test has defects of all three fates."""
    counts = Counter(r["barcode"] for r in raw)

    def fates(record: dict[str, Any]) -> int:
        ai = {(k, tuple(p)) for k, ps in record["ai_defects"].items() for p in ps}
        op = {(k, tuple(p)) for k, ps in record["gui_defects"].items() for p in ps}
        return bool(ai & op) + bool(ai - op) + bool(op - ai)

    newest: dict[str, dict[str, Any]] = {}
    for record in raw:
        newest[record["barcode"]] = record
    twice = [r for b, r in newest.items() if counts[b] == 2]
    best = max(twice, key=lambda r: (fates(r), r["create_time"]))
    return str(best["barcode"])


def fill_store(target: StoreTarget, demo: Demo) -> None:
    validator = Validator()
    records = [validator.validate(r) for r in demo.stored]
    with open_store(target) as store:
        store.ping()
        store.repo.ensure_indexes()
        for i in range(0, len(records), 500):
            store.repo.store_many(records[i : i + 500])


def fill_inbox(inbox: Path, demo: Demo) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for old in inbox.glob("*.json"):
        old.unlink()
    for n, half in enumerate(demo.queued):
        (inbox / f"{n:02d}-{half['barcode']}.json").write_text(json.dumps(half), "utf-8")


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


def wait_for(what: str, done: Callable[[], bool]) -> None:
    if not wait_until(done):
        raise SystemExit(f"screenshots: {what} did not show within {LOAD_LIMIT_MS} ms")


def settle(window: MainWindow) -> None:
    """Wait until the window's background work has finished twice in a row."""
    for _ in range(2):
        if not wait_until(lambda: window.runner.busy == 0):
            log.warning("background work still running after %d ms", LOAD_LIMIT_MS)
        wait_until(lambda: False, 300)  # let the views paint what arrived


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"screenshots: cannot write {path}")
    print(f"wrote {path}")


def open_window(target: StoreTarget, inbox: Path, spool: Path) -> MainWindow:
    assert target.path is not None
    session = Session(target, PlantClock(zone(ZONE)))
    session.apply_settings(Settings(store=str(target.path), time_zone=ZONE, inbox_dir=str(inbox)))
    session.spool_dir = spool
    session.inbox_settle_s = 0.0  # the files are complete: no need to wait for the writer
    window = MainWindow(session)
    window.resize(*SIZE)
    window.show()
    window.open_store()
    wait_for("the store", lambda: window.session.store is not None)
    settle(window)
    return window


def shoot_entry(window: MainWindow, out: Path, prefix: str, demo: Demo, full: bool) -> None:
    """The review station with an operator and an AI result open, the re-test question."""
    entry = window.entry_tab
    review = entry.review
    window.tabs.setCurrentWidget(entry)
    entry.show_review()
    review.sign_in_bar.sign_in(OPERATOR_ID)
    review.poll_now()
    wait_for("the queue", lambda: len(review.queue) == len(demo.queued))
    wait_for("the oldest module", lambda: review.judgment is not None)
    settle(window)
    save(window, out, f"{prefix}entry")
    if not full:
        return

    item = review.queue.find(demo.retest_barcode)
    assert item is not None
    review.open_item(item)
    settle(window)
    review.submit()  # the earlier tests are known: asks "re-test?" and stores nothing
    wait_for("the re-test question", review.retest_prompt.isVisible)
    settle(window)
    save(window, out, f"{prefix}entry-retest")
    review._hide_prompt()  # Esc: back to the module, nothing stored

    entry.show_manual()
    manual = entry.manual
    manual.form.barcode_edit.setText("PVM2612030001")
    manual.form.station_edit.setText("EL02")
    # A crack the operator rejects, a cold solder joint kept, a dark cell the AI missed.
    for mode, code, row, col in (
        (AI, "cr", 3, 5),
        (AI, "cs", 5, 11),
        (OPERATOR, "cs", 5, 11),
        (OPERATOR, "bc", 2, 20),
    ):
        manual.defects.set_mode(mode)
        manual.defects.select_type(code)
        manual.defects.grid_view.cell_clicked.emit(row, col)
    settle(window)
    save(window, out, f"{prefix}entry-manual")
    entry.show_review()


def shoot_lookup(window: MainWindow, out: Path, prefix: str, demo: Demo) -> None:
    tab = window.lookup_tab
    window.tabs.setCurrentWidget(tab)
    tab.look_up(demo.lookup_barcode)
    wait_for("the lookup", lambda: tab.shown_test() is not None)
    settle(window)
    save(window, out, f"{prefix}lookup")


def shoot_stats(window: MainWindow, out: Path, prefix: str, pages: tuple[str, ...]) -> None:
    """The last 7 plant days up to NOW, one picture per chart page."""
    tab = window.stats_tab
    window.tabs.setCurrentWidget(tab)
    last = dt.datetime.fromtimestamp(NOW, zone(ZONE)).date()
    tab.set_range(last - dt.timedelta(days=6), last)
    tab.refresh()
    wait_for("the statistics", lambda: not tab.loading and tab.report is not None)
    settle(window)
    for page in pages:
        tab.views.setCurrentIndex(STATS_PAGES.index(page))
        settle(window)
        name = "stats" if page == "trends" else f"stats-{page}"
        save(window, out, f"{prefix}{name}")


def shoot_dialogs(window: MainWindow, out: Path, prefix: str) -> None:
    settings = SettingsDialog(window.session.settings, window.runner, window)
    settings.show()
    settle(window)
    save(settings, out, f"{prefix}settings")
    settings.pages.setCurrentIndex(1)
    settle(window)
    save(settings, out, f"{prefix}settings-shifts")
    settings.close()
    about = AboutDialog(window.session.target.description, log_path(), window)
    about.show()
    settle(window)
    save(about, out, f"{prefix}about")
    about.close()


def shoot(
    app: QApplication, target: StoreTarget, tmp: Path, out: Path, demo: Demo, lang: str
) -> None:
    i18n.install(app, lang)
    english = lang == "en"
    prefix = "" if english else f"{lang}-"
    fill_inbox(tmp / "inbox", demo)
    window = open_window(target, tmp / "inbox", tmp / "spool")
    shoot_entry(window, out, prefix, demo, full=english)
    shoot_lookup(window, out, prefix, demo)
    shoot_stats(window, out, prefix, STATS_PAGES if english else ("trends",))
    if english:
        shoot_dialogs(window, out, prefix)
    window.entry_tab.review.poll_timer.stop()
    window.close()
    settle(window)
    window.deleteLater()


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
    app.styleHints().setCursorFlashTime(0)  # a steady text cursor: the same picture each run
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        log.warning("no Chinese font found: the zh_CN pictures will show boxes")
    demo = Demo(args.days)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(mode=0o700)
    try:
        target = StoreTarget(path=WORK / "line3.db")
        fill_store(target, demo)
        for lang in ("en", "zh_CN"):
            shoot(app, target, WORK, args.out, demo, lang)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
