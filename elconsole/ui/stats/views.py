"""The chart pages of the Statistics tab: trends, Pareto, defect map and p-charts."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.pchart import METRICS, Metric, PChart, metric_chart
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED, Heat, Report, Tally
from elconsole.export.tables import REAL_FATES, pareto, type_counts
from elconsole.ui.stats.charts import BarChart, RateChart, Series, wrap_label
from elconsole.ui.stats.heatmap import HeatMapPanel
from elconsole.ui.stats.models import LocaleFloat, TallyTableModel, count, period_label
from elconsole.ui.stats.quality import ParetoChart, PChartPlot

log = logging.getLogger(__name__)

OK_COLOUR, NG_COLOUR, OTHER_COLOUR = "#2ca02c", "#d62728", "#7f7f7f"
FATE_COLOURS = {CONFIRMED: "#1f77b4", REJECTED: "#ff7f0e", ADDED: "#9467bd"}
PICTURE_SIZE = QSize(640, 340)
RATE_LINES = (
    (QT_TRANSLATE_NOOP("StatsViews", "panel overkill"), "#ff7f0e", "panel_overkill_rate"),
    (QT_TRANSLATE_NOOP("StatsViews", "panel miss"), "#d62728", "panel_miss_rate"),
    (QT_TRANSLATE_NOOP("StatsViews", "defect overkill"), "#1f77b4", "defect_overkill_rate"),
    (QT_TRANSLATE_NOOP("StatsViews", "defect miss"), "#9467bd", "defect_miss_rate"),
)
# The p-charts' metrics by key (the domain's names are English).
METRIC_NAMES = {
    "op_ng": QT_TRANSLATE_NOOP("StatsViews", "Operator NG rate"),
    "panel_overkill": QT_TRANSLATE_NOOP("StatsViews", "AI panel overkill rate"),
    "panel_miss": QT_TRANSLATE_NOOP("StatsViews", "AI panel miss rate"),
}


class ResultViews(QTabWidget):
    """Pages of charts over one report; the tab feeds them, they only draw.

    Signals: none of its own.
    """

    def __init__(self, catalog: DefectCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        fate_names = {
            CONFIRMED: self.tr("AI confirmed"),
            REJECTED: self.tr("AI rejected"),
            ADDED: self.tr("operator added"),
        }
        self._fate_names = fate_names
        self.trend_chart = BarChart(self.tr("EL tests per day"), self.tr("tests"), stacked=True)
        self.rate_chart = RateChart(self.tr("Rates per day"), "%")
        self.type_chart = BarChart(self.tr("Defects by type"), self.tr("defects"), stacked=False)
        self.station_chart = BarChart(
            self.tr("EL tests per station"), self.tr("tests"), stacked=True
        )
        self.pareto_chart = ParetoChart(
            self.tr("Defect types, Pareto (AI confirmed + operator added)")
        )
        self.heat_panel = HeatMapPanel(catalog)
        self.pcharts = [PChartPlot(self._pchart_title(m, "day")) for m in METRICS]
        self.outlier_labels = [QLabel() for _ in METRICS]
        self._init_pages()

    def _init_pages(self) -> None:
        trends = QWidget()
        grid = QGridLayout(trends)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.trend_chart, 0, 0)
        grid.addWidget(self.rate_chart, 0, 1)
        grid.addWidget(self.type_chart, 1, 0)
        grid.addWidget(self.station_chart, 1, 1)
        self.addTab(trends, self.tr("Trends"))
        self.addTab(self.pareto_chart, self.tr("Defect Pareto"))
        self.addTab(self.heat_panel, self.tr("Defect map"))
        pcharts = QWidget()
        column = QVBoxLayout(pcharts)
        column.setContentsMargins(0, 0, 0, 0)
        for chart, label in zip(self.pcharts, self.outlier_labels, strict=True):
            label.setWordWrap(True)
            label.setStyleSheet("color: #b00020")
            column.addWidget(chart, 1)
            column.addWidget(label)
        self.addTab(pcharts, self.tr("p-charts"))

    def _pchart_title(self, metric: Metric, by: str) -> str:
        return self.tr("{0} per {1}, p-chart with 3σ limits").format(
            metric_name(metric), self.tr("day") if by == "day" else self.tr("shift")
        )

    # -- feeding ---------------------------------------------------------------

    def set_catalog(self, catalog: DefectCatalog) -> None:
        """Use a (changed) catalogue's labels and colours from the next report on."""
        self._catalog = catalog
        self.heat_panel.set_catalog(catalog)

    def name_periods(self, by: str) -> None:
        word = self.tr("day") if by == "day" else self.tr("shift")
        self.trend_chart.set_title(self.tr("EL tests per {0} (operator verdict)").format(word))
        self.rate_chart.set_title(self.tr("Rates per {0}").format(word))
        for chart, metric in zip(self.pcharts, METRICS, strict=True):
            chart.set_title(self._pchart_title(metric, by))

    def show_periods(self, keys: Sequence[str], groups: Mapping[str, Tally]) -> None:
        labels = [period_label(key) for key in keys]
        tallies = [groups.get(k) for k in keys]
        self.trend_chart.set_data(labels, verdict_series(tallies))
        self.rate_chart.set_data(labels, rate_series(tallies))
        for chart, label, metric in zip(self.pcharts, self.outlier_labels, METRICS, strict=True):
            pchart = metric_chart(metric, groups, keys)
            chart.set_chart(labels, pchart)
            text = self._outliers_text(labels, pchart)
            label.setText(text)
            chart.setToolTip(text or self.tr("Every point lies within its limits."))

    def _outliers_text(self, labels: Sequence[str], chart: PChart) -> str:
        items = []
        for label, p in zip(labels, chart.points, strict=True):
            if p.outside:
                assert p.p is not None and p.lower is not None and p.upper is not None
                items.append(
                    self.tr("{0}: {1:.2f} % ({2} / {3}; limits {4:.2f}–{5:.2f} %)").format(
                        label,
                        LocaleFloat(100 * p.p),
                        count(p.x),
                        count(p.n),
                        LocaleFloat(100 * p.lower),
                        LocaleFloat(100 * p.upper),
                    )
                )
        if not items:
            return ""
        return self.tr("Outside the limits: {0}").format("; ".join(items))

    def show_types(self, report: Report) -> None:
        groups = report.breakdowns["type"]
        codes = type_codes(self._catalog, groups)
        series = [
            Series(
                self._fate_names[fate],
                FATE_COLOURS[fate],
                [groups[c].defects[fate] if c in groups else 0 for c in codes],
            )
            for fate in (CONFIRMED, REJECTED, ADDED)
        ]
        self.type_chart.set_data([wrap_label(self._catalog.label(c)) for c in codes], series)
        rows = pareto(type_counts(report, REAL_FATES))
        self.pareto_chart.set_pareto(
            [wrap_label(self._catalog.label(code)) for code, *_ in rows],
            [n for _, n, _, _ in rows],
            [cumulative for *_, cumulative in rows],
            [self._catalog.colour(code) for code, *_ in rows],
        )

    def show_stations(self, stations: Sequence[str], groups: Mapping[str, Tally]) -> None:
        self.station_chart.set_data(list(stations), verdict_series([groups[s] for s in stations]))

    def show_heat(self, heat: dict[str, Heat]) -> None:
        self.heat_panel.set_heat(heat)

    def clear(self, message: str) -> None:
        charts = (self.trend_chart, self.rate_chart, self.type_chart, self.station_chart)
        for chart in (*charts, self.pareto_chart, *self.pcharts):
            chart.clear_data(message)
        for label in self.outlier_labels:
            label.setText("")
        self.heat_panel.set_heat({})

    # -- pictures for the PDF report ---------------------------------------------

    def images(self) -> list[QImage]:
        """Return pictures of the main charts, each drawn at its page's current size."""
        current = self.currentIndex()
        pictures = []
        wanted = (
            (0, self.trend_chart),
            (0, self.rate_chart),
            (1, self.pareto_chart),
            (0, self.station_chart),
            (2, self.heat_panel.plot),
            (3, self.pcharts[0]),
        )
        for page, widget in wanted:
            self.setCurrentIndex(page)
            pictures.append(_picture(widget))
        self.setCurrentIndex(current)
        return pictures


def _picture(widget: QWidget) -> QImage:
    """Return the widget drawn at the report's size, so that every chart's text matches."""
    old = widget.size()
    widget.resize(PICTURE_SIZE)
    image = widget.grab().toImage()
    widget.resize(old)
    return image


def metric_name(metric: Metric) -> str:
    """Return a p-chart metric's name in the interface language."""
    name = METRIC_NAMES.get(metric.key, metric.name)
    return QCoreApplication.translate("StatsViews", name)


def type_codes(catalog: DefectCatalog, groups: Mapping[str, Tally]) -> list[str]:
    """Return the catalogue's codes, then any other code found in the data."""
    return list(catalog.codes) + sorted(set(groups) - set(catalog.codes))


def type_text(catalog: DefectCatalog, code: str) -> str:
    label = catalog.label(code)
    return f"{label} ({code})" if label != code else code


def table_view(model: TallyTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    return view


def verdict_series(tallies: Sequence[Tally | None]) -> list[Series]:
    def counts(kind: str) -> list[float | None]:
        return [t.op[kind] if t else 0 for t in tallies]

    series = [
        Series(QCoreApplication.translate("StatsViews", "OK"), OK_COLOUR, counts("ok")),
        Series(QCoreApplication.translate("StatsViews", "NG"), NG_COLOUR, counts("ng")),
    ]
    other = [(t.op["other"] + t.op["missing"]) if t else 0 for t in tallies]
    if any(other):
        name = QCoreApplication.translate("StatsViews", "other")
        series.append(Series(name, OTHER_COLOUR, other))
    return series


def rate_series(tallies: Sequence[Tally | None]) -> list[Series]:
    series = []
    for name, colour, attribute in RATE_LINES:
        values = []
        for tally in tallies:
            value = getattr(tally, attribute) if tally else None
            values.append(None if value is None else 100 * value)
        series.append(Series(QCoreApplication.translate("StatsViews", name), colour, values))
    return series
