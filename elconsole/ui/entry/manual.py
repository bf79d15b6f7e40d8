"""Manual entry: one station record typed, marked, validated and stored (no AI result)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from elconsole.data.errors import StoreError
from elconsole.data.repository import Outcome
from elconsole.domain.grid import Grid
from elconsole.domain.records import RecordError, StationRecord, reconcile, verdict_label
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED
from elconsole.tasks import TaskRunner
from elconsole.ui.entry.defects import DefectsPanel
from elconsole.ui.entry.form import PanelForm
from elconsole.ui.entry.marks import AI, OPERATOR, describe_counts
from elconsole.ui.session import Session

log = logging.getLogger(__name__)

SUBMIT_WIDTH = 200
SUBMIT_KEYS = ("Ctrl+Return", "Ctrl+Enter")
STYLES = {
    "ok": "color: #1a7f37; font-weight: bold;",
    "note": "color: #b07000; font-weight: bold;",
    "error": "color: #d62728; font-weight: bold;",
}
VALUE_SHOWN = 60


class ManualEntry(QWidget):
    """Every field of a record by hand, for a module without an AI result.

    Signals:
        status_message(str): a sentence for the status bar.
        panel_submitted(str): a record of this barcode was stored.
    """

    status_message = Signal(str)
    panel_submitted = Signal(str)

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        self._busy = False
        self._build()
        self._connect_signals()
        self.defects.set_grid(self.form.grid())
        self.setFocusProxy(self.form.barcode_edit)

    # -- building --------------------------------------------------------

    def _build(self) -> None:
        self.form = PanelForm(self._session.clock, self)
        self.defects = DefectsPanel(self._session.catalog)
        panel_box = QGroupBox(self.tr("Panel"))
        QVBoxLayout(panel_box).addWidget(self.form.identity)
        defects_box = QGroupBox(self.tr("Defects"))
        QVBoxLayout(defects_box).addWidget(self.defects)
        self.error_label = _label("error_record", STYLES["error"])
        self.result_label = _label("result", STYLES["ok"])

        column = QVBoxLayout(self)
        column.addWidget(panel_box)
        column.addWidget(defects_box)
        column.addLayout(self._build_submit_row())
        column.addWidget(self.error_label)
        column.addWidget(self.result_label)
        column.addStretch(1)
        self.form.set_tab_order(self.submit_button, self.new_button)
        self._submit_keys = [QShortcut(QKeySequence(k), self) for k in SUBMIT_KEYS]
        for shortcut in self._submit_keys:
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build_submit_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.form.verdicts)
        row.addStretch(1)
        self.submit_button = QPushButton(self.tr("Submit  (Ctrl+Enter)"))
        self.submit_button.setToolTip(self.tr("Validate and store this record"))
        self.submit_button.setAutoDefault(False)
        self.submit_button.setMinimumWidth(SUBMIT_WIDTH)
        self.new_button = QPushButton(self.tr("New panel"))
        self.new_button.setToolTip(self.tr("Clear the form for the next panel (keeps the station)"))
        self.new_button.setAutoDefault(False)
        row.addWidget(self.submit_button)
        row.addWidget(self.new_button)
        return row

    def _connect_signals(self) -> None:
        self.submit_button.clicked.connect(self._on_submit_button_clicked)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        for shortcut in self._submit_keys:
            shortcut.activated.connect(self._on_submit_key_activated)
        self.form.layout_changed.connect(self._on_form_layout_changed)
        self.defects.marks_changed.connect(self._on_defects_marks_changed)

    # -- public ----------------------------------------------------------

    def store_opened(self) -> None:
        """Called once the store is open and answering (also after new settings)."""
        self.defects.set_catalog(self._session.catalog)
        log.debug("store open; entry can store records")

    def submit(self) -> None:
        """Validate the form and store the record in the background."""
        if self._busy:
            return
        self._clear_messages()
        try:
            record = self._session.validator.validate(self.raw_record())
        except RecordError as exc:
            self._show_record_error(exc)
            return
        self._set_busy(True)
        self._runner.run(
            lambda: self._session.repo.store(record),
            lambda outcome: self._on_store_done(record, outcome),
            lambda exc: self._on_store_failed(record, exc),
        )

    def raw_record(self, now: float | None = None) -> dict[str, Any]:
        """Return the form as a raw station record (what the validator reads)."""
        fields = self.form.fields(time.time() if now is None else now)
        codes = self._session.catalog.codes
        fields["ai_defects"] = self.defects.marks.raw(AI, codes)
        fields["gui_defects"] = self.defects.marks.raw(OPERATOR, codes)
        if self._session.operator:
            fields["operator"] = self._session.operator
        return fields

    # -- slots -----------------------------------------------------------

    def _on_submit_button_clicked(self) -> None:
        self.submit()

    def _on_submit_key_activated(self) -> None:
        self.submit()

    def _on_new_button_clicked(self) -> None:
        self._clear_for_next()
        self._clear_messages()

    def _on_form_layout_changed(self, grid: Grid) -> None:
        gone = self.defects.set_grid(grid)
        if gone:
            names = ", ".join(self.defects.describe(m) for m in gone)
            text = self.tr("The new layout has no cell for {0} mark(s); removed: {1}").format(
                len(gone), names
            )
            self.defects.show_note(text)
            self.status_message.emit(text)

    def _on_defects_marks_changed(self) -> None:
        marks = self.defects.marks
        self.form.suggest_verdicts(marks.has(AI), marks.has(OPERATOR))

    def _on_store_done(self, record: StationRecord, outcome: Outcome) -> None:
        self._set_busy(False)
        stored = outcome is Outcome.STORED
        if stored:
            text = self.tr("Stored {0} ({1})").format(record.barcode, summary(record))
        else:
            text = self.tr(
                "{0} was already stored (same station and time); nothing new was written"
            ).format(record.barcode)
        self._clear_for_next()
        self._show_result(text, "ok" if stored else "note")
        self.status_message.emit(text)
        if stored:
            self.panel_submitted.emit(record.barcode)

    def _on_store_failed(self, record: StationRecord, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, StoreError):
            reason = str(exc)
        else:
            log.error("storing %s failed", record.barcode, exc_info=exc)
            reason = self.tr("unexpected error: {0}").format(repr(exc))
        self._show_result(
            self.tr("Not stored: {0}. The form is kept; submit again.").format(reason), "error"
        )
        self.submit_button.setFocus()
        self.status_message.emit(self.tr("{0} was not stored: {1}").format(record.barcode, reason))

    # -- helpers ---------------------------------------------------------

    def _show_record_error(self, exc: RecordError) -> None:
        shown = _shown(exc.value)
        text = self.tr("{0} (got {1})").format(exc.rule, shown) if shown else exc.rule
        if exc.field.startswith(("ai_defects", "gui_defects")):
            self.defects.show_error(f"{exc.field}: {text}")
        elif not self.form.show_error(exc.field, text):
            self.error_label.setText(f"{exc.field}: {text}")
            self.error_label.show()
        self.status_message.emit(self.tr("Not stored: {0}").format(exc))

    def _show_result(self, text: str, kind: str) -> None:
        self.result_label.setStyleSheet(STYLES[kind])
        self.result_label.setText(text)
        self.result_label.show()

    def _clear_messages(self) -> None:
        self.form.clear_errors()
        self.defects.clear_error()
        for label in (self.error_label, self.result_label):
            label.clear()
            label.hide()

    def _clear_for_next(self) -> None:
        self.form.reset_for_next()
        self.defects.clear()
        self.form.focus_barcode()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.submit_button.setEnabled(not busy)
        self.new_button.setEnabled(not busy)
        self.form.set_enabled(not busy)
        self.defects.setEnabled(not busy)
        if busy:
            self._show_result(self.tr("Storing…"), "note")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._busy:
            self.form.focus_barcode()


def summary(record: StationRecord) -> str:
    """Return e.g. ``AI NG, operator OK, 2 defects: 1 confirmed, 1 added``."""
    fates = reconcile(record)
    counts = Counter(
        {CONFIRMED: len(fates.confirmed), REJECTED: len(fates.rejected), ADDED: len(fates.added)}
    )
    return QCoreApplication.translate("ManualEntry", "AI {0}, operator {1}, {2}").format(
        verdict_label(record.ai_result), verdict_label(record.gui_result), describe_counts(counts)
    )


def _shown(value: object) -> str:
    if value in ("", None):
        return ""
    text = repr(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 3] + "..."


def _label(name: str, style: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.hide()
    return label
