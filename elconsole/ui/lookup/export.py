"""Exports of the chosen test's defect map: a PNG picture and a one-page PDF."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.history import StoredTest
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import verdict_label
from elconsole.export.pdf import write_defect_map_pdf
from elconsole.ui.lookup.models import (
    defect_notes,
    fate_phrase,
    layout_text,
    time_text,
    type_text,
    who_phrase,
)

log = logging.getLogger(__name__)

PICTURE_WIDTH, PICTURE_MARGIN = 1200, 24
SUFFIXES = (".png", ".pdf")


def header_lines(test: StoredTest, clock: PlantClock) -> list[str]:
    """Return what the export says about the test: when, where, layout and verdicts."""
    who = (
        QCoreApplication.translate("LookupExport", " ({0})").format(test.operator)
        if test.operator
        else ""
    )
    return [
        QCoreApplication.translate("LookupExport", "Tested {0} at station {1}, {2}").format(
            clock.format(test.create_time), test.el_no, layout_text(test)
        ),
        QCoreApplication.translate(
            "LookupExport", "AI verdict {0}, operator verdict {1}{2}"
        ).format(verdict_label(test.ai), verdict_label(test.op), who),
        QCoreApplication.translate("LookupExport", "{0} defects").format(len(test.defects)),
    ]


def defect_lines(test: StoredTest, catalog: DefectCatalog, clock: PlantClock) -> list[str]:
    """Return one line per defect: cell, type, fate, who, when and any off-grid flag."""
    lines = []
    for d in test.defects:
        note = defect_notes(test, d, catalog)
        flag = QCoreApplication.translate("LookupExport", " [{0}]").format(note) if note else ""
        lines.append(
            QCoreApplication.translate("LookupExport", "{0}  {1}, {2}, by {3}, {4}{5}").format(
                d.label,
                type_text(catalog, d.code),
                fate_phrase(d.fate),
                who_phrase(d.by),
                time_text(clock, d.time),
                flag,
            )
        )
    if not lines:
        lines.append(
            QCoreApplication.translate("LookupExport", "No defects are stored for this test.")
        )
    return lines


def picture_size(columns: int) -> QSize:
    """Return a size for the grid picture that square cells of ``columns`` columns fill."""
    cell = (PICTURE_WIDTH - 2 * PICTURE_MARGIN) / max(columns, 1)
    return QSize(PICTURE_WIDTH, int(6 * cell + 2 * PICTURE_MARGIN))


def map_picture(grid: QWidget, legend: QWidget, columns: int) -> QImage:
    """Return the grid drawn at a fixed width with the legend below it, on white."""
    old = grid.size()
    grid.resize(picture_size(columns))
    picture = grid.grab().toImage()
    grid.resize(old)
    key = legend.grab().toImage()
    image = QImage(
        max(picture.width(), key.width()),
        picture.height() + key.height() + 8,
        QImage.Format.Format_RGB32,
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(QPoint(0, 0), picture)
    painter.drawImage(QPoint(0, picture.height() + 8), key)
    painter.end()
    return image


def write_map(
    path: Path,
    test: StoredTest,
    picture: QImage,
    catalog: DefectCatalog,
    clock: PlantClock,
) -> Path:
    """Write the map as PNG or PDF by the file's suffix; raises OSError when it cannot."""
    if path.suffix.lower() == ".pdf":
        header = header_lines(test, clock)
        lines = defect_lines(test, catalog, clock)
        return write_defect_map_pdf(path, test.barcode, header, picture, lines)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    if not picture.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    log.info("wrote the defect map %s", path)
    return path
