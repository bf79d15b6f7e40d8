"""The review station: AI results queue up, the operator scans, judges and submits."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from elconsole.data.errors import StoreError, StoreUnavailable
from elconsole.data.pending import PendingQueue, id_from_json, id_to_json
from elconsole.data.repository import Outcome
from elconsole.domain.history import StoredTest
from elconsole.domain.records import RecordError, verdict_label
from elconsole.review.inbox import Inbox
from elconsole.review.judgment import NG, OK, Judgment
from elconsole.review.paths import default_inbox_dir, default_spool_dir
from elconsole.review.queue import Identity, ReviewItem, ReviewQueue
from elconsole.review.scan import ScanDebouncer, clean_scan
from elconsole.review.spool import Spool
from elconsole.review.station import Delivery, PollResult, ReviewStation
from elconsole.tasks import TaskRunner
from elconsole.ui.entry.defects import CHECKED_STYLE, swatch
from elconsole.ui.entry.module_view import ModuleView
from elconsole.ui.entry.signin import SignInBar
from elconsole.ui.session import Session

log = logging.getLogger(__name__)

POLL_MS = 2000
QUEUE_SHOWN = 200
QUEUE_WIDTH = 260
UNSENT_SHOWN_MS = 700  # a submission still unanswered after this counts as waiting
SUBMIT_THREADS = 2
MAX_TYPE_KEYS = 9
TYPES_PER_ROW = 2
STYLES = {
    "ok": "color: #1a7f37; font-weight: bold;",
    "note": "color: #b07000; font-weight: bold;",
    "error": "color: #d62728; font-weight: bold;",
    "quiet": "color: #666666;",
}
PROMPT_STYLE = "QFrame#retest_prompt { background: #fff3cd; border: 2px solid #b07000; }"
NO_MODS = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MODS = CTRL | SHIFT | Qt.KeyboardModifier.AltModifier


@dataclass(frozen=True)
class KeyAction:
    """What a key does while reviewing; ``free_text`` keys act only with an empty scan field."""

    run: Callable[[], None]
    free_text: bool = False


class ReviewPage(QWidget):
    """Judging modules whose AI result arrived, by keyboard or mouse.

    Signals:
        status_message(str): a sentence for the status bar.
        panel_submitted(str): a judgment of this barcode was stored.
        operator_changed(str): who signed in ("" after signing out).
        unsent_changed(int): how many judgments wait on this station's disk.
    """

    status_message = Signal(str)
    panel_submitted = Signal(str)
    operator_changed = Signal(str)
    unsent_changed = Signal(int)

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        # Judgments have threads of their own: behind store calls that wait for a
        # paused server they would reach the station's disk only when those end.
        # Two, so that one stuck in the store leaves the other to keep the next.
        self._submitter = TaskRunner(self, threads=SUBMIT_THREADS)
        self._queue = ReviewQueue()
        self._debouncer = ScanDebouncer(session.scan_debounce_s)
        self._item: ReviewItem | None = None
        self._judgment: Judgment | None = None
        self._history: list[StoredTest] | None = None
        self._history_error: str | None = None  # why earlier tests could not be looked up
        self._retest_ok = False
        self._lookup_serial = 0  # only the newest lookup's answer counts
        self._answered_serial = 0  # the newest lookup that has answered
        self._prompt_kind: str | None = None  # "retest" or "unknown" while the prompt shows
        self._drafts: dict[Identity, Judgment] = {}  # judgments left open by a scan
        self._in_flight = 0
        self._polling = False
        self._flushing = False
        self._spool_count = 0
        self._wanted: str | None = None  # scanned before its AI result arrived
        self._spool_news = 0  # counts updates of _spool_count, to tell a stale count
        self._build()
        self._keys = self._key_table()
        self._connect_signals()
        self._show_queue()
        self._show_unsent()
        self._show_signed_in()

    # -- building --------------------------------------------------------

    def _build(self) -> None:
        self.sign_in_bar = SignInBar()
        self.module_view = ModuleView(self._session.catalog, self._session.clock)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.unsent_timer = QTimer(self)  # shows judgments still on their way after a while
        self.unsent_timer.setSingleShot(True)
        self.unsent_timer.setInterval(UNSENT_SHOWN_MS)
        left = QVBoxLayout()
        left.addLayout(self._build_scan_row())
        left.addWidget(self.module_view, 1)
        left.addLayout(self._build_action_row())
        left.addWidget(self._build_prompt())
        left.addStretch(0)
        main = QHBoxLayout()
        main.addLayout(left, 1)
        main.addLayout(self._build_queue_column())
        column = QVBoxLayout(self)
        column.addWidget(self.sign_in_bar)
        column.addLayout(main, 1)
        column.addWidget(self._build_hint())
        column.addLayout(self._build_message_row())

    def _build_scan_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        label = QLabel(self.tr("&Scan barcode:"))
        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("scan_edit")
        self.scan_edit.setPlaceholderText(self.tr("scan a module, or type its barcode and Enter"))
        self.scan_edit.setMinimumWidth(260)
        label.setBuddy(self.scan_edit)
        row.addWidget(label)
        row.addWidget(self.scan_edit, 1)
        return row

    def _build_action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Add defect type:")), 0, Qt.AlignmentFlag.AlignTop)
        self.type_grid = QGridLayout()
        row.addLayout(self.type_grid)
        self.type_group = QButtonGroup(self)
        self.type_buttons: dict[str, QToolButton] = {}
        self._fill_type_buttons()
        row.addStretch(1)
        self.submit_button = QPushButton(self.tr("Submit  (Ctrl+Enter)"))
        self.submit_button.setObjectName("submit_review")
        self.submit_button.setMinimumWidth(170)
        self.submit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _fill_type_buttons(self) -> None:
        """(Re)make one button per defect type of the session's catalog."""
        for button in self.type_buttons.values():
            self.type_group.removeButton(button)
            button.deleteLater()
        self.type_buttons = {}
        self._catalog = self._session.catalog
        for index, kind in enumerate(self._catalog):
            button = QToolButton()
            key = f"Ctrl+{index + 1} " if index < MAX_TYPE_KEYS else ""
            button.setText(f"{key}{kind.label}")
            button.setIcon(swatch(kind.colour))
            button.setCheckable(True)
            button.setStyleSheet(CHECKED_STYLE)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.type_group.addButton(button)
            self.type_buttons[kind.code] = button
            self.type_grid.addWidget(button, *divmod(index, TYPES_PER_ROW))
        if self.type_buttons:
            next(iter(self.type_buttons.values())).setChecked(True)

    def _build_prompt(self) -> QFrame:
        self.retest_prompt = QFrame()
        self.retest_prompt.setObjectName("retest_prompt")
        self.retest_prompt.setStyleSheet(PROMPT_STYLE)
        row = QHBoxLayout(self.retest_prompt)
        self.retest_label = QLabel()
        self.retest_label.setWordWrap(True)
        self.retest_yes = QPushButton(self.tr("Store as a re-test  (Ctrl+Enter)"))
        self.retest_no = QPushButton(self.tr("Go back  (Esc)"))
        for button in (self.retest_yes, self.retest_no):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.retest_label, 1)
        row.addWidget(self.retest_yes)
        row.addWidget(self.retest_no)
        self.retest_prompt.hide()
        return self.retest_prompt

    def _build_queue_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.queue_label = QLabel()
        self.queue_label.setObjectName("queue_label")
        self.queue_label.setStyleSheet("font-weight: bold;")
        self.queue_list = QListWidget()
        self.queue_list.setFixedWidth(QUEUE_WIDTH)
        self.queue_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue_list.setToolTip(self.tr("Oldest first; click a module to open it"))
        column.addWidget(self.queue_label)
        column.addWidget(self.queue_list, 1)
        return column

    def _build_hint(self) -> QLabel:
        self.hint_label = QLabel(
            self.tr(
                "Keys: scan opens a module · ←↑→↓ cell · Tab / Shift+Tab next / previous defect"
                " · Ins keep or add · Del reject · Ctrl+1…4 type to add · F2 OK · F3 NG"
                " · F4 verdict from defects · Ctrl+Enter submit · Esc cancel"
            )
        )
        self.hint_label.setObjectName("hint_label")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(STYLES["quiet"])
        return self.hint_label

    def _build_message_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.message_label = QLabel()
        self.message_label.setObjectName("review_message")
        self.message_label.setWordWrap(True)
        self.unsent_label = QLabel()
        self.unsent_label.setObjectName("unsent_label")
        row.addWidget(self.message_label, 1)
        row.addWidget(self.unsent_label)
        return row

    def _key_table(self) -> dict[tuple[Qt.Key, Any], KeyAction]:
        key = Qt.Key
        table: dict[tuple[Qt.Key, Any], KeyAction] = {
            (key.Key_Up, NO_MODS): KeyAction(lambda: self._move(-1, 0), True),
            (key.Key_Down, NO_MODS): KeyAction(lambda: self._move(1, 0), True),
            (key.Key_Left, NO_MODS): KeyAction(lambda: self._move(0, -1), True),
            (key.Key_Right, NO_MODS): KeyAction(lambda: self._move(0, 1), True),
            (key.Key_Tab, NO_MODS): KeyAction(lambda: self._change(lambda j: j.step(1))),
            (key.Key_Backtab, SHIFT): KeyAction(lambda: self._change(lambda j: j.step(-1))),
            (key.Key_Insert, NO_MODS): KeyAction(lambda: self._change(Judgment.keep)),
            (key.Key_Delete, NO_MODS): KeyAction(lambda: self._change(Judgment.reject), True),
            (key.Key_F2, NO_MODS): KeyAction(lambda: self.set_verdict(OK)),
            (key.Key_F3, NO_MODS): KeyAction(lambda: self.set_verdict(NG)),
            (key.Key_F4, NO_MODS): KeyAction(lambda: self.set_verdict(None)),
            (key.Key_Return, CTRL): KeyAction(self.submit),
            (key.Key_Enter, CTRL): KeyAction(self.submit),
            (key.Key_Escape, NO_MODS): KeyAction(self._on_escape),
            (key.Key_L, CTRL | SHIFT): KeyAction(self.sign_in_bar.sign_out),
        }
        for index, code in enumerate(list(self.type_buttons)[:MAX_TYPE_KEYS]):
            digit = key(key.Key_1.value + index)
            table[(digit, CTRL)] = KeyAction(self._chooser(code))
        return table

    def _chooser(self, code: str) -> Callable[[], None]:
        return lambda: self.choose_type(code)

    def _connect_signals(self) -> None:
        self.scan_edit.returnPressed.connect(self._on_scan_edit_return_pressed)
        self.scan_edit.installEventFilter(self)
        self.sign_in_bar.operator_changed.connect(self._on_sign_in_bar_operator_changed)
        self.module_view.cell_clicked.connect(self._on_module_view_cell_clicked)
        self.module_view.verdict_clicked.connect(self.set_verdict)
        self.submit_button.clicked.connect(self.submit)
        self.retest_yes.clicked.connect(self._on_retest_yes_clicked)
        self.retest_no.clicked.connect(self._hide_prompt)
        self.queue_list.itemClicked.connect(self._on_queue_list_item_clicked)
        self.type_group.buttonToggled.connect(self._on_type_group_button_toggled)
        self.poll_timer.timeout.connect(self.poll_now)
        self.unsent_timer.timeout.connect(self._show_unsent)

    # -- public ----------------------------------------------------------

    def store_opened(self) -> None:
        """Take the session's defect types and clock (after a settings change), then poll."""
        if self._session.catalog is not self._catalog:
            self._fill_type_buttons()
            self._keys = self._key_table()
            self.module_view.set_context(self._session.catalog, self._session.clock)
            if self._judgment is not None:
                self._judgment.add_code = self._add_code()
                self.module_view.show_judgment(self._judgment)
        self._retry_history()
        self.poll_now()

    def start(self) -> None:
        """Start watching for AI results and sending kept judgments (every 2 s)."""
        if not self.poll_timer.isActive():
            self.poll_timer.start()
        self.poll_now()

    @property
    def queue(self) -> ReviewQueue:
        return self._queue

    @property
    def judgment(self) -> Judgment | None:
        return self._judgment

    @property
    def waiting_for_history(self) -> bool:
        """Whether a submission waits for the module's earlier tests to be looked up."""
        return self._prompt_kind == "unknown" and self._history_error is None

    @property
    def unsent(self) -> int:
        """Return how many judgments are not known to be stored yet."""
        return max(self._spool_count, self._in_flight)

    def wait_for_submissions(self, msecs: int) -> bool:
        """Wait (the window is closing) for judgments on their way; True if all ended."""
        return self._submitter.wait(msecs)

    def unsent_on_disk(self) -> int:
        """Count the spool's files now (a quick look at one folder)."""
        return self._spool().count()

    def scan(self, text: str) -> None:
        """Open the module of a scanned barcode (what Enter in the scan field does)."""
        barcode = clean_scan(text, self._session.scanner_prefix, self._session.scanner_suffix)
        self.scan_edit.clear()
        if not barcode:
            return
        if not self._debouncer.accept(barcode):
            log.info("%s scanned again within %.1f s; one scan", barcode, self._debouncer.window_s)
            return
        if self._item is not None and self._item.barcode == barcode:
            return
        item = self._queue.find(barcode)
        if item is None:
            self._wanted = barcode
            self._say(
                self.tr(
                    "No AI result for {0} is waiting yet; it opens when it arrives."
                    " Without an AI result use Manual entry (F10)."
                ).format(barcode),
                "note",
            )
            return
        self.open_item(item)

    def open_item(self, item: ReviewItem) -> None:
        """Show a queued module for judging and look its earlier tests up.

        A module left with changes keeps them until it is opened again.
        """
        self._keep_draft()
        self._wanted = None
        self._item = item
        self._judgment = self._drafts.pop(item.identity, None) or Judgment(
            item.half, self._add_code()
        )
        self._history = self._history_error = None
        self._retest_ok = False
        self._close_prompt()
        self.module_view.show_judgment(self._judgment)
        self.module_view.history_label.setText(self.tr("Looking for earlier tests…"))
        self._show_queue()
        self._load_history(item)

    def submit(self) -> None:
        """Store the open judgment (asking first for a re-test), then open the next."""
        judgment, item = self._judgment, self._item
        if judgment is None or item is None:
            self._say(self.tr("No module is open; scan one first."), "note")
            return
        if not self.sign_in_bar.operator:
            self._say(self.tr("Sign in with your operator id before submitting."), "error")
            self.sign_in_bar.operator_edit.setFocus()
            return
        if self._ask_retest():
            return
        raw = judgment.record(time.time(), self.sign_in_bar.operator, self._session.catalog.codes)
        try:
            self._session.validator.validate(raw)
        except RecordError as exc:
            self._say(self.tr("Not stored: {0}").format(str(exc)), "error")
            return
        self._send(item, raw)

    def set_verdict(self, code: str | None) -> None:
        """Choose the operator's verdict (None: NG with kept defects, else OK)."""
        self._change(lambda j: j.set_verdict(code))

    def choose_type(self, code: str) -> None:
        """Choose the type of the defects added from now on."""
        self.type_buttons[code].setChecked(True)

    # -- keys ------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.scan_edit and event.type() == QEvent.Type.KeyPress:
            return self._on_key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _on_key(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & MODS
        action = self._keys.get((Qt.Key(event.key()), mods))
        if action is None or (action.free_text and self.scan_edit.text()):
            return False
        action.run()
        return True

    def _keep_draft(self) -> None:
        judgment, item = self._judgment, self._item
        if judgment is None or item is None or not judgment.changed:
            return
        self._drafts[item.identity] = judgment
        text = self.tr("Your changes to {0} are kept; scan it again to finish it.")
        self._say(text.format(item.barcode), "note")

    def _on_escape(self) -> None:
        if self.retest_prompt.isVisible():
            self._hide_prompt()
        else:
            self.scan_edit.clear()

    # -- slots -----------------------------------------------------------

    def _on_scan_edit_return_pressed(self) -> None:
        if not self.sign_in_bar.operator:
            self.scan_edit.clear()
            self._say(self.tr("Sign in with your operator id first."), "error")
            self.sign_in_bar.operator_edit.setFocus()
            return
        self.scan(self.scan_edit.text())

    def _on_sign_in_bar_operator_changed(self, operator: str) -> None:
        self._session.operator = operator or None
        self._show_signed_in()
        self.operator_changed.emit(operator)
        if operator:
            self._say(self.tr("{0} signed in.").format(operator), "ok")
            self.scan_edit.setFocus()
            self._open_next_if_idle()
        else:
            self._say(self.tr("Signed out. The next operator signs in here."), "note")

    def _on_module_view_cell_clicked(self, row: int, col: int) -> None:
        self._change(lambda j: j.click(row, col))
        self.scan_edit.setFocus()

    def _on_queue_list_item_clicked(self, list_item: Any) -> None:
        identity = list_item.data(Qt.ItemDataRole.UserRole)
        chosen = next((i for i in self._queue.items() if i.identity == tuple(identity)), None)
        if chosen is not None and chosen is not self._item:
            self.open_item(chosen)
        self.scan_edit.setFocus()

    def _on_type_group_button_toggled(self, _button: Any, _on: bool) -> None:
        if self._judgment is not None:
            self._judgment.add_code = self._add_code()

    def _on_retest_yes_clicked(self) -> None:
        self._answer_yes()
        self.submit()

    # -- judging ---------------------------------------------------------

    def _move(self, d_row: int, d_col: int) -> None:
        self._change(lambda j: j.move(d_row, d_col))

    def _change(self, edit: Callable[[Judgment], object]) -> None:
        if self._judgment is None or self.retest_prompt.isVisible():
            return
        edit(self._judgment)
        self.module_view.refresh(self._judgment)

    def _add_code(self) -> str:
        for code, button in self.type_buttons.items():
            if button.isChecked():
                return code
        return self._session.catalog.codes[0]

    def _ask_retest(self) -> bool:
        """Ask first when the module was tested before or that is unknown; True if asked."""
        if self._retest_ok:
            return False
        if self.retest_prompt.isVisible():  # Ctrl+Enter again answers yes
            self._answer_yes()
            return False
        if self._history is None:  # stored once they arrive without earlier tests
            self._show_prompt("unknown", self._unknown_text())
            return True
        earlier = self._earlier_tests()
        if not earlier:
            return False
        last = max(earlier, key=lambda t: t.create_time)
        self._show_prompt(
            "retest",
            self.tr(
                "{0} has {1} stored test(s); the last was {2} at {3}. Is this a re-test?"
            ).format(
                self._item.barcode if self._item else "",
                QLocale().toString(len(earlier)),
                verdict_label(last.op),
                self.module_view.format_time(last.create_time),
            ),
        )
        return True

    def _unknown_text(self) -> str:
        barcode = self._item.barcode if self._item else ""
        if self._history_error is None:
            text = self.tr(
                "Looking up the earlier tests of {0}… Store it without knowing whether"
                " this is a re-test?"
            )
            return text.format(barcode)
        text = self.tr(
            "The earlier tests of {0} cannot be looked up ({1}), so nobody can tell whether"
            " this is a re-test. Store it anyway?"
        )
        return text.format(barcode, self._history_error)

    def _show_prompt(self, kind: str, text: str) -> None:
        self._prompt_kind = kind
        yes = (
            self.tr("Store as a re-test  (Ctrl+Enter)")
            if kind == "retest"
            else self.tr("Store anyway  (Ctrl+Enter)")
        )
        self.retest_yes.setText(yes)
        self.retest_label.setText(text)
        self.retest_prompt.show()

    def _answer_yes(self) -> None:
        self._retest_ok = True
        if self._prompt_kind == "unknown" and self._item is not None:
            log.warning(
                "%s stored without the re-test check: earlier tests unknown (%s)",
                self._item.barcode,
                self._history_error or "still being looked up",
            )

    def _earlier_tests(self) -> list[StoredTest]:
        if self._history is None or self._item is None:
            return []
        same = self._item.identity[1:]
        return [t for t in self._history if (t.el_no, t.create_time) != same]

    def _hide_prompt(self) -> None:
        self._close_prompt()
        self.scan_edit.setFocus()

    def _close_prompt(self) -> None:
        self._prompt_kind = None
        self.retest_prompt.hide()

    # -- background work -------------------------------------------------

    def _station(self) -> ReviewStation:
        session = self._session
        folder = session.inbox_dir or default_inbox_dir()
        inbox = Inbox(folder, session.validator, session.inbox_settle_s)
        return ReviewStation(
            session.validator,
            inbox,
            self._spool(),
            lambda: session.repo,
            self._pending,
            pending_id_in=id_from_json,
            pending_id_out=id_to_json,
            station_id=session.station_id,
        )

    def _spool(self) -> Spool:
        return Spool(self._session.spool_dir or default_spool_dir())

    def _pending(self) -> PendingQueue:
        db = getattr(self._session.store, "db", None)
        if db is None:
            raise StoreUnavailable("the store is not open yet")
        return PendingQueue(db)

    def poll_now(self) -> None:
        """Look for new AI results now, and send kept judgments when the store is open."""
        if not self._polling:
            self._polling = True
            station, skip, news = self._station(), self._queued_paths(), self._spool_news
            self._runner.run(
                lambda: _poll(station, skip),
                lambda result: self._on_polled(result, news),
                self._on_background_failed,
            )
        if self._spool_count > 0 and not self._flushing and self._in_flight == 0:
            self._flush()

    def _flush(self) -> None:
        if self._session.store is None:
            return
        self._flushing = True
        station = self._station()
        self._runner.run(
            lambda: (station.flush(), station.spool.count()),
            self._on_flushed,
            self._on_background_failed,
        )

    def _queued_paths(self) -> set[Any]:
        return {i.inbox_path for i in self._queue.items() if i.inbox_path is not None}

    def _send(self, item: ReviewItem, raw: dict[str, Any]) -> None:
        self._queue.finish(item)
        self._drafts.pop(item.identity, None)
        self._in_flight += 1
        self.unsent_timer.start()
        station = self._station()
        self._submitter.run(
            lambda: (station.submit(raw, item), station.spool.count()),
            lambda result: self._on_submitted(result),
            lambda exc: self._on_submit_failed(item, exc),
        )
        self._item = self._judgment = None
        self._open_next()

    def _load_history(self, item: ReviewItem) -> None:
        station = self._station()
        self._lookup_serial += 1
        serial = self._lookup_serial
        self._runner.run(
            lambda: station.history(item.barcode),
            lambda tests: self._on_history(serial, item, tests),
            lambda exc: self._on_history_failed(serial, item, exc),
        )

    def _retry_history(self) -> None:
        """Look the open module's earlier tests up again after the lookup failed."""
        newest_answered = self._answered_serial == self._lookup_serial
        if self._item is not None and self._history_error is not None and newest_answered:
            self._load_history(self._item)

    def _on_history(self, serial: int, item: ReviewItem, tests: list[StoredTest]) -> None:
        self._answered_serial = max(self._answered_serial, serial)
        stale = serial != self._lookup_serial  # a later lookup was asked for meanwhile
        if stale or item is not self._item or self._judgment is None:
            return
        self._history, self._history_error = tests, None
        self.module_view.show_history(tests, self._judgment)
        if self._prompt_kind == "unknown":  # the operator submitted while we looked
            self._close_prompt()
            self.submit()

    def _on_history_failed(self, serial: int, item: ReviewItem, exc: BaseException) -> None:
        self._answered_serial = max(self._answered_serial, serial)
        if serial != self._lookup_serial or item is not self._item:
            return
        reason = str(exc) if isinstance(exc, StoreError) else repr(exc)
        self._history_error = reason
        self.module_view.history_label.setText(
            self.tr("Earlier tests could not be looked up: {0}").format(reason)
        )
        if self._prompt_kind == "unknown":
            self.retest_label.setText(self._unknown_text())

    def _on_polled(self, result: tuple[PollResult, list[Any], int], news: int) -> None:
        self._polling = False
        found, spooled, count = result
        for identity in spooled:
            self._queue.mark_done(identity)
        new = sum(self._queue.add(item) for item in found.items)
        for refusal in found.refused:
            text = self.tr("AI result {0} refused: {1}").format(refusal.source, refusal.reason)
            self._say(text, "error")
        for problem in found.problems:
            log.info("poll: %s", problem)
        if not found.problems:  # the store answers again
            self._retry_history()
        if news == self._spool_news and not self._in_flight:  # else the count is stale
            self._set_spool_count(count)
        if new:
            self._show_queue()
            self._open_wanted()
            self._open_next_if_idle()

    def _on_flushed(self, result: tuple[list[Delivery], int]) -> None:
        self._flushing = False
        deliveries, count = result
        sent = [d for d in deliveries if d.outcome is not None]
        self._set_spool_count(count)
        if sent:
            self._say(
                self.tr("The store answers again: {0} kept judgment(s) sent.").format(
                    QLocale().toString(len(sent))
                ),
                "ok",
            )
        for delivery in sent:
            if delivery.outcome is Outcome.STORED:
                self.panel_submitted.emit(delivery.record.barcode)

    def _on_submitted(self, result: tuple[Delivery, int]) -> None:
        delivery, count = result
        self._in_flight -= 1
        self._set_spool_count(count)
        self._show_unsent()
        record = delivery.record
        verdict = verdict_label(record.gui_result)
        if delivery.outcome is Outcome.STORED:
            self._say(self.tr("Stored {0}: {1}.").format(record.barcode, verdict), "ok")
            self.panel_submitted.emit(record.barcode)
        elif delivery.outcome is Outcome.PRESENT:
            self._say(
                self.tr("{0} was already stored; nothing new was written.").format(record.barcode),
                "note",
            )
        elif delivery.queued:
            self._say(
                self.tr("{0} is kept on this station and waits for the store to answer.").format(
                    record.barcode
                ),
                "note",
            )
        else:
            self._say(
                self.tr(
                    "The store cannot be reached: {0} ({1}) is kept on this station"
                    " and will be sent when the store answers."
                ).format(record.barcode, verdict),
                "note",
            )

    def _on_submit_failed(self, item: ReviewItem, exc: BaseException) -> None:
        self._in_flight -= 1
        self._show_unsent()
        log.error("judgment of %s could not be kept", item.barcode, exc_info=exc)
        self._queue.restore(item)
        self._show_queue()
        self._say(
            self.tr(
                "The judgment of {0} could not be kept ({1}); it is back in the queue."
                " Judge it again."
            ).format(item.barcode, str(exc)),
            "error",
        )
        self._open_next_if_idle()

    def _on_background_failed(self, exc: BaseException) -> None:
        self._polling = self._flushing = False
        log.error("review background work failed", exc_info=exc)
        self._say(self.tr("Looking for AI results failed: {0}").format(str(exc)), "error")

    # -- showing ---------------------------------------------------------

    def _open_next(self) -> None:
        item = self._queue.first()
        if item is None:
            self._item = self._judgment = None
            self.module_view.show_judgment(None)
            self._close_prompt()
            self._show_queue()
        else:
            self.open_item(item)

    def _open_wanted(self) -> None:
        wanted = self._queue.find(self._wanted) if self._wanted else None
        if wanted is None:
            return
        if self._item is None:
            self.open_item(wanted)
        else:
            text = self.tr("The AI result of {0} has arrived; scan it to open it.")
            self._say(text.format(wanted.barcode), "note")
            self._wanted = None

    def _open_next_if_idle(self) -> None:
        if self._item is None and self.sign_in_bar.operator:
            self._open_next()

    def _show_queue(self) -> None:
        items = self._queue.items()
        self.queue_label.setText(
            self.tr("Awaiting review: {0}").format(QLocale().toString(len(items)))
        )
        self.queue_list.clear()
        for item in items[:QUEUE_SHOWN]:
            mark = "▶ " if item is self._item else ""
            verdict = verdict_label(item.half.ai_result)
            text = f"{mark}{item.barcode}  ·  {item.half.el_no}  ·  AI {verdict}"
            self.queue_list.addItem(text)
            self.queue_list.item(self.queue_list.count() - 1).setData(
                Qt.ItemDataRole.UserRole, list(item.identity)
            )

    def _set_spool_count(self, count: int) -> None:
        self._spool_news += 1
        if count != self._spool_count:
            self._spool_count = count
            self._show_unsent()
            self.unsent_changed.emit(count)

    def _show_unsent(self) -> None:
        count = self.unsent
        if count:
            text = self.tr("{0} judgment(s) wait to be sent to the store").format(
                QLocale().toString(count)
            )
            self.unsent_label.setStyleSheet(STYLES["note"])
        else:
            text = self.tr("All judgments are stored")
            self.unsent_label.setStyleSheet(STYLES["quiet"])
        self.unsent_label.setText(text)

    def _show_signed_in(self) -> None:
        signed_in = bool(self.sign_in_bar.operator)
        self.scan_edit.setEnabled(signed_in)
        self.setFocusProxy(self.scan_edit if signed_in else self.sign_in_bar.operator_edit)
        self.submit_button.setEnabled(signed_in)
        if not signed_in:
            self.module_view.show_judgment(None)
            self._item = self._judgment = None
            self._drafts.clear()
            self._show_queue()

    def _say(self, text: str, kind: str) -> None:
        self.message_label.setStyleSheet(STYLES[kind])
        self.message_label.setText(text)
        self.status_message.emit(text)


def _poll(station: ReviewStation, skip: set[Any]) -> tuple[PollResult, list[Any], int]:
    result = station.poll(skip)
    entries = station.spool.entries()
    spooled = [_identity(e.record) for e in entries]
    return result, spooled, len(entries)


def _identity(record: dict[str, Any]) -> tuple[str, str, float]:
    return (record["barcode"], record["el_no"], float(record["create_time"]))
