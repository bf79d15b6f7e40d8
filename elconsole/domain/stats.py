"""The statistics of EL tests in a window, exactly as the product defines them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
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

    def merge(self, other: Tally) -> None:
        """Add the figures of ``other`` (a disjoint group of tests) to these."""
        self.tests += other.tests
        self.ai.update(other.ai)
        self.op.update(other.op)
        self.panel_overkill += other.panel_overkill
        self.panel_miss += other.panel_miss
        self.defects.update(other.defects)
        self.first_tests += other.first_tests
        self.first_ok += other.first_ok
        self.damaged += other.damaged

    def to_vector(self) -> list[int]:
        """Return every count in the order of ``VECTOR`` (a compact stored form)."""
        counts = self.to_counts()
        unknown = set(counts) - set(VECTOR)
        if unknown:
            raise ValueError(f"counts with no place in a vector: {sorted(unknown)}")
        return [counts.get(key, 0) for key in VECTOR]

    @classmethod
    def from_vector(cls, vector: Sequence[int]) -> Tally:
        """Return the tally whose ``to_vector()`` is ``vector``."""
        return cls.from_counts({k: v for k, v in zip(VECTOR, vector, strict=True) if v})

    def to_counts(self) -> dict[str, int]:
        """Return every count under a flat key (zeros left out); see ``from_counts``."""
        out = {name: getattr(self, name) for name in _SCALARS}
        for prefix in _COUNTERS:
            out.update({f"{prefix}:{k}": v for k, v in getattr(self, prefix).items()})
        return {k: v for k, v in out.items() if v}

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> Tally:
        """Return the tally whose ``to_counts()`` is ``counts``."""
        tally = cls()
        for key, value in counts.items():
            prefix, _, kind = key.partition(":")
            if kind:
                getattr(tally, prefix)[kind] += value
            else:
                setattr(tally, key, getattr(tally, key) + value)
        return tally

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


_SCALARS = ("tests", "panel_overkill", "panel_miss", "first_tests", "first_ok", "damaged")
_COUNTERS = ("ai", "op", "defects")
_KINDS = ("ok", "ng", "other", "missing")
VECTOR = (
    *_SCALARS,
    *(f"ai:{k}" for k in _KINDS),
    *(f"op:{k}" for k in _KINDS),
    *(f"defects:{f}" for f in FATES),
)

Heat = Counter[tuple[str, str, int, int]]  # (type, fate, row, col) -> defects


@dataclass
class Summary:
    """Every count a report needs of a set of tests of one station and one layout.

    Summaries of disjoint sets of tests add up (``merge``); ``add_first``
    moves first-pass counts alone, for a test that stopped being the first.
    """

    total: Tally = field(default_factory=Tally)
    types: dict[str, Tally] = field(default_factory=dict)
    heat: Heat = field(default_factory=Counter)

    def add(self, facts: TestFacts) -> None:
        """Count one test as ``compute`` does."""
        self.total.add(facts)
        for code in _codes(facts):
            self.types.setdefault(code, Tally()).add(facts, code)
        self.heat.update(facts.cells)

    def add_first(self, facts: TestFacts, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) the first-pass counts of one test."""
        parts = [self.total] + [self.types.setdefault(c, Tally()) for c in _codes(facts)]
        for tally in parts:
            tally.first_tests += sign
            tally.first_ok += sign * (facts.op == OK)

    def merge(self, other: Summary) -> None:
        """Add the counts of ``other``."""
        self.total.merge(other.total)
        for code, tally in other.types.items():
            self.types.setdefault(code, Tally()).merge(tally)
        self.heat.update(other.heat)

    def to_doc(self) -> dict[str, Any]:
        """Return the summary as JSON-compatible values (count vectors); see ``from_doc``."""
        return {
            "t": self.total.to_vector(),
            "y": {code: tally.to_vector() for code, tally in self.types.items()},
            # Flat (code, fate, row, col, n, code, ...): one list, not one a cell, so
            # a month of summaries makes few objects for the cyclic collector to walk.
            "h": [x for cell, n in self.heat.items() if n for x in (*cell, n)],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Summary:
        """Return the summary whose ``to_doc()`` is ``doc``."""
        return cls(
            total=Tally.from_vector(doc["t"]),
            types={code: Tally.from_vector(v) for code, v in doc.get("y", {}).items()},
            heat=Counter(
                {(t, f, int(r), int(c)): int(n) for t, f, r, c, n in heat_cells(doc.get("h", []))}
            ),
        )


@dataclass(frozen=True)
class Part:
    """A summary (``Summary.to_doc()`` form) of tests all in one day and one shift.

    ``when`` is any moment of those tests (the start of their hour or quarter).
    A part may hold only some of the keys: counts ``t``, types ``y``, heat ``h``.
    """

    when: float
    el_no: str
    layout: str
    doc: dict[str, Any]


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


def merge_parts(
    report: Report,
    parts: Iterable[Part],
    clock: PlantClock,
    stations: Collection[str] | None = None,
    layouts: Collection[str] | None = None,
) -> Report:
    """Add summaries to a report made by ``compute`` of the other tests of its window.

    The result equals ``compute`` of all the tests together, provided no
    part's tests straddle a day or shift boundary its breakdowns use. Count
    vectors are added up per group first: a month holds thousands of parts.
    """
    by = set(report.breakdowns)
    sums: dict[tuple[str, str, str], list[int]] = {}
    types: dict[str, list[int]] = {}
    keys: dict[float, tuple[str, str]] = {}
    for part in parts:
        if stations is not None and part.el_no not in stations:
            continue
        if layouts is not None and part.layout not in layouts:
            continue
        if part.when not in keys:
            keys[part.when] = _time_keys(clock, part.when, by)
        day, shift = keys[part.when]
        if "t" in part.doc:  # else the part holds types and heat alone
            _add(sums, (f"{day}\x1f{shift}", part.el_no, part.layout), part.doc["t"])
        if "type" in by:
            for code, vector in part.doc.get("y", {}).items():
                _add(types, code, vector)
        _add_heat(report.heat, part.layout, part.doc.get("h", []))
    _fold_sums(report, sums)
    for code, vector in types.items():
        report.breakdowns["type"].setdefault(code, Tally()).merge(Tally.from_vector(vector))
    for name, groups in report.breakdowns.items():  # compute() makes groups of tests only
        report.breakdowns[name] = {key: t for key, t in groups.items() if t.tests}
    return report


def _time_keys(clock: PlantClock, when: float, by: Collection[str]) -> tuple[str, str]:
    day = clock.day_key(when) if "day" in by else ""
    return day, clock.shift_key(when) if "shift" in by else ""


def _add(sums: dict[Any, list[int]], key: Any, vector: Sequence[int]) -> None:
    held = sums.get(key)
    sums[key] = list(vector) if held is None else [a + b for a, b in zip(held, vector, strict=True)]


def heat_cells(flat: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    """Yield (code, fate, row, col, count) from a summary's flat heat list."""
    cells = iter(flat)
    return zip(cells, cells, cells, cells, cells, strict=True)


def _add_heat(heat: dict[str, Heat], layout: str, flat: Sequence[Any]) -> None:
    if not flat:
        return
    counts = heat.setdefault(layout, Counter())
    for code, fate, row, col, n in heat_cells(flat):
        counts[(code, fate, row, col)] += n


def _fold_sums(report: Report, sums: dict[tuple[str, str, str], list[int]]) -> None:
    for (times, el_no, _layout), vector in sums.items():
        tally = Tally.from_vector(vector)
        report.total.merge(tally)
        day, shift = times.split("\x1f")
        for name, key in (("day", day), ("shift", shift), ("station", el_no)):
            if name in report.breakdowns:
                report.breakdowns[name].setdefault(key, Tally()).merge(tally)


def _codes(facts: TestFacts) -> list[str]:
    return sorted({code for code, _ in facts.defects})


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
