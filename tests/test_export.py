"""Exports read back: CSV, Excel and one-page PDFs, against figures worked by hand."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QColor, QImage

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED, Report, compute
from elconsole.domain.stats import TestFacts as Facts
from elconsole.export.csvfile import write_csv
from elconsole.export.pdf import (
    GAP,
    figures_width,
    name_column,
    write_defect_map_pdf,
    write_report_pdf,
)
from elconsole.export.tables import About, pareto, report_tables
from elconsole.export.xlsx import write_xlsx

CLOCK = PlantClock(zone("Asia/Shanghai"))
T = CLOCK.parse

# Four tests of full 72 modules, 2026-03-03..04 in Asia/Shanghai:
# f1 EL01 AI OK op OK; f2 EL01 AI NG op OK, cr rejected at A1;
# f3 EL02 AI OK op NG, cs added at B2 and cr confirmed at the off-grid R7C1;
# f4 EL02 AI NG op NG, cr confirmed at A1 (its barcode was tested before).
FACTS = [
    Facts("1", "B1", "EL01", T("2026-03-03T10:00"), "full 72", "1", "1", first_pass=True),
    Facts(
        "2", "B2", "EL01", T("2026-03-03T11:00"), "full 72", "0", "1",
        defects=(("cr", REJECTED),), first_pass=True, cells=(("cr", REJECTED, 1, 1),),
    ),
    Facts(
        "3", "B3", "EL02", T("2026-03-04T09:00"), "full 72", "1", "0",
        defects=(("cs", ADDED), ("cr", CONFIRMED)), first_pass=True,
        cells=(("cs", ADDED, 2, 2), ("cr", CONFIRMED, 7, 1)),
    ),
    Facts(
        "4", "B4", "EL02", T("2026-03-04T21:00"), "full 72", "0", "0",
        defects=(("cr", CONFIRMED),), cells=(("cr", CONFIRMED, 1, 1),),
    ),
]  # fmt: skip
DAYS = ["2026-03-03", "2026-03-04"]


@pytest.fixture
def report() -> Report:
    start, end = T("2026-03-03"), T("2026-03-05")
    return compute(FACTS, CLOCK, start, end, ("day", "shift", "station", "type"))


def tables(report: Report) -> list[Any]:
    return report_tables(report, DefectCatalog(), "day", DAYS)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_pareto_sorts_and_accumulates() -> None:
    assert pareto({"cs": 1, "cr": 2, "mr": 0, "bc": 1}) == [
        ("cr", 2, 0.5, 0.5),
        ("bc", 1, 0.25, 0.75),
        ("cs", 1, 0.25, 1.0),
    ]
    assert pareto({}) == []


def test_csv_read_back(tmp_path: Path, report: Report) -> None:
    about = About.of(report, CLOCK, stations=["EL01", "EL02"])
    files = write_csv(tmp_path / "stats.csv", tables(report), about)
    names = sorted(p.name for p in files)
    assert "stats.csv" in names and "stats-day.csv" in names and "stats-pareto.csv" in names

    summary = {row["figure"]: row for row in read_csv(tmp_path / "stats.csv")}
    assert summary["tests"]["value"] == "4"
    # yield 2 / 4; first pass 2 / 3 (f4's barcode was tested before); overkill f2: 1 / 2;
    # miss f3: 1 / 2; defects 2 confirmed, 1 rejected, 1 added -> 1 / 3 and 1 / 3.
    expected = {
        "yield": ("0.5", "2", "4"),
        "first-pass yield": ("0.666667", "2", "3"),
        "panel overkill rate": ("0.5", "1", "2"),
        "panel miss rate": ("0.5", "1", "2"),
        "defect overkill rate": ("0.333333", "1", "3"),
        "defect miss rate": ("0.333333", "1", "3"),
    }
    for name, (value, num, den) in expected.items():
        row = summary[name]
        assert (row["value"], row["numerator"], row["denominator"]) == (value, num, den)
    assert summary["zone"]["value"] == "Asia/Shanghai"
    assert summary["window from"]["value"] == "2026-03-03 00:00:00 CST"
    assert summary["stations"]["value"] == "EL01, EL02"

    days = {row["day"]: row for row in read_csv(tmp_path / "stats-day.csv")}
    assert days["2026-03-03"]["yield"] == "1.0"
    # 03-03 has no operator NG: its miss rate is empty ("no data"), never 0.
    assert days["2026-03-03"]["panel miss rate"] == ""
    assert days["2026-03-03"]["panel miss rate denominator"] == "0"
    # 03-04 has a real 0 %: no operator OK of 2 tests.
    assert (days["2026-03-04"]["yield"], days["2026-03-04"]["yield denominator"]) == ("0.0", "2")

    stations = read_csv(tmp_path / "stats-station.csv")
    assert [(r["station"], r["tests"]) for r in stations] == [("EL01", "2"), ("EL02", "2")]
    types = {r["defect type"]: r for r in read_csv(tmp_path / "stats-type.csv")}
    assert types["Crack (cr)"]["tests"] == "3"
    assert types["Crack (cr)"]["defect overkill rate"] == "0.333333"

    pareto_rows = read_csv(tmp_path / "stats-pareto.csv")
    assert [(r["type"], r["defects"], r["cumulative share"]) for r in pareto_rows] == [
        ("cr", "2", "0.666667"),
        ("cs", "1", "1.0"),
    ]
    # Operator NG per day: 0 / 2 and 2 / 2; p̄ = 0.5, 3·√(0.25 / 2) = 1.06 -> limits [0, 1].
    ng = read_csv(tmp_path / "stats-pchart_op_ng.csv")
    assert [(r["day"], r["proportion"], r["lower limit"], r["upper limit"]) for r in ng] == [
        ("2026-03-03", "0.0", "0.0", "1.0"),
        ("2026-03-04", "1.0", "0.0", "1.0"),
    ]
    cells = read_csv(tmp_path / "stats-positions.csv")
    assert [(r["cell"], r["type"], r["fate"], r["defects"], r["on grid"]) for r in cells] == [
        ("A1", "cr", CONFIRMED, "1", "yes"),
        ("R7C1", "cr", CONFIRMED, "1", "no"),
        ("A1", "cr", REJECTED, "1", "yes"),
        ("B2", "cs", ADDED, "1", "yes"),
    ]


def test_xlsx_read_back(tmp_path: Path, report: Report) -> None:
    path = write_xlsx(tmp_path / "stats.xlsx", tables(report), About.of(report, CLOCK))
    book = load_workbook(path)
    assert {"summary", "day", "shift", "station", "type", "pareto", "positions"} <= set(
        book.sheetnames
    )
    sheet = book["summary"]
    assert sheet["A1"].value == "Key figures"
    assert "Asia/Shanghai" in sheet["A2"].value and "2026-03-03 00:00:00 CST" in sheet["A2"].value
    assert sheet["A3"].value == "Stations: all; cell layouts: all"
    assert [c.value for c in sheet[5]] == ["figure", "value", "numerator", "denominator"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=6)}
    assert rows["tests"][1].value == 4
    assert rows["tests"][1].number_format == "General"
    value, num, den = (c.value for c in rows["yield"][1:4])
    assert (value, num, den) == (0.5, 2, 4)
    assert rows["yield"][1].number_format == "0.00%"
    assert rows["defect miss rate"][1].value == pytest.approx(1 / 3)

    day = book["day"]
    header = [c.value for c in day[5]]
    first = {h: c.value for h, c in zip(header, day[6], strict=True)}
    assert first["day"] == "2026-03-03"
    assert first["panel miss rate"] == "no data"
    assert (first["panel miss rate numerator"], first["panel miss rate denominator"]) == (0, 0)


def test_report_pdf_is_one_page(qapp: Any, tmp_path: Path) -> None:
    chart = QImage(800, 400, QImage.Format.Format_RGB32)
    chart.fill(QColor("#336699"))
    path = write_report_pdf(
        tmp_path / "report.pdf",
        "EL statistics",
        ["Window: 2026-03-03 to 2026-03-05"],
        [("Tests", "4"), ("Yield", "50.00 % (2 / 4)")],
        [chart] * 6,
        ["A note."],
    )
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1


def test_defect_map_pdf_with_a_long_list(qapp: Any, tmp_path: Path) -> None:
    grid = QImage(600, 300, QImage.Format.Format_RGB32)
    grid.fill(QColor("#20304a"))
    lines = [f"A{i} Crack, AI confirmed" for i in range(300)]
    path = write_defect_map_pdf(tmp_path / "map.pdf", "PV1", ["tested …"], grid, lines)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1


def test_figure_names_are_not_cut_when_names_and_values_fit() -> None:
    # "Defects conf. / rej. / added" was cut to "Defects conf. / rej. / ad…": the names got
    # at most half of the column although names and values fitted side by side.
    # Names 300 wide + gap 12 + values 180 = 492 <= 500: the names keep all 300.
    assert GAP == 12.0
    assert name_column(300.0, 180.0, 500.0) == 300.0
    # 400 wide: the values keep 180, the names get 400 - 12 - 180 = 208 (>= half, 200).
    assert name_column(300.0, 180.0, 400.0) == 208.0
    # Very wide values: the names still get half of the column.
    assert name_column(300.0, 390.0, 400.0) == 200.0


def test_figures_column_grows_to_fit_up_to_40_percent() -> None:
    # A page 1,600 wide: 30 % = 480 is the least, 40 % = 640 the most.
    assert figures_width(1600.0, 300.0) == 480.0
    assert figures_width(1600.0, 522.0) == 522.0
    assert figures_width(1600.0, 900.0) == 640.0


def test_shift_rows_are_in_time_order(tmp_path: Path) -> None:
    # Shifts "morning" 06:00 and "evening" 18:00: the facts fall in 03-03 morning (two),
    # 03-04 morning and 03-04 evening. Sorted as text, "evening" came before "morning".
    import datetime as dt

    from elconsole.domain.plantclock import Shift

    shifts = (Shift("morning", dt.time(6)), Shift("evening", dt.time(18)))
    clock = PlantClock(zone("Asia/Shanghai"), shifts)
    report = compute(FACTS, clock, T("2026-03-03"), T("2026-03-05"), ("day", "shift"))
    made = report_tables(report, DefectCatalog(), "day", DAYS, shift_names=("morning", "evening"))
    write_csv(tmp_path / "s.csv", made, About.of(report, clock))
    rows = read_csv(tmp_path / "s-shift.csv")
    assert [(r["shift"], r["tests"]) for r in rows] == [
        ("2026-03-03 morning", "2"),
        ("2026-03-04 morning", "1"),
        ("2026-03-04 evening", "1"),
    ]
