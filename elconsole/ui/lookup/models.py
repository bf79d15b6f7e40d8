"""Qt models and plain-word descriptions of a module's stored EL tests."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.history import StoredDefect, StoredTest
from elconsole.domain.plantclock import PlantClock
from elconsole.domain.records import verdict_label
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED
from elconsole.ui.lookup.legend import fate_icon
from elconsole.ui.names import layout_name
from elconsole.ui.widgets.cell_grid import Mark

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
NG_COLOUR = QColor("#c62828")
DAMAGE_COLOUR = QColor("#b26a00")
OFF_GRID = QT_TRANSLATE_NOOP("LookupModels", "off-grid (not drawn)")
NOT_DRAWN = QT_TRANSLATE_NOOP("LookupModels", "not drawn (unknown layout)")
UNKNOWN_TYPE = QT_TRANSLATE_NOOP("LookupModels", "a type not in the settings")

FATE_PHRASES = {
    CONFIRMED: QT_TRANSLATE_NOOP("LookupModels", "AI found / operator confirmed"),
    REJECTED: QT_TRANSLATE_NOOP("LookupModels", "AI found / operator rejected"),
    ADDED: QT_TRANSLATE_NOOP("LookupModels", "operator added (AI missed)"),
}


# -- plain words -----------------------------------------------------------


def layout_text(test: StoredTest) -> str:
    """Return a module's layout as e.g. ``mono half 120``, in the interface language."""
    return layout_name(test.cell_type, test.cell_size, test.cell_amount)


def fate_phrase(fate: str | None) -> str:
    phrase = FATE_PHRASES.get(
        fate or "", QT_TRANSLATE_NOOP("LookupModels", "fate unclear (odd stored link)")
    )
    return QCoreApplication.translate("LookupModels", phrase)


def who_phrase(by: str) -> str:
    if by == "OP":
        return QCoreApplication.translate("LookupModels", "operator")
    return "AI" if by == "AI" else repr(by)


def time_text(clock: PlantClock, ts: float | None) -> str:
    return (
        clock.format(ts)
        if ts is not None
        else QCoreApplication.translate("LookupModels", "time unknown")
    )


def type_text(catalog: DefectCatalog, code: str) -> str:
    """Return e.g. ``Crack (cr)``; an unknown code shows as itself."""
    label = catalog.label(code)
    return f"{label} ({code})" if label != code else code


def defect_tooltip(catalog: DefectCatalog, clock: PlantClock, d: StoredDefect) -> str:
    """Return e.g. ``C17 — Crack (cr), AI found / operator confirmed, by AI, <time>``."""
    text = QCoreApplication.translate("LookupModels", "{0} — {1}, {2}, by {3}, {4}")
    return text.format(
        d.label,
        type_text(catalog, d.code),
        fate_phrase(d.fate),
        who_phrase(d.by),
        time_text(clock, d.time),
    )


def defect_note(test: StoredTest, d: StoredDefect) -> str:
    """Return why a defect is not drawn on the grid, or ``""`` when it is."""
    grid = test.grid
    if grid is None:
        return QCoreApplication.translate("LookupModels", NOT_DRAWN)
    return "" if d.on_grid(grid) else QCoreApplication.translate("LookupModels", OFF_GRID)


def defect_notes(test: StoredTest, d: StoredDefect, catalog: DefectCatalog) -> str:
    """Return everything odd about a stored defect: off the grid, a type nobody set up."""
    notes = [defect_note(test, d)]
    if d.code not in catalog.codes:
        notes.append(QCoreApplication.translate("LookupModels", UNKNOWN_TYPE))
    return "; ".join(n for n in notes if n)


def marks_for(test: StoredTest, catalog: DefectCatalog, clock: PlantClock) -> list[Mark]:
    """Return one mark per defect that lies on the test's grid."""
    grid = test.grid
    marks = []
    for d in test.defects:
        rc = d.row_col
        if rc is not None and d.on_grid(grid):
            tip = defect_tooltip(catalog, clock, d)
            marks.append(Mark(rc[0], rc[1], d.code, d.fate, tip))
    return marks


# -- the tests of one module --------------------------------------------------


class TestTableModel(QAbstractTableModel):
    """Every stored EL test of one module, newest first, one row each."""

    __test__ = False  # not a pytest class, despite its name
    HEADERS = (
        QT_TRANSLATE_NOOP("LookupModels", "Tested (plant time)"),
        QT_TRANSLATE_NOOP("LookupModels", "Station"),
        QT_TRANSLATE_NOOP("LookupModels", "Layout"),
        QT_TRANSLATE_NOOP("LookupModels", "AI verdict"),
        QT_TRANSLATE_NOOP("LookupModels", "Operator verdict"),
        QT_TRANSLATE_NOOP("LookupModels", "Defects"),
        QT_TRANSLATE_NOOP("LookupModels", "Damaged"),
    )

    def __init__(self, clock: PlantClock, parent: Any = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._tests: list[StoredTest] = []

    def set_clock(self, clock: PlantClock) -> None:
        """Show times in a (changed) plant zone."""
        self.beginResetModel()
        self._clock = clock
        self.endResetModel()

    def set_tests(self, tests: Sequence[StoredTest]) -> None:
        """Show these tests, newest first whatever order they come in."""
        self.beginResetModel()
        self._tests = sorted(tests, key=lambda t: t.create_time, reverse=True)
        self.endResetModel()

    def test_at(self, row: int) -> StoredTest | None:
        return self._tests[row] if 0 <= row < len(self._tests) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self._tests)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("LookupModels", self.HEADERS[section])
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        test = self.test_at(index.row()) if index.isValid() else None
        if test is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(test, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(test, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6 and test.damage:
            return "\n".join(test.damage)
        return None

    def _text(self, test: StoredTest, column: int) -> str:
        values = (
            self._clock.format(test.create_time),
            test.el_no,
            layout_text(test),
            verdict_label(test.ai),
            verdict_label(test.op),
            QLocale().toString(len(test.defects)),
            QCoreApplication.translate("LookupModels", "damaged") if test.damage else "",
        )
        return values[column]

    @staticmethod
    def _foreground(test: StoredTest, column: int) -> QBrush | None:
        if column == 3 and verdict_label(test.ai) == "NG":
            return QBrush(NG_COLOUR)
        if column == 4 and verdict_label(test.op) == "NG":
            return QBrush(NG_COLOUR)
        if column == 6:
            return QBrush(DAMAGE_COLOUR)
        return None


# -- the defects of one test -------------------------------------------------


class DefectTableModel(QAbstractTableModel):
    """The defects of one test as text, including those that cannot be drawn."""

    HEADERS = (
        QT_TRANSLATE_NOOP("LookupModels", "Cell"),
        QT_TRANSLATE_NOOP("LookupModels", "Type"),
        QT_TRANSLATE_NOOP("LookupModels", "Fate"),
        QT_TRANSLATE_NOOP("LookupModels", "By"),
        QT_TRANSLATE_NOOP("LookupModels", "Time (plant)"),
        QT_TRANSLATE_NOOP("LookupModels", "Note"),
    )

    def __init__(self, catalog: DefectCatalog, clock: PlantClock, parent: Any = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._clock = clock
        self._test: StoredTest | None = None
        self._defects: tuple[StoredDefect, ...] = ()

    def set_context(self, catalog: DefectCatalog, clock: PlantClock) -> None:
        """Use a (changed) defect catalogue and plant zone."""
        self.beginResetModel()
        self._catalog = catalog
        self._clock = clock
        self.endResetModel()

    def set_test(self, test: StoredTest | None) -> None:
        self.beginResetModel()
        self._test = test
        self._defects = test.defects if test is not None else ()
        self.endResetModel()

    def defect_at(self, row: int) -> StoredDefect | None:
        return self._defects[row] if 0 <= row < len(self._defects) else None

    def rows_at(self, row: int, col: int) -> list[int]:
        """Return the rows of the defects at a 1-based cell."""
        return [i for i, d in enumerate(self._defects) if d.row_col == (row, col)]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self._defects)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("LookupModels", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        d = self.defect_at(index.row()) if index.isValid() else None
        if d is None or self._test is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(d, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return defect_tooltip(self._catalog, self._clock, d)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 1:
            return fate_icon(self._catalog.colour(d.code), d.fate)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5:
            return QBrush(DAMAGE_COLOUR)
        return None

    def _text(self, d: StoredDefect, column: int) -> str:
        assert self._test is not None
        values = (
            d.label,
            type_text(self._catalog, d.code),
            fate_phrase(d.fate),
            who_phrase(d.by),
            time_text(self._clock, d.time),
            defect_notes(self._test, d, self._catalog),
        )
        return values[column]
