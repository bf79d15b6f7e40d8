"""The statistics of EL tests in a window, exactly as the product defines them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from elconsole.domain.plantclock import PlantClock

OK, NG = "1", "0"
CONFIRMED, REJECTED, ADDED = "ai_confirmed", "ai_rejected", "operator_added"
FATES = (CONFIRMED, REJECTED, ADDED)
BREAKDOWNS = ("day", "shift", "station", "type")


@dataclass(frozen=True)
class TestFacts:
    """What the statistics need to know about one stored EL test."""

    panel_id: str
    barcode: str
    el_no: str
    create_time: float
    layout: str
    ai: str | None
    op: str | None
    defects: tuple[tuple[str, str], ...] = ()  # (type code, fate)
    first_pass: bool = False  # the barcode's first test in the whole store
    damage: tuple[str, ...] = ()  # what is wrong with the stored documents
    cells: tuple[tuple[str, str, int, int], ...] = ()  # (type, fate, row, col) on the grid


def rate(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator, or None ("no data") when the denominator is 0."""
    return numerator / denominator if denominator else None


@dataclass
class Tally:
    """The figures of one group of tests."""

    tests: int = 0
    ai: Counter[str] = field(default_factory=Counter)
    op: Counter[str] = field(default_factory=Counter)
    panel_overkill: int = 0
    panel_miss: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    first_tests: int = 0
    first_ok: int = 0
    damaged: int = 0

    def add(self, facts: TestFacts, defect_type: str | None = None) -> None:
        """Count one test; with ``defect_type`` only that type's defects."""
        self.tests += 1
        self.ai[_kind(facts.ai)] += 1
        self.op[_kind(facts.op)] += 1
        self.panel_overkill += facts.ai == NG and facts.op == OK
        self.panel_miss += facts.ai == OK and facts.op == NG
        for code, fate in facts.defects:
            if defect_type is None or code == defect_type:
                self.defects[fate] += 1
        if facts.first_pass:
            self.first_tests += 1
            self.first_ok += facts.op == OK
        self.damaged += bool(facts.damage)

    @property
    def yield_rate(self) -> float | None:
        return rate(self.op["ok"], self.tests)

    @property
    def panel_overkill_rate(self) -> float | None:
        return rate(self.panel_overkill, self.op["ok"])

    @property
    def panel_miss_rate(self) -> float | None:
        return rate(self.panel_miss, self.op["ng"])

    @property
    def ai_judged(self) -> int:
        """AI confirmed + AI rejected: the defect overkill rate's denominator."""
        return self.defects[CONFIRMED] + self.defects[REJECTED]

    @property
    def real_defects(self) -> int:
        """AI confirmed + operator added: the defect miss rate's denominator."""
        return self.defects[CONFIRMED] + self.defects[ADDED]

    @property
    def defect_overkill_rate(self) -> float | None:
        return rate(self.defects[REJECTED], self.ai_judged)

    @property
    def defect_miss_rate(self) -> float | None:
        return rate(self.defects[ADDED], self.real_defects)

    @property
    def first_pass_yield(self) -> float | None:
        return rate(self.first_ok, self.first_tests)

    def as_json(self) -> dict[str, Any]:
        """Return the figures under the keys of ``elconsole stats --json``."""
        return {
            "tests": self.tests,
            "ai": _verdicts(self.ai),
            "operator": _verdicts(self.op),
            "yield": self.yield_rate,
            "panel_overkill": self.panel_overkill,
            "panel_miss": self.panel_miss,
            "panel_overkill_rate": self.panel_overkill_rate,
            "panel_miss_rate": self.panel_miss_rate,
            "defects": {fate: self.defects[fate] for fate in FATES},
            "defect_overkill_rate": self.defect_overkill_rate,
            "defect_miss_rate": self.defect_miss_rate,
            "first_pass_yield": self.first_pass_yield,
            "first_pass": {"first_tests": self.first_tests, "ok": self.first_ok},
            "damaged": self.damaged,
        }


Heat = Counter[tuple[str, str, int, int]]  # (type, fate, row, col) -> defects


@dataclass
class Report:
    """The figures of a window, in total and broken down.

    ``heat`` maps each cell layout ("<cell_size> <cell_amount>") to the
    number of defects per (type, fate, row, col) of its grid.
    """

    start: float
    end: float
    zone: str
    total: Tally = field(default_factory=Tally)
    breakdowns: dict[str, dict[str, Tally]] = field(default_factory=dict)
    heat: dict[str, Heat] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = self.total.as_json()
        out["window"] = {"from": self.start, "to": self.end, "zone": self.zone}
        for name, groups in self.breakdowns.items():
            out[f"by_{name}"] = {key: tally.as_json() for key, tally in sorted(groups.items())}
        return out


def compute(
    facts: Iterable[TestFacts],
    clock: PlantClock,
    start: float,
    end: float,
    by: Sequence[str] = (),
    stations: Collection[str] | None = None,
    layouts: Collection[str] | None = None,
) -> Report:
    """Return the report of the tests whose create_time lies in ``[start, end)``.

    ``stations`` and ``layouts``, when given, keep only the tests of those
    stations (EL_no) and cell layouts. Raises ValueError for an unknown
    breakdown name.
    """
    unknown = [name for name in by if name not in BREAKDOWNS]
    if unknown:
        raise ValueError(f"unknown breakdown {unknown[0]!r} (use {', '.join(BREAKDOWNS)})")
    report = Report(start, end, clock.zone_name)
    report.breakdowns = {name: {} for name in by}
    keyers = {name: _keyer(name, clock) for name in by}

    for fact in facts:
        if not start <= fact.create_time < end:
            continue
        if stations is not None and fact.el_no not in stations:
            continue
        if layouts is not None and fact.layout not in layouts:
            continue
        report.total.add(fact)
        if fact.cells:
            report.heat.setdefault(fact.layout, Counter()).update(fact.cells)
        for name, keys_of in keyers.items():
            groups = report.breakdowns[name]
            for key in keys_of(fact):
                groups.setdefault(key, Tally()).add(fact, key if name == "type" else None)
    return report


def _keyer(name: str, clock: PlantClock) -> Callable[[TestFacts], Iterable[str]]:
    if name == "day":
        return lambda f: (clock.day_key(f.create_time),)
    if name == "shift":
        return lambda f: (clock.shift_key(f.create_time),)
    if name == "station":
        return lambda f: (f.el_no,)
    return lambda f: sorted({code for code, _ in f.defects})


def _kind(code: str | None) -> str:
    if code == OK:
        return "ok"
    if code == NG:
        return "ng"
    return "other" if code is not None else "missing"


def _verdicts(counts: Counter[str]) -> dict[str, int]:
    out = {"ok": counts["ok"], "ng": counts["ng"], "other": counts["other"]}
    if counts["missing"]:
        out["missing"] = counts["missing"]
    return out
