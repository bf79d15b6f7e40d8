"""Review station benchmark: scan -> module shown and submit -> next shown, on a full store.

Fills a fresh embedded store with generated tests, drives the real Panel entry tab
offscreen (AI results through the inbox, scans and submissions as an operator makes
them) and prints median and p95 of each step in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from elconsole.data.stores import Store, StoreTarget, open_store  # noqa: E402
from elconsole.domain.demo import generate  # noqa: E402
from elconsole.domain.plantclock import PlantClock, zone  # noqa: E402
from elconsole.domain.records import AI_FIELDS, Validator  # noqa: E402
from elconsole.tasks import TaskRunner  # noqa: E402
from elconsole.ui.entry.tab import EntryTab  # noqa: E402
from elconsole.ui.session import Session  # noqa: E402

BATCH = 1000
TESTS_PER_DAY = 1000  # what demo.generate makes a day (three stations), roughly
TIMEOUT_S = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tests", type=int, default=100_000, help="tests stored first")
    parser.add_argument("--modules", type=int, default=60, help="modules judged")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_store(StoreTarget(path=Path(tmp) / "bench.db")) as store,
    ):
        barcodes = fill(store, args.tests)
        rows = drive(app, store, Path(tmp), barcodes, args.modules)
    report(args.tests, rows)
    return 0


def fill(store: Store, n: int) -> list[str]:
    """Store ``n`` generated tests; returns their barcodes."""
    began = time.perf_counter()
    raws = generate(days=n // TESTS_PER_DAY + 2, now=time.time() - 86400)[-n:]
    validator = Validator()
    for first in range(0, len(raws), BATCH):
        store.repo.store_many([validator.validate(r) for r in raws[first : first + BATCH]])
    took = time.perf_counter() - began
    print(f"stored {len(raws):,} tests in {took:.0f} s", flush=True)
    return [r["barcode"] for r in raws]


def drive(
    app: QApplication, store: Store, tmp: Path, barcodes: list[str], modules: int
) -> dict[str, list[float]]:
    """Judge ``modules`` modules on the real tab; returns the timings in ms."""
    session = _session(store, tmp)
    runner = TaskRunner()
    entry = EntryTab(session, runner)
    entry.resize(1280, 800)
    entry.show()
    review = entry.review
    review.sign_in_bar.sign_in("bench")
    _drop(session, barcodes, modules)
    review.poll_now()
    _wait(app, lambda: len(review.queue) == modules)
    rows: dict[str, list[float]] = {k: [] for k in ("scan", "history", "submit", "stored")}
    while len(review.queue) > 1:
        _scan(app, entry, review.queue.items()[-1].barcode, rows)
        _submit(app, entry, rows)
    review.poll_timer.stop()
    runner.wait(10_000)
    return rows


def _scan(app: QApplication, entry: EntryTab, barcode: str, rows: dict[str, list[float]]) -> None:
    """Scan the newest module; time until it is shown, then until its history is."""
    review = entry.review
    began = time.perf_counter()
    review.scan(barcode)
    _wait(app, lambda: _shown(entry, barcode))
    rows["scan"].append((time.perf_counter() - began) * 1000)
    _wait(app, lambda: not review.module_view.history_label.text().startswith("Looking"))
    rows["history"].append((time.perf_counter() - began) * 1000)


def _submit(app: QApplication, entry: EntryTab, rows: dict[str, list[float]]) -> None:
    """Ctrl+Enter (twice for a module tested before: the re-test question)."""
    review = entry.review
    target = review.queue.items()[0].barcode  # the oldest opens next
    began = time.perf_counter()
    review.submit()
    if review.retest_prompt.isVisible():
        began = time.perf_counter()
        review.submit()
    _wait(app, lambda: _shown(entry, target))
    rows["submit"].append((time.perf_counter() - began) * 1000)
    _wait(app, lambda: review.unsent == 0)
    rows["stored"].append((time.perf_counter() - began) * 1000)


def _session(store: Store, tmp: Path) -> Session:
    session = Session(store.target, PlantClock(zone("Asia/Shanghai")))
    session.store = store
    session.inbox_dir = tmp / "inbox"
    session.spool_dir = tmp / "spool"
    session.inbox_settle_s = 0.0
    return session


def _drop(session: Session, barcodes: list[str], modules: int) -> None:
    """Put AI results in the inbox: every other module was tested before."""
    assert session.inbox_dir is not None
    session.inbox_dir.mkdir(parents=True, exist_ok=True)
    now = time.time() - 600
    for i in range(modules):
        base = generate(days=1, seed=i, now=now)[0]
        raw = {k: base[k] for k in AI_FIELDS}
        raw["barcode"] = barcodes[i * 997 % len(barcodes)] if i % 2 else f"PVNEW{i:06d}"
        raw["create_time"] = now + i
        raw["ai_time"] = now + i + 1
        (session.inbox_dir / f"{i:04d}.json").write_text(json.dumps(raw))


def _shown(entry: EntryTab, barcode: str) -> bool:
    return entry.review.module_view.title_label.text() == barcode


def _wait(app: QApplication, done: Callable[[], bool]) -> None:
    """Let the event loop run until ``done()`` (a benchmark driver, not the app)."""
    end = time.monotonic() + TIMEOUT_S
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the tab did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


def report(tests: int, rows: dict[str, list[float]]) -> None:
    names = {
        "scan": "scan -> module shown",
        "history": "scan -> earlier tests shown",
        "submit": "submit -> next module shown",
        "stored": "submit -> judgment stored",
    }
    print(f"\nreview station on the embedded store with {tests:,} tests stored")
    for key, name in names.items():
        values = sorted(rows[key])
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        median = statistics.median(values)
        print(f"  {name:<30} median {median:7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)})")


if __name__ == "__main__":
    sys.exit(main())
