"""The defect heat map: defects per cell of one layout's grid, with a colour bar."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.grid import ROW_LETTERS, Grid
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED, Heat
from elconsole.export.tables import grid_of, heat_matrix
from elconsole.ui.stats.charts import BACKGROUND, FOREGROUND
from elconsole.ui.stats.models import count

log = logging.getLogger(__name__)

COLOUR_MAP = "CET-L17"
SPLIT_COLOUR = "#1f77b4"
MAX_LABELLED_COLUMNS = 24


class HeatPlot(pg.PlotWidget):
    """The grid as an image: row letters on the left, column numbers below, counts in cells."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=BACKGROUND)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._extra: list[pg.GraphicsObject] = []
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.invertY(True)
        item.setAspectLocked(False)
        item.addItem(self._image)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(FOREGROUND)
            axis.setTextPen(FOREGROUND)
        self._bar = pg.ColorBarItem(
            values=(0, 1), colorMap=pg.colormap.get(COLOUR_MAP), interactive=False, width=14
        )
        self._bar.setImageItem(self._image, insert_in=item)
        self.setMinimumSize(420, 220)

    def show_matrix(self, grid: Grid, matrix: Sequence[Sequence[int]], title: str) -> None:
        """Draw one count per cell; the colour bar runs from 0 to the largest count."""
        item = self.getPlotItem()
        for extra in self._extra:
            item.removeItem(extra)
        self._extra.clear()
        data = np.array(matrix, dtype=float)
        top = max(float(data.max(initial=0.0)), 1.0)
        self._image.setImage(data, levels=(0, top))
        self._image.setRect(0, 0, grid.columns, grid.rows)
        self._bar.setLevels((0, top))
        self._ticks(grid)
        self._labels(grid, data, top)
        if grid.split_after:
            line = pg.InfiniteLine(
                pos=grid.split_after,
                angle=90,
                pen=pg.mkPen(SPLIT_COLOUR, width=2, style=Qt.PenStyle.DashLine),
            )
            self._add(line)
        item.setTitle(title, color=FOREGROUND, size="10pt")
        item.setRange(xRange=(0, grid.columns), yRange=(0, grid.rows), padding=0.01)

    def _ticks(self, grid: Grid) -> None:
        item = self.getPlotItem()
        rows = [(r + 0.5, ROW_LETTERS[r]) for r in range(grid.rows)]
        item.getAxis("left").setTicks([rows, []])
        cols = [(c + 0.5, str(c + 1)) for c in range(grid.columns)]
        item.getAxis("bottom").setTicks([cols, []])

    def _labels(self, grid: Grid, data: np.ndarray, top: float) -> None:
        if grid.columns > MAX_LABELLED_COLUMNS:
            return
        for r in range(grid.rows):
            for c in range(grid.columns):
                n = int(data[r, c])
                if not n:
                    continue
                colour = "k" if n < top * 0.55 else "w"
                text = pg.TextItem(count(n), color=colour, anchor=(0.5, 0.5))
                text.setPos(c + 0.5, r + 0.5)
                self._add(text)

    def _add(self, item: pg.GraphicsObject) -> None:
        self.getPlotItem().addItem(item)
        self._extra.append(item)

    def clear_map(self, message: str) -> None:
        item = self.getPlotItem()
        for extra in self._extra:
            item.removeItem(extra)
        self._extra.clear()
        self._image.clear()
        item.setTitle(message, color=FOREGROUND, size="10pt")


class HeatMapPanel(QWidget):
    """Picks a layout, a defect type (or all) and the fates, and draws the heat map.

    Signals:
        changed(): the choice changed and the map was redrawn.
    """

    changed = Signal()

    def __init__(self, catalog: DefectCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._heat: dict[str, Heat] = {}
        self.layout_combo = QComboBox()
        self.type_combo = QComboBox()
        self._fill_types()
        self.fate_boxes = {
            CONFIRMED: QCheckBox(self.tr("AI confirmed")),
            ADDED: QCheckBox(self.tr("operator added")),
            REJECTED: QCheckBox(self.tr("AI rejected")),
        }
        self.fate_boxes[CONFIRMED].setChecked(True)
        self.fate_boxes[ADDED].setChecked(True)
        self.plot = HeatPlot()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self._init_layout()
        self._connect_signals()
        self.set_heat({})

    def _init_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Layout")))
        bar.addWidget(self.layout_combo)
        bar.addWidget(QLabel(self.tr("Type")))
        bar.addWidget(self.type_combo)
        bar.addWidget(QLabel(self.tr("Count")))
        for box in self.fate_boxes.values():
            bar.addWidget(box)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note_label)

    def _connect_signals(self) -> None:
        self.layout_combo.currentIndexChanged.connect(self._on_choice_changed)
        self.type_combo.currentIndexChanged.connect(self._on_choice_changed)
        for box in self.fate_boxes.values():
            box.toggled.connect(self._on_choice_changed)

    def _fill_types(self) -> None:
        chosen = self.type_combo.currentData()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem(self.tr("all types"), None)
        for t in self._catalog:
            self.type_combo.addItem(self.tr("{0} ({1})").format(t.label, t.code), t.code)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(chosen), 0))
        self.type_combo.blockSignals(False)

    def set_catalog(self, catalog: DefectCatalog) -> None:
        """Offer the defect types of a (changed) catalogue."""
        self._catalog = catalog
        self._fill_types()
        self.redraw()

    def set_heat(self, heat: dict[str, Heat]) -> None:
        """Show a report's heat; keeps the chosen layout when the new report has it."""
        self._heat = heat
        chosen = self.layout_combo.currentData()
        self.layout_combo.blockSignals(True)
        self.layout_combo.clear()
        for key in sorted(heat, key=_layout_order):
            self.layout_combo.addItem(key, key)
        index = self.layout_combo.findData(chosen)
        self.layout_combo.setCurrentIndex(max(index, 0))
        self.layout_combo.blockSignals(False)
        self.redraw()

    def fates(self) -> set[str]:
        return {fate for fate, box in self.fate_boxes.items() if box.isChecked()}

    def redraw(self) -> None:
        key = self.layout_combo.currentData()
        grid = grid_of(key) if key else None
        if grid is None:
            self.plot.clear_map(self.tr("No defect positions in this window"))
            self.note_label.setText(self.tr("No defects with a position in this window."))
            self.changed.emit()
            return
        code = self.type_combo.currentData()
        matrix, off = heat_matrix(self._heat.get(key, {}), grid, code, self.fates())
        total = sum(map(sum, matrix))
        self.plot.show_matrix(grid, matrix, self._title(key, code, total))
        self.note_label.setText(self._note(grid, total, off))
        self.changed.emit()

    def _title(self, key: str, code: str | None, total: int) -> str:
        kind = self.tr("all types") if code is None else self._catalog.label(code)
        return self.tr("Defect positions, {0}: {1}, {2} defects").format(key, kind, count(total))

    def _note(self, grid: Grid, total: int, off: int) -> str:
        parts = []
        if not self.fates():
            parts.append(self.tr("Tick at least one fate to count."))
        elif not total:
            parts.append(self.tr("No defects of this kind on this layout in the window."))
        if off:
            parts.append(
                self.tr(
                    "{0} defects at positions outside the {1} × {2} grid are not drawn."
                ).format(count(off), grid.rows, grid.columns)
            )
        return " ".join(parts)

    def image(self) -> object:
        return self.plot.grab().toImage()

    def _on_choice_changed(self, *_args: object) -> None:
        self.redraw()


def _layout_order(key: str) -> tuple[str, int]:
    size, _, amount = key.partition(" ")
    return (size, int(amount) if amount.isdigit() else 0)
