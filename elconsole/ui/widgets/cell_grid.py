"""A module's cell grid with defect marks drawn on its cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.grid import ROW_LETTERS, Grid, position_label
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED

MARGIN_LEFT = 24
MARGIN_TOP = 20
CELL_FILL = QColor("#20304a")
CELL_EDGE = QColor("#5a6b85")
SPLIT = QColor("#f0c040")
CURSOR = QColor("#ffd400")

FATE_NAMES = {
    CONFIRMED: "AI found, operator confirmed",
    REJECTED: "AI found, operator rejected (overkill)",
    ADDED: "operator added (AI missed)",
    None: "marked",
}


@dataclass(frozen=True)
class Mark:
    """One defect to draw: a 1-based cell, its type code and fate."""

    row: int
    col: int
    code: str
    fate: str | None = None  # CONFIRMED, REJECTED, ADDED or None (plain mark)
    tooltip: str = ""
    selected: bool = False


class CellGridView(QWidget):
    """Draws 6 rows (A-F) by N columns, a split line for half cells, and marks.

    Marks by fate: confirmed is a filled disc, rejected a hollow ring with a
    cross, operator added a filled triangle; the colour is the type's.

    Signals:
        cell_clicked(int, int): a cell was clicked (row, col, both 1-based).
    """

    cell_clicked = Signal(int, int)

    def __init__(self, catalog: DefectCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._grid: Grid | None = None
        self._marks: list[Mark] = []
        self._cursor: tuple[int, int] | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(320, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_catalog(self, catalog: DefectCatalog) -> None:
        """Draw marks in the colours of these defect types from now on."""
        self._catalog = catalog
        self.update()

    def set_grid(self, grid: Grid | None) -> None:
        """Show this grid (None shows an empty area); keeps no marks."""
        self._grid = grid
        self._marks = []
        self.update()

    def set_marks(self, marks: Sequence[Mark]) -> None:
        """Draw these marks; marks off the grid are left out (list them elsewhere)."""
        grid = self._grid
        self._marks = [m for m in marks if grid is not None and grid.contains(m.row, m.col)]
        self.update()

    def set_cursor(self, cell: tuple[int, int] | None) -> None:
        """Outline this 1-based (row, col) as the keyboard's cell (None: no outline)."""
        self._cursor = cell
        self.update()

    @property
    def cursor_cell(self) -> tuple[int, int] | None:
        """Return the keyboard's cell, or None."""
        return self._cursor

    @property
    def grid(self) -> Grid | None:
        return self._grid

    @property
    def marks(self) -> list[Mark]:
        return list(self._marks)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(720, 280)

    def cell_rect(self, row: int, col: int) -> QRectF:
        """Return the widget rectangle of a 1-based cell."""
        size, left, top = self._geometry()
        gap = self._split_gap() if self._after_split(col) else 0.0
        return QRectF(left + (col - 1) * size + gap, top + (row - 1) * size, size, size)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """Return the 1-based (row, col) under a widget point, or None."""
        if self._grid is None:
            return None
        for row in range(1, self._grid.rows + 1):
            for col in range(1, self._grid.columns + 1):
                if self.cell_rect(row, col).contains(QPointF(x, y)):
                    return (row, col)
        return None

    # -- painting ------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().window())
        if self._grid is None:
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                QCoreApplication.translate("CellGridView", "No module shown"),
            )
            return
        self._paint_cells(painter, self._grid)
        self._paint_labels(painter, self._grid)
        self._paint_split(painter, self._grid)
        for mark in self._marks:
            self._paint_mark(painter, mark)
        self._paint_cursor(painter, self._grid)

    def _paint_cursor(self, painter: QPainter, grid: Grid) -> None:
        if self._cursor is None or not grid.contains(*self._cursor):
            return
        painter.setPen(QPen(CURSOR, 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.cell_rect(*self._cursor).adjusted(-1, -1, 1, 1))

    def _paint_cells(self, painter: QPainter, grid: Grid) -> None:
        painter.setPen(QPen(CELL_EDGE, 1))
        painter.setBrush(CELL_FILL)
        for row in range(1, grid.rows + 1):
            for col in range(1, grid.columns + 1):
                painter.drawRect(self.cell_rect(row, col).adjusted(1, 1, -1, -1))

    def _paint_labels(self, painter: QPainter, grid: Grid) -> None:
        painter.setPen(self.palette().windowText().color())
        size, _, _ = self._geometry()
        for row in range(1, grid.rows + 1):
            rect = self.cell_rect(row, 1)
            box = QRectF(rect.left() - MARGIN_LEFT, rect.top(), MARGIN_LEFT - 4, size)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, ROW_LETTERS[row - 1])
        step = 1 if size >= 22 else (2 if size >= 12 else 4)
        for col in range(1, grid.columns + 1):
            if col == 1 or col % step == 0:
                rect = self.cell_rect(1, col)
                box = QRectF(rect.left() - 6, rect.top() - MARGIN_TOP, size + 12, MARGIN_TOP)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(col))

    def _paint_split(self, painter: QPainter, grid: Grid) -> None:
        if grid.split_after is None:
            return
        right = self.cell_rect(1, grid.split_after).right()
        x = right + self._split_gap() / 2
        top = self.cell_rect(1, 1).top() - 4
        bottom = self.cell_rect(grid.rows, 1).bottom() + 4
        painter.setPen(QPen(SPLIT, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))

    def _paint_mark(self, painter: QPainter, mark: Mark) -> None:
        rect = self.cell_rect(mark.row, mark.col)
        colour = QColor(self._catalog.colour(mark.code))
        inset = rect.width() * 0.18
        body = rect.adjusted(inset, inset, -inset, -inset)
        width = max(2.0, rect.width() * 0.1)
        if mark.selected:
            painter.setPen(QPen(QColor("white"), 2, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if mark.fate == REJECTED:
            painter.setPen(QPen(colour, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(body)
            draw_cross(painter, body)
        elif mark.fate == ADDED:
            painter.setPen(QPen(QColor("white"), 1))
            painter.setBrush(colour)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(body.center().x(), body.top()),
                        body.bottomRight(),
                        body.bottomLeft(),
                    ]
                )
            )
        else:
            painter.setPen(QPen(QColor("white"), 1))
            painter.setBrush(colour)
            painter.drawEllipse(body)

    # -- geometry and mouse --------------------------------------------------

    def _geometry(self) -> tuple[float, float, float]:
        grid = self._grid
        cols = grid.columns if grid else 10
        rows = grid.rows if grid else 6
        usable_w = self.width() - MARGIN_LEFT - 8 - self._split_gap()
        usable_h = self.height() - MARGIN_TOP - 8
        size = max(4.0, min(usable_w / cols, usable_h / rows))
        return size, float(MARGIN_LEFT), float(MARGIN_TOP)

    def _split_gap(self) -> float:
        return 10.0 if self._grid is not None and self._grid.half else 0.0

    def _after_split(self, col: int) -> bool:
        grid = self._grid
        return grid is not None and grid.split_after is not None and col > grid.split_after

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is None:
            QToolTip.hideText()
            return
        texts = [m.tooltip or self._describe(m) for m in self._marks if (m.row, m.col) == cell]
        label = position_label(*cell)
        QToolTip.showText(event.globalPosition().toPoint(), "\n".join([label, *texts]), self)

    def _describe(self, mark: Mark) -> str:
        return f"{self._catalog.label(mark.code)} ({mark.code}): {FATE_NAMES.get(mark.fate, '')}"


def draw_cross(painter: QPainter, body: QRectF) -> None:
    """Draw an X whose ends touch the ring drawn in ``body`` (the rejected symbol)."""
    c = body.center()
    d = body.width() / 2 * 0.7071
    painter.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
    painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
