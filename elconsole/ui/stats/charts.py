"""The pyqtgraph charts of the Statistics tab: category bars and rate lines."""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

pg.setConfigOptions(antialias=True)

BACKGROUND = "w"
FOREGROUND = "#303030"
GRID_ALPHA = 0.25
LABEL_GAP_PX = 14
BAR_SPAN = 0.8


@dataclass(frozen=True)
class Series:
    """One named, coloured row of values, one per category (None: no data)."""

    name: str
    colour: str
    values: Sequence[float | None]


class CategoryAxis(pg.AxisItem):
    """A bottom axis that names integer positions, dropping labels that would overlap."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.setStyle(hideOverlappingLabels=False)
        self._labels: list[str] = []

    def set_labels(self, labels: Sequence[str]) -> None:
        """Name positions 0, 1, …; a label may have two lines (``\n``)."""
        self._labels = list(labels)
        lines = max((t.count("\n") + 1 for t in self._labels), default=1)
        if lines > 1:
            metrics = QFontMetrics(self.style.get("tickFont") or self.font())
            self.setHeight(metrics.lineSpacing() * lines + LABEL_GAP_PX)
        else:
            self.setHeight(None)
        self.picture = None
        self.update()

    def tickValues(  # noqa: N802 - pyqtgraph override
        self,
        minVal: float,
        maxVal: float,
        size: float,  # noqa: N803
    ) -> list[tuple[float, list[float]]]:
        if not self._labels:
            return []
        step = self._step(maxVal - minVal, size)
        first = max(0, math.ceil(minVal))
        last = min(len(self._labels) - 1, math.floor(maxVal))
        return [(1.0, [float(i) for i in range(first, last + 1) if i % step == 0])]

    def tickStrings(  # noqa: N802 - pyqtgraph override
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        out = []
        for value in values:
            index = int(round(value))
            out.append(self._labels[index] if 0 <= index < len(self._labels) else "")
        return out

    def _step(self, span: float, size: float) -> int:
        if span <= 0 or size <= 0:
            return 1
        metrics = QFontMetrics(self.style.get("tickFont") or self.font())
        widest = max(
            metrics.horizontalAdvance(line) for t in self._labels for line in t.split("\n")
        )
        per_label = size / max(span, 1.0)
        return max(1, math.ceil((widest + LABEL_GAP_PX) / per_label))


class _Chart(pg.PlotWidget):
    """A light, static chart over categories with a legend in its title."""

    def __init__(self, title: str, y_label: str, parent: QWidget | None = None) -> None:
        self.axis = CategoryAxis()
        super().__init__(parent, background=BACKGROUND, axisItems={"bottom": self.axis})
        self._title = title
        self._items: list[pg.GraphicsObject] = []
        self._placeholder = pg.TextItem("", color=FOREGROUND, anchor=(0.5, 0.5))
        self._style(y_label)
        self._set_title([])
        self.show_placeholder(QCoreApplication.translate("StatsCharts", "No data"))

    def _style(self, y_label: str) -> None:
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=GRID_ALPHA)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(FOREGROUND)
            axis.setTextPen(FOREGROUND)
        item.setLabel("left", y_label, color=FOREGROUND)
        self.setMinimumSize(240, 130)

    def _set_title(self, series: Sequence[Series]) -> None:
        """Show the title, and below it the legend, so that neither hides data."""
        keys = "&nbsp;&nbsp;".join(
            f"<span style='color:{s.colour}'>&#9632;</span>&nbsp;{html.escape(s.name)}"
            for s in series
        )
        text = f"<b>{html.escape(self._title)}</b><br><span style='font-size:8pt'>"
        text += (keys or "&nbsp;") + "</span>"
        self.getPlotItem().setTitle(text, color=FOREGROUND, size="10pt")

    def set_title(self, title: str) -> None:
        """Name the chart; the legend follows the title on the next ``set_data``."""
        self._title = title
        self._set_title([])

    def clear_data(self, message: str = "") -> None:
        """Remove every series and show ``message`` (default: "No data") in the middle."""
        message = message or QCoreApplication.translate("StatsCharts", "No data")
        self._remove_items()
        self.axis.set_labels([])
        self._set_title([])
        self.show_placeholder(message)

    def show_placeholder(self, message: str) -> None:
        self.getPlotItem().getAxis("left").setStyle(showValues=False)
        if self._placeholder not in self.getPlotItem().items:
            self.getPlotItem().addItem(self._placeholder, ignoreBounds=True)
        self._placeholder.setText(message)
        self._placeholder.setPos(0.5, 0.5)
        self.getPlotItem().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)

    def _begin(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        self._remove_items()
        self.getPlotItem().removeItem(self._placeholder)
        self.getPlotItem().getAxis("left").setStyle(showValues=True)
        self.axis.set_labels(categories)
        self._set_title(series)

    def _add(self, item: pg.GraphicsObject) -> None:
        self.getPlotItem().addItem(item)
        self._items.append(item)

    def _remove_items(self) -> None:
        for item in self._items:
            self.getPlotItem().removeItem(item)
        self._items.clear()

    def _set_x_range(self, n: int) -> None:
        self.getPlotItem().setXRange(-0.5, n - 0.5, padding=0.02)


class BarChart(_Chart):
    """Bars per category: stacked (one column per category) or grouped side by side."""

    def __init__(
        self, title: str, y_label: str, stacked: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, y_label, parent)
        self._stacked = stacked

    def set_data(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        """Draw the bars; a category without data draws no bar."""
        if not categories:
            self.clear_data()
            return
        self._begin(categories, series)
        x = np.arange(len(categories), dtype=float)
        top = self._stack(x, series) if self._stacked else self._group(x, series)
        self._set_x_range(len(categories))
        self.getPlotItem().setYRange(0, max(top, 1.0) * 1.08, padding=0)

    def _stack(self, x: np.ndarray, series: Sequence[Series]) -> float:
        base = np.zeros(len(x))
        for s in series:
            height = _numbers(s.values)
            self._add(
                pg.BarGraphItem(
                    x=x,
                    height=height,
                    y0=base.copy(),
                    width=BAR_SPAN,
                    brush=s.colour,
                    pen=pg.mkPen(BACKGROUND, width=0.5),
                )
            )
            base += height
        return float(base.max(initial=0.0))

    def _group(self, x: np.ndarray, series: Sequence[Series]) -> float:
        width = BAR_SPAN / max(len(series), 1)
        top = 0.0
        for i, s in enumerate(series):
            height = _numbers(s.values)
            offset = (i - (len(series) - 1) / 2) * width
            self._add(
                pg.BarGraphItem(
                    x=x + offset,
                    height=height,
                    width=width * 0.92,
                    brush=s.colour,
                    pen=pg.mkPen(BACKGROUND, width=0.5),
                )
            )
            top = max(top, float(height.max(initial=0.0)))
        return top


class RateChart(_Chart):
    """Rates in % per category as lines; periods without data are gaps, not zeros."""

    def set_data(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        if not categories:
            self.clear_data()
            return
        self._begin(categories, series)
        top = 0.0
        for s in series:
            points = [(i, v) for i, v in enumerate(s.values) if v is not None]
            if not points:
                continue
            x = np.array([p[0] for p in points], dtype=float)
            y = np.array([p[1] for p in points], dtype=float)
            self._add(
                pg.PlotDataItem(
                    x,
                    y,
                    pen=pg.mkPen(s.colour, width=2),
                    connect=_runs(x),
                    symbol="o",
                    symbolSize=6,
                    symbolBrush=s.colour,
                    symbolPen=s.colour,
                )
            )
            top = max(top, float(y.max()))
        self._set_x_range(len(categories))
        self.getPlotItem().setYRange(0, max(top * 1.1, 1.0), padding=0)


def wrap_label(text: str, longest: int = 12) -> str:
    """Break a long label into two lines at the space nearest its middle."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if len(text) <= longest or not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}\n{text[cut + 1 :]}"


def _numbers(values: Sequence[float | None]) -> np.ndarray:
    return np.array([0.0 if v is None else float(v) for v in values], dtype=float)


def _runs(x: np.ndarray) -> np.ndarray:
    """Connect a point to the next only when they are neighbouring categories."""
    if len(x) == 0:
        return np.zeros(0, dtype=np.int32)
    linked = np.zeros(len(x), dtype=np.int32)
    linked[:-1] = (np.diff(x) == 1).astype(np.int32)
    return linked
