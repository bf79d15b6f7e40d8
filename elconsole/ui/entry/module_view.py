"""The module under review: its AI result, its defects on the grid, the verdict."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.history import StoredTest
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import verdict_label
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED
from elconsole.review.judgment import NG, OK, Judgment
from elconsole.ui.entry.defects import swatch
from elconsole.ui.names import layout_name
from elconsole.ui.widgets.cell_grid import CellGridView, Mark

log = logging.getLogger(__name__)

LIST_WIDTH = 280
HEADER_STYLE = "font-size: 15pt; font-weight: bold;"
NG_STYLE = "QPushButton:checked { background: #d62728; color: white; font-weight: bold; }"
OK_STYLE = "QPushButton:checked { background: #1a7f37; color: white; font-weight: bold; }"
HISTORY_STYLE = "color: #b07000; font-weight: bold;"
GRID_MARGINS = (32, 30)  # the grid view's label margins: width, height
GRID_HEIGHT = (160, 420)
SPLIT_GAP = 10


class ModuleView(QWidget):
    """Shows one Judgment; clicks on cells and verdict buttons change it.

    Signals:
        cell_clicked(int, int): a cell was clicked (row, col, 1-based).
        verdict_clicked(str): a verdict button was clicked (its code).
    """

    cell_clicked = Signal(int, int)
    verdict_clicked = Signal(str)

    def __init__(
        self, catalog: DefectCatalog, clock: PlantClock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._clock = clock
        self._build()
        self._connect_signals()
        self.show_judgment(None)

    def _build(self) -> None:
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinAndMaxSize)  # spare height: below
        self.title_label = QLabel()
        self.title_label.setObjectName("module_title")
        self.title_label.setStyleSheet(HEADER_STYLE)
        self.details_label = QLabel()
        self.history_label = QLabel()
        self.history_label.setObjectName("module_history")
        self.history_label.setWordWrap(True)
        self.grid_view = CellGridView(self._catalog)
        self.list_widget = QListWidget()
        self.list_widget.setFixedWidth(LIST_WIDTH)
        self.list_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.title_label, 0, 0, 1, 2)
        layout.addWidget(self.details_label, 1, 0, 1, 2)
        layout.addWidget(self.history_label, 2, 0, 1, 2)
        layout.addWidget(self.grid_view, 3, 0)
        layout.addWidget(self.list_widget, 3, 1)
        layout.addLayout(self._build_verdict_row(), 4, 0, 1, 2)
        layout.setRowStretch(3, 1)  # the grid takes the height there is, up to square cells
        layout.setColumnStretch(0, 1)
        for label in self.findChildren(QLabel):  # no taller than their text: space goes below
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def _build_verdict_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Operator verdict:")))
        self.ok_button = self._verdict_button(self.tr("OK  (F2)"), OK_STYLE)
        self.ng_button = self._verdict_button(self.tr("NG  (F3)"), NG_STYLE)
        row.addWidget(self.ok_button)
        row.addWidget(self.ng_button)
        self.verdict_note = QLabel()
        row.addWidget(self.verdict_note)
        row.addStretch(1)
        return row

    def _verdict_button(self, text: str, style: str) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setStyleSheet(style)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumWidth(110)
        return button

    def _connect_signals(self) -> None:
        self.grid_view.cell_clicked.connect(self.cell_clicked)
        self.ok_button.clicked.connect(lambda: self.verdict_clicked.emit(OK))
        self.ng_button.clicked.connect(lambda: self.verdict_clicked.emit(NG))

    # -- showing ---------------------------------------------------------

    def set_context(self, catalog: DefectCatalog, clock: PlantClock) -> None:
        """Take new defect types and plant clock (after a settings change)."""
        self._catalog, self._clock = catalog, clock
        self.grid_view.set_catalog(catalog)

    def show_judgment(self, judgment: Judgment | None) -> None:
        """Show a module's judgment, or the empty state."""
        if judgment is None:
            self._show_empty()
            return
        half = judgment.half
        self.title_label.setText(half.barcode)
        self.details_label.setText(self._details(judgment))
        if self.grid_view.grid != judgment.grid:
            self.grid_view.set_grid(judgment.grid)
            self._fit_grid_height()
        self.refresh(judgment)
        for widget in (self.ok_button, self.ng_button):
            widget.setEnabled(True)

    def refresh(self, judgment: Judgment) -> None:
        """Redraw the defects, the cursor and the verdict after a change."""
        marks = judgment.marks()
        current = judgment.current
        self.grid_view.set_marks(
            [Mark(m.row, m.col, m.code, m.fate, selected=m.key == current) for m in marks]
        )
        self.grid_view.set_cursor(judgment.cursor)
        self._fill_list(judgment)
        verdict = judgment.verdict()
        self.ok_button.setChecked(verdict == OK)
        self.ng_button.setChecked(verdict == NG)
        self.verdict_note.setText(
            self.tr("(chosen by you)")
            if judgment.verdict_chosen
            else self.tr("(follows the kept defects)")
        )

    def show_history(self, tests: list[StoredTest], judgment: Judgment) -> None:
        """Show how often the module was tested before (nothing when never)."""
        same = [t for t in tests if (t.el_no, t.create_time) == judgment.half.identity[1:]]
        if same:
            text = self.tr("This EL test is already stored (verdict {0}).").format(
                verdict_label(same[0].op)
            )
        elif tests:
            last = max(tests, key=lambda t: t.create_time)
            text = self.tr("Tested before: {0} time(s); last {1} at {2} on {3}.").format(
                QLocale().toString(len(tests)),
                verdict_label(last.op),
                self.format_time(last.create_time),
                last.el_no,
            )
        else:
            text = ""
        self.history_label.setStyleSheet(HISTORY_STYLE)
        self.history_label.setText(text)

    def format_time(self, ts: float) -> str:
        """Return a time in the plant zone with the zone's name, as Lookup shows it."""
        return self._clock.format(ts)

    def _details(self, judgment: Judgment) -> str:
        half = judgment.half
        count = sum(len(p) for p in half.ai_defects.values())
        return self.tr(
            "Station {0} · {1} cells · imaged {2} · AI verdict {3}, {4} defect(s)"
        ).format(
            half.el_no,
            layout_name(half.cell_type, half.cell_size, half.cell_amount),
            self.format_time(half.create_time),
            verdict_label(half.ai_result),
            QLocale().toString(count),
        )

    def _fill_list(self, judgment: Judgment) -> None:
        self.list_widget.clear()
        words = {
            CONFIRMED: self.tr("kept"),
            REJECTED: self.tr("rejected"),
            ADDED: self.tr("added"),
        }
        for mark in judgment.marks():
            text = f"{mark.label}  {self._catalog.label(mark.code)} — {words[mark.fate]}"
            item = QListWidgetItem(swatch(self._catalog.colour(mark.code)), text)
            self.list_widget.addItem(item)
            if mark.key == judgment.current:
                self.list_widget.setCurrentItem(item)
        if not judgment.marks():
            self.list_widget.addItem(self.tr("No defects"))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_grid_height()

    def _fit_grid_height(self) -> None:
        """Let the grid grow up to the height its width asks for (square cells), within bounds.

        Below that it takes the height the window has, so that a small screen shows it all.
        """
        grid = self.grid_view.grid
        tallest = GRID_HEIGHT[0]
        if grid is not None:
            gap = SPLIT_GAP if grid.half else 0
            cell = (self.grid_view.width() - GRID_MARGINS[0] - gap) / grid.columns
            wanted = round(GRID_MARGINS[1] + cell * grid.rows)
            tallest = max(GRID_HEIGHT[0], min(GRID_HEIGHT[1], wanted))
        self.grid_view.setMinimumHeight(GRID_HEIGHT[0])
        self.grid_view.setMaximumHeight(tallest)
        self.list_widget.setMaximumHeight(tallest)

    def _show_empty(self) -> None:
        self.title_label.setText(self.tr("No module open"))
        self.details_label.setText(
            self.tr("Scan a barcode, or wait: the oldest module in the queue opens by itself.")
        )
        self.history_label.clear()
        self.grid_view.set_grid(None)
        self._fit_grid_height()
        self.list_widget.clear()
        for widget in (self.ok_button, self.ng_button):
            widget.setChecked(False)
            widget.setEnabled(False)
        self.verdict_note.clear()
