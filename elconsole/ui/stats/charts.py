"""The pyqtgraph charts of the Statistics tab: category bars and rate lines."""

from __future__ import annotations

import html
import logging
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

pg.setConfigOptions(antialias=True)

BACKGROUND = "w"
FOREGROUND = "#303030"
GRID_ALPHA = 0.25
LABEL_GAP_PX = 14
BAR_SPAN = 0.8
LABEL_WIDTH_PX = 80  # a category label wider than this is broken into two lines
EDGE_SLACK_PX = 1000  # pyqtgraph keeps every label; CategoryAxis fits them itself


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
        self.setStyle(hideOverlappingLabels=EDGE_SLACK_PX)
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
        newest = len(self._labels) - 1  # always named: the latest period
        return [(1.0, [float(i) for i in range(first, last + 1) if (newest - i) % step == 0])]

    def generateDrawSpecs(self, p: object) -> tuple | None:  # noqa: N802 - pyqtgraph override
        """Keep each label inside the axis: an edge label moves in, one it then hits goes."""
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        return axis, ticks, fit_texts(texts, self.mapRectFromParent(self.geometry()))

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


class ValueAxis(pg.AxisItem):
    """A left axis that also names the values at its very ends (0 at the bottom)."""

    def __init__(self) -> None:
        super().__init__("left")

    def boundingRect(self) -> QRectF:  # noqa: N802 - pyqtgraph override
        half = QFontMetrics(self.style.get("tickFont") or self.font()).height() / 2 + 1
        return super().boundingRect().adjusted(0, -half, 0, half)


def fit_texts(texts: list, bounds: QRectF) -> list:
    """Return pyqtgraph's ``(rect, flags, text)`` labels moved inside ``bounds``'s width.

    Going from the right, a label that would then touch the one kept after it is dropped.
    """
    kept: list = []
    for rect, flags, text in sorted(texts, key=lambda t: -t[0].center().x()):
        moved = QRectF(rect)
        if moved.right() > bounds.right():
            moved.moveRight(bounds.right())
        if moved.left() < bounds.left():
            moved.moveLeft(bounds.left())
        if kept and moved.right() + LABEL_GAP_PX / 2 > kept[-1][0].left():
            continue
        kept.append((moved, flags, text))
    return kept[::-1]


class _Chart(pg.PlotWidget):
    """A light, static chart over categories with a legend in its title."""

    def __init__(self, title: str, y_label: str, parent: QWidget | None = None) -> None:
        self.axis = CategoryAxis()
        axes = {"bottom": self.axis, "left": ValueAxis()}
        super().__init__(parent, background=BACKGROUND, axisItems=axes)
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


def wrap_label(text: str, width: int = LABEL_WIDTH_PX) -> str:
    """Break a label wider than ``width`` px into two lines, each as narrow as it gets.

    A space is the preferred break; Chinese (or any wide) text breaks between its
    characters when no space gives two lines that fit. A line still too wide is elided.
    """
    metrics = QFontMetrics(QGuiApplication.font())
    if metrics.horizontalAdvance(text) <= width:
        return text
    cuts = _cuts(text)
    if not cuts:
        return metrics.elidedText(text, pg.QtCore.Qt.TextElideMode.ElideRight, width)

    def widest(cut: tuple[str, str]) -> int:
        return max(metrics.horizontalAdvance(line) for line in cut)

    spaced = [c for c in cuts if c[0].endswith(" ") or c[1].startswith(" ")]
    fitting = [c for c in spaced if widest(c) <= width]
    first, second = min(fitting or cuts, key=widest)
    lines = (first.strip(), second.strip())
    elide = pg.QtCore.Qt.TextElideMode.ElideRight
    return "\n".join(metrics.elidedText(line, elide, width) for line in lines)


def _cuts(text: str) -> list[tuple[str, str]]:
    """Return the ways to split ``text`` in two: at a space, or beside a wide character."""
    cuts = []
    for i in range(1, len(text)):
        breakable = any(c == " " or _wide(c) for c in text[i - 1 : i + 1])
        if breakable and text[:i].strip() and text[i:].strip():
            cuts.append((text[:i], text[i:]))
    return cuts


def _wide(char: str) -> bool:
    """Return whether ``char`` is a CJK (wide) character, after which a line may break."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _numbers(values: Sequence[float | None]) -> np.ndarray:
    return np.array([0.0 if v is None else float(v) for v in values], dtype=float)


def _runs(x: np.ndarray) -> np.ndarray:
    """Connect a point to the next only when they are neighbouring categories."""
    if len(x) == 0:
        return np.zeros(0, dtype=np.int32)
    linked = np.zeros(len(x), dtype=np.int32)
    linked[:-1] = (np.diff(x) == 1).astype(np.int32)
    return linked
