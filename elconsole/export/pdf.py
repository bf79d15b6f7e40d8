"""One-page PDF reports drawn with Qt: the statistics of a window, a test's defect map."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

log = logging.getLogger(__name__)

RESOLUTION = 150  # dots per inch of the page's drawing coordinates
MARGIN_MM = 10
GAP = 12.0
TITLE_PT, TEXT_PT, SMALL_PT = 15, 9, 8
FIGURES_MIN, FIGURES_MAX = 0.3, 0.4  # the figures' share of the page width


def _writer(path: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("EL Console")
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape,
        margins,
        QPageLayout.Unit.Millimeter,
    )
    writer.setPageLayout(layout)
    return writer


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _text_block(
    painter: QPainter,
    top: float,
    left: float,
    width: float,
    lines: Sequence[str],
    points: int,
    bold: bool = False,
) -> float:
    """Draw lines from ``top``, eliding what is too wide; return the y below them."""
    painter.setFont(_font(points, bold))
    metrics = QFontMetricsF(painter.font())
    for line in lines:
        text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRectF(left, top, width, metrics.height()), text)
        top += metrics.height()
    return top


def _image(painter: QPainter, image: QImage, box: QRectF, top: bool = False) -> None:
    """Draw an image as large as fits in ``box``, keeping its shape, centred (or at the top)."""
    if image.isNull() or box.width() <= 0 or box.height() <= 0:
        return
    scale = min(box.width() / image.width(), box.height() / image.height())
    w, h = image.width() * scale, image.height() * scale
    y = box.y() if top else box.y() + (box.height() - h) / 2
    target = QRectF(box.x() + (box.width() - w) / 2, y, w, h)
    painter.drawImage(target, image)


def name_column(widest_name: float, widest_value: float, width: float) -> float:
    """Return the width of the names beside their values in a column ``width`` wide.

    Names are never cut while names and values fit side by side; otherwise the values keep
    their width and the names get the rest, but at least half of the column.
    """
    if widest_name + GAP + widest_value <= width:
        return widest_name
    return max(width - GAP - widest_value, width * 0.5)


def pairs_width(painter: QPainter, pairs: Sequence[tuple[str, str]]) -> float:
    """Return the width that shows every name and value of ``pairs`` uncut."""
    metrics = QFontMetricsF(_font(TEXT_PT), painter.device())
    names = max((metrics.horizontalAdvance(n) for n, _ in pairs), default=0.0)
    values = max((metrics.horizontalAdvance(v) for _, v in pairs), default=0.0)
    return names + GAP + values


def _pairs(
    painter: QPainter, top: float, left: float, width: float, pairs: Sequence[tuple[str, str]]
) -> float:
    """Draw name/value pairs as two columns; return the y below them."""
    painter.setFont(_font(TEXT_PT))
    metrics = QFontMetricsF(painter.font())
    values = max((metrics.horizontalAdvance(v) for _, v in pairs), default=0.0)
    names = max((metrics.horizontalAdvance(n) for n, _ in pairs), default=0.0)
    names = name_column(names, values, width)
    for name, value in pairs:
        row = metrics.height() * 1.25
        short = metrics.elidedText(name, Qt.TextElideMode.ElideRight, names)
        painter.drawText(QRectF(left, top, names, row), Qt.AlignmentFlag.AlignLeft, short)
        rest = QRectF(left + names + GAP, top, width - names - GAP, row)
        painter.drawText(
            rest,
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(value, Qt.TextElideMode.ElideRight, rest.width()),
        )
        top += row
    return top


def _wrapped(painter: QPainter, box: QRectF, paragraphs: Sequence[str]) -> None:
    """Draw paragraphs word-wrapped into ``box``, one below the other."""
    painter.setFont(_font(SMALL_PT))
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    top = box.top()
    for text in paragraphs:
        used = painter.boundingRect(QRectF(box.left(), top, box.width(), box.height()), flags, text)
        painter.drawText(QRectF(box.left(), top, box.width(), used.height()), flags, text)
        top += used.height() + 4


def write_report_pdf(
    path: Path,
    title: str,
    header: Sequence[str],
    figures: Sequence[tuple[str, str]],
    charts: Sequence[QImage],
    notes: Sequence[str] = (),
) -> Path:
    """Write a one-page landscape A4 report: title, header, figures beside a grid of charts."""
    writer = _writer(path, title)
    painter = QPainter(writer)
    try:
        page, top = _headed_page(writer, painter, title, header)
        left_width = figures_width(page.width(), pairs_width(painter, figures))
        below = _pairs(painter, top, 0, left_width, figures)
        _wrapped(painter, QRectF(0, below + GAP, left_width, page.bottom() - below), notes)
        area = QRectF(left_width + GAP, top, page.width() - left_width - GAP, page.bottom() - top)
        _chart_grid(painter, area, charts)
    finally:
        painter.end()
    log.info("wrote the PDF report %s", path)
    return path


def _headed_page(
    writer: QPdfWriter, painter: QPainter, title: str, header: Sequence[str]
) -> tuple[QRectF, float]:
    """Draw the title and header lines; return the page and the height they take."""
    page = QRectF(writer.pageLayout().paintRectPixels(RESOLUTION))
    page.moveTo(0, 0)
    top = _text_block(painter, 0, 0, page.width(), [title], TITLE_PT, bold=True)
    return page, _text_block(painter, top + 4, 0, page.width(), header, TEXT_PT) + GAP


def figures_width(page_width: float, wanted: float) -> float:
    """Return the width of the figures column: 30 % of the page, more (up to 40 %) if needed."""
    return min(page_width * FIGURES_MAX, max(page_width * FIGURES_MIN, wanted))


def _chart_grid(painter: QPainter, area: QRectF, charts: Sequence[QImage]) -> None:
    if not charts:
        return
    columns = 2 if len(charts) > 1 else 1
    rows = math.ceil(len(charts) / columns)
    w = (area.width() - GAP * (columns - 1)) / columns
    h = (area.height() - GAP * (rows - 1)) / rows
    for i, image in enumerate(charts):
        row, col = divmod(i, columns)
        box = QRectF(area.x() + col * (w + GAP), area.y() + row * (h + GAP), w, h)
        _image(painter, image, box)


def write_defect_map_pdf(
    path: Path,
    title: str,
    header: Sequence[str],
    grid: QImage,
    defects: Sequence[str],
) -> Path:
    """Write a one-page landscape A4 page: the grid picture, and beside it the defect list.

    A list too long for the page ends with a line saying how many were left out.
    """
    writer = _writer(path, title)
    painter = QPainter(writer)
    try:
        page, top = _headed_page(writer, painter, title, header)
        picture_width = page.width() * 0.6
        _image(painter, grid, QRectF(0, top, picture_width, page.bottom() - top), top=True)
        left = picture_width + GAP
        _list(painter, QRectF(left, top, page.width() - left, page.bottom() - top), defects)
    finally:
        painter.end()
    log.info("wrote the defect map %s", path)
    return path


def _list(painter: QPainter, box: QRectF, lines: Sequence[str]) -> None:
    """Draw each line word-wrapped; what does not fit ends in "… and N more"."""
    painter.setFont(_font(SMALL_PT))
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    reserve = QFontMetricsF(painter.font()).height() * 1.5
    top = box.top()
    for index, text in enumerate(lines):
        used = painter.boundingRect(QRectF(box.left(), top, box.width(), box.height()), flags, text)
        last = index == len(lines) - 1
        if top + used.height() > box.bottom() - (0 if last else reserve):
            more = f"… and {len(lines) - index} more (see the console)"
            painter.drawText(QRectF(box.left(), top, box.width(), reserve), flags, more)
            return
        painter.drawText(QRectF(box.left(), top, box.width(), used.height()), flags, text)
        top += used.height() + 3
