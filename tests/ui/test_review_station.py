"""The review station driven as an operator drives it: keys, scans, a store that goes away."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import mongomock
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from elconsole.data.errors import StoreUnavailable
from elconsole.data.repository import Outcome, PanelRepository, build_documents
from elconsole.data.stores import StoreTarget
from elconsole.domain.defect_types import DEFAULT_DEFECT_TYPES, DefectCatalog, DefectType
from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.records import StationRecord, Validator
from elconsole.domain.stats import ADDED, REJECTED
from elconsole.tasks import TaskRunner
from elconsole.ui.entry.review import ReviewPage
from elconsole.ui.entry.tab import EntryTab
from elconsole.ui.main_window import MainWindow
from elconsole.ui.session import Session

WAIT_MS = 5000
T0 = 1_780_000_000.0  # 2026-05-28T20:26:40Z
COLLECTIONS = ("panel", "panel_status", "panel_defect", "defect", "el")
CTRL = Qt.KeyboardModifier.ControlModifier


class FlakyRepo:
    """The real repository on mongomock, with a switch that makes the store unreachable."""

    def __init__(self, repo: PanelRepository) -> None:
        self.repo = repo
        self.up = True
        self.gate: threading.Event | None = None  # set: lookups answer when it is set
        self.held = threading.Event()  # a lookup waits at the gate
        self.calls = 0
        self.outcomes: list[tuple[str, Outcome]] = []

    def store(self, record: StationRecord) -> Outcome:
        self.calls += 1
        if not self.up:
            raise StoreUnavailable("the store cannot be reached (connection refused)")
        outcome = self.repo.store(record)
        self.outcomes.append((record.barcode, outcome))
        return outcome

    def lookup(self, barcode: str) -> Any:
        up, gate = self.up, self.gate  # as when the call reached the store
        if gate is not None:
            self.held.set()
            assert gate.wait(WAIT_MS / 1000)
        if not up:
            raise StoreUnavailable("the store cannot be reached (connection refused)")
        return self.repo.lookup(barcode)


def ai_raw(barcode: str, t: float, defects: dict[str, Any], ai: str = "0") -> dict[str, Any]:
    return {
        "barcode": barcode,
        "cell_type": "mono",
        "cell_size": "full",
        "cell_amount": 60,
        "el_no": "EL01",
        "create_time": t,
        "ai_result": ai,
        "ai_defects": defects,
        "ai_time": t + 1.5,
    }


@pytest.fixture
def db() -> mongomock.Database:
    return mongomock.MongoClient()["review_test"]


@pytest.fixture
def repo(db: mongomock.Database) -> FlakyRepo:
    return FlakyRepo(PanelRepository(db))


@pytest.fixture
def session(tmp_path: Path, db: mongomock.Database, repo: FlakyRepo) -> Session:
    session = Session(StoreTarget(path=tmp_path / "x.db"), PlantClock(zone("Asia/Shanghai")))
    session.store = SimpleNamespace(repo=repo, db=db)  # type: ignore[assignment]
    session.inbox_dir = tmp_path / "inbox"
    session.spool_dir = tmp_path / "spool"
    session.inbox_settle_s = 0.0
    session.scan_debounce_s = 30.0  # a slow machine must not make two scans of one
    session.inbox_dir.mkdir()
    return session


def open_entry(qtbot: Any, session: Session) -> EntryTab:
    runner = TaskRunner()
    entry = EntryTab(session, runner)
    entry._test_runner = runner  # type: ignore[attr-defined]  # keep it alive
    qtbot.addWidget(entry)
    entry.resize(1280, 800)
    entry.show()
    qtbot.waitExposed(entry)
    entry.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is entry, timeout=WAIT_MS)
    return entry


@pytest.fixture
def entry(qtbot: Any, session: Session) -> Iterator[EntryTab]:
    tab = open_entry(qtbot, session)
    yield tab
    tab.review.poll_timer.stop()
    tab._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


# -- driving helpers ---------------------------------------------------------


def focused(qtbot: Any) -> Any:
    return QApplication.focusWidget()


def keys(qtbot: Any, *presses: Any) -> None:
    """Press keys on whatever has the focus (as a keyboard does)."""
    for press in presses:
        key, mods = press if isinstance(press, tuple) else (press, Qt.KeyboardModifier.NoModifier)
        qtbot.keyClick(QApplication.focusWidget(), key, mods)


def sign_in(qtbot: Any, entry: EntryTab, operator: str = "op7") -> None:
    assert focused(qtbot) is entry.review.sign_in_bar.operator_edit
    qtbot.keyClicks(focused(qtbot), operator)
    keys(qtbot, Qt.Key.Key_Return)
    assert focused(qtbot) is entry.review.scan_edit


def scan(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(focused(qtbot), text)
    keys(qtbot, Qt.Key.Key_Return)


def drop(session: Session, name: str, raw: dict[str, Any]) -> Path:
    assert session.inbox_dir is not None
    path = session.inbox_dir / name
    path.write_text(json.dumps(raw))
    return path


def wait_queue(qtbot: Any, review: ReviewPage, length: int) -> None:
    review.poll_now()
    qtbot.waitUntil(lambda: len(review.queue) == length, timeout=WAIT_MS)


def submit(qtbot: Any, review: ReviewPage) -> None:
    """Ctrl+Enter; a submission made before the earlier tests are known waits for them."""
    keys(qtbot, (Qt.Key.Key_Return, CTRL))
    qtbot.waitUntil(lambda: not review.waiting_for_history, timeout=WAIT_MS)


def history_text(review: ReviewPage) -> str:
    return review.module_view.history_label.text()


def settled(db: mongomock.Database, review: ReviewPage, panels: int) -> bool:
    return review.unsent == 0 and db.panel.count_documents({}) == panels


def documents(db: mongomock.Database) -> dict[str, list[dict[str, Any]]]:
    out = {name: sorted(db[name].find(), key=lambda d: d["_id"]) for name in COLLECTIONS}
    out["el"] = [{"EL_no": d["EL_no"]} for d in out["el"]]  # its _id is the store's own
    return out


def expected_documents(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in COLLECTIONS}
    for raw in records:
        for name, docs in build_documents(Validator().validate(raw)).items():
            out[name] += docs
    stations = sorted({r["el_no"] for r in records})
    out["el"] = [{"EL_no": s} for s in stations]
    return {n: sorted(d, key=lambda x: x.get("_id", "")) for n, d in out.items()}


def judged(raw: dict[str, Any], gui: str, defects: dict[str, Any], gui_time: float) -> dict:
    return {**raw, "gui_result": gui, "gui_defects": defects, "gui_time": gui_time,
            "operator": "op7"}  # fmt: skip


# -- tests -------------------------------------------------------------------


def test_keyboard_only_judging_of_a_queue_stores_exactly_what_was_judged(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database
) -> None:
    review = entry.review
    a = ai_raw("PVA001", T0, {"cr": [[1, 2]], "cs": [[3, 4]]})
    b = ai_raw("PVB002", T0 + 10, {}, ai="1")
    c = ai_raw("PVC003", T0 + 20, {"mr": [[6, 10]]})
    drop(session, "c.json", c)
    drop(session, "a.json", a)
    db.pending.insert_one(dict(b))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 3)
    assert review.queue_label.text() == "Awaiting review: 3"

    # A opens by itself (oldest): reject the crack, keep the cold joint, submit (NG).
    assert review.judgment is not None and review.judgment.half.barcode == "PVA001"
    began = time.time()
    keys(qtbot, Qt.Key.Key_Delete, Qt.Key.Key_Tab, Qt.Key.Key_Insert)
    submit(qtbot, review)
    # B (from the pending collection): add a dark cell at B3, verdict OK anyway.
    assert review.judgment is not None and review.judgment.half.barcode == "PVB002"
    keys(qtbot, Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Right, (Qt.Key.Key_3, CTRL))
    keys(qtbot, Qt.Key.Key_Insert, Qt.Key.Key_F2)
    submit(qtbot, review)
    # C: reject the AI's only mark; the verdict follows (OK).
    assert review.judgment is not None and review.judgment.half.barcode == "PVC003"
    keys(qtbot, Qt.Key.Key_Delete)
    assert review.module_view.ok_button.isChecked()
    submit(qtbot, review)
    assert review.judgment is None
    assert review.queue_label.text() == "Awaiting review: 0"

    qtbot.waitUntil(
        lambda: db.panel.count_documents({}) == 3 and review.unsent == 0, timeout=WAIT_MS
    )
    times = {p["Barcode"]: p["gui_time"] for p in db.panel.find()}
    assert all(began <= t <= time.time() for t in times.values())
    want = [
        judged(a, "0", {"cs": [[3, 4]]}, times["PVA001"]),
        judged(b, "1", {"bc": [[2, 3]]}, times["PVB002"]),
        judged(c, "1", {}, times["PVC003"]),
    ]
    assert documents(db) == expected_documents(want)
    # worked out by hand: A's crack rejected, cold joint confirmed; B's dark cell added
    links = {(d["by"], d["Status"]) for d in db.panel_defect.find()}
    assert links == {("AI", "false"), ("AI", "true"), ("OP", "true")}
    assert {p["operator"] for p in db.panel.find()} == {"op7"}
    assert sorted(p.name for p in session.inbox_dir.iterdir()) == []  # type: ignore[union-attr]
    assert db.pending.count_documents({}) == 0


def test_double_scan_is_one_scan_and_stored_once(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database
) -> None:
    review = entry.review
    session.scanner_prefix, session.scanner_suffix = "]C1", "#"
    drop(session, "1.json", ai_raw("PV1", T0, {}))
    drop(session, "2.json", ai_raw("PV2", T0 + 5, {"cr": [[2, 2]]}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 2)
    scan(qtbot, "  ]C1PV2#  ")
    assert review.judgment is not None and review.judgment.half.barcode == "PV2"
    keys(qtbot, Qt.Key.Key_Delete)
    scan(qtbot, "]C1PV2#")  # the scanner read it twice: nothing changes
    assert review.judgment.marks()[0].fate == REJECTED
    submit(qtbot, review)
    scan(qtbot, "]C1PV2#")  # and once more right after the submission
    assert review.judgment is not None and review.judgment.half.barcode == "PV1"
    assert "No AI result" not in review.message_label.text()
    qtbot.waitUntil(
        lambda: review.unsent == 0 and db.panel.count_documents({}) == 1, timeout=WAIT_MS
    )
    assert db.panel.count_documents({"Barcode": "PV2"}) == 1


def test_module_tested_before_asks_for_a_retest(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database, repo: FlakyRepo
) -> None:
    review = entry.review
    earlier = ai_raw("PV5", T0 - 7200, {"bc": [[1, 1]]}) | {"el_no": "EL02"}
    repo.repo.store(Validator().validate(judged(earlier, "0", {"bc": [[1, 1]]}, T0 - 7100)))
    drop(session, "5.json", ai_raw("PV5", T0, {}, ai="1"))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    history = review.module_view.history_label
    qtbot.waitUntil(lambda: history.text().startswith("Tested before"), timeout=WAIT_MS)
    assert "1 time(s); last NG at" in history.text() and history.text().endswith("on EL02.")

    submit(qtbot, review)
    assert review.retest_prompt.isVisible()
    assert "PV5 has 1 stored test(s); the last was NG" in review.retest_label.text()
    keys(qtbot, Qt.Key.Key_Escape)  # no: back to the module
    assert not review.retest_prompt.isVisible()
    assert review.judgment is not None
    submit(qtbot, review)
    submit(qtbot, review)  # yes, a re-test
    qtbot.waitUntil(lambda: db.panel.count_documents({"Barcode": "PV5"}) == 2, timeout=WAIT_MS)
    assert review.judgment is None


def test_a_late_answer_of_an_earlier_lookup_does_not_count(
    qtbot: Any, entry: EntryTab, session: Session, repo: FlakyRepo
) -> None:
    review = entry.review
    drop(session, "1.json", ai_raw("PV1", T0, {}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    qtbot.waitUntil(lambda: entry._test_runner.busy == 0, timeout=WAIT_MS)  # type: ignore[attr-defined]
    repo.gate = threading.Event()
    review.open_item(review.queue.first())  # this lookup reached a store that answered...
    assert repo.held.wait(WAIT_MS / 1000)
    repo.up, gate, repo.gate = False, repo.gate, None
    review.open_item(review.queue.first())  # ...this one a store that is gone
    qtbot.waitUntil(lambda: "could not be looked up" in history_text(review), timeout=WAIT_MS)
    gate.set()  # the first answers now, "never tested": too late to count
    qtbot.waitUntil(lambda: entry._test_runner.busy == 0, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "could not be looked up" in history_text(review)
    keys(qtbot, (Qt.Key.Key_Return, CTRL))
    assert review.retest_prompt.isVisible()
    assert "cannot be looked up" in review.retest_label.text()


def test_unreachable_store_spools_and_sends_once_when_it_answers(
    qtbot: Any,
    entry: EntryTab,
    session: Session,
    db: mongomock.Database,
    repo: FlakyRepo,
    caplog: Any,
) -> None:
    review = entry.review
    drop(session, "1.json", ai_raw("PV1", T0, {"cr": [[1, 1]]}))
    drop(session, "2.json", ai_raw("PV2", T0 + 5, {}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 2)
    repo.up = False
    review.open_item(review.queue.first())  # looks the earlier tests up again: fails
    for barcode in ("PV1", "PV2"):
        # the re-test question cannot be asked: the operator is told and answers
        qtbot.waitUntil(lambda: "could not be looked up" in history_text(review), timeout=WAIT_MS)
        submit(qtbot, review)
        assert review.retest_prompt.isVisible()
        assert review.retest_label.text() == (
            f"The earlier tests of {barcode} cannot be looked up (the store cannot be reached"
            " (connection refused)), so nobody can tell whether this is a re-test. Store it anyway?"
        )
        assert review.retest_yes.text() == "Store anyway  (Ctrl+Enter)"
        submit(qtbot, review)  # yes
    qtbot.waitUntil(lambda: review.unsent == 2 and repo.calls == 2, timeout=WAIT_MS)
    assert "PV2 stored without the re-test check: earlier tests unknown" in caplog.text
    qtbot.waitUntil(lambda: "2 judgment(s) wait" in review.unsent_label.text(), timeout=WAIT_MS)
    assert len(list(session.spool_dir.glob("*.json"))) == 2  # type: ignore[union-attr]
    assert db.panel.count_documents({}) == 0
    assert "kept on this station" in review.message_label.text()
    assert entry.close_warning() is not None and entry.close_warning().startswith("2 judgment")

    repo.up = True
    review.poll_now()
    qtbot.waitUntil(lambda: review.unsent == 0, timeout=WAIT_MS)
    assert review.unsent_label.text() == "All judgments are stored"
    assert sorted(p["Barcode"] for p in db.panel.find()) == ["PV1", "PV2"]
    stored_once = [("PV1", Outcome.STORED), ("PV2", Outcome.STORED)]
    assert repo.outcomes == stored_once  # each judgment stored once after the store came back
    review.poll_now()
    qtbot.wait(300)
    assert repo.outcomes == stored_once
    assert entry.close_warning() is None


def test_close_warns_with_unsent_judgments_and_next_start_sends_them(
    qtbot: Any, session: Session, db: mongomock.Database, repo: FlakyRepo, monkeypatch: Any
) -> None:
    window = MainWindow(session, TaskRunner())
    qtbot.addWidget(window)
    window.show()
    review = window.entry_tab.review
    drop(session, "1.json", ai_raw("PV1", T0, {}))
    qtbot.keyClicks(review.sign_in_bar.operator_edit, "op7")
    qtbot.keyClick(review.sign_in_bar.operator_edit, Qt.Key.Key_Return)
    assert window.operator_label.text() == "operator op7"
    wait_queue(qtbot, review, 1)
    repo.up = False
    review.submit()
    qtbot.waitUntil(lambda: review.unsent == 1 and repo.calls == 1, timeout=WAIT_MS)

    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    session_store = session.store
    window.close()
    assert window.isVisible()  # the operator chose to stay
    assert asked and asked[0].startswith("1 judgment(s) have not reached the store yet")
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    session_store.close = lambda: None  # type: ignore[union-attr]
    window.close()
    assert not window.isVisible()
    assert len(list(session.spool_dir.glob("*.json"))) == 1  # type: ignore[union-attr]

    session.store = session_store  # the next start
    repo.up = True
    again = open_entry(qtbot, session)
    again.store_opened()
    qtbot.waitUntil(lambda: db.panel.count_documents({}) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: again.review.unsent == 0, timeout=WAIT_MS)
    assert db.panel.find_one()["operator"] == "op7"
    again.review.poll_timer.stop()
    again._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


def test_refused_inbox_file_is_moved_aside_with_its_reason(
    qtbot: Any, entry: EntryTab, session: Session
) -> None:
    review = entry.review
    bad = ai_raw("PV9", T0, {"cr": [[7, 1]]})
    drop(session, "bad.json", bad)
    with qtbot.waitSignal(entry.status_message, timeout=WAIT_MS) as blocker:
        review.poll_now()
    reason = (
        "ai_defects.cr: [7, 1] — position R7C1 is off the module's grid (rows 1-6, columns 1-10)"
    )
    assert blocker.args == [f"AI result bad.json refused: {reason}"]
    refused = session.inbox_dir / "refused"  # type: ignore[operator]
    assert json.loads((refused / "bad.json").read_text()) == bad
    assert (refused / "bad.json.reason.txt").read_text() == reason + "\n"
    assert len(review.queue) == 0


def test_scanning_needs_a_signed_in_operator_and_sign_out_works(
    qtbot: Any, entry: EntryTab, session: Session
) -> None:
    review = entry.review
    assert not review.scan_edit.isEnabled()
    assert review.sign_in_bar.operator_edit.hasFocus()
    keys(qtbot, Qt.Key.Key_Return)  # an empty id signs nobody in
    assert session.operator is None
    sign_in(qtbot, entry, " op8 ")
    assert session.operator == "op8"
    assert review.sign_in_bar.operator_label.text() == "Operator: op8"
    keys(qtbot, (Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier))
    assert session.operator is None
    assert review.sign_in_bar.operator_edit.hasFocus()


def test_mouse_does_what_the_keys_do(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database
) -> None:
    review = entry.review
    drop(session, "1.json", ai_raw("PV1", T0, {"cr": [[1, 1]]}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    grid = review.module_view.grid_view
    for row, col in ((1, 1), (2, 5)):  # reject A1; add a crack at B5
        point = grid.cell_rect(row, col).center().toPoint()
        qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=point)
    assert [(m.label, m.fate) for m in review.judgment.marks()] == [  # type: ignore[union-attr]
        ("A1", REJECTED),
        ("B5", ADDED),
    ]
    qtbot.mouseClick(review.module_view.ok_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(review.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: db.panel.count_documents({}) == 1, timeout=WAIT_MS)
    statuses = {d["by"]: d["result"] for d in db.panel_status.find()}
    assert statuses == {"AI": "0", "OP": "1"}


def test_manual_entry_is_one_key_away(qtbot: Any, entry: EntryTab) -> None:
    keys(qtbot, Qt.Key.Key_F10)
    assert entry.pages.currentWidget() is entry.manual
    assert entry.manual.form.barcode_edit.hasFocus()
    keys(qtbot, Qt.Key.Key_F9)
    assert entry.pages.currentWidget() is entry.review


def test_pending_documents_on_a_real_server_are_judged_and_consumed(
    qtbot: Any, tmp_path: Path, embedded_store: Any
) -> None:
    for name in (*COLLECTIONS, "pending"):
        embedded_store.db.drop_collection(name)
    session = Session(embedded_store.target, PlantClock(zone("Asia/Shanghai")))
    session.store = embedded_store
    session.inbox_dir, session.spool_dir = tmp_path / "inbox", tmp_path / "spool"
    first = ai_raw("PVE2", T0 + 9, {"cs": [[2, 2]]})
    embedded_store.db.pending.insert_many([first, ai_raw("PVE1", T0, {})])
    entry = open_entry(qtbot, session)
    review = entry.review
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 2)
    assert review.judgment is not None and review.judgment.half.barcode == "PVE1"
    submit(qtbot, review)
    keys(qtbot, Qt.Key.Key_Delete)  # PVE2: the cold joint is rejected
    submit(qtbot, review)
    db = embedded_store.db
    qtbot.waitUntil(lambda: db.pending.count_documents({}) == 0, timeout=WAIT_MS)
    verdicts = {p["Barcode"]: p["summary"]["op"] for p in db.panel.find()}
    statuses = sorted((d["by"], d["result"]) for d in db.panel_status.find())
    assert statuses == [("AI", "0"), ("AI", "0"), ("OP", "1"), ("OP", "1")]
    assert db.panel_defect.find_one({})["Status"] == "false"
    assert verdicts == {"PVE1": "1", "PVE2": "1"}
    review.poll_timer.stop()
    entry._test_runner.wait(WAIT_MS)  # type: ignore[attr-defined]


def test_a_long_shift_of_qt_calls_does_not_run_none_out(qtbot: Any, entry: EntryTab) -> None:
    label = entry.review.message_label
    for _ in range(20_000):  # PySide6 6.12.0 on Python 3.11 lost a None per call
        label.setText("x")
    assert label.text() == "x"


def test_module_scanned_before_its_ai_result_opens_when_it_arrives(
    qtbot: Any, entry: EntryTab, session: Session
) -> None:
    review = entry.review
    sign_in(qtbot, entry)
    scan(qtbot, "PV7")
    assert review.message_label.text().startswith("No AI result for PV7 is waiting yet")
    drop(session, "7.json", ai_raw("PV7", T0, {}))
    drop(session, "6.json", ai_raw("PV6", T0 - 60, {}))  # older, but not the one scanned
    wait_queue(qtbot, review, 2)
    assert review.judgment is not None and review.judgment.half.barcode == "PV7"


# -- hardening found by driving the real window ------------------------------------


class Gate:
    """Holds a background store call until the test lets it through."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def wait(self) -> None:
        assert self.open.wait(WAIT_MS / 1000)


def test_a_submission_the_store_does_not_answer_is_counted_as_waiting(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database, repo: FlakyRepo
) -> None:
    # A paused server answers nothing: the judgment is on disk but not stored, and the
    # operator must not read "All judgments are stored" meanwhile.
    review = entry.review
    gate = Gate()
    store = repo.store
    repo.store = lambda record: (gate.wait(), store(record))[1]  # type: ignore[method-assign]
    drop(session, "1.json", ai_raw("PV1", T0, {}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    qtbot.waitUntil(lambda: history_text(review) == "", timeout=WAIT_MS)
    submit(qtbot, review)
    qtbot.waitUntil(lambda: not review.unsent_timer.isActive(), timeout=WAIT_MS)
    assert review.unsent_label.text() == "1 judgment(s) wait to be sent to the store"
    gate.open.set()
    qtbot.waitUntil(lambda: review.unsent == 0, timeout=WAIT_MS)
    assert review.unsent_label.text() == "All judgments are stored"
    assert db.panel.count_documents({"Barcode": "PV1"}) == 1


def test_submitting_before_the_history_arrives_still_asks_for_a_retest(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database, repo: FlakyRepo
) -> None:
    review = entry.review
    earlier = ai_raw("PV5", T0 - 7200, {})
    repo.repo.store(Validator().validate(judged(earlier, "1", {}, T0 - 7100)))
    gate = Gate()
    lookup = repo.lookup
    repo.lookup = lambda barcode: (gate.wait(), lookup(barcode))[1]  # type: ignore[method-assign]
    drop(session, "5.json", ai_raw("PV5", T0, {}, ai="1"))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    keys(qtbot, (Qt.Key.Key_Return, CTRL))  # at once, before the earlier tests are known
    assert review.retest_label.text() == (
        "Looking up the earlier tests of PV5… Store it without knowing whether this is a re-test?"
    )
    keys(qtbot, Qt.Key.Key_Delete, Qt.Key.Key_F3)  # no edits while the question is open
    assert review.judgment is not None and review.judgment.verdict() == "1"
    gate.open.set()
    qtbot.waitUntil(lambda: "stored test" in review.retest_label.text(), timeout=WAIT_MS)
    assert review.retest_label.text().startswith("PV5 has 1 stored test(s); the last was OK at")
    assert db.panel.count_documents({}) == 1  # only the earlier test
    submit(qtbot, review)  # yes
    qtbot.waitUntil(lambda: db.panel.count_documents({"Barcode": "PV5"}) == 2, timeout=WAIT_MS)


def test_scanning_another_module_keeps_the_open_one_s_changes(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database
) -> None:
    review = entry.review
    drop(session, "1.json", ai_raw("PV1", T0, {"cr": [[1, 2]], "cs": [[3, 4]]}))
    drop(session, "2.json", ai_raw("PV2", T0 + 5, {}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 2)
    keys(qtbot, Qt.Key.Key_Delete, Qt.Key.Key_F2)  # PV1: crack A2 rejected, verdict OK
    scan(qtbot, "PV2")
    assert review.judgment is not None and review.judgment.half.barcode == "PV2"
    assert (
        review.message_label.text() == "Your changes to PV1 are kept; scan it again to finish it."
    )
    scan(qtbot, "PV1")
    assert [(m.label, m.fate) for m in review.judgment.marks()] == [
        ("A2", REJECTED),
        ("C4", "ai_confirmed"),
    ]
    assert review.judgment.verdict() == "1"
    submit(qtbot, review)
    qtbot.waitUntil(lambda: db.panel.count_documents({}) == 1, timeout=WAIT_MS)
    panel = db.panel.find_one({})
    assert (panel["Barcode"], panel["summary"]["op"]) == ("PV1", "1")


def test_new_defect_types_from_the_settings_reach_the_type_buttons(
    qtbot: Any, entry: EntryTab, session: Session, db: mongomock.Database
) -> None:
    review = entry.review
    types = (*DEFAULT_DEFECT_TYPES, DefectType("br", "Broken cell", "#123456"))
    session.catalog = DefectCatalog(types)
    session.validator = Validator(session.catalog)
    entry.store_opened()  # what MainWindow.apply_settings does
    assert list(review.type_buttons) == ["cr", "cs", "bc", "mr", "br"]
    assert review.type_buttons["br"].text() == "Ctrl+5 Broken cell"
    drop(session, "1.json", ai_raw("PV1", T0, {}, ai="1"))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    keys(qtbot, Qt.Key.Key_Down, (Qt.Key.Key_5, CTRL), Qt.Key.Key_Insert)  # a broken cell at B1
    submit(qtbot, review)
    qtbot.waitUntil(lambda: db.defect.count_documents({}) == 1, timeout=WAIT_MS)
    defect = db.defect.find_one({})
    assert (defect["Type"], defect["Position"], defect["by"]) == ("br", [2, 1], "OP")


def test_the_review_fits_a_1280_by_800_screen_with_the_question_open(
    qtbot: Any, entry: EntryTab, session: Session, repo: FlakyRepo
) -> None:
    # 800 px less the title bar, menu, tab bar and status bar (about 160 px) leave 640 px
    # for the tab; the grid used to keep 420 px and the tab needed 803 px with the prompt.
    review = entry.review
    earlier = ai_raw("PV5", T0 - 7200, {})
    repo.repo.store(Validator().validate(judged(earlier, "1", {}, T0 - 7100)))
    drop(session, "5.json", ai_raw("PV5", T0, {"cr": [[1, 1]]}))
    sign_in(qtbot, entry)
    wait_queue(qtbot, review, 1)
    qtbot.waitUntil(lambda: history_text(review).startswith("Tested before"), timeout=WAIT_MS)
    submit(qtbot, review)
    assert review.retest_prompt.isVisible()
    assert entry.minimumSizeHint().height() <= 640
    entry.resize(1280, 640)
    qtbot.waitUntil(lambda: entry.height() == 640, timeout=WAIT_MS)
    bottom = review.unsent_label.mapTo(entry, review.unsent_label.rect().bottomLeft()).y()
    assert bottom <= 640 and review.module_view.grid_view.height() >= 160


def test_the_open_module_names_its_layout_and_the_zone_of_its_time(
    qtbot: Any, entry: EntryTab, session: Session
) -> None:
    raw = {**ai_raw("PV1", T0, {"cr": [[1, 1]]}), "cell_size": "half", "cell_amount": 120}
    drop(session, "1.json", raw)
    sign_in(qtbot, entry)
    wait_queue(qtbot, entry.review, 1)
    qtbot.waitUntil(lambda: entry.review.judgment is not None, timeout=WAIT_MS)
    local = dt.datetime.fromtimestamp(T0, ZoneInfo("Asia/Shanghai"))
    assert entry.review.module_view.details_label.text() == (
        f"Station EL01 · mono half 120 cells · imaged {local:%Y-%m-%d %H:%M:%S} CST"
        " · AI verdict NG, 1 defect(s)"
    )
