"""The legend of the lookup grid: type colours and the three fate symbols."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED
from elconsole.ui.widgets.cell_grid import CELL_EDGE, CELL_FILL, SPLIT, draw_cross

log = logging.getLogger(__name__)

ICON_SIZE = 20
NEUTRAL = "#d0d0d0"
FATE_LEGEND = (
    (CONFIRMED, QT_TRANSLATE_NOOP("LookupLegend", "AI found, operator confirmed")),
    (REJECTED, QT_TRANSLATE_NOOP("LookupLegend", "AI found, operator rejected (overkill)")),
    (ADDED, QT_TRANSLATE_NOOP("LookupLegend", "operator added (AI missed)")),
)


def paint_fate(painter: QPainter, cell: QRectF, colour: QColor, fate: str | None) -> None:
    """Paint a fate symbol in a cell the way the cell grid draws it."""
    inset = cell.width() * 0.18
    body = cell.adjusted(inset, inset, -inset, -inset)
    if fate == REJECTED:
        painter.setPen(QPen(colour, max(2.0, cell.width() * 0.1)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(body)
        draw_cross(painter, body)
        return
    painter.setPen(QPen(QColor("white"), 1))
    painter.setBrush(colour)
    if fate == ADDED:
        top = QPointF(body.center().x(), body.top())
        painter.drawPolygon(QPolygonF([top, body.bottomRight(), body.bottomLeft()]))
    else:
        painter.drawEllipse(body)


def _cell_pixmap() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(CELL_EDGE, 1))
    painter.setBrush(CELL_FILL)
    painter.drawRect(QRectF(0.5, 0.5, ICON_SIZE - 1, ICON_SIZE - 1))
    return pixmap, painter


def fate_pixmap(colour: str, fate: str | None) -> QPixmap:
    """Return a grid cell with one fate symbol in the given colour."""
    pixmap, painter = _cell_pixmap()
    paint_fate(painter, QRectF(0, 0, ICON_SIZE, ICON_SIZE), QColor(colour), fate)
    painter.end()
    return pixmap


def fate_icon(colour: str, fate: str | None) -> QIcon:
    return QIcon(fate_pixmap(colour, fate))


def swatch_pixmap(colour: str) -> QPixmap:
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(QColor(colour))
    return pixmap


def split_pixmap() -> QPixmap:
    pixmap, painter = _cell_pixmap()
    painter.setPen(QPen(SPLIT, 2, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(ICON_SIZE / 2, 2), QPointF(ICON_SIZE / 2, ICON_SIZE - 2))
    painter.end()
    return pixmap


class GridLegend(QWidget):
    """Two lines under the grid: what each colour and each symbol means.

    Signals: none.
    """

    def __init__(self, catalog: DefectCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(8)
        layout.addWidget(QLabel(self.tr("<b>Colour = type</b>")), 0, 0)
        layout.addWidget(self._types_row(catalog), 0, 1)
        layout.addWidget(QLabel(self.tr("<b>Symbol = fate</b>")), 1, 0)
        layout.addWidget(self._fates_row(), 1, 1)
        layout.setColumnStretch(1, 1)

    def _types_row(self, catalog: DefectCatalog) -> QWidget:
        items = [(swatch_pixmap(t.colour), f"{t.label} ({t.code})") for t in catalog]
        return _row(items)

    def _fates_row(self) -> QWidget:
        items = [
            (fate_pixmap(NEUTRAL, fate), QCoreApplication.translate("LookupLegend", text))
            for fate, text in FATE_LEGEND
        ]
        items.append((split_pixmap(), self.tr("split between halves")))
        return _row(items)


def _row(items: list[tuple[QPixmap, str]]) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for pixmap, text in items:
        icon = QLabel()
        icon.setPixmap(pixmap)
        layout.addWidget(icon)
        layout.addWidget(QLabel(text))
        layout.addSpacing(12)
    layout.addStretch(1)
    return row
