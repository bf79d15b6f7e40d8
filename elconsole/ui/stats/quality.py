"""Quality charts of the Statistics tab: the defect-type Pareto and the p-charts."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from elconsole.domain.pchart import PChart
from elconsole.ui.stats.charts import BACKGROUND, BAR_SPAN, FOREGROUND, Series, _Chart
from elconsole.ui.stats.models import LocaleFloat, count, percent

log = logging.getLogger(__name__)

LINE_COLOUR = "#303030"
POINT_COLOUR = "#1f77b4"
OUT_COLOUR = "#d62728"
LIMIT_COLOUR = "#ff7f0e"
CENTRE_COLOUR = "#2ca02c"
QUARTERS = (0.0, 0.25, 0.5, 0.75, 1.0)


class ParetoChart(_Chart):
    """Bars of defects per type, largest first, and the cumulative share as a line."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, QCoreApplication.translate("StatsCharts", "defects"), parent)
        item = self.getPlotItem()
        item.showAxis("right")
        right = item.getAxis("right")
        right.setPen(FOREGROUND)
        right.setTextPen(FOREGROUND)
        right.setLabel(QCoreApplication.translate("StatsCharts", "cumulative %"), color=FOREGROUND)

    def set_pareto(
        self,
        labels: Sequence[str],
        counts: Sequence[int],
        cumulative: Sequence[float],
        colours: Sequence[str],
    ) -> None:
        """Draw bars (already sorted) and the cumulative share (0..1) scaled to the bars."""
        if not labels:
            self.clear_data(QCoreApplication.translate("StatsCharts", "No defects"))
            self.getPlotItem().getAxis("right").setTicks([[]])
            return
        total = float(sum(counts))
        legend = [
            Series(QCoreApplication.translate("StatsCharts", "defects"), "#7f7f7f", counts),
            Series(
                QCoreApplication.translate("StatsCharts", "cumulative %"), LINE_COLOUR, cumulative
            ),
        ]
        self._begin(labels, legend)
        x = np.arange(len(labels), dtype=float)
        brushes = [pg.mkBrush(c) for c in colours]
        self._add(
            pg.BarGraphItem(
                x=x,
                height=np.array(counts, dtype=float),
                width=BAR_SPAN,
                brushes=brushes,
                pen=pg.mkPen(BACKGROUND, width=0.5),
            )
        )
        y = np.array(cumulative, dtype=float) * total
        self._add(
            pg.PlotDataItem(
                x,
                y,
                pen=pg.mkPen(LINE_COLOUR, width=2),
                symbol="o",
                symbolSize=6,
                symbolBrush=LINE_COLOUR,
                symbolPen=LINE_COLOUR,
            )
        )
        for i, n in enumerate(counts):
            text = pg.TextItem(count(n), color=FOREGROUND, anchor=(0.5, 1.0))
            text.setPos(float(i), float(n))
            self._add(text)
        ticks = [(total * q, percent(q, 0)) for q in QUARTERS]
        self.getPlotItem().getAxis("right").setTicks([ticks, []])
        self._set_x_range(len(labels))
        self.getPlotItem().setYRange(0, total * 1.05, padding=0)


class PChartPlot(_Chart):
    """A p-chart: the proportion per period in %, the centre line and varying 3σ limits.

    Points outside their limits are red diamonds; the others blue discs.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "%", parent)

    def set_chart(self, labels: Sequence[str], chart: PChart) -> None:
        """Draw one chart; a period without items has no point and no limits."""
        if not labels or chart.centre is None:
            self.clear_data(QCoreApplication.translate("StatsCharts", "No data"))
            return
        centre = 100 * chart.centre
        legend = [
            Series(QCoreApplication.translate("StatsCharts", "proportion"), POINT_COLOUR, []),
            Series(QCoreApplication.translate("StatsCharts", "outside the limits"), OUT_COLOUR, []),
            Series(
                QCoreApplication.translate("StatsCharts", "p̄ {0:.2f} %").format(
                    LocaleFloat(centre)
                ),
                CENTRE_COLOUR,
                [],
            ),
            Series(QCoreApplication.translate("StatsCharts", "3σ limits"), LIMIT_COLOUR, []),
        ]
        self._begin(labels, legend)
        points = [(i, p) for i, p in enumerate(chart.points) if p.p is not None]
        self._limits(points)
        self._add(
            pg.InfiniteLine(
                pos=centre,
                angle=0,
                pen=pg.mkPen(CENTRE_COLOUR, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine),
            )
        )
        self._points(points)
        top = max([100 * (p.upper or 0) for _, p in points] + [100 * (p.p or 0) for _, p in points])
        self._set_x_range(len(labels))
        self.getPlotItem().setYRange(0, max(top * 1.08, 1.0), padding=0)

    def _limits(self, points: list) -> None:
        x, lower, upper = [], [], []
        for i, p in points:
            x += [i - 0.45, i + 0.45]
            lower += [100 * p.lower] * 2
            upper += [100 * p.upper] * 2
        pen = pg.mkPen(LIMIT_COLOUR, width=1.5)
        for values in (lower, upper):
            self._add(pg.PlotDataItem(np.array(x), np.array(values), pen=pen, connect="pairs"))

    def _points(self, points: list) -> None:
        x = np.array([i for i, _ in points], dtype=float)
        y = np.array([100 * p.p for _, p in points], dtype=float)
        self._add(pg.PlotDataItem(x, y, pen=pg.mkPen(POINT_COLOUR, width=1)))
        inside = [(i, 100 * p.p) for i, p in points if not p.outside]
        outside = [(i, 100 * p.p) for i, p in points if p.outside]
        for group, symbol, colour, size in (
            (inside, "o", POINT_COLOUR, 7),
            (outside, "d", OUT_COLOUR, 12),
        ):
            if group:
                self._add(
                    pg.ScatterPlotItem(
                        x=[g[0] for g in group],
                        y=[g[1] for g in group],
                        symbol=symbol,
                        size=size,
                        brush=pg.mkBrush(colour),
                        pen=pg.mkPen(colour),
                    )
                )
