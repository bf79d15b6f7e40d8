"""The Statistics tab: a supervisor's figures, charts and exports of a window of days."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from elconsole.data.errors import StoreError
from elconsole.domain.ranges import Window, days_window, quick_window
from elconsole.domain.stats import Report
from elconsole.tasks import TaskRunner
from elconsole.ui.session import Session
from elconsole.ui.stats import exports, views
from elconsole.ui.stats.figures import FiguresPanel
from elconsole.ui.stats.models import TallyTableModel, count, period_keys, period_text

log = logging.getLogger(__name__)

BREAKDOWNS = ("day", "shift", "station", "type")
DEFAULT_RANGE = "last7"
DATE_FORMAT = "yyyy-MM-dd"
UPPER_HEIGHT, TABLES_HEIGHT = 520, 220
ALL = ""  # the data of a filter's "all" entry


@dataclass(frozen=True)
class _Request:
    """One refresh: the window asked for, its description and the filters."""

    generation: int
    window: Window
    text: str
    stations: tuple[str, ...] | None
    layouts: tuple[str, ...] | None

    @property
    def first(self) -> dt.date:
        return self.window.first

    @property
    def last(self) -> dt.date:
        return self.window.last


class StatsTab(QWidget):
    """Key figures, charts, tables and exports of the EL tests of a plant-zone window.

    Signals:
        status_message(str): a sentence for the status bar.
    """

    status_message = Signal(str)

    def __init__(
        self,
        session: Session,
        runner: TaskRunner,
        parent: QWidget | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        self._now = now
        self._generation = 0
        self._request: _Request | None = None  # the refresh still running
        self._shown: _Request | None = None  # the refresh whose report is shown
        self._report: Report | None = None
        self._init_controls()
        self._init_results()
        self._init_layout()
        self._connect_signals()
        self._choose_range(DEFAULT_RANGE)
        self._set_busy(False)

    # -- building --------------------------------------------------------------

    def _init_controls(self) -> None:
        self.range_combo = QComboBox()
        for key, text in (
            ("custom", self.tr("Chosen dates")),
            ("today", self.tr("Today")),
            ("shift", self.tr("This shift")),
            ("yesterday", self.tr("Yesterday")),
            ("last7", self.tr("Last 7 days")),
            ("month", self.tr("This month")),
        ):
            self.range_combo.addItem(text, key)
        self.from_edit = _date_edit()
        self.to_edit = _date_edit()
        self.breakdown_combo = QComboBox()
        self.breakdown_combo.addItem(self.tr("per day"), "day")
        self.breakdown_combo.addItem(self.tr("per shift"), "shift")
        self.breakdown_combo.setToolTip(
            self.tr("How the trend charts and the table split the window.")
        )
        self.station_combo = _filter_combo(self.tr("all stations"))
        self.layout_combo = _filter_combo(self.tr("all layouts"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(90)
        self.busy_bar.setTextVisible(False)
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.xlsx_button = QPushButton(self.tr("Export Excel…"))
        self.pdf_button = QPushButton(self.tr("PDF report…"))
        self.zone_label = QLabel(self._zone_label_text())
        self.message_label = QLabel(self.tr("Open a store to see the statistics."))
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("font-weight: bold")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _init_results(self) -> None:
        self.figures = FiguresPanel()
        self.views = views.ResultViews(self._session.catalog)
        self.period_model = TallyTableModel(self.tr("Day"), parent=self)
        self.station_model = TallyTableModel(self.tr("Station"), parent=self)
        self.type_model = TallyTableModel(self.tr("Defect type"), parent=self)
        self.period_table = views.table_view(self.period_model)
        self.station_table = views.table_view(self.station_model)
        self.type_table = views.table_view(self.type_model)
        # Names the tests of earlier versions use.
        self.trend_chart = self.views.trend_chart
        self.rate_chart = self.views.rate_chart
        self.type_chart = self.views.type_chart
        self.station_chart = self.views.station_chart

    def _init_layout(self) -> None:
        upper = QWidget()
        upper_layout = QHBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.figures)
        upper_layout.addWidget(self.views, 1)
        self.figures.setFixedWidth(self.figures.sizeHint().width())

        self.tables = QTabWidget()
        self.tables.addTab(self.period_table, self.tr("Per day"))
        self.tables.addTab(self.station_table, self.tr("Per station"))
        self.tables.addTab(self.type_table, self.tr("Per defect type"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.tables)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([UPPER_HEIGHT, TABLES_HEIGHT])

        layout = QVBoxLayout(self)
        layout.addLayout(self._range_bar())
        layout.addLayout(self._filter_bar())
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

    def _range_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for widget in (
            QLabel(self.tr("Range")),
            self.range_combo,
            QLabel(self.tr("from")),
            self.from_edit,
            QLabel(self.tr("to")),
            self.to_edit,
            self.refresh_button,
            self.busy_bar,
        ):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.zone_label)
        bar.addStretch(1)
        return bar

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for widget in (
            QLabel(self.tr("Station")),
            self.station_combo,
            QLabel(self.tr("Cell layout")),
            self.layout_combo,
            QLabel(self.tr("Trend")),
            self.breakdown_combo,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        for button in (self.csv_button, self.xlsx_button, self.pdf_button):
            bar.addWidget(button)
        return bar

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self._on_refresh_button_clicked)
        self.range_combo.activated.connect(self._on_range_combo_activated)
        self.from_edit.userDateChanged.connect(self._on_date_edit_user_date_changed)
        self.to_edit.userDateChanged.connect(self._on_date_edit_user_date_changed)
        self.breakdown_combo.currentIndexChanged.connect(
            self._on_breakdown_combo_current_index_changed
        )
        self.station_combo.activated.connect(self._on_filter_activated)
        self.layout_combo.activated.connect(self._on_filter_activated)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.xlsx_button.clicked.connect(self._on_xlsx_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)

    # -- public ----------------------------------------------------------------

    @property
    def report(self) -> Report | None:
        """The report shown (None before the first result and after a failure)."""
        return self._report

    @property
    def loading(self) -> bool:
        return self._request is not None

    def default_range(self) -> tuple[dt.date, dt.date]:
        """Return the last seven plant-zone days, ending today."""
        window = quick_window(self._session.clock, DEFAULT_RANGE, self._now())
        return window.first, window.last

    def set_range(self, first: dt.date, last: dt.date) -> None:
        """Set the from and to dates (both inclusive); call ``refresh`` to load them."""
        self._set_dates(first, last)
        self.range_combo.setCurrentIndex(self.range_combo.findData("custom"))

    def choose_quick_range(self, kind: str) -> None:
        """Pick a quick range (``today``, ``shift``, ``yesterday``, ``last7``, ``month``)."""
        self._choose_range(kind)
        self.refresh()

    def set_filters(self, station: str | None, layout: str | None) -> None:
        """Choose one station and one layout (None: all); call ``refresh`` to load."""
        for combo, value in ((self.station_combo, station), (self.layout_combo, layout)):
            if value and combo.findData(value) < 0:
                combo.addItem(value, value)
            combo.setCurrentIndex(combo.findData(value or ALL))

    def store_opened(self) -> None:
        """Called once the store is open (or the settings changed): filters, the last 7 days."""
        session = self._session
        self.zone_label.setText(self._zone_label_text())
        self.views.set_catalog(session.catalog)
        self._runner.run(
            lambda: session.repo.filter_choices(),
            self._on_choices_loaded,
            lambda exc: log.warning("filter choices not loaded: %s", exc),
        )
        self.choose_quick_range(DEFAULT_RANGE)

    def refresh(self) -> None:
        """Load the chosen window in the background; a newer refresh wins over older ones."""
        window = self._window()
        if window is None:
            return
        request = self._new_request(window)
        self._request = request
        self._set_busy(True)
        self.message_label.setText(self.tr("Loading the EL tests {0}…").format(request.text))
        self._runner.run(
            lambda: self._compute(request),
            lambda report: self._on_query_finished(request, report),
            lambda exc: self._on_query_failed(request, exc),
        )

    def _zone_label_text(self) -> str:
        zone = self._session.clock.zone_name
        return self.tr("Days and shifts in the plant zone {0}").format(zone)

    def _window(self) -> Window | None:
        clock = self._session.clock
        kind = str(self.range_combo.currentData())
        if kind != "custom":
            window = quick_window(clock, kind, self._now())
            self._set_dates(window.first, window.last)
            return window
        first, last = _date_of(self.from_edit), _date_of(self.to_edit)
        if first > last:
            self._show_message(
                self.tr("The “from” date {0} is after the “to” date {1}.").format(first, last)
            )
            return None
        return days_window(clock, first, last)

    def _new_request(self, window: Window) -> _Request:
        self._generation += 1
        station = self.station_combo.currentData()
        layout = self.layout_combo.currentData()
        return _Request(
            self._generation,
            window,
            self._window_text(window),
            (station,) if station else None,
            (layout,) if layout else None,
        )

    def _window_text(self, window: Window) -> str:
        if window.shift:
            clock = self._session.clock
            begins, ends = clock.local(window.start), clock.local(window.end)
            return self.tr("in the shift {0} ({1:%H:%M}–{2:%H:%M})").format(
                period_text(window.shift), begins, ends
            )
        return self.tr("between {0} and {1}").format(
            window.first.isoformat(), window.last.isoformat()
        )

    def _compute(self, request: _Request) -> Report:
        """Runs on a worker thread: the report of the window with every breakdown."""
        session = self._session
        window = request.window
        return session.repo.window_report(
            session.clock,
            window.start,
            window.end,
            BREAKDOWNS,
            stations=request.stations,
            layouts=request.layouts,
        )

    # -- slots -----------------------------------------------------------------

    def _on_refresh_button_clicked(self) -> None:
        self.refresh()

    def _on_range_combo_activated(self, _index: int) -> None:
        kind = str(self.range_combo.currentData())
        if kind != "custom":
            self.choose_quick_range(kind)

    def _on_date_edit_user_date_changed(self, _date: QDate) -> None:
        self.range_combo.setCurrentIndex(self.range_combo.findData("custom"))

    def _on_filter_activated(self, _index: int) -> None:
        self.refresh()

    def _on_breakdown_combo_current_index_changed(self, _index: int) -> None:
        self._show_periods()

    def _on_choices_loaded(self, choices: tuple[list[str], list[str]]) -> None:
        stations, layouts = choices
        _fill(self.station_combo, stations)
        _fill(self.layout_combo, layouts)

    def _on_query_finished(self, request: _Request, report: Report) -> None:
        if not self._is_current(request):
            return
        self._request = None
        self._set_busy(False)
        self._report = report
        self._shown = request
        self._show_report()

    def _on_query_failed(self, request: _Request, exc: BaseException) -> None:
        if not self._is_current(request):
            return
        self._request = None
        self._set_busy(False)
        self._report = None
        if isinstance(exc, StoreError):
            log.warning("statistics not loaded: %s", exc)
            reason = str(exc)
        else:
            log.error("statistics failed", exc_info=exc)
            reason = self.tr("an unexpected error ({0}: {1})").format(type(exc).__name__, exc)
        self.figures.clear()
        self._clear_results(self.tr("No figures"))
        self._show_message(self.tr("The statistics could not be loaded: {0}.").format(reason))

    def _on_csv_button_clicked(self) -> None:
        path = self._ask_path(self.tr("Export CSV"), "csv", self.tr("CSV files (*.csv)"))
        if path is not None:
            self.export_csv(path)

    def _on_xlsx_button_clicked(self) -> None:
        path = self._ask_path(self.tr("Export Excel"), "xlsx", self.tr("Excel workbooks (*.xlsx)"))
        if path is not None:
            self.export_xlsx(path)

    def _on_pdf_button_clicked(self) -> None:
        path = self._ask_path(self.tr("PDF report"), "pdf", self.tr("PDF files (*.pdf)"))
        if path is not None:
            self.export_pdf(path)

    def _is_current(self, request: _Request) -> bool:
        if request.generation != self._generation:
            log.debug("dropping the result of refresh %d", request.generation)
            return False
        return True

    # -- exports -----------------------------------------------------------------

    def export_csv(self, path: Path) -> list[Path]:
        """Write every table as CSV next to ``path``; return the files (none on failure)."""
        return self._export(lambda s: exports.write_csv_files(path, s), path)

    def export_xlsx(self, path: Path) -> list[Path]:
        """Write the Excel workbook; return ``[path]`` (``[]`` on failure)."""
        return self._export(lambda s: exports.write_workbook(path, s), path)

    def export_pdf(self, path: Path) -> list[Path]:
        """Write the one-page PDF report with figures and charts."""
        return self._export(lambda s: exports.write_pdf(path, s, self.views), path)

    def _export(self, write: Callable[[exports.Snapshot], list[Path]], path: Path) -> list[Path]:
        snapshot = self._snapshot()
        if snapshot is None:
            self._show_message(self.tr("Load a window before exporting."))
            return []
        try:
            written = write(snapshot)
        except OSError as exc:
            log.warning("export to %s failed: %s", path, exc)
            self._show_message(
                self.tr("{0} was not written: {1}.").format(path, exc.strerror or exc)
            )
            return []
        names = ", ".join(p.name for p in written)
        self.status_message.emit(self.tr("Wrote {0} in {1}.").format(names, path.parent))
        return written

    def _snapshot(self) -> exports.Snapshot | None:
        if self._report is None or self._shown is None:
            return None
        return exports.Snapshot(
            self._report,
            self._session.clock,
            self._session.catalog,
            self._breakdown(),
            self._period_keys(self._breakdown()),
            self._shown.stations,
            self._shown.layouts,
            self._shown.text,
        )

    def _ask_path(self, title: str, suffix: str, kinds: str) -> Path | None:
        shown = self._shown
        stem = f"el-statistics-{shown.first}-{shown.last}" if shown else "el-statistics"
        return exports.ask_path(self, title, f"{stem}.{suffix}", kinds)

    # -- showing -----------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        ready = not busy and self._report is not None
        for button in (self.csv_button, self.xlsx_button, self.pdf_button):
            button.setEnabled(ready)

    def _set_dates(self, first: dt.date, last: dt.date) -> None:
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _choose_range(self, kind: str) -> None:
        self.range_combo.setCurrentIndex(self.range_combo.findData(kind))
        window = quick_window(self._session.clock, kind, self._now())
        self._set_dates(window.first, window.last)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.status_message.emit(text)

    def _show_report(self) -> None:
        report, request = self._report, self._shown
        assert report is not None and request is not None
        total = report.total
        self.figures.show_tally(total)
        self._set_busy(False)
        if not total.tests:
            self._clear_results(self.tr("No EL tests"))
            self.message_label.setText(
                self.tr("No EL tests {0}{1}.").format(request.text, self._filter_text(request))
            )
            return
        zone = self._session.clock.zone_name
        self.message_label.setText(
            self.tr("{0} EL tests {1} ({2}){3}.").format(
                count(total.tests),
                request.text,
                self._zone_text(request, zone),
                self._filter_text(request),
            )
        )
        self._show_periods()
        self._show_types()
        self._show_stations()
        self.views.show_heat(report.heat)

    def _zone_text(self, request: _Request, zone: str) -> str:
        if request.window.shift:
            return zone
        return self.tr("whole days, {0}").format(zone)

    def _filter_text(self, request: _Request) -> str:
        parts = []
        if request.stations:
            parts.append(self.tr("station {0}").format(", ".join(request.stations)))
        if request.layouts:
            parts.append(self.tr("layout {0}").format(", ".join(request.layouts)))
        return "; " + ", ".join(parts) if parts else ""

    def _clear_results(self, message: str) -> None:
        self.views.clear(message)
        for model in (self.period_model, self.station_model, self.type_model):
            model.set_rows([])

    def _breakdown(self) -> str:
        return str(self.breakdown_combo.currentData())

    def _period_keys(self, by: str) -> list[str]:
        shown, report = self._shown, self._report
        if shown is None or report is None:
            return []
        groups = report.breakdowns.get(by, {})
        if shown.window.shift and by == "shift":
            keys = [shown.window.shift]
        else:
            keys = period_keys(self._session.clock, shown.first, shown.last, by)
        return keys + sorted(set(groups) - set(keys))

    def _show_periods(self) -> None:
        by = self._breakdown()
        word = self.tr("Day") if by == "day" else self.tr("Shift")
        self.tables.setTabText(0, self.tr("Per day") if by == "day" else self.tr("Per shift"))
        self.views.name_periods(by)
        report = self._report
        if report is None or not report.total.tests:
            self.period_model.set_rows([], word)
            return
        groups = report.breakdowns[by]
        keys = self._period_keys(by)
        self.views.show_periods(keys, groups)
        rows = [(period_text(k), groups[k]) for k in keys if k in groups]
        self.period_model.set_rows(rows, word)

    def _show_types(self) -> None:
        assert self._report is not None
        groups = self._report.breakdowns["type"]
        self.views.show_types(self._report)
        catalog = self._session.catalog
        rows = [
            (views.type_text(catalog, c), groups[c])
            for c in views.type_codes(catalog, groups)
            if c in groups
        ]
        self.type_model.set_rows([(k, t) for k, t in rows])

    def _show_stations(self) -> None:
        assert self._report is not None
        groups = self._report.breakdowns["station"]
        stations = sorted(groups)
        self.views.show_stations(stations, groups)
        self.station_model.set_rows([(s, groups[s]) for s in stations])


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def _date_of(edit: QDateEdit) -> dt.date:
    date = edit.date()
    return dt.date(date.year(), date.month(), date.day())


def _filter_combo(everything: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(everything, ALL)
    combo.setMinimumContentsLength(10)
    return combo


def _fill(combo: QComboBox, values: list[str]) -> None:
    """Offer ``values`` after the first entry ("all"), keeping the current choice."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value in values:
        combo.addItem(value, value)
    if chosen and combo.findData(chosen) < 0:
        combo.addItem(chosen, chosen)
    combo.setCurrentIndex(combo.findData(chosen) if chosen else 0)
    combo.blockSignals(False)
