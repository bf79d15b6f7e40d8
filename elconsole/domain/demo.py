"""Realistic generated station records, so that a new user sees every screen working."""

from __future__ import annotations

import random
import time
from typing import Any

from elconsole.domain.grid import Grid

STATIONS = ("EL01", "EL02", "EL03")
LAYOUTS = (("full", 60), ("full", 72), ("half", 120), ("half", 144))
TYPES = ("cr", "cs", "bc", "mr")


def generate(days: int, seed: int = 2026, now: float | None = None) -> list[dict[str, Any]]:
    """Return station records for the ``days`` before ``now``, oldest first.

    Each station images a module every 3-6 minutes; the AI marks defects,
    the operator rejects some and adds a few, and some NG modules are
    tested again later.
    """
    rng = random.Random(seed)
    end = (time.time() if now is None else now) - 120.0
    start = end - days * 86400.0
    records: list[dict[str, Any]] = []
    for station_no, station in enumerate(STATIONS):
        t = start + rng.uniform(0, 120)
        serial = 0
        while t < end:
            serial += 1
            barcode = f"PVD{station_no + 1}{serial:07d}"
            record = make_record(rng, barcode, station, t)
            records.append(record)
            if record["gui_result"] == "0" and rng.random() < 0.4:
                retest_at = t + rng.uniform(600, 3600)
                if retest_at < end:
                    records.append(make_record(rng, barcode, rng.choice(STATIONS), retest_at))
            t += rng.uniform(180, 360)
    records.sort(key=lambda r: r["create_time"])
    return records


def make_record(rng: random.Random, barcode: str, station: str, t: float) -> dict[str, Any]:
    """Return one realistic raw station record imaged at ``t``.

    The module's cell type and layout follow from its barcode, so a re-test
    images the same module.
    """
    cell_type, (size, amount) = _module(barcode)
    grid = Grid.for_module(size, amount)
    real = _defects(rng, grid, rng.choices((0, 1, 2), (80, 15, 5))[0])
    false_marks = _defects(rng, grid, rng.choices((0, 1, 2), (88, 10, 2))[0])
    missed = {d for d in real if rng.random() < 0.12}
    ai = (real - missed) | false_marks
    gui = real
    ai_code = "2" if rng.random() < 0.012 else ("0" if ai else "1")
    ai_time = t + rng.uniform(0.3, 2.0)
    return {
        "barcode": barcode,
        "cell_type": cell_type,
        "cell_size": size,
        "cell_amount": amount,
        "el_no": station,
        "create_time": round(t, 6),
        "ai_result": ai_code,
        "ai_defects": _as_json(ai),
        "ai_time": round(ai_time, 6),
        "gui_result": "0" if gui else "1",
        "gui_defects": _as_json(gui),
        "gui_time": round(ai_time + rng.uniform(4.0, 30.0), 6),
    }


def _defects(rng: random.Random, grid: Grid, count: int) -> set[tuple[str, int, int]]:
    return {
        (rng.choice(TYPES), rng.randint(1, grid.rows), rng.randint(1, grid.columns))
        for _ in range(count)
    }


def _as_json(defects: set[tuple[str, int, int]]) -> dict[str, list[list[int]]]:
    out: dict[str, list[list[int]]] = {}
    for code, row, col in sorted(defects):
        out.setdefault(code, []).append([row, col])
    return out


def _module(barcode: str) -> tuple[str, tuple[str, int]]:
    """Return the cell type and layout of the module with this barcode."""
    own = random.Random(barcode)
    return own.choice(("mono", "mono", "poly")), own.choice(LAYOUTS)
