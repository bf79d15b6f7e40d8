"""The panel fields of the entry tab: barcode, station, layout, time, verdicts."""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QObject, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from elconsole.domain.grid import Grid
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import CELL_TYPES, clean_barcode

log = logging.getLogger(__name__)

LAYOUT_CHOICES: tuple[tuple[str, int], ...] = (
    ("full", 60),
    ("full", 72),
    ("half", 120),
    ("half", 144),
)
DEFAULT_LAYOUT = ("half", 144)
VERDICTS: tuple[tuple[str, str], ...] = (("NG", "0"), ("OK", "1"), ("other", "2"))
NG_CODE, OK_CODE = "0", "1"
ERROR_STYLE = "color: #d62728;"
TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"
BARCODE_WIDTH = 220

# The record field named by a RecordError -> the form field that shows it.
FIELD_OF = {
    "barcode": "barcode",
    "el_no": "el_no",
    "cell_type": "cell_type",
    "cell_size": "layout",
    "cell_amount": "layout",
    "create_time": "time",
    "ai_time": "time",
    "ai_result": "ai_result",
    "gui_result": "gui_result",
}


class PanelForm(QObject):
    """The fields of one station record except its defects.

    Enter in a text field moves on to the next field (a scanner ends with
    Enter); it never submits. Verdicts follow the marks (NG with marks, OK
    without) until the user picks one.

    Two widgets to place: ``identity`` (barcode, station, cell type, layout,
    time) and ``verdicts`` (AI and operator verdicts).

    Signals:
        layout_changed(object): the chosen module layout changed (a Grid).
    """

    layout_changed = Signal(object)

    def __init__(self, clock: PlantClock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._zone = QTimeZone(clock.zone_name.encode())
        self._explicit: set[str] = set()  # verdict fields the user chose
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._build()
        self._connect_signals()

    # -- building --------------------------------------------------------

    def _build(self) -> None:
        self.barcode_edit = QLineEdit()
        self.barcode_edit.setPlaceholderText(self.tr("scan or type, then Enter"))
        self.barcode_edit.setClearButtonEnabled(True)
        self.barcode_edit.setMinimumWidth(BARCODE_WIDTH)
        self.station_edit = QLineEdit()
        self.station_edit.setPlaceholderText(self.tr("e.g. EL-01"))
        self.station_edit.setToolTip(self.tr("The EL station; kept from panel to panel"))
        self.cell_type_combo = _combo([(t, t) for t in CELL_TYPES])
        self.layout_combo = _combo([(f"{s} {a}", (s, a)) for s, a in LAYOUT_CHOICES])
        self.layout_combo.setCurrentIndex(LAYOUT_CHOICES.index(DEFAULT_LAYOUT))
        self.time_edit = self._time_edit()
        self.ai_combo = _combo([(f"{n} ({c})", c) for n, c in VERDICTS])
        self.op_combo = _combo([(f"{n} ({c})", c) for n, c in VERDICTS])
        self.reset_verdicts()
        self.identity = self._row(
            [
                ("barcode", self.tr("&Barcode"), self.barcode_edit, 3),
                ("el_no", self.tr("EL &station"), self.station_edit, 1),
                ("cell_type", self.tr("Cell &type"), self.cell_type_combo, 0),
                ("layout", self.tr("&Layout"), self.layout_combo, 0),
                ("time", self.tr("Tested at"), self.time_edit, 0),
            ]
        )
        self.verdicts = self._row(
            [
                ("ai_result", self.tr("AI &verdict"), self.ai_combo, 0),
                ("gui_result", self.tr("O&perator verdict"), self.op_combo, 0),
            ]
        )
        self._order: list[QWidget] = [
            self.barcode_edit,
            self.station_edit,
            self.cell_type_combo,
            self.layout_combo,
            self.time_edit,
            self.ai_combo,
            self.op_combo,
        ]

    def set_tab_order(self, *after: QWidget) -> None:
        """Chain the fields, then ``after``, in Tab order (once both rows are placed)."""
        chain = [*self._order, *after]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _row(self, fields: list[tuple[str, str, QWidget, int]]) -> QWidget:
        """Return a widget of label-field pairs side by side, errors under fields."""
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (key, text, field, stretch) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(field)
            label.setMinimumHeight(field.sizeHint().height())
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            top = Qt.AlignmentFlag.AlignTop
            grid.addWidget(label, 0, 2 * index, top)
            grid.addWidget(self._with_error(key, field), 0, 2 * index + 1, top)
            grid.setColumnStretch(2 * index + 1, stretch)
        return row

    def _time_edit(self) -> QDateTimeEdit:
        edit = _TimeEdit()
        edit.setTimeZone(self._zone)
        edit.setDisplayFormat(TIME_FORMAT)
        edit.setMinimumDateTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0), self._zone))
        edit.setSpecialValueText(self.tr("when scanned"))
        edit.setToolTip(
            self.tr(
                "Plant time ({0}). create_time and ai_time: "
                "set when the barcode is scanned, else on submission"
            ).format(self._clock.zone_name)
        )
        edit.setDateTime(edit.minimumDateTime())
        return edit

    def _with_error(self, key: str, field: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self._errors[key] = error
        self._fields[key] = field
        return box

    def _connect_signals(self) -> None:
        self.barcode_edit.returnPressed.connect(self._on_barcode_edit_return_pressed)
        self.station_edit.returnPressed.connect(self._on_station_edit_return_pressed)
        self.layout_combo.currentIndexChanged.connect(self._on_layout_combo_index_changed)
        self.ai_combo.activated.connect(self._on_ai_combo_activated)
        self.op_combo.activated.connect(self._on_op_combo_activated)

    # -- slots -----------------------------------------------------------

    def _on_barcode_edit_return_pressed(self) -> None:
        cleaned = clean_barcode(self.barcode_edit.text())
        self.barcode_edit.setText(cleaned)
        if not cleaned:
            return
        self.set_tested_at(time.time())
        self.error_label("barcode").hide()
        self._focus_after(self.barcode_edit)

    def _on_station_edit_return_pressed(self) -> None:
        self._focus_after(self.station_edit)

    def _on_layout_combo_index_changed(self, _index: int) -> None:
        self.layout_changed.emit(self.grid())

    def _on_ai_combo_activated(self, _index: int) -> None:
        self._explicit.add("ai_result")

    def _on_op_combo_activated(self, _index: int) -> None:
        self._explicit.add("gui_result")

    def _focus_after(self, field: QWidget) -> None:
        index = self._order.index(field)
        self._order[min(index + 1, len(self._order) - 1)].setFocus()

    # -- values ----------------------------------------------------------

    def grid(self) -> Grid:
        size, amount = self.layout_combo.currentData()
        return Grid.for_module(size, amount)

    def tested_at(self) -> float | None:
        """Return the chosen create_time in unix seconds, or None when unset."""
        value = self.time_edit.dateTime()
        if value <= self.time_edit.minimumDateTime():
            return None
        return value.toMSecsSinceEpoch() / 1000.0

    def set_tested_at(self, ts: float | None) -> None:
        edit = self.time_edit
        if ts is None:
            edit.setDateTime(edit.minimumDateTime())
        else:
            edit.setDateTime(QDateTime.fromMSecsSinceEpoch(int(ts * 1000), self._zone))

    def fields(self, now: float) -> dict[str, Any]:
        """Return the record fields of the form; unset times become ``now``."""
        size, amount = self.layout_combo.currentData()
        tested = self.tested_at()
        created = now if tested is None else tested
        return {
            "barcode": self.barcode_edit.text(),
            "cell_type": self.cell_type_combo.currentData(),
            "cell_size": size,
            "cell_amount": amount,
            "el_no": self.station_edit.text(),
            "create_time": created,
            "ai_result": self.ai_combo.currentData(),
            "ai_time": created,
            "gui_result": self.op_combo.currentData(),
            "gui_time": now,
        }

    def suggest_verdicts(self, ai_ng: bool, op_ng: bool) -> None:
        """Set each verdict to NG or OK unless the user chose it."""
        for name, combo, ng in (
            ("ai_result", self.ai_combo, ai_ng),
            ("gui_result", self.op_combo, op_ng),
        ):
            if name not in self._explicit:
                combo.setCurrentIndex(combo.findData(NG_CODE if ng else OK_CODE))

    def reset_verdicts(self) -> None:
        """Forget the user's verdicts; both follow the marks again (OK without)."""
        self._explicit.clear()
        self.suggest_verdicts(False, False)

    def reset_for_next(self) -> None:
        """Clear what belongs to one panel; keep station, cell type and layout."""
        self.barcode_edit.clear()
        self.set_tested_at(None)
        self.reset_verdicts()
        self.clear_errors()

    # -- errors and focus ----------------------------------------------------

    def error_label(self, key: str) -> QLabel:
        return self._errors[key]

    def show_error(self, record_field: str, text: str) -> bool:
        """Show an error beside the field of ``record_field``; False if not a field here."""
        key = FIELD_OF.get(record_field)
        if key is None:
            return False
        label = self._errors[key]
        label.setText(text)
        label.show()
        self._fields[key].setFocus()
        return True

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()

    def set_enabled(self, enabled: bool) -> None:
        """Enable or disable both rows of fields."""
        self.identity.setEnabled(enabled)
        self.verdicts.setEnabled(enabled)

    def focus_barcode(self) -> None:
        self.barcode_edit.setFocus()
        self.barcode_edit.selectAll()


class _TimeEdit(QDateTimeEdit):
    """A date-time edit whose first step from "unset" starts at the present."""

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        if self.dateTime() <= self.minimumDateTime():
            now = int(time.time() * 1000)
            self.setDateTime(QDateTime.fromMSecsSinceEpoch(now, self.timeZone()))
            return
        super().stepBy(steps)


def _combo(items: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo
