"""The Statistics tab: figures, tables, empty and failing windows, stale results."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel

from elconsole.data.errors import StoreUnavailable
from elconsole.data.repository import PanelRepository
from elconsole.data.stores import StoreTarget
from elconsole.domain import stats
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import Validator
from elconsole.tasks import TaskRunner
from elconsole.ui.session import Session
from elconsole.ui.stats.charts import BarChart, RateChart, Series
from elconsole.ui.stats.models import period_label
from elconsole.ui.stats.tab import StatsTab

SHARED_RECORDS = Path(__file__).parent.parent / "data" / "station-records.jsonl"
CLOCK = PlantClock(zone("Asia/Shanghai"))
WAIT_MS = 20000
D = dt.date


class _Store:
    """Stands in for an open Store: the tab only needs ``.repo``."""

    def __init__(self, repo: Any) -> None:
        self.repo = repo


@pytest.fixture(autouse=True)
def english_numbers() -> Iterator[None]:
    """The console chooses the locale at start (en_US for English); so do these tests."""
    before = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def german() -> None:
    """Numbers in German: ``.`` groups thousands, ``,`` marks decimals."""
    QLocale.setDefault(QLocale("de_DE"))


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait(10000)


def make_tab(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, repo: Any, now: float | None = None
) -> StatsTab:
    session = Session(StoreTarget(path=tmp_path / "x.db"), CLOCK)
    session.store = _Store(repo)  # type: ignore[assignment]
    tab = StatsTab(session, runner) if now is None else StatsTab(session, runner, now=lambda: now)
    qtbot.addWidget(tab)
    return tab


def load(qtbot: Any, tab: StatsTab, first: dt.date, last: dt.date) -> None:
    tab.set_range(first, last)
    qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.loading, timeout=WAIT_MS)


def raw(
    barcode: str,
    when: str,
    el_no: str,
    ai: str,
    ai_defects: dict[str, Any],
    gui: str,
    gui_defects: dict[str, Any],
) -> dict[str, Any]:
    ts = CLOCK.parse(when)
    return {
        "barcode": barcode,
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 72,
        "el_no": el_no,
        "create_time": ts,
        "ai_result": ai,
        "ai_defects": ai_defects,
        "ai_time": ts + 1,
        "gui_result": gui,
        "gui_defects": gui_defects,
        "gui_time": ts + 10,
    }


# Times are Asia/Shanghai. The window asked for is 2026-03-03..2026-03-04 inclusive,
# i.e. [03-03 00:00, 03-05 00:00).
HAND_RECORDS = [
    raw("PV5", "2026-03-02T12:00", "EL03", "1", {}, "1", {}),  # before: not counted
    raw("PV1", "2026-03-03T00:00", "EL01", "1", {}, "1", {}),  # A: first second counts
    raw("PV2", "2026-03-03T11:00", "EL01", "0", {"cr": [[1, 1]]}, "1", {}),  # B
    raw("PV3", "2026-03-03T21:00", "EL02", "1", {}, "0", {"cs": [[2, 2]]}),  # C
    raw(
        "PV4",
        "2026-03-04T09:00",
        "EL02",
        "0",
        {"cr": [[1, 1]], "cs": [[2, 3]]},
        "0",
        {"cr": [[1, 1]], "mr": [[4, 4]]},
    ),  # D
    raw("PV1", "2026-03-04T10:00", "EL01", "2", {}, "1", {}),  # E: re-test of PV1
    raw("PV5", "2026-03-04T11:00", "EL03", "1", {}, "0", {"bc": [[3, 3]]}),  # F
    raw("PV7", "2026-03-04T23:30", "EL01", "1", {}, "1", {}),  # H
    raw("PV6", "2026-03-05T00:30", "EL01", "1", {}, "1", {}),  # after: not counted
]
# In the window: A B C D E F H = 7 tests.
# AI:       OK A C F H = 4, NG B D = 2, other E ("2") = 1.
# operator: OK A B E H = 4, NG C D F = 3.
# yield 4 / 7 = 57.14 %.
# panel overkill (AI NG, op OK) = B -> 1 / 4 op OK = 25.00 %.
# panel miss (AI OK, op NG) = C F -> 2 / 3 op NG = 66.67 %.
# defects: confirmed D.cr = 1; rejected B.cr D.cs = 2; added C.cs D.mr F.bc = 3.
# defect overkill 2 / (1 + 2) = 66.67 %; defect miss 3 / (1 + 3) = 75.00 %.
# first pass: first tests in the store inside the window are A(ok) B(ok) C(ng)
#   D(ng) H(ok); PV5 was first tested on 03-02 -> 3 / 5 = 60.00 %.
# per day: 03-03 = A B C: 3 tests, OK 2, NG 1, yield 2/3, overkill 1/2, miss 1/1,
#   defects rej 1 (B.cr) add 1 (C.cs): overkill 1/1, miss 1/1, first pass 2/3.
#   03-04 = D E F H: 4 tests, OK 2, NG 2, yield 2/4, overkill 0/2, miss 1/2 (F),
#   defects conf 1 rej 1 add 2: overkill 1/2, miss 2/3, first pass D H -> 1/2.
# per shift: A at 00:00 belongs to "2026-03-02 night"; B "03-03 day"; C "03-03 night";
#   D E F "03-04 day"; H "03-04 night" -> 5 rows.


@pytest.fixture
def hand_repo(mock_repo: PanelRepository) -> PanelRepository:
    validator = Validator()
    for record in HAND_RECORDS:
        mock_repo.store(validator.validate(record))
    return mock_repo


def row_texts(tab: StatsTab) -> list[list[str]]:
    model = tab.period_model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def all_texts(tab: StatsTab) -> list[str]:
    texts = [label.text() for label in tab.findChildren(QLabel)]
    return texts + [cell for row in row_texts(tab) for cell in row]


def test_hand_figures(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))

    shown = {
        key: tab.figures.text(key)
        for key in (
            "tests",
            "yield",
            "first_pass",
            "ai",
            "op",
            "panel_overkill",
            "panel_miss",
            "defects",
            "defect_overkill",
            "defect_miss",
        )
    }
    assert shown == {
        "tests": "7",
        "yield": "57.14 % (4 / 7)",
        "first_pass": "60.00 % (3 / 5)",
        "ai": "4 / 2 / 1",
        "op": "4 / 3 / 0",
        "panel_overkill": "25.00 % (1 / 4)",
        "panel_miss": "66.67 % (2 / 3)",
        "defects": "1 / 2 / 3",
        "defect_overkill": "66.67 % (2 / 3)",
        "defect_miss": "75.00 % (3 / 4)",
    }
    assert tab.message_label.text().startswith("7 EL tests between 2026-03-03 and 2026-03-04")
    assert row_texts(tab) == [
        [
            "2026-03-03",
            "3",
            "2",
            "1",
            "66.67 % (2 / 3)",
            "66.67 % (2 / 3)",
            "50.00 % (1 / 2)",
            "100.00 % (1 / 1)",
            "100.00 % (1 / 1)",
            "100.00 % (1 / 1)",
        ],
        [
            "2026-03-04",
            "4",
            "2",
            "2",
            "50.00 % (2 / 4)",
            "50.00 % (1 / 2)",
            "0.00 % (0 / 2)",
            "50.00 % (1 / 2)",
            "50.00 % (1 / 2)",
            "66.67 % (2 / 3)",
        ],
    ]
    stations = tab.station_model
    assert [
        (stations.index(r, 0).data(), stations.index(r, 1).data())
        for r in range(stations.rowCount())
    ] == [("EL01", "4"), ("EL02", "2"), ("EL03", "1")]
    assert not any("nan" in text.lower() for text in all_texts(tab))


def test_per_shift_breakdown(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))
    tab.breakdown_combo.setCurrentIndex(tab.breakdown_combo.findData("shift"))

    assert [(row[0], row[1]) for row in row_texts(tab)] == [
        ("2026-03-02 night", "1"),
        ("2026-03-03 day", "1"),
        ("2026-03-03 night", "1"),
        ("2026-03-04 day", "3"),
        ("2026-03-04 night", "1"),
    ]
    assert tab.period_model.headerData(0, Qt.Orientation.Horizontal) == "Shift"
    assert tab.tables.tabText(0) == "Per shift"


def test_figures_explain_themselves(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    assert "over operator OK" in tab.figures.tooltip("panel_overkill")
    assert "over operator NG" in tab.figures.tooltip("panel_miss")
    assert "AI rejected / (AI confirmed + AI rejected)" in tab.figures.tooltip("defect_overkill")
    assert "operator added / (AI confirmed + operator added)" in tab.figures.tooltip("defect_miss")
    assert "first test" in tab.figures.tooltip("first_pass")
    assert "operator OK / tests" in tab.figures.tooltip("yield")


def test_empty_window(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    load(qtbot, tab, D(2026, 4, 1), D(2026, 4, 2))

    assert tab.message_label.text() == "No EL tests between 2026-04-01 and 2026-04-02."
    assert tab.figures.text("tests") == "0"
    for key in (
        "yield",
        "first_pass",
        "panel_overkill",
        "panel_miss",
        "defect_overkill",
        "defect_miss",
    ):
        assert tab.figures.text(key) == "no data"
    assert tab.period_model.rowCount() == 0
    texts = all_texts(tab)
    assert not any("nan" in text.lower() for text in texts)
    assert not any("0 %" in text or "0.00 %" in text for text in texts)


def test_rate_without_denominator_is_no_data(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, mock_repo: PanelRepository
) -> None:
    # One OK test without defects: yield 1 / 1; panel miss has 0 operator NG;
    # both defect rates have 0 defects -> "no data", never 0 %.
    mock_repo.store(Validator().validate(raw("PV9", "2026-03-03T12:00", "EL01", "1", {}, "1", {})))
    tab = make_tab(qtbot, runner, tmp_path, mock_repo)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 3))

    assert tab.figures.text("yield") == "100.00 % (1 / 1)"
    assert tab.figures.text("panel_overkill") == "0.00 % (0 / 1)"
    assert tab.figures.text("panel_miss") == "no data"
    assert tab.figures.text("defect_overkill") == "no data"
    assert tab.figures.text("defect_miss") == "no data"
    assert row_texts(tab)[0][7:] == ["no data", "no data", "no data"]


def test_shared_figures(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, mock_repo: PanelRepository
) -> None:
    validator = Validator()
    with SHARED_RECORDS.open(encoding="utf-8") as fh:
        records = [validator.validate(json.loads(line)) for line in fh if line.strip()]
    for i in range(0, len(records), 1000):
        mock_repo.store_many(records[i : i + 1000])
    tab = make_tab(qtbot, runner, tmp_path, mock_repo)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 5))

    assert tab.figures.text("tests") == "3,508"
    assert tab.figures.text("ai") == "2,790 / 673 / 45"
    assert tab.figures.text("op") == "3,075 / 433 / 0"
    assert tab.figures.text("panel_overkill") == "9.20 % (283 / 3,075)"
    assert tab.figures.text("panel_miss") == "8.78 % (38 / 433)"
    assert tab.figures.text("defects") == "592 / 323 / 95"
    assert tab.figures.text("defect_overkill") == "35.30 % (323 / 915)"
    assert tab.figures.text("defect_miss") == "13.83 % (95 / 687)"
    assert [(row[0], row[1]) for row in row_texts(tab)] == [
        ("2026-03-03", "1,180"),
        ("2026-03-04", "1,173"),
        ("2026-03-05", "1,155"),
    ]


class _FactsRepo:
    """A stand-in repository: its ``window_facts`` decide, ``compute`` reports."""

    def window_facts(self, start: float, end: float) -> list[stats.TestFacts]:
        raise NotImplementedError

    def window_report(
        self, clock: PlantClock, start: float, end: float, by: Any = (), **filters: Any
    ) -> stats.Report:
        return stats.compute(self.window_facts(start, end), clock, start, end, by, **filters)

    def filter_choices(self) -> tuple[list[str], list[str]]:
        return ["EL01"], ["full 72"]


class _FailingRepo(_FactsRepo):
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def window_facts(self, start: float, end: float) -> list[stats.TestFacts]:
        raise self.exc


@pytest.mark.parametrize(
    "exc, reason",
    [
        (
            StoreUnavailable("the store cannot be reached (connection refused)"),
            "the store cannot be reached (connection refused)",
        ),
        (RuntimeError("boom"), "an unexpected error (RuntimeError: boom)"),
    ],
)
def test_failing_store(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, exc: BaseException, reason: str
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, _FailingRepo(exc))
    tab.set_range(D(2026, 3, 3), D(2026, 3, 4))
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)

    expected = f"The statistics could not be loaded: {reason}."
    assert blocker.args == [expected]
    assert tab.message_label.text() == expected
    assert not tab.loading
    assert tab.report is None
    assert tab.figures.text("tests") == "–"
    assert not any("Traceback" in text for text in all_texts(tab))


class _RecordingRepo(_FactsRepo):
    """Answers at once with no tests; remembers the windows asked for."""

    def __init__(self) -> None:
        self.windows: list[tuple[float, float]] = []
        self.on_gui_thread: list[bool] = []

    def window_facts(self, start: float, end: float) -> list[stats.TestFacts]:
        self.windows.append((start, end))
        self.on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return []


def test_store_opened_loads_the_last_seven_days(
    qtbot: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    repo = _RecordingRepo()
    tab = make_tab(qtbot, runner, tmp_path, repo)
    tab.store_opened()
    qtbot.waitUntil(lambda: not tab.loading, timeout=WAIT_MS)

    today = dt.datetime.now(CLOCK.tz).date()
    first = today - dt.timedelta(days=6)
    assert repo.windows == [(CLOCK.midnight(first), CLOCK.midnight(today + dt.timedelta(days=1)))]
    assert repo.on_gui_thread == [False]
    assert tab.from_edit.date().toString("yyyy-MM-dd") == first.isoformat()
    assert tab.message_label.text() == f"No EL tests between {first} and {today}."


def test_from_after_to_asks_nothing(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    repo = _RecordingRepo()
    tab = make_tab(qtbot, runner, tmp_path, repo)
    tab.set_range(D(2026, 3, 5), D(2026, 3, 3))
    qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)

    assert "after" in tab.message_label.text()
    assert not tab.loading
    runner.wait(5000)
    assert repo.windows == []


def _facts(n: int, when: float) -> list[stats.TestFacts]:
    return [
        stats.TestFacts(f"p{i}", f"B{i}", "EL01", when + i, "full 72", "1", "1") for i in range(n)
    ]


class _SlowFirstRepo(_FactsRepo):
    """The window starting at ``slow_start`` waits for ``gate``; it has 1 test, others 2."""

    def __init__(self, slow_start: float) -> None:
        self.slow_start = slow_start
        self.gate = threading.Event()

    def window_facts(self, start: float, end: float) -> list[stats.TestFacts]:
        if start == self.slow_start:
            self.gate.wait(10)
            return _facts(1, start + 60)
        return _facts(2, start + 60)


def test_stale_result_is_ignored(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    repo = _SlowFirstRepo(CLOCK.midnight(D(2026, 3, 1)))
    tab = make_tab(qtbot, runner, tmp_path, repo)
    tab.set_range(D(2026, 3, 1), D(2026, 3, 1))
    qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)
    assert tab.loading
    assert "Loading" in tab.message_label.text()

    assert tab.busy_bar.isVisibleTo(tab)
    assert not tab.csv_button.isEnabled()

    load(qtbot, tab, D(2026, 3, 2), D(2026, 3, 2))
    assert tab.figures.text("tests") == "2"
    assert not tab.busy_bar.isVisibleTo(tab)
    assert tab.csv_button.isEnabled()

    repo.gate.set()
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT_MS)
    assert tab.figures.text("tests") == "2"
    assert tab.message_label.text().startswith("2 EL tests between 2026-03-02 and 2026-03-02")


def test_quick_ranges(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    repo = _RecordingRepo()
    now = CLOCK.parse("2026-03-04T03:00")  # in the night shift that began 03-03 20:00
    tab = make_tab(qtbot, runner, tmp_path, repo, now=now)

    tab.choose_quick_range("shift")
    qtbot.waitUntil(lambda: not tab.loading, timeout=WAIT_MS)
    assert repo.windows[-1] == (CLOCK.parse("2026-03-03T20:00"), CLOCK.parse("2026-03-04T08:00"))
    assert tab.message_label.text() == "No EL tests in the shift 2026-03-03 night (20:00–08:00)."

    expected = {
        "today": ("2026-03-04", "2026-03-05"),
        "yesterday": ("2026-03-03", "2026-03-04"),
        "last7": ("2026-02-26", "2026-03-05"),
        "month": ("2026-03-01", "2026-03-05"),
    }
    for kind, (start, end) in expected.items():
        tab.choose_quick_range(kind)
        qtbot.waitUntil(lambda: not tab.loading, timeout=WAIT_MS)
        assert repo.windows[-1] == (CLOCK.parse(start), CLOCK.parse(end)), kind
    assert tab.from_edit.date().toString("yyyy-MM-dd") == "2026-03-01"
    assert tab.to_edit.date().toString("yyyy-MM-dd") == "2026-03-04"
    assert repo.on_gui_thread == [False] * 5


def test_editing_a_date_leaves_the_quick_range(
    qtbot: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, _RecordingRepo(), now=CLOCK.parse("2026-03-04T03:00"))
    assert tab.range_combo.currentData() == "last7"
    tab.from_edit.setFocus()
    qtbot.keyClick(tab.from_edit, Qt.Key.Key_Up)
    assert tab.range_combo.currentData() == "custom"


def test_station_and_layout_filters(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    tab.store_opened()
    qtbot.waitUntil(lambda: tab.station_combo.count() == 4, timeout=WAIT_MS)
    assert [tab.station_combo.itemData(i) for i in range(4)] == ["", "EL01", "EL02", "EL03"]
    assert tab.layout_combo.itemData(1) == "full 72"

    # EL01 holds A (OK/OK), B (NG/OK), E (2/OK) and H (OK/OK): yield 4 / 4, no operator NG.
    tab.set_filters("EL01", None)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))
    assert tab.figures.text("tests") == "4"
    assert tab.figures.text("yield") == "100.00 % (4 / 4)"
    assert tab.figures.text("panel_overkill") == "25.00 % (1 / 4)"
    assert tab.figures.text("panel_miss") == "no data"
    assert tab.message_label.text().endswith("; station EL01.")

    tab.set_filters(None, "half 120")
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))
    assert tab.message_label.text() == (
        "No EL tests between 2026-03-03 and 2026-03-04; layout half 120."
    )
    tab.set_filters(None, "full 72")
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))
    assert tab.figures.text("tests") == "7"


def test_heat_map_counts_real_defects_by_default(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    # Real defects (AI confirmed + operator added) in the window: D cr A1, C cs B2,
    # D mr D4, F bc C3; rejected: B cr A1, D cs B3.
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))
    panel = tab.views.heat_panel
    assert panel.layout_combo.currentData() == "full 72"
    title = panel.plot.getPlotItem().titleLabel.text
    assert "full 72: all types, 4 defects" in title
    assert panel.note_label.text() == ""

    panel.type_combo.setCurrentIndex(panel.type_combo.findData("cr"))
    assert "1 defects" in panel.plot.getPlotItem().titleLabel.text
    panel.fate_boxes[stats.REJECTED].setChecked(True)
    assert "2 defects" in panel.plot.getPlotItem().titleLabel.text
    for box in panel.fate_boxes.values():
        box.setChecked(False)
    assert panel.note_label.text() == "Tick at least one fate to count."


def test_heat_map_notes_off_grid_positions(qtbot: Any) -> None:
    from collections import Counter

    from elconsole.domain.defect_types import DefectCatalog
    from elconsole.ui.stats.heatmap import HeatMapPanel

    panel = HeatMapPanel(DefectCatalog())
    qtbot.addWidget(panel)
    heat = Counter({("cr", stats.CONFIRMED, 1, 1): 2, ("cr", stats.CONFIRMED, 7, 1): 3})
    panel.set_heat({"full 60": heat})
    assert "2 defects" in panel.plot.getPlotItem().titleLabel.text
    assert panel.note_label.text() == (
        "3 defects at positions outside the 6 × 10 grid are not drawn."
    )


class _DaysRepo(_FactsRepo):
    """Three days of 100 tests: 10, 10 and 40 operator NG."""

    def window_facts(self, start: float, end: float) -> list[stats.TestFacts]:
        facts = []
        for day, ng in ((1, 10), (2, 10), (3, 40)):
            noon = CLOCK.parse(f"2026-03-0{day}T12:00")
            for i in range(100):
                op = "0" if i < ng else "1"
                facts.append(
                    stats.TestFacts(
                        f"{day}-{i}", f"B{day}-{i}", "EL01", noon + i, "full 72", "1", op
                    )
                )
        return facts


def test_p_chart_marks_and_lists_points_outside_the_limits(
    qtbot: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    # Operator NG: p̄ = 60 / 300 = 0.2; n = 100: 3·√(0.2·0.8/100) = 0.12 -> [8 %, 32 %];
    # 03-03 has 40 % and lies above. AI OK always -> overkill 0; miss = all NG -> 100 %.
    tab = make_tab(qtbot, runner, tmp_path, _DaysRepo())
    load(qtbot, tab, D(2026, 3, 1), D(2026, 3, 3))
    labels = [label.text() for label in tab.views.outlier_labels]
    assert labels[0] == "Outside the limits: 03-03: 40.00 % (40 / 100; limits 8.00–32.00 %)"
    assert labels[1:] == ["", ""]
    assert tab.views.pcharts[0].toolTip() == labels[0]


class _BigDayRepo(_FactsRepo):
    """One day of 1,500 tests, AI OK on every one, the first 300 operator NG."""

    def window_facts(self, start: float, end: float) -> list[stats.TestFacts]:
        noon = CLOCK.parse("2026-03-03T12:00")
        return [
            stats.TestFacts(
                f"t{i}", f"B{i}", "EL01", noon + i, "full 72", "1", "0" if i < 300 else "1"
            )
            for i in range(1500)
        ]


def test_counts_and_rates_follow_the_locale(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, german: None
) -> None:
    # 1,500 tests: operator OK 1,200 -> yield 80.00 %; AI OK on all -> panel miss 300 / 300.
    tab = make_tab(qtbot, runner, tmp_path, _BigDayRepo())
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 3))
    assert tab.figures.text("tests") == "1.500"
    assert tab.figures.text("yield") == "80,00 % (1.200 / 1.500)"
    assert tab.figures.text("panel_miss") == "100,00 % (300 / 300)"
    assert tab.figures.text("op") == "1.200 / 300 / 0"
    assert tab.message_label.text().startswith("1.500 EL tests between")
    assert row_texts(tab)[0][1:5] == ["1.500", "1.200", "300", "80,00 % (1.200 / 1.500)"]


def test_hand_figures_in_german(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository, german: None
) -> None:
    # The hand-worked figures above: yield 4 / 7 = 57.14 %, panel miss 2 / 3 = 66.67 %.
    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))
    assert tab.figures.text("yield") == "57,14 % (4 / 7)"
    assert tab.figures.text("panel_miss") == "66,67 % (2 / 3)"
    assert tab.figures.text("defect_miss") == "75,00 % (3 / 4)"


def test_p_chart_outliers_follow_the_locale(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, german: None
) -> None:
    # As above: 03-03 at 40 % lies above the limits 8 %–32 %.
    tab = make_tab(qtbot, runner, tmp_path, _DaysRepo())
    load(qtbot, tab, D(2026, 3, 1), D(2026, 3, 3))
    label = tab.views.outlier_labels[0].text()
    assert label == "Outside the limits: 03-03: 40,00 % (40 / 100; limits 8,00–32,00 %)"


def test_exports_from_the_tab(
    qtbot: Any, runner: TaskRunner, tmp_path: Path, hand_repo: PanelRepository
) -> None:
    import csv
    import re

    from openpyxl import load_workbook

    tab = make_tab(qtbot, runner, tmp_path, hand_repo)
    tab.resize(1400, 900)
    tab.show()
    load(qtbot, tab, D(2026, 3, 3), D(2026, 3, 4))

    files = tab.export_csv(tmp_path / "week.csv")
    assert tmp_path / "week-day.csv" in files
    with (tmp_path / "week.csv").open(encoding="utf-8", newline="") as fh:
        rows = {row["figure"]: row for row in csv.DictReader(fh)}
    assert (rows["yield"]["value"], rows["yield"]["numerator"]) == ("0.571429", "4")
    assert rows["yield"]["denominator"] == "7"
    assert rows["first-pass yield"]["value"] == "0.6"
    assert rows["panel miss rate"]["value"] == "0.666667"

    (book_path,) = tab.export_xlsx(tmp_path / "week.xlsx")
    sheet = load_workbook(book_path)["day"]
    header = [c.value for c in sheet[5]]
    first = dict(zip(header, (c.value for c in sheet[6]), strict=True))
    assert (first["day"], first["tests"], first["yield"]) == ("2026-03-03", 3, 2 / 3)

    (pdf,) = tab.export_pdf(tmp_path / "week.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1


def test_changed_settings_are_reread(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    from elconsole.domain.defect_types import DefectCatalog, DefectType

    tab = make_tab(qtbot, runner, tmp_path, _RecordingRepo())
    tab._session.clock = PlantClock(zone("Europe/Berlin"))
    tab._session.catalog = DefectCatalog((DefectType("br", "Broken cell", "#000000"),))
    tab.store_opened()
    qtbot.waitUntil(lambda: not tab.loading, timeout=WAIT_MS)
    assert tab.zone_label.text() == "Days and shifts in the plant zone Europe/Berlin"
    combo = tab.views.heat_panel.type_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "br"]


def _drawn(axis: Any) -> list[tuple[QRectF, str]]:
    """Return the labels an axis draws now: where and what."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    specs = axis.generateDrawSpecs(painter)
    painter.end()
    return [(rect, text) for rect, _, text in specs[2]]


def test_the_rate_axis_starts_at_zero_and_says_so(qtbot: Any) -> None:
    chart = RateChart("Rates per day", "%")
    qtbot.addWidget(chart)
    chart.resize(460, 230)
    chart.show()
    chart.set_data(["11-27", "11-28"], [Series("panel miss", "#d62728", [12.0, 35.0])])
    qtbot.waitExposed(chart)
    qtbot.wait(50)
    assert chart.getPlotItem().viewRange()[1][0] == 0.0
    texts = [text for _, text in _drawn(chart.getPlotItem().getAxis("left"))]
    assert texts[0] == "0"


def test_the_newest_shift_is_named_inside_the_chart(qtbot: Any) -> None:
    keys = [f"2026-11-{d} {s}" for d in range(15, 23) for s in ("day", "night")]
    chart = BarChart("EL tests per shift", "tests", stacked=True)
    qtbot.addWidget(chart)
    chart.resize(460, 230)
    chart.show()
    chart.set_data([period_label(k) for k in keys], [Series("OK", "#2ca02c", [5] * len(keys))])
    qtbot.waitExposed(chart)
    qtbot.wait(50)
    drawn = _drawn(chart.axis)
    bounds = chart.axis.mapRectFromParent(chart.axis.geometry())
    assert drawn[-1][1] == "11-22 night"
    assert all(bounds.left() <= r.left() and r.right() <= bounds.right() for r, _ in drawn)
    assert all(a.right() < b.left() for (a, _), (b, _) in itertools.pairwise(drawn))
