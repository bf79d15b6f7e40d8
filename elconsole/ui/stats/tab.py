"""The Statistics tab: a supervisor's figures and charts of a window of days."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from elconsole.data.errors import StoreError
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED, Report, Tally, compute
from elconsole.tasks import TaskRunner
from elconsole.ui.session import Session
from elconsole.ui.stats.charts import BarChart, RateChart, Series, wrap_label
from elconsole.ui.stats.figures import FiguresPanel
from elconsole.ui.stats.models import TallyTableModel, period_keys, period_label

log = logging.getLogger(__name__)

BREAKDOWNS = ("day", "shift", "station", "type")
DEFAULT_DAYS = 7
DATE_FORMAT = "yyyy-MM-dd"
UPPER_HEIGHT, TABLES_HEIGHT = 470, 240
OK_COLOUR, NG_COLOUR, OTHER_COLOUR = "#2ca02c", "#d62728", "#7f7f7f"
FATE_COLOURS = {CONFIRMED: "#1f77b4", REJECTED: "#ff7f0e", ADDED: "#9467bd"}
FATE_NAMES = {CONFIRMED: "AI confirmed", REJECTED: "AI rejected", ADDED: "operator added"}
RATE_LINES = (
    ("panel overkill", "#ff7f0e", "panel_overkill_rate"),
    ("panel miss", "#d62728", "panel_miss_rate"),
    ("defect overkill", "#1f77b4", "defect_overkill_rate"),
    ("defect miss", "#9467bd", "defect_miss_rate"),
)


@dataclass(frozen=True)
class _Request:
    """One refresh: the days asked for and the window they make."""

    generation: int
    first: dt.date
    last: dt.date
    start: float
    end: float

    @property
    def days_text(self) -> str:
        return f"{self.first.isoformat()} and {self.last.isoformat()}"


class StatsTab(QWidget):
    """Key figures, charts and tables of the EL tests between two plant-zone dates.

    Signals:
        status_message(str): a sentence for the status bar.
    """

    status_message = Signal(str)

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._runner = runner
        self._generation = 0
        self._request: _Request | None = None  # the refresh still running
        self._shown: _Request | None = None  # the refresh whose report is shown
        self._report: Report | None = None
        self._init_controls()
        self._init_results()
        self._init_layout()
        self._connect_signals()
        self.set_range(*self.default_range())

    # -- building --------------------------------------------------------------

    def _init_controls(self) -> None:
        self.from_edit = _date_edit()
        self.to_edit = _date_edit()
        self.breakdown_combo = QComboBox()
        self.breakdown_combo.addItem("per day", "day")
        self.breakdown_combo.addItem("per shift", "shift")
        self.breakdown_combo.setToolTip("How the trend charts and the table split the window.")
        self.refresh_button = QPushButton("Refresh")
        self.zone_label = QLabel(f"whole days in the plant zone {self._session.clock.zone_name}")
        self.message_label = QLabel("Open a store to see the statistics.")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("font-weight: bold")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _init_results(self) -> None:
        self.figures = FiguresPanel()
        self.trend_chart = BarChart("EL tests per day", "tests", stacked=True)
        self.rate_chart = RateChart("Rates per day", "%")
        self.type_chart = BarChart("Defects by type", "defects", stacked=False)
        self.station_chart = BarChart("EL tests per station", "tests", stacked=True)
        self.period_model = TallyTableModel("Day", parent=self)
        self.station_model = TallyTableModel("Station", parent=self)
        self.period_table = _table_view(self.period_model)
        self.station_table = _table_view(self.station_model)

    def _init_layout(self) -> None:
        controls = QHBoxLayout()
        for widget in (
            QLabel("From"),
            self.from_edit,
            QLabel("to"),
            self.to_edit,
            QLabel("Trend"),
            self.breakdown_combo,
            self.refresh_button,
        ):
            controls.addWidget(widget)
        controls.addSpacing(12)
        controls.addWidget(self.zone_label)
        controls.addStretch(1)

        charts = QGridLayout()
        charts.addWidget(self.trend_chart, 0, 0)
        charts.addWidget(self.rate_chart, 0, 1)
        charts.addWidget(self.type_chart, 1, 0)
        charts.addWidget(self.station_chart, 1, 1)
        upper = QWidget()
        upper_layout = QHBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.figures)
        upper_layout.addLayout(charts, 1)

        self.tables = QTabWidget()
        self.tables.addTab(self.period_table, "Per day")
        self.tables.addTab(self.station_table, "Per station")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.tables)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([UPPER_HEIGHT, TABLES_HEIGHT])
        self.figures.setFixedWidth(self.figures.sizeHint().width())

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self._on_refresh_button_clicked)
        self.breakdown_combo.currentIndexChanged.connect(
            self._on_breakdown_combo_current_index_changed
        )

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
        today = dt.datetime.now(self._session.clock.tz).date()
        return today - dt.timedelta(days=DEFAULT_DAYS - 1), today

    def set_range(self, first: dt.date, last: dt.date) -> None:
        """Set the from and to dates (both inclusive); call ``refresh`` to load them."""
        self.from_edit.setDate(QDate(first.year, first.month, first.day))
        self.to_edit.setDate(QDate(last.year, last.month, last.day))

    def store_opened(self) -> None:
        """Called once the store is open and answering: load the default range."""
        self.set_range(*self.default_range())
        self.refresh()

    def refresh(self) -> None:
        """Load the chosen days in the background; a newer refresh wins over older ones."""
        first, last = _date_of(self.from_edit), _date_of(self.to_edit)
        if first > last:
            self._show_message(f"The “from” date {first} is after the “to” date {last}.")
            return
        request = self._new_request(first, last)
        self._request = request
        self.message_label.setText(f"Loading the EL tests between {request.days_text}…")
        self._runner.run(
            lambda: self._compute(request),
            lambda report: self._on_query_finished(request, report),
            lambda exc: self._on_query_failed(request, exc),
        )

    def _new_request(self, first: dt.date, last: dt.date) -> _Request:
        clock = self._session.clock
        self._generation += 1
        start = clock.midnight(first)
        end = clock.midnight(last + dt.timedelta(days=1))
        return _Request(self._generation, first, last, start, end)

    def _compute(self, request: _Request) -> Report:
        """Runs on a worker thread: read the window and compute its report."""
        session = self._session
        facts = session.repo.window_facts(request.start, request.end)
        return compute(facts, session.clock, request.start, request.end, BREAKDOWNS)

    # -- slots -----------------------------------------------------------------

    def _on_refresh_button_clicked(self) -> None:
        self.refresh()

    def _on_breakdown_combo_current_index_changed(self, _index: int) -> None:
        self._show_periods()

    def _on_query_finished(self, request: _Request, report: Report) -> None:
        if not self._is_current(request):
            return
        self._request = None
        self._report = report
        self._shown = request
        self._show_report()

    def _on_query_failed(self, request: _Request, exc: BaseException) -> None:
        if not self._is_current(request):
            return
        self._request = None
        self._report = None
        if isinstance(exc, StoreError):
            log.warning("statistics not loaded: %s", exc)
            reason = str(exc)
        else:
            log.error("statistics failed", exc_info=exc)
            reason = f"an unexpected error ({type(exc).__name__}: {exc})"
        self.figures.clear()
        self._clear_results("No figures")
        self._show_message(f"The statistics could not be loaded: {reason}.")

    def _is_current(self, request: _Request) -> bool:
        if request.generation != self._generation:
            log.debug("dropping the result of refresh %d", request.generation)
            return False
        return True

    # -- showing -----------------------------------------------------------------

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.status_message.emit(text)

    def _show_report(self) -> None:
        assert self._report is not None
        total = self._report.total
        self.figures.show_tally(total)
        request = self._shown
        assert request is not None
        if not total.tests:
            self._clear_results("No EL tests")
            self.message_label.setText(f"No EL tests between {request.days_text}.")
            return
        zone = self._session.clock.zone_name
        self.message_label.setText(
            f"{total.tests:,} EL tests between {request.days_text} (whole days, {zone})."
        )
        self._show_periods()
        self._show_types()
        self._show_stations()

    def _clear_results(self, message: str) -> None:
        for chart in (self.trend_chart, self.rate_chart, self.type_chart, self.station_chart):
            chart.clear_data(message)
        self.period_model.set_rows([])
        self.station_model.set_rows([])

    def _breakdown(self) -> str:
        return str(self.breakdown_combo.currentData())

    def _show_periods(self) -> None:
        by = self._breakdown()
        word = "Day" if by == "day" else "Shift"
        self.tables.setTabText(0, f"Per {by}")
        self.trend_chart.set_title(f"EL tests per {by} (operator verdict)")
        self.rate_chart.set_title(f"Rates per {by}")
        shown, report = self._shown, self._report
        if shown is None or report is None or not report.total.tests:
            self.period_model.set_rows([], word)
            return
        groups = report.breakdowns[by]
        keys = period_keys(self._session.clock, shown.first, shown.last, by)
        keys += sorted(set(groups) - set(keys))
        labels = [period_label(key) for key in keys]
        self.trend_chart.set_data(labels, _verdict_series([groups.get(k) for k in keys]))
        self.rate_chart.set_data(labels, _rate_series([groups.get(k) for k in keys]))
        self.period_model.set_rows([(k, groups[k]) for k in keys if k in groups], word)

    def _show_types(self) -> None:
        assert self._report is not None
        catalog = self._session.catalog
        groups = self._report.breakdowns["type"]
        codes = list(catalog.codes) + sorted(set(groups) - set(catalog.codes))
        series = [
            Series(
                FATE_NAMES[fate],
                FATE_COLOURS[fate],
                [groups[c].defects[fate] if c in groups else 0 for c in codes],
            )
            for fate in (CONFIRMED, REJECTED, ADDED)
        ]
        self.type_chart.set_data([wrap_label(catalog.label(c)) for c in codes], series)

    def _show_stations(self) -> None:
        assert self._report is not None
        groups = self._report.breakdowns["station"]
        stations = sorted(groups)
        self.station_chart.set_data(stations, _verdict_series([groups[s] for s in stations]))
        self.station_model.set_rows([(s, groups[s]) for s in stations])


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def _date_of(edit: QDateEdit) -> dt.date:
    date = edit.date()
    return dt.date(date.year(), date.month(), date.day())


def _table_view(model: TallyTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    return view


def _verdict_series(tallies: list[Tally | None]) -> list[Series]:
    def counts(kind: str) -> list[float | None]:
        return [t.op[kind] if t else 0 for t in tallies]

    series = [Series("OK", OK_COLOUR, counts("ok")), Series("NG", NG_COLOUR, counts("ng"))]
    other = [(t.op["other"] + t.op["missing"]) if t else 0 for t in tallies]
    if any(other):
        series.append(Series("other", OTHER_COLOUR, other))
    return series


def _rate_series(tallies: list[Tally | None]) -> list[Series]:
    series = []
    for name, colour, attribute in RATE_LINES:
        values = []
        for tally in tallies:
            value = getattr(tally, attribute) if tally else None
            values.append(None if value is None else 100 * value)
        series.append(Series(name, colour, values))
    return series
