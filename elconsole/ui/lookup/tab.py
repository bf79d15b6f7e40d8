"""The Lookup tab: every stored EL test of one module, with its defects on the grid."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from elconsole.data.errors import StoreError, StoreUnavailable
from elconsole.domain.history import StoredTest
from elconsole.domain.records import clean_barcode, verdict_label
from elconsole.tasks import TaskRunner
from elconsole.ui.lookup import export
from elconsole.ui.lookup.legend import GridLegend
from elconsole.ui.lookup.models import (
    DefectTableModel,
    TestTableModel,
    defect_note,
    layout_text,
    marks_for,
)
from elconsole.ui.session import Session
from elconsole.ui.widgets.cell_grid import CellGridView, Mark

log = logging.getLogger(__name__)

CANDIDATE_LIMIT = 50

HINT = QT_TRANSLATE_NOOP("LookupTab", "Scan or type a barcode (or part of one) and press Enter.")


@dataclass(frozen=True)
class LookupResult:
    """What one lookup found: the tests of the barcode, or barcodes that contain it."""

    barcode: str
    tests: list[StoredTest]
    candidates: list[str]


def fetch(session: Session, barcode: str) -> LookupResult:
    """Look a barcode up (runs off the GUI thread); candidates only when none match."""
    repo = session.repo
    tests = repo.lookup(barcode)
    candidates = [] if tests else repo.find_barcodes(barcode, CANDIDATE_LIMIT)
    return LookupResult(barcode, tests, [c for c in candidates if c != barcode])


def failure_sentence(barcode: str, exc: BaseException) -> str:
    """Return a plain sentence for a failed lookup (never a traceback)."""
    if isinstance(exc, StoreUnavailable):
        text = QCoreApplication.translate(
            "LookupTab", "'{0}' was not looked up: {1}. Try again when the store answers."
        )
        return text.format(barcode, exc)
    if isinstance(exc, StoreError):
        return QCoreApplication.translate("LookupTab", "'{0}' was not looked up: {1}.").format(
            barcode, exc
        )
    kind = type(exc).__name__
    text = QCoreApplication.translate(
        "LookupTab", "'{0}' was not looked up: an unexpected error ({1}); see the log."
    )
    return text.format(barcode, kind)


class LookupTab(QWidget):
    """A QA engineer's screen: a module's EL tests, the defects of the chosen one.

    Signals:
        status_message(str): a sentence for the status bar.
    """

    status_message = Signal(str)

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        self._request = 0
        self._pending: str | None = None
        self.tests_model = TestTableModel(session.clock, self)
        self.defects_model = DefectTableModel(session.catalog, session.clock, self)
        self.candidates_model = QStringListModel(self)
        self._init_widgets()
        self._init_layout()
        self._connect_signals()
        self._show_test(None)

    # -- building --------------------------------------------------------------

    def _init_widgets(self) -> None:
        self.barcode_edit = QLineEdit()
        self.barcode_edit.setPlaceholderText(self.tr("barcode, or part of one"))
        self.barcode_edit.setClearButtonEnabled(True)
        self.lookup_button = QPushButton(self.tr("Look up"))
        self.message_label = QLabel(self.tr(HINT))
        self.message_label.setWordWrap(True)
        self.candidates_view = QListView()
        self.candidates_view.setModel(self.candidates_model)
        self.candidates_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tests_view = _table(self.tests_model)
        self.test_title = QLabel()
        self.test_title.setWordWrap(True)
        self.test_title.setTextFormat(Qt.TextFormat.RichText)
        self.grid_view = CellGridView(self._session.catalog)
        self.grid_view.setMinimumSize(360, 180)
        self.unknown_label = QLabel()
        self.unknown_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unknown_label.setWordWrap(True)
        self.unknown_label.setTextFormat(Qt.TextFormat.PlainText)
        self.grid_stack = QStackedWidget()
        self.grid_stack.addWidget(self.grid_view)
        self.grid_stack.addWidget(self.unknown_label)
        self.legend = GridLegend(self._session.catalog)
        self.defects_view = _table(self.defects_model)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.RichText)
        self.export_button = QPushButton(self.tr("Export map…"))
        self.export_button.setToolTip(
            self.tr("Save the chosen test's defect map as a PNG picture or a PDF page.")
        )

    def _init_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._search_bar())
        layout.addWidget(self.message_label)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self._results_area())
        self.main_splitter.addWidget(self._detail_area())
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setSizes([150, 570])
        layout.addWidget(self.main_splitter, 1)

    def _search_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Module barcode:")))
        bar.addWidget(self.barcode_edit, 1)
        bar.addWidget(self.lookup_button)
        return bar

    def _results_area(self) -> QSplitter:
        self.candidates_box = _boxed(self.tr("Stored barcodes containing it"), self.candidates_view)
        self.candidates_box.setVisible(False)
        self.tests_box = _boxed(self.tr("EL tests of this module, newest first"), self.tests_view)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.candidates_box)
        splitter.addWidget(self.tests_box)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 1000])
        return splitter

    def _detail_area(self) -> QGroupBox:
        grid_side = QWidget()
        grid_layout = QVBoxLayout(grid_side)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.addWidget(self.grid_stack, 1)
        grid_layout.addWidget(self.legend)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.defects_view, 1)
        list_layout.addWidget(self.notes_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(grid_side)
        splitter.addWidget(list_side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([330, 200])
        box = QGroupBox(self.tr("Selected test"))
        box_layout = QVBoxLayout(box)
        title_row = QHBoxLayout()
        title_row.addWidget(self.test_title, 1)
        title_row.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        box_layout.addLayout(title_row)
        box_layout.addWidget(splitter, 1)
        return box

    def _connect_signals(self) -> None:
        self.barcode_edit.returnPressed.connect(self._on_barcode_edit_return_pressed)
        self.lookup_button.clicked.connect(self._on_lookup_button_clicked)
        self.candidates_view.clicked.connect(self._on_candidates_view_activated)
        self.candidates_view.activated.connect(self._on_candidates_view_activated)
        self.tests_view.selectionModel().currentRowChanged.connect(
            self._on_tests_selection_current_row_changed
        )
        self.defects_view.selectionModel().currentRowChanged.connect(
            self._on_defects_selection_current_row_changed
        )
        self.grid_view.cell_clicked.connect(self._on_grid_view_cell_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)

    # -- public ----------------------------------------------------------------

    def store_opened(self) -> None:
        """Called once the store is open (or the settings changed); repeats a waiting lookup."""
        self._reread_settings()
        if self._pending is not None:
            self.look_up(self._pending)

    def _reread_settings(self) -> None:
        """Take a changed plant zone and defect catalogue into the models and the legend."""
        session = self._session
        row = self.tests_view.currentIndex().row()
        self.tests_model.set_clock(session.clock)
        self.defects_model.set_context(session.catalog, session.clock)
        legend = GridLegend(session.catalog)
        layout = self.legend.parentWidget().layout()
        layout.replaceWidget(self.legend, legend)
        self.legend.deleteLater()
        self.legend = legend
        if row >= 0:
            self.tests_view.selectRow(row)
        self._show_test(self.tests_model.test_at(row))

    def look_up(self, text: str, keep_candidates: bool = False) -> None:
        """Look a barcode up in the background; a newer lookup supersedes this one."""
        barcode = clean_barcode(text)
        if not barcode:
            self._set_message(self.tr(HINT))
            return
        self.barcode_edit.setText(barcode)
        self._request += 1
        request = self._request
        self._pending = None
        if not keep_candidates:
            self._show_candidates([])
        self._set_message(self.tr("Looking up '{0}'…").format(barcode))
        session = self._session
        self._runner.run(
            lambda: fetch(session, barcode),
            lambda result: self._on_lookup_done(request, result),
            lambda exc: self._on_lookup_failed(request, barcode, exc),
        )

    def shown_test(self) -> StoredTest | None:
        """Return the test whose defects are shown, or None."""
        return self.tests_model.test_at(self.tests_view.currentIndex().row())

    def export_map(self, path: Path) -> Path | None:
        """Write the shown test's defect map as PNG or PDF (by suffix); None on failure."""
        test = self.shown_test()
        if test is None:
            return None
        session = self._session
        columns = test.grid.columns if test.grid else 12
        picture = export.map_picture(self.grid_stack.currentWidget(), self.legend, columns)
        try:
            written = export.write_map(path, test, picture, session.catalog, session.clock)
        except OSError as exc:
            log.warning("defect map not written to %s: %s", path, exc)
            sentence = self.tr("The defect map was not written: {0}.").format(exc)
        else:
            sentence = self.tr("The defect map of {0} was written to {1}.").format(
                test.barcode, written
            )
            self._set_message(sentence)
            self.status_message.emit(sentence)
            return written
        self._set_message(sentence)
        self.status_message.emit(sentence)
        return None

    # -- slots -----------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        test = self.shown_test()
        if test is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the defect map"),
            f"{test.barcode}-defect-map.pdf",
            self.tr("PDF page (*.pdf);;PNG picture (*.png)"),
        )
        if name:
            self.export_map(Path(name))

    def _on_barcode_edit_return_pressed(self) -> None:
        self.look_up(self.barcode_edit.text())

    def _on_lookup_button_clicked(self) -> None:
        self.look_up(self.barcode_edit.text())

    def _on_candidates_view_activated(self, index: QModelIndex) -> None:
        barcode = index.data()
        if isinstance(barcode, str) and barcode != self._shown_barcode():
            self.look_up(barcode, keep_candidates=True)

    def _on_tests_selection_current_row_changed(
        self, current: QModelIndex, _previous: QModelIndex
    ) -> None:
        self._show_test(self.tests_model.test_at(current.row()))

    def _on_defects_selection_current_row_changed(
        self, current: QModelIndex, _previous: QModelIndex
    ) -> None:
        self._highlight(current.row())

    def _on_grid_view_cell_clicked(self, row: int, col: int) -> None:
        rows = self.defects_model.rows_at(row, col)
        if rows:
            self.defects_view.selectRow(rows[0])

    def _on_lookup_done(self, request: int, result: LookupResult) -> None:
        if request != self._request:
            return
        self.tests_model.set_tests(result.tests)
        if result.tests:
            self.tests_view.selectRow(0)
            self._set_message(_found_sentence(result))
        else:
            self._show_test(None)
            if result.candidates:
                self._show_candidates(result.candidates)
            self._set_message(_not_found_sentence(result))
        self.barcode_edit.selectAll()

    def _on_lookup_failed(self, request: int, barcode: str, exc: BaseException) -> None:
        if request != self._request:
            return
        if not isinstance(exc, StoreError):
            log.error("lookup of %r failed", barcode, exc_info=exc)
        if isinstance(exc, StoreUnavailable):
            self._pending = barcode
        sentence = failure_sentence(barcode, exc)
        self._set_message(sentence)
        self.status_message.emit(sentence)

    # -- showing ---------------------------------------------------------------

    def _set_message(self, text: str) -> None:
        self.message_label.setText(text)

    def _shown_barcode(self) -> str | None:
        test = self.tests_model.test_at(0)
        return test.barcode if test is not None else None

    def _show_candidates(self, barcodes: list[str]) -> None:
        self.candidates_model.setStringList(barcodes)
        self.candidates_box.setVisible(bool(barcodes))

    def _show_test(self, test: StoredTest | None) -> None:
        self.defects_model.set_test(test)
        self.export_button.setEnabled(test is not None)
        title = _title(test, self._session.clock.format(test.create_time)) if test else ""
        self.test_title.setText(title or self.tr("No test selected."))
        self.notes_label.setText(_notes(test) if test else "")
        grid = test.grid if test else None
        if test is not None and grid is None:
            self.unknown_label.setText(
                self.tr(
                    "Unknown layout ({0}): no module has it, "
                    "so the cells cannot be drawn. The defects are listed on the right."
                ).format(layout_text(test))
            )
            self.grid_stack.setCurrentWidget(self.unknown_label)
        else:
            self.grid_stack.setCurrentWidget(self.grid_view)
        self.grid_view.set_grid(grid)
        if test is not None and grid is not None:
            self.grid_view.set_marks(marks_for(test, self._session.catalog, self._session.clock))

    def _highlight(self, row: int) -> None:
        test = self.tests_model.test_at(self.tests_view.currentIndex().row())
        defect = self.defects_model.defect_at(row)
        if test is None or test.grid is None:
            return
        marks = marks_for(test, self._session.catalog, self._session.clock)
        spot = defect.row_col if defect is not None else None
        self.grid_view.set_marks([m if (m.row, m.col) != spot else _selected(m) for m in marks])


# -- helpers -------------------------------------------------------------------


def _table(model: TestTableModel | DefectTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box


def _selected(mark: Mark) -> Mark:
    return replace(mark, selected=True)


def _found_sentence(result: LookupResult) -> str:
    count = len(result.tests)
    if count == 1:
        return QCoreApplication.translate(
            "LookupTab", "1 EL test of '{0}' stored; the newest is shown."
        ).format(result.barcode)
    text = QCoreApplication.translate(
        "LookupTab", "{0} EL tests of '{1}' stored; the newest is shown."
    )
    return text.format(QLocale().toString(count), result.barcode)


def _not_found_sentence(result: LookupResult) -> str:
    sentence = QCoreApplication.translate("LookupTab", "No EL test of '{0}' is stored.").format(
        result.barcode
    )
    count = len(result.candidates)
    if count:
        if count >= CANDIDATE_LIMIT:
            more = QCoreApplication.translate(
                "LookupTab", "At least {0} stored barcodes contain it: pick one on the left."
            )
        elif count == 1:
            more = QCoreApplication.translate(
                "LookupTab", "{0} stored barcode contains it: pick one on the left."
            )
        else:
            more = QCoreApplication.translate(
                "LookupTab", "{0} stored barcodes contain it: pick one on the left."
            )
        sentence += " " + more.format(QLocale().toString(count))
    return sentence


def _title(test: StoredTest, when: str) -> str:
    who = f" ({html.escape(test.operator)})" if test.operator else ""
    text = QCoreApplication.translate(
        "LookupTab",
        "<b>{0}</b> tested {1} at station {2}, {3} &nbsp;·&nbsp; "
        "AI <b>{4}</b>, operator <b>{5}</b>{6}",
    )
    return text.format(
        html.escape(test.barcode),
        html.escape(when),
        html.escape(test.el_no),
        html.escape(layout_text(test)),
        verdict_label(test.ai),
        verdict_label(test.op),
        who,
    )


def _notes(test: StoredTest) -> str:
    parts = []
    if not test.defects:
        parts.append(
            QCoreApplication.translate("LookupTab", "No defects are stored for this test.")
        )
    off = [d for d in test.defects if defect_note(test, d)]
    if off and test.grid is not None:
        if len(off) == 1:
            text = QCoreApplication.translate(
                "LookupTab", "1 defect lies off the module's grid and cannot be drawn."
            )
        else:
            text = QCoreApplication.translate(
                "LookupTab", "{0} defects lie off the module's grid and cannot be drawn."
            )
        parts.append(text.format(QLocale().toString(len(off))))
    if test.damage:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in test.damage)
        damaged = QCoreApplication.translate(
            "LookupTab", "<b>The stored data of this test is damaged:</b>"
        )
        parts.append(f"{damaged}<ul>{items}</ul>")
    return "<br>".join(parts)
