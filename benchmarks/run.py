"""Benchmark harness: fills an embedded store and times import, lookup, statistics, start-up."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the heartbeat's window has no screen

from elconsole.data import repository, summaries  # noqa: E402
from elconsole.data.stores import Store, StoreTarget, open_store  # noqa: E402
from elconsole.domain.demo import STATIONS, make_record  # noqa: E402
from elconsole.domain.plantclock import PlantClock, zone  # noqa: E402
from elconsole.domain.records import Validator  # noqa: E402
from elconsole.domain.stats import BREAKDOWNS  # noqa: E402

PER_DAY = 9000  # three stations, 3,000 tests a day each
BATCH = 2000
RETESTS = 0.05  # share of tests that retest an earlier module
HEARTBEAT_MS = 15
RESULTS = Path(__file__).parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated test counts")
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {"machine": _machine(), "sizes": [bench_size(n, args) for n in sizes]}
    out = args.out or RESULTS / f"{time.strftime('%Y-%m-%d')}-{platform.node()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nresults written to {out}")
    return 0


def bench_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {n:,} tests ==", flush=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_store(StoreTarget(path=Path(tmp) / "bench.db")) as store,
    ):
        row: dict[str, Any] = {"tests": n}
        end, barcodes = _fill(store, n, row)
        _bench_lookup(store, barcodes, args.lookups, row)
        _bench_stats(store, end, args.repeats, row)
        gaps = _heartbeat(store, barcodes, end)
        row["heartbeat_max_gap_ms"] = max(gaps.values())
        row["heartbeat_gap_ms_by_job"] = gaps
        row["peak_rss_mb_console"] = _console_peak_mb(store)
        row["start_to_window_s"] = _start_to_window(Path(tmp) / "bench.db")
        # Last: a $lookup that outlasts the socket timeout keeps the server busy.
        _bench_design_note(store, barcodes, end, row)
    row["peak_rss_mb"] = _peak_mb()
    for key, value in row.items():
        print(f"  {key:<34} {value}")
    return row


def _fill(store: Store, n: int, row: dict[str, Any]) -> tuple[float, list[str]]:
    rng = random.Random(n)
    validator = Validator()
    step = 86400.0 / PER_DAY
    start = 1_700_000_000.0
    barcodes: list[str] = []
    elapsed = 0.0
    for first in range(0, n, BATCH):
        raws = []
        for i in range(first, min(n, first + BATCH)):
            retest = barcodes and rng.random() < RETESTS
            barcode = barcodes[-rng.randrange(1, min(len(barcodes), 400) + 1)] if retest else None
            barcode = barcode or f"PVB{i:09d}"
            barcodes.append(barcode)
            raws.append(make_record(rng, barcode, STATIONS[i % 3], start + i * step))
        records = [validator.validate(r) for r in raws]
        began = time.perf_counter()
        store.repo.store_many(records)
        elapsed += time.perf_counter() - began
    row["import_records_per_s"] = round(n / elapsed)
    return start + n * step, barcodes


def _bench_lookup(store: Store, barcodes: list[str], count: int, row: dict[str, Any]) -> None:
    sample = random.Random(1).sample(barcodes, min(count, len(barcodes)))
    times = [_timed(lambda b=b: store.repo.lookup(b)) for b in sample]
    row["lookup_median_ms"] = round(statistics.median(times) * 1000, 2)
    row["lookup_p95_ms"] = round(statistics.quantiles(times, n=20)[-1] * 1000, 2)


def _bench_stats(store: Store, end: float, repeats: int, row: dict[str, Any]) -> None:
    """Windows end mid-hour (now), as a supervisor's do; zones with whole and half hours."""
    for name in ("Asia/Shanghai", "Asia/Kolkata"):
        clock = PlantClock(zone(name))
        for days in (1, 7, 30):
            start = end - days * 86400
            times = [
                _timed(lambda s=start, c=clock: _stats(store, c, s, end)) for _ in range(repeats)
            ]
            suffix = "" if name == "Asia/Shanghai" else "_kolkata"
            row[f"stats_{days}d_median_s{suffix}"] = round(statistics.median(times), 3)
    _bench_quarters(store, end, repeats, row)


def _bench_quarters(store: Store, end: float, repeats: int, row: dict[str, Any]) -> None:
    """Side by side, alternating: Kolkata's 30 days with and without quarter summaries.

    Without them (the quarter set to an hour), an hour holding a day or shift
    boundary at :30 is read from the panels, as before quarter summaries.
    """
    clock, start = PlantClock(zone("Asia/Kolkata")), end - 30 * 86400
    split: list[float] = []
    hourly: list[float] = []
    for _ in range(repeats):
        split.append(_timed(lambda: _stats(store, clock, start, end)))
        with _hourly_only():
            hourly.append(_timed(lambda: _stats(store, clock, start, end)))
    row["stats_30d_kolkata_quarters_s"] = round(statistics.median(split), 3)
    row["stats_30d_kolkata_hours_only_s"] = round(statistics.median(hourly), 3)
    row["stats_30d_kolkata_hours_over_quarters"] = round(
        statistics.median(hourly) / statistics.median(split), 2
    )


@contextlib.contextmanager
def _hourly_only() -> Iterator[None]:
    saved = repository.QUARTER
    repository.QUARTER = summaries.HOUR
    try:
        yield
    finally:
        repository.QUARTER = saved


def _stats(store: Store, clock: PlantClock, start: float, end: float) -> object:
    return store.repo.window_report(clock, start, end, BREAKDOWNS)


def _bench_design_note(store: Store, barcodes: list[str], end: float, row: dict[str, Any]) -> None:
    """Time the original design note's $lookup queries on the same store and data."""
    db = store.db
    barcode = barcodes[len(barcodes) // 2]
    pipeline = [
        {"$match": {"Barcode": barcode}},
        {
            "$lookup": {
                "from": "panel_defect",
                "localField": "_id",
                "foreignField": "Panel_ID",
                "as": "links",
            }
        },
        {"$unwind": {"path": "$links", "preserveNullAndEmptyArrays": True}},
        {
            "$lookup": {
                "from": "defect",
                "localField": "links.Defect_ID",
                "foreignField": "_id",
                "as": "Defect",
            }
        },
    ]
    start = end - 7 * 86400
    count_pipeline = [
        {"$match": {"time": {"$gte": start, "$lt": end}}},
        {"$group": {"_id": "$result", "count": {"$sum": 1}}},
    ]
    clock = PlantClock(zone("UTC"))
    db.panel_status.create_index("time")  # theirs; the console does not need it
    ours = _timed(lambda: store.repo.window_report(clock, start, end, BREAKDOWNS))
    theirs = _try_timed(lambda: list(db.panel_status.aggregate(count_pipeline)))
    row["design_note_7d_counts_s"] = theirs
    row["stats_7d_ours_over_theirs"] = round(ours / theirs, 3) if theirs else None

    # Last: a $lookup that outlasts the socket timeout keeps the server busy.
    ours = statistics.median(_timed(lambda: store.repo.lookup(barcode)) for _ in range(5))
    theirs = _try_timed(lambda: list(db.panel.aggregate(pipeline)))
    row["design_note_lookup_s"] = theirs
    row["lookup_ours_over_theirs"] = round(ours / theirs, 4) if theirs else None


def _heartbeat(store: Store, barcodes: list[str], end: float) -> dict[str, float]:
    """Longest wait of a window's timer while statistics, an import and a lookup run.

    The work goes through the console's TaskRunner, as the window sends it.
    """
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from elconsole.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    clock = PlantClock(zone("Asia/Shanghai"))
    validator = Validator()
    rng = random.Random(3)
    new = [
        validator.validate(make_record(rng, f"PVH{i:09d}", STATIONS[i % 3], end + i))
        for i in range(2000)
    ]
    jobs: list[tuple[str, Callable[[], object]]] = [
        ("stats_30d", lambda: _stats(store, clock, end - 30 * 86400, end)),
        ("import_2000", lambda: store.repo.store_many(new)),
        ("lookup", lambda: store.repo.lookup(barcodes[len(barcodes) // 3])),
    ]
    gaps: dict[str, float] = {}
    current = [""]
    ticks = QElapsedTimer()
    ticks.start()

    def tick() -> None:
        gap = float(ticks.restart())
        gaps[current[0]] = max(gaps.get(current[0], 0.0), gap)

    def next_job(_: object = None) -> None:
        tick()
        if not jobs:
            app.quit()
            return
        current[0], work = jobs.pop(0)
        ticks.restart()
        runner.run(work, next_job, failed)

    def failed(exc: BaseException) -> None:
        print(f"  heartbeat job failed: {exc}")
        app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(HEARTBEAT_MS)
    QTimer.singleShot(0, next_job)
    app.exec()
    timer.stop()
    runner.wait()
    gaps.pop("", None)
    return gaps


_START_SCRIPT = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from elconsole.data.stores import StoreTarget
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session
w = MainWindow(Session(StoreTarget(path=Path(sys.argv[1])), PlantClock(zone("UTC"))))
w.show()
w.open_store()
def check():
    if w.session.store is not None:
        print(time.perf_counter() - t0, flush=True)
        w.close()
        app.quit()
timer = QTimer()
timer.timeout.connect(check)
timer.start(5)
app.exec()
"""


def _start_to_window(db_path: Path) -> float | None:
    """Seconds from a new process to a window whose store answers."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", _START_SCRIPT, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    try:
        return round(float(out.stdout.split()[0]), 3)
    except (IndexError, ValueError):
        print(out.stderr[-800:], file=sys.stderr)
        return None


def _timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def _try_timed(work: Callable[[], Any]) -> float | None:
    try:
        return round(_timed(work), 4)
    except Exception as exc:  # noqa: BLE001 - the old queries may fail on this store
        print(f"  (design-note query failed: {exc})")
        return None


def _console_peak_mb(store: Store) -> float:
    """The larger peak of the harness and its server, before the design note's queries.

    Those queries make the server hold whole collections, which the console never does.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server = 0
    if store.server is not None and store.server.pid is not None:
        status = Path(f"/proc/{store.server.pid}/status").read_text()
        server = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM"))
    return round(max(own, server) / 1024, 1)


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


if __name__ == "__main__":
    sys.exit(main())
