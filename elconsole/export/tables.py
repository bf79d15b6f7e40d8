"""The rows of a statistics report as plain tables, shared by the CSV and Excel writers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.grid import Grid, position_label
from elconsole.domain.pchart import METRICS, metric_chart
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.stats import ADDED, CONFIRMED, FATES, REJECTED, Report, Tally, rate

TEXT, COUNT, RATE = "text", "count", "rate"
REAL_FATES = (CONFIRMED, ADDED)
BREAKDOWN_TITLES = {"day": "Per day", "shift": "Per shift", "station": "Per station"}
BREAKDOWN_TITLES["type"] = "Per defect type"


@dataclass(frozen=True)
class Column:
    """A column's title and kind: ``text``, ``count`` or ``rate`` (a fraction, None = no data)."""

    name: str
    kind: str = COUNT


@dataclass(frozen=True)
class Table:
    """One breakdown as rows; ``key`` names its file or sheet."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class About:
    """What the tables cover: the window, the zone and the filters."""

    start: str
    end: str
    zone: str
    stations: str
    layouts: str

    @classmethod
    def of(
        cls,
        report: Report,
        clock: PlantClock,
        stations: Collection[str] | None = None,
        layouts: Collection[str] | None = None,
    ) -> About:
        return cls(
            clock.format(report.start),
            clock.format(report.end),
            report.zone,
            ", ".join(sorted(stations)) if stations is not None else "all",
            ", ".join(sorted(layouts)) if layouts is not None else "all",
        )

    def lines(self) -> list[str]:
        """Return the header lines of an export."""
        return [
            f"Window: {self.start} to {self.end} (half-open, plant zone {self.zone})",
            f"Stations: {self.stations}; cell layouts: {self.layouts}",
        ]


# (title, numerator, denominator) of every rate, in the order of the spec.
RATES: tuple[tuple[str, Callable[[Tally], int], Callable[[Tally], int]], ...] = (
    ("yield", lambda t: t.op["ok"], lambda t: t.tests),
    ("first-pass yield", lambda t: t.first_ok, lambda t: t.first_tests),
    ("panel overkill rate", lambda t: t.panel_overkill, lambda t: t.op["ok"]),
    ("panel miss rate", lambda t: t.panel_miss, lambda t: t.op["ng"]),
    ("defect overkill rate", lambda t: t.defects[REJECTED], lambda t: t.ai_judged),
    ("defect miss rate", lambda t: t.defects[ADDED], lambda t: t.real_defects),
)
COUNTS: tuple[tuple[str, Callable[[Tally], int]], ...] = (
    ("tests", lambda t: t.tests),
    ("AI OK", lambda t: t.ai["ok"]),
    ("AI NG", lambda t: t.ai["ng"]),
    ("AI other", lambda t: t.ai["other"] + t.ai["missing"]),
    ("operator OK", lambda t: t.op["ok"]),
    ("operator NG", lambda t: t.op["ng"]),
    ("operator other", lambda t: t.op["other"] + t.op["missing"]),
    ("panel overkill", lambda t: t.panel_overkill),
    ("panel miss", lambda t: t.panel_miss),
    ("AI confirmed", lambda t: t.defects[CONFIRMED]),
    ("AI rejected", lambda t: t.defects[REJECTED]),
    ("operator added", lambda t: t.defects[ADDED]),
    ("damaged", lambda t: t.damaged),
)


def tally_columns(key_name: str) -> tuple[Column, ...]:
    """Return the columns of a breakdown: its key, the counts, each rate with num./den."""
    columns = [Column(key_name, TEXT)]
    columns += [Column(name) for name, _ in COUNTS]
    for name, _, _ in RATES:
        columns += [Column(name, RATE), Column(f"{name} numerator"), Column(f"{name} denominator")]
    return tuple(columns)


def tally_row(key: str, tally: Tally) -> tuple[Any, ...]:
    """Return a breakdown's row: the key, the counts, and each rate with its num./den."""
    row: list[Any] = [key]
    row += [count(tally) for _, count in COUNTS]
    for _, numerator, denominator in RATES:
        num, den = numerator(tally), denominator(tally)
        row += [rate(num, den), num, den]
    return tuple(row)


def summary_table(report: Report) -> Table:
    """Return the window's key figures: one row per figure, rates with num./den."""
    columns = (
        Column("figure", TEXT),
        Column("value", RATE),
        Column("numerator"),
        Column("denominator"),
    )
    total = report.total
    rows: list[tuple[Any, ...]] = [(name, count(total), None, None) for name, count in COUNTS]
    for name, numerator, denominator in RATES:
        num, den = numerator(total), denominator(total)
        rows.append((name, rate(num, den), num, den))
    return Table("summary", "Key figures", columns, rows)


def breakdown_table(
    report: Report,
    by: str,
    labels: Mapping[str, str] | None = None,
    shift_names: Sequence[str] = (),
) -> Table:
    """Return one row per group of a breakdown: days and shifts in time order, others by key.

    ``shift_names`` are the plant's shifts in their order within a day.
    """
    groups = report.breakdowns.get(by, {})
    key_name = {"day": "day", "shift": "shift", "station": "station"}.get(by, "defect type")
    keys = period_order(groups, shift_names) if by == "shift" else sorted(groups)
    rows = [tally_row(_label(key, labels), groups[key]) for key in keys]
    return Table(by, BREAKDOWN_TITLES.get(by, by), tally_columns(key_name), rows)


def period_order(keys: Collection[str], shift_names: Sequence[str]) -> list[str]:
    """Return shift keys (``YYYY-MM-DD name``) by date, then by the shift's place in the day.

    A name not in ``shift_names`` comes after the known ones of its date.
    """

    def place(key: str) -> tuple[str, int, str]:
        day, _, name = key.partition(" ")
        index = shift_names.index(name) if name in shift_names else len(shift_names)
        return day, index, name

    return sorted(keys, key=place)


def type_counts(report: Report, fates: Collection[str] = REAL_FATES) -> Counter[str]:
    """Return the defects per type code, counting only the given fates."""
    counts: Counter[str] = Counter()
    for code, tally in report.breakdowns.get("type", {}).items():
        counts[code] = sum(tally.defects[f] for f in fates)
    return counts


def pareto(counts: Mapping[str, int]) -> list[tuple[str, int, float, float]]:
    """Return (key, count, share, cumulative share) sorted by count, largest first.

    Keys with no count are left out; ties keep key order.
    """
    items = sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda i: (-i[1], i[0]))
    total = sum(n for _, n in items)
    out, running = [], 0
    for key, n in items:
        running += n
        out.append((key, n, n / total, running / total))
    return out


def pareto_table(report: Report, catalog: DefectCatalog, fates: Collection[str]) -> Table:
    """Return the defect-type Pareto of the given fates."""
    columns = (
        Column("type", TEXT),
        Column("label", TEXT),
        Column("defects"),
        Column("share", RATE),
        Column("cumulative share", RATE),
    )
    rows = [
        (code, catalog.label(code), n, share, cumulative)
        for code, n, share, cumulative in pareto(type_counts(report, fates))
    ]
    fate_text = " + ".join(fate.replace("_", " ") for fate in FATES if fate in fates)
    return Table("pareto", f"Defect types, Pareto ({fate_text})", columns, rows)


def pchart_tables(report: Report, by: str, keys: Sequence[str]) -> list[Table]:
    """Return one table per p-chart metric over the periods ``keys``."""
    groups = report.breakdowns.get(by, {})
    tables = []
    for metric in METRICS:
        chart = metric_chart(metric, groups, keys)
        columns = (
            Column(by, TEXT),
            Column("numerator"),
            Column("n"),
            Column("proportion", RATE),
            Column("centre line", RATE),
            Column("lower limit", RATE),
            Column("upper limit", RATE),
            Column("outside limits", TEXT),
        )
        rows = [
            (p.key, p.x, p.n, p.p, chart.centre, p.lower, p.upper, "yes" if p.outside else "")
            for p in chart.points
        ]
        tables.append(Table(f"pchart_{metric.key}", f"p-chart: {metric.name}", columns, rows))
    return tables


def heat_table(report: Report) -> Table:
    """Return every defect position per layout, type and fate, flagged when off the grid."""
    columns = (
        Column("layout", TEXT),
        Column("cell", TEXT),
        Column("row"),
        Column("column"),
        Column("type", TEXT),
        Column("fate", TEXT),
        Column("defects"),
        Column("on grid", TEXT),
    )
    rows = []
    for layout in sorted(report.heat):
        grid = grid_of(layout)
        for (code, fate, row, col), n in sorted(report.heat[layout].items()):
            on = grid is not None and grid.contains(row, col)
            label = position_label(row, col)
            rows.append((layout, label, row, col, code, fate, n, "yes" if on else "no"))
    return Table("positions", "Defect positions", columns, rows)


def grid_of(layout: str) -> Grid | None:
    """Return the grid of a layout key ``"<cell_size> <cell_amount>"``, None if unknown."""
    size, _, amount = layout.partition(" ")
    try:
        return Grid.for_module(size, int(amount))
    except ValueError:
        return None


def report_tables(
    report: Report,
    catalog: DefectCatalog,
    by: str,
    period_keys: Sequence[str],
    fates: Collection[str] = REAL_FATES,
    shift_names: Sequence[str] = ("day", "night"),
) -> list[Table]:
    """Return every table of a report: figures, breakdowns, Pareto, p-charts, positions.

    ``shift_names`` (the plant's shifts in their order within a day) order the shift rows.
    """
    labels = {code: f"{catalog.label(code)} ({code})" for code in report.breakdowns.get("type", {})}
    tables = [summary_table(report)]
    for name in ("day", "shift", "station", "type"):
        if name in report.breakdowns:
            names = labels if name == "type" else None
            tables.append(breakdown_table(report, name, names, shift_names))
    tables.append(pareto_table(report, catalog, fates))
    tables += pchart_tables(report, by, period_keys)
    tables.append(heat_table(report))
    return tables


def exported_at(clock: PlantClock, now: float | None = None) -> str:
    """Return the moment of an export in the plant zone."""
    return clock.format(dt.datetime.now(dt.UTC).timestamp() if now is None else now)


def _label(key: str, labels: Mapping[str, str] | None) -> str:
    return labels.get(key, key) if labels else key


def heat_matrix(
    heat: Mapping[tuple[str, str, int, int], int],
    grid: Grid,
    code: str | None,
    fates: Collection[str],
) -> tuple[list[list[int]], int]:
    """Return defects per cell (rows × columns) of one type (None: all) and fates.

    Also returns how many such defects lie off the grid and are left out.
    """
    matrix = [[0] * grid.columns for _ in range(grid.rows)]
    off = 0
    for (kind, fate, row, col), n in heat.items():
        if (code is not None and kind != code) or fate not in fates:
            continue
        if grid.contains(row, col):
            matrix[row - 1][col - 1] += n
        else:
            off += n
    return matrix, off
