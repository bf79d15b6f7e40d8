"""The Panel entry tab, driven by keys and clicks, read back from the store."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from elconsole.data.errors import StoreUnavailable
from elconsole.data.repository import Outcome, PanelRepository
from elconsole.data.stores import StoreTarget
from elconsole.domain.defect_types import DEFAULT_DEFECT_TYPES, DefectCatalog, DefectType
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import StationRecord, Validator
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED
from elconsole.tasks import TaskRunner
from elconsole.ui.entry.manual import ManualEntry
from elconsole.ui.entry.tab import EntryTab
from elconsole.ui.session import Session

WAIT_MS = 5000
COLLECTIONS = ("panel", "panel_status", "panel_defect", "defect", "el")


def make_session(tmp_path: Path, repo: Any) -> Session:
    session = Session(StoreTarget(path=tmp_path / "x.db"), PlantClock(zone("Asia/Shanghai")))
    session.store = SimpleNamespace(repo=repo)  # type: ignore[assignment]
    session.inbox_dir = tmp_path / "inbox"
    session.spool_dir = tmp_path / "spool"
    return session


def open_tab(qtbot: Any, session: Session) -> ManualEntry:
    """Open the Panel entry tab on its manual entry page (F10) and return that page."""
    runner = TaskRunner()
    entry = EntryTab(session, runner)
    qtbot.addWidget(entry)
    entry.resize(1280, 800)
    entry.show()
    qtbot.waitExposed(entry)
    entry.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is entry, timeout=WAIT_MS)
    qtbot.keyClick(entry.review.scan_edit, Qt.Key.Key_F10)
    assert entry.pages.currentWidget() is entry.manual
    tab = entry.manual
    tab._test_runner = runner  # type: ignore[attr-defined]  # keep it alive
    tab._test_entry = entry  # type: ignore[attr-defined]
    return tab


@pytest.fixture
def session(tmp_path: Path, mock_repo: PanelRepository) -> Session:
    return make_session(tmp_path, mock_repo)


@pytest.fixture
def tab(qtbot: Any, session: Session) -> Iterator[ManualEntry]:
    tab = open_tab(qtbot, session)
    yield tab
    tab._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


# -- driving helpers ---------------------------------------------------------


def scan(qtbot: Any, tab: ManualEntry, text: str) -> None:
    """Type into the barcode field as a scanner does: characters, then Enter."""
    tab.form.barcode_edit.setFocus()
    qtbot.keyClicks(tab.form.barcode_edit, text)
    qtbot.keyClick(tab.form.barcode_edit, Qt.Key.Key_Return)


def type_station(qtbot: Any, tab: ManualEntry, text: str) -> None:
    tab.form.station_edit.clear()
    qtbot.keyClicks(tab.form.station_edit, text)


def choose_layout(qtbot: Any, tab: ManualEntry, text: str) -> None:
    combo = tab.form.layout_combo
    combo.setFocus()
    target = combo.findText(text)
    while combo.currentIndex() != target:  # step there without passing other layouts
        up = combo.currentIndex() > target
        qtbot.keyClick(combo, Qt.Key.Key_Up if up else Qt.Key.Key_Down)
    assert combo.currentText() == text


def click(qtbot: Any, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_cell(qtbot: Any, tab: ManualEntry, row: int, col: int) -> None:
    view = tab.defects.grid_view
    point = view.cell_rect(row, col).center().toPoint()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)


def mark(qtbot: Any, tab: ManualEntry, code: str, *cells: tuple[int, int]) -> None:
    click(qtbot, tab.defects.type_buttons[code])
    for row, col in cells:
        click_cell(qtbot, tab, row, col)


def submit_and_wait(qtbot: Any, tab: ManualEntry) -> None:
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS):
        click(qtbot, tab.submit_button)
    qtbot.waitUntil(lambda: tab.submit_button.isEnabled(), timeout=WAIT_MS)


def docs(repo: PanelRepository, name: str) -> list[dict[str, Any]]:
    return list(repo.db[name].find())


def stored_nothing(repo: PanelRepository) -> bool:
    return all(repo.db[name].count_documents({}) == 0 for name in COLLECTIONS)


def enter_example(qtbot: Any, tab: ManualEntry) -> None:
    """AI: C17 crack, A1 cold solder; operator keeps C17 and adds B2 crack."""
    scan(qtbot, tab, "PV2406110001")
    type_station(qtbot, tab, "EL-07")
    choose_layout(qtbot, tab, "half 120")
    click(qtbot, tab.defects.ai_mode_button)
    mark(qtbot, tab, "cr", (3, 17))
    mark(qtbot, tab, "cs", (1, 1))
    click(qtbot, tab.defects.op_mode_button)
    mark(qtbot, tab, "cr", (3, 17), (2, 2))


# -- the scanner and focus -----------------------------------------------------


def test_barcode_is_focused_and_enter_moves_on(qtbot: Any, tab: ManualEntry) -> None:
    assert tab.form.barcode_edit.hasFocus()
    qtbot.keyClicks(tab.form.barcode_edit, "PV1")
    qtbot.keyClick(tab.form.barcode_edit, Qt.Key.Key_Return)
    assert tab.form.station_edit.hasFocus()
    assert stored_nothing(tab._session.repo)  # Enter does not submit
    assert tab.form.tested_at() is not None


def test_scanner_input_is_trimmed(qtbot: Any, tab: ManualEntry) -> None:
    before = time.time()
    qtbot.keyClicks(tab.form.barcode_edit, "  PV123  \r")
    assert tab.form.barcode_edit.text() == "PV123"
    assert tab.form.station_edit.hasFocus()
    tested = tab.form.tested_at()
    assert tested is not None and before - 0.001 <= tested <= time.time()


# -- storing a record ------------------------------------------------------------


def test_entry_stores_exactly_the_expected_documents(
    qtbot: Any, tab: ManualEntry, mock_repo: PanelRepository
) -> None:
    before = time.time()
    enter_example(qtbot, tab)
    texts = [tab.defects.list_widget.item(i).text() for i in range(tab.defects.list_widget.count())]
    assert texts == [
        "A1 cold solder joint — rejected (AI only)",
        "B2 crack — added (operator)",
        "C17 crack — confirmed",
    ]
    fates = {(m.row, m.col, m.code): m.fate for m in tab.defects.grid_view.marks}
    assert fates == {(3, 17, "cr"): CONFIRMED, (1, 1, "cs"): REJECTED, (2, 2, "cr"): ADDED}
    assert tab.form.ai_combo.currentData() == "0"
    assert tab.form.op_combo.currentData() == "0"

    with qtbot.waitSignal(tab.panel_submitted, timeout=WAIT_MS) as blocker:
        click(qtbot, tab.submit_button)
    assert blocker.args == ["PV2406110001"]
    after = time.time()

    [panel] = docs(mock_repo, "panel")
    created = panel["create_time"]
    assert before - 0.001 <= created <= panel["gui_time"] <= after  # ms kept
    pid = panel.pop("_id")
    assert pid.startswith(f"{int(created):010x}")  # ids begin with the test's second
    assert panel == {
        "Barcode": "PV2406110001",
        "cell_type": "mono",
        "cell_size": "half",
        "cell_amount": 120,
        "EL_no": "EL-07",
        "create_time": created,
        "schema": 2,
        "summary": {
            "ai": "0",
            "op": "0",
            "defects": [
                ["cr", CONFIRMED, [3, 17]],
                ["cs", REJECTED, [1, 1]],
                ["cr", ADDED, [2, 2]],
            ],
        },
        "ai_time": created,
        "gui_time": panel["gui_time"],
    }
    gui_time = panel["gui_time"]

    defects = {d.pop("_id"): d for d in docs(mock_repo, "defect")}
    assert sorted(defects.values(), key=lambda d: (d["by"], d["Position"])) == [
        {"Type": "cs", "Position": [1, 1], "by": "AI", "time": created},
        {"Type": "cr", "Position": [3, 17], "by": "AI", "time": created},
        {"Type": "cr", "Position": [2, 2], "by": "OP", "time": gui_time},
    ]
    links = docs(mock_repo, "panel_defect")
    assert all(link["Panel_ID"] == pid for link in links)
    shown = sorted(
        (
            link["by"],
            link["Status"],
            defects[link["Defect_ID"]]["Type"],
            defects[link["Defect_ID"]]["Position"],
        )
        for link in links
    )
    assert shown == [
        ("AI", "false", "cs", [1, 1]),
        ("AI", "true", "cr", [3, 17]),
        ("OP", "true", "cr", [2, 2]),
    ]
    statuses = sorted(
        (s["by"], s["result"], s["time"], s["Panel_ID"]) for s in docs(mock_repo, "panel_status")
    )
    assert statuses == [("AI", "0", created, pid), ("OP", "0", created, pid)]
    assert [d["EL_no"] for d in docs(mock_repo, "el")] == ["EL-07"]

    [test] = mock_repo.lookup("PV2406110001")
    assert (test.ai, test.op, test.el_no, test.damage) == ("0", "0", "EL-07", ())
    assert sorted((d.code, d.label, d.fate) for d in test.defects) == [
        ("cr", "B2", ADDED),
        ("cr", "C17", CONFIRMED),
        ("cs", "A1", REJECTED),
    ]


def test_stored_message_and_form_cleared_for_next_panel(qtbot: Any, tab: ManualEntry) -> None:
    enter_example(qtbot, tab)
    tab.form.op_combo.setFocus()  # the operator overrides: OK
    qtbot.keyClick(tab.form.op_combo, Qt.Key.Key_Down)
    assert tab.form.op_combo.currentData() == "1"
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS) as blocker:
        click(qtbot, tab.submit_button)
    expected = (
        "Stored PV2406110001 (AI NG, operator OK, 3 defects: 1 confirmed, 1 rejected, 1 added)"
    )
    assert blocker.args == [expected]
    assert tab.result_label.text() == expected
    form = tab.form
    assert form.barcode_edit.text() == ""
    assert form.barcode_edit.hasFocus()
    assert form.station_edit.text() == "EL-07"
    assert form.layout_combo.currentText() == "half 120"
    assert form.tested_at() is None
    assert tab.defects.list_widget.count() == 0
    assert tab.defects.grid_view.marks == []
    assert (form.ai_combo.currentData(), form.op_combo.currentData()) == ("1", "1")
    assert tab.submit_button.isEnabled()


def test_ctrl_enter_submits(qtbot: Any, tab: ManualEntry, mock_repo: PanelRepository) -> None:
    scan(qtbot, tab, "PV9")
    type_station(qtbot, tab, "EL-01")
    with qtbot.waitSignal(tab.panel_submitted, timeout=WAIT_MS):
        qtbot.keyClick(
            tab.form.station_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    [test] = mock_repo.lookup("PV9")
    assert (test.ai, test.op, test.defects) == ("1", "1", ())


def test_same_test_again_is_reported_as_already_stored(
    qtbot: Any, tab: ManualEntry, mock_repo: PanelRepository
) -> None:
    when = time.time() - 3600
    for _ in range(2):
        scan(qtbot, tab, "PV77")
        type_station(qtbot, tab, "EL-02")
        tab.form.set_tested_at(when)
        submit_and_wait(qtbot, tab)
    assert "already stored" in tab.result_label.text()
    assert len(docs(mock_repo, "panel")) == 1


# -- validation ----------------------------------------------------------------


def test_empty_barcode_is_shown_beside_the_field(
    qtbot: Any, tab: ManualEntry, mock_repo: PanelRepository
) -> None:
    type_station(qtbot, tab, "EL-01")
    mark(qtbot, tab, "cr", (1, 1))
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS):
        click(qtbot, tab.submit_button)
    error = tab.form.error_label("barcode")
    assert error.isVisible()
    assert error.text() == "must not be empty"
    assert tab.form.barcode_edit.hasFocus()
    assert not tab.form.error_label("el_no").isVisible()
    assert tab._runner.busy == 0
    assert stored_nothing(mock_repo)
    assert tab.defects.list_widget.count() == 1  # nothing was cleared


def test_empty_station_is_shown_beside_its_field(
    qtbot: Any, tab: ManualEntry, mock_repo: PanelRepository
) -> None:
    scan(qtbot, tab, "PV5")
    click(qtbot, tab.submit_button)
    assert tab.form.error_label("el_no").text() == "must not be empty"
    assert not tab.form.error_label("barcode").isVisible()
    assert stored_nothing(mock_repo)


# -- verdicts, marks, layout -------------------------------------------------------


def test_operator_verdict_follows_marks_until_chosen(qtbot: Any, tab: ManualEntry) -> None:
    form = tab.form
    assert form.op_combo.currentData() == "1"
    click(qtbot, tab.defects.op_mode_button)
    mark(qtbot, tab, "cr", (2, 3))
    assert form.op_combo.currentData() == "0"
    assert form.ai_combo.currentData() == "1"  # no AI mark
    click_cell(qtbot, tab, 2, 3)  # removed again
    assert form.op_combo.currentData() == "1"

    form.op_combo.setFocus()
    qtbot.keyClick(form.op_combo, Qt.Key.Key_Down)  # the user picks "other"
    assert form.op_combo.currentData() == "2"
    click_cell(qtbot, tab, 2, 3)
    assert form.op_combo.currentData() == "2"


def test_confirm_all_copies_ai_marks(qtbot: Any, tab: ManualEntry) -> None:
    mark(qtbot, tab, "cr", (1, 2), (6, 20))
    assert {m.fate for m in tab.defects.grid_view.marks} == {REJECTED}
    click(qtbot, tab.defects.confirm_button)
    assert {m.fate for m in tab.defects.grid_view.marks} == {CONFIRMED}
    record = tab.raw_record()
    assert record["gui_defects"] == record["ai_defects"] == {"cr": [[1, 2], [6, 20]]}
    assert tab.form.op_combo.currentData() == "0"


def test_number_keys_choose_the_defect_type(qtbot: Any, tab: ManualEntry) -> None:
    tab.defects.grid_view.setFocus()
    for key, code in zip("4213", ("mr", "cs", "cr", "bc"), strict=True):
        qtbot.keyClick(tab.defects.grid_view, key)
        assert tab.defects.selected_type() == code
    click_cell(qtbot, tab, 1, 1)
    assert tab.raw_record()["ai_defects"] == {"bc": [[1, 1]]}


def test_new_defect_types_from_the_settings_reach_manual_entry(
    qtbot: Any, tab: ManualEntry, session: Session
) -> None:
    types = (*DEFAULT_DEFECT_TYPES, DefectType("br", "Broken cell", "#123456"))
    session.catalog = DefectCatalog(types)
    session.validator = Validator(session.catalog)
    tab._test_entry.store_opened()  # type: ignore[attr-defined]  # what apply_settings does
    assert list(tab.defects.type_buttons) == ["cr", "cs", "bc", "mr", "br"]
    assert tab.defects.type_buttons["br"].text() == "5  Broken cell (br)"
    tab.defects.grid_view.setFocus()
    qtbot.keyClick(tab.defects.grid_view, "5")
    assert tab.defects.selected_type() == "br"
    click_cell(qtbot, tab, 2, 3)
    assert tab.raw_record()["ai_defects"] == {"br": [[2, 3]]}


def test_digits_typed_in_the_barcode_do_not_change_the_type(qtbot: Any, tab: ManualEntry) -> None:
    scan(qtbot, tab, "PV4321")
    assert tab.form.barcode_edit.text() == "PV4321"
    assert tab.defects.selected_type() == "cr"


def test_layout_change_drops_marks_off_the_new_grid(qtbot: Any, tab: ManualEntry) -> None:
    choose_layout(qtbot, tab, "half 144")
    mark(qtbot, tab, "cr", (1, 24), (2, 5))
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS) as blocker:
        choose_layout(qtbot, tab, "half 120")
    assert blocker.args == [
        "The new layout has no cell for 1 mark(s); removed: A24 crack — rejected (AI only)"
    ]
    assert tab.defects.note_label.isVisible()
    assert tab.raw_record()["ai_defects"] == {"cr": [[2, 5]]}
    assert tab.defects.grid_view.grid is not None
    assert tab.defects.grid_view.grid.columns == 20


# -- the store failing or busy --------------------------------------------------------


class FailingRepo:
    def __init__(self) -> None:
        self.calls = 0

    def store(self, record: StationRecord) -> Outcome:
        self.calls += 1
        raise StoreUnavailable("the store cannot be reached (connection refused)")


def test_failing_store_keeps_the_form(qtbot: Any, tmp_path: Path) -> None:
    repo = FailingRepo()
    tab = open_tab(qtbot, make_session(tmp_path, repo))
    enter_example(qtbot, tab)
    before = tab.raw_record(now=1.0)
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS) as blocker:
        click(qtbot, tab.submit_button)
    assert blocker.args == [
        "PV2406110001 was not stored: the store cannot be reached (connection refused)"
    ]
    assert repo.calls == 1
    assert tab.raw_record(now=1.0) == before
    assert "the store cannot be reached" in tab.result_label.text()
    assert tab.submit_button.isEnabled()
    tab._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


def test_store_not_open_keeps_the_form(qtbot: Any, tmp_path: Path) -> None:
    session = make_session(tmp_path, None)
    session.store = None
    tab = open_tab(qtbot, session)
    scan(qtbot, tab, "PV1")
    type_station(qtbot, tab, "EL-01")
    with qtbot.waitSignal(tab.status_message, timeout=WAIT_MS) as blocker:
        click(qtbot, tab.submit_button)
    assert blocker.args == ["PV1 was not stored: the store is not open yet"]
    assert tab.form.barcode_edit.text() == "PV1"
    tab._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


class BlockingRepo:
    """Stores nothing until released; records the thread it was called on."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def store(self, record: StationRecord) -> Outcome:
        self.threads.append(threading.current_thread())
        self.release.wait(WAIT_MS / 1000)
        return Outcome.STORED


def test_no_double_submission_and_never_on_the_gui_thread(qtbot: Any, tmp_path: Path) -> None:
    repo = BlockingRepo()
    tab = open_tab(qtbot, make_session(tmp_path, repo))
    scan(qtbot, tab, "PV2")
    type_station(qtbot, tab, "EL-01")
    click(qtbot, tab.submit_button)
    assert not tab.submit_button.isEnabled()
    tab.submit()  # Ctrl+Enter while storing: ignored
    click(qtbot, tab.submit_button)
    with qtbot.waitSignal(tab.panel_submitted, timeout=WAIT_MS):
        repo.release.set()
    assert len(repo.threads) == 1
    assert repo.threads[0] is not threading.main_thread()
    assert tab.submit_button.isEnabled()
    tab._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


def test_time_steps_from_unset_to_now(qtbot: Any, tab: ManualEntry) -> None:
    assert tab.form.tested_at() is None
    assert tab.form.time_edit.text() == "when scanned"
    tab.form.time_edit.setFocus()
    before = time.time()
    qtbot.keyClick(tab.form.time_edit, Qt.Key.Key_Up)
    tested = tab.form.tested_at()
    assert tested is not None and before - 1 <= tested <= time.time()
