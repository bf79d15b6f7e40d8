"""The Lookup tab, driven like a QA engineer would, on a mongomock store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from elconsole.data.errors import StoreError, StoreUnavailable
from elconsole.data.legacy import load_export
from elconsole.data.repository import PanelRepository
from elconsole.data.stores import StoreTarget
from elconsole.domain.grid import Grid
from elconsole.domain.history import StoredDefect, StoredTest
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import Validator
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED
from elconsole.tasks import TaskRunner
from elconsole.ui.lookup import export
from elconsole.ui.lookup.tab import LookupTab
from elconsole.ui.session import Session

LEGACY = Path(__file__).resolve().parents[1] / "data" / "legacy"
NOON = 1772510400.0  # 2026-03-03 12:00:00 Asia/Shanghai (CST, UTC+8)
HOUR = 3600.0


def record(barcode: str, when: float, el_no: str, **changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "barcode": barcode,
        "cell_type": "mono",
        "cell_size": "half",
        "cell_amount": 120,
        "el_no": el_no,
        "create_time": when,
        "ai_result": "1",
        "ai_defects": {},
        "ai_time": when + 1,
        "gui_result": "1",
        "gui_defects": {},
        "gui_time": when + 20,
    }
    raw.update(changes)
    return raw


def store(repo: PanelRepository, *raws: dict[str, Any]) -> None:
    validator = Validator(now=lambda: 2e9)
    for raw in raws:
        repo.store(validator.validate(raw))


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session(StoreTarget(path=tmp_path / "x.db"), PlantClock(zone("Asia/Shanghai")))


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait(5000)


def make_tab(qtbot: Any, session: Session, runner: TaskRunner, repo: object) -> LookupTab:
    session.store = SimpleNamespace(repo=repo)  # type: ignore[assignment]
    tab = LookupTab(session, runner)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    return tab


def type_and_enter(qtbot: Any, tab: LookupTab, text: str) -> None:
    tab.barcode_edit.clear()
    qtbot.keyClicks(tab.barcode_edit, text)
    qtbot.keyClick(tab.barcode_edit, Qt.Key.Key_Return)


def cell(model: Any, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def mark_facts(tab: LookupTab) -> list[tuple[int, int, str, str | None]]:
    return sorted((m.row, m.col, m.code, m.fate) for m in tab.grid_view.marks)


@pytest.fixture
def three_tests(mock_repo: PanelRepository) -> PanelRepository:
    """PV-T-1 tested three times (stored out of order), PV-T-2 once, XY-9 once."""
    store(
        mock_repo,
        record("PV-T-1", NOON - 2 * HOUR, "EL03"),  # 10:00, both OK
        record(
            "PV-T-1",
            NOON,
            "EL02",
            ai_result="0",
            gui_result="0",  # 12:00
            ai_defects={"cr": [[3, 17]], "cs": [[1, 2]]},
            gui_defects={"cr": [[3, 17]], "bc": [[6, 20]]},
        ),
        record(
            "PV-T-1",
            NOON - 3 * HOUR,
            "EL01",
            ai_result="0",  # 09:00
            ai_defects={"mr": [[2, 4]]},
        ),
        record("PV-T-2", NOON + HOUR, "EL01"),
        record("XY-9", NOON + HOUR, "EL01"),
    )
    return mock_repo


def test_lookup_lists_tests_newest_first_with_marks(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "  PV-T-1 ")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 3)

    assert tab.barcode_edit.text() == "PV-T-1"
    model = tab.tests_model
    assert [cell(model, r, 0) for r in range(3)] == [
        "2026-03-03 12:00:00 CST",
        "2026-03-03 10:00:00 CST",
        "2026-03-03 09:00:00 CST",
    ]
    assert [cell(model, r, 1) for r in range(3)] == ["EL02", "EL03", "EL01"]
    assert cell(model, 0, 2) == "mono half 120"
    assert [cell(model, r, 3) for r in range(3)] == ["NG", "OK", "NG"]  # AI
    assert [cell(model, r, 4) for r in range(3)] == ["NG", "OK", "OK"]  # operator
    assert [cell(model, r, 5) for r in range(3)] == ["3", "0", "1"]
    assert [cell(model, r, 6) for r in range(3)] == ["", "", ""]

    # The newest test is shown: cr C17 confirmed, cs A2 rejected, bc F20 added.
    assert tab.tests_view.currentIndex().row() == 0
    assert tab.grid_view.grid == Grid(columns=20, half=True)
    assert mark_facts(tab) == [
        (1, 2, "cs", REJECTED),
        (3, 17, "cr", CONFIRMED),
        (6, 20, "bc", ADDED),
    ]
    tips = {(m.row, m.col): m.tooltip for m in tab.grid_view.marks}
    assert tips[(3, 17)] == (
        "C17 — Crack (cr), AI found / operator confirmed, by AI, 2026-03-03 12:00:01 CST"
    )
    assert tips[(6, 20)] == (
        "F20 — Dark / failed cell (bc), operator added (AI missed), by operator, "
        "2026-03-03 12:00:20 CST"
    )
    assert tab.defects_model.rowCount() == 3
    assert sorted(cell(tab.defects_model, r, 0) for r in range(3)) == ["A2", "C17", "F20"]
    assert "No EL test" not in tab.message_label.text()


def test_selecting_an_older_test_shows_its_defects(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "PV-T-1")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 3)

    tab.tests_view.selectRow(2)  # 09:00, AI found mr B4, operator passed it
    assert mark_facts(tab) == [(2, 4, "mr", REJECTED)]
    assert cell(tab.defects_model, 0, 2) == "AI found / operator rejected"
    assert cell(tab.defects_model, 0, 5) == ""

    tab.tests_view.selectRow(1)  # 10:00, nothing found
    assert mark_facts(tab) == []
    assert tab.defects_model.rowCount() == 0
    assert "No defects" in tab.notes_label.text()


def test_clicking_a_defect_highlights_its_cell(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "PV-T-1")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 3)

    row = [cell(tab.defects_model, r, 0) for r in range(3)].index("F20")
    tab.defects_view.selectRow(row)
    assert [(m.row, m.col) for m in tab.grid_view.marks if m.selected] == [(6, 20)]


def test_legacy_708_lists_off_grid_defects_and_draws_none(
    qtbot, session, runner, mock_db, mock_repo
):
    load_export(mock_db, LEGACY)
    tab = make_tab(qtbot, session, runner, mock_repo)
    type_and_enter(qtbot, tab, "708")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 1)

    model = tab.tests_model
    assert cell(model, 0, 1) == "131"
    assert cell(model, 0, 2) == "mono half 120"
    assert (cell(model, 0, 3), cell(model, 0, 4)) == ("OK", "NG")
    assert cell(model, 0, 5) == "2"
    defects = tab.defects_model
    assert defects.rowCount() == 2
    rows = sorted(tuple(cell(defects, r, c) for c in (0, 1, 2, 3, 5)) for r in range(2))
    assert rows == [
        (
            "R28C74",
            "Mixed-grade cell (mr)",
            "operator added (AI missed)",
            "operator",
            "off-grid (not drawn)",
        ),
        (
            "R37C41",
            "Mixed-grade cell (mr)",
            "operator added (AI missed)",
            "operator",
            "off-grid (not drawn)",
        ),
    ]
    assert tab.grid_view.grid == Grid(columns=20, half=True)
    assert tab.grid_view.marks == []
    assert "2 defects lie off the module's grid" in tab.notes_label.text()


def test_empty_result_says_so(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "NOPE")
    qtbot.waitUntil(
        lambda: "NOPE" in tab.message_label.text() and "…" not in tab.message_label.text()
    )

    assert tab.message_label.text() == "No EL test of 'NOPE' is stored."
    assert tab.tests_model.rowCount() == 0
    assert tab.candidates_box.isHidden()
    assert tab.grid_view.grid is None


def test_partial_barcode_offers_candidates(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "PV-T")
    qtbot.waitUntil(lambda: tab.candidates_model.rowCount() == 2)

    assert tab.candidates_model.stringList() == ["PV-T-1", "PV-T-2"]
    assert not tab.candidates_box.isHidden()
    assert tab.message_label.text().startswith("No EL test of 'PV-T' is stored.")
    assert tab.tests_model.rowCount() == 0

    view = tab.candidates_view
    spot = view.visualRect(tab.candidates_model.index(1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 1)
    assert cell(tab.tests_model, 0, 0) == "2026-03-03 13:00:00 CST"
    assert tab.barcode_edit.text() == "PV-T-2"
    assert not tab.candidates_box.isHidden()  # still there to pick another


class FailingRepo:
    """A repository whose every read fails the way a store does."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def lookup(self, barcode: str) -> list[StoredTest]:
        raise self.exc

    def find_barcodes(self, fragment: str) -> list[str]:
        raise self.exc


@pytest.mark.parametrize(
    "exc, words",
    [
        (
            StoreUnavailable("the store cannot be reached (connection refused)"),
            "cannot be reached (connection refused)",
        ),
        (StoreError("the store failed: bad query"), "the store failed: bad query"),
        (RuntimeError("boom"), "an unexpected error (RuntimeError)"),
    ],
)
def test_store_failure_is_a_plain_sentence(qtbot, session, runner, exc, words):
    tab = make_tab(qtbot, session, runner, FailingRepo(exc))
    with qtbot.waitSignal(tab.status_message, timeout=5000) as blocker:
        type_and_enter(qtbot, tab, "PV-T-1")

    sentence = blocker.args[0]
    assert sentence.startswith("'PV-T-1' was not looked up:")
    assert words in sentence
    assert "Traceback" not in sentence
    assert tab.message_label.text() == sentence
    assert tab.tests_model.rowCount() == 0


def test_store_not_open_yet_retries_when_it_opens(qtbot, session, runner, three_tests):
    tab = LookupTab(session, runner)  # session.store is still None
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.status_message, timeout=5000) as blocker:
        type_and_enter(qtbot, tab, "PV-T-2")
    assert "not open yet" in blocker.args[0]

    session.store = SimpleNamespace(repo=three_tests)  # type: ignore[assignment]
    tab.store_opened()
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 1)


class FixedRepo:
    """A repository that answers one prepared list of tests."""

    def __init__(self, tests: list[StoredTest]) -> None:
        self.tests = tests

    def lookup(self, barcode: str) -> list[StoredTest]:
        return list(self.tests)

    def find_barcodes(self, fragment: str) -> list[str]:
        return []


def test_unknown_layout_lists_defects_without_a_grid(qtbot, session, runner):
    odd = StoredTest(
        panel_id="p1",
        barcode="ODD-1",
        el_no="EL09",
        cell_type="mono",
        cell_size="half",
        cell_amount=99,
        create_time=NOON,
        ai="0",
        op="0",
        defects=(StoredDefect("cr", [2, 3], "AI", "true", NOON, CONFIRMED),),
        damage=("no OP verdict stored",),
    )
    tab = make_tab(qtbot, session, runner, FixedRepo([odd]))
    type_and_enter(qtbot, tab, "ODD-1")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 1)

    assert tab.grid_stack.currentWidget() is tab.unknown_label
    assert "Unknown layout (mono half 99)" in tab.unknown_label.text()
    assert tab.grid_view.marks == []
    assert tab.defects_model.rowCount() == 1
    assert cell(tab.defects_model, 0, 0) == "B3"
    assert cell(tab.defects_model, 0, 5) == "not drawn (unknown layout)"
    assert cell(tab.tests_model, 0, 6) == "damaged"
    assert "no OP verdict stored" in tab.notes_label.text()


def test_a_late_answer_to_an_older_lookup_is_ignored(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    tab.look_up("PV-T-1")
    tab.look_up("PV-T-2")
    qtbot.waitUntil(lambda: runner.busy == 0)
    assert tab.tests_model.rowCount() == 1
    assert tab.tests_model.test_at(0).barcode == "PV-T-2"  # type: ignore[union-attr]


def test_defect_map_exports_to_png_and_pdf(qtbot, session, runner, three_tests, tmp_path):
    tab = make_tab(qtbot, session, runner, three_tests)
    assert not tab.export_button.isEnabled()
    type_and_enter(qtbot, tab, "PV-T-1")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 3)
    assert tab.export_button.isEnabled()

    png = tab.export_map(tmp_path / "map.png")
    assert png == tmp_path / "map.png"
    picture = QImage(str(png))
    grid = export.picture_size(20)  # 1200 wide, 6 rows of square cells: 393 high
    assert (grid.width(), grid.height()) == (1200, 393)
    assert picture.width() >= 1200 and picture.height() > 393  # the grid, the legend below

    pdf = tab.export_map(tmp_path / "map.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1
    assert "map.pdf" in tab.message_label.text()

    test = tab.shown_test()
    assert export.header_lines(test, session.clock) == [
        "Tested 2026-03-03 12:00:00 CST at station EL02, mono half 120",
        "AI verdict NG, operator verdict NG",
        "3 defects",
    ]
    lines = export.defect_lines(test, session.catalog, session.clock)
    assert "C17  Crack (cr), AI found / operator confirmed, by AI, 2026-03-03 12:00:01 CST" in lines
    assert len(lines) == 3


def test_off_grid_defects_are_flagged_in_the_export(qtbot, session, runner, mock_db, mock_repo):
    load_export(mock_db, LEGACY)
    tab = make_tab(qtbot, session, runner, mock_repo)
    type_and_enter(qtbot, tab, "708")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 1)

    lines = export.defect_lines(tab.shown_test(), session.catalog, session.clock)
    assert len(lines) == 2
    assert all(line.endswith("[off-grid (not drawn)]") for line in lines)


def test_export_map_reports_a_failure(qtbot, session, runner, three_tests, tmp_path):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "PV-T-1")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 3)

    assert tab.export_map(tmp_path / "missing-folder" / "map.png") is None
    assert tab.message_label.text().startswith("The defect map was not written")


def test_a_changed_zone_is_reread(qtbot, session, runner, three_tests):
    tab = make_tab(qtbot, session, runner, three_tests)
    type_and_enter(qtbot, tab, "PV-T-1")
    qtbot.waitUntil(lambda: tab.tests_model.rowCount() == 3)

    session.clock = PlantClock(zone("UTC"))
    tab.store_opened()
    assert cell(tab.tests_model, 0, 0) == "2026-03-03 04:00:00 UTC"
    assert tab.tests_view.currentIndex().row() == 0


def test_a_defect_type_nobody_set_up_is_flagged(session: Session) -> None:
    from elconsole.ui.lookup.models import defect_notes

    test = StoredTest("p", "PV1", "EL01", "mono", "full", 60, 0.0, "0", "0")
    on_grid = StoredDefect("zz", [1, 1], "AI", "true", None, CONFIRMED)
    off_grid = StoredDefect("zz", [9, 1], "AI", "true", None, CONFIRMED)
    known = StoredDefect("cr", [1, 1], "AI", "true", None, CONFIRMED)
    catalog = session.catalog
    assert defect_notes(test, on_grid, catalog) == "a type not in the settings"
    assert defect_notes(test, off_grid, catalog) == (
        "off-grid (not drawn); a type not in the settings"
    )
    assert defect_notes(test, known, catalog) == ""
