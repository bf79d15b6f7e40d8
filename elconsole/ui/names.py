"""Shown names of shifts, defect types and layouts; a user's own name is shown as typed."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

# The default shifts' names, for lupdate (the defect types' labels are in ui/session.py).
DEFAULT_SHIFT_NAMES = (
    QT_TRANSLATE_NOOP("Shift", "day"),
    QT_TRANSLATE_NOOP("Shift", "night"),
)


def shift_name(name: str) -> str:
    """Return a shift's name in the interface language where translated."""
    return QCoreApplication.translate("Shift", name)


def type_label(label: str) -> str:
    """Return a defect type's label in the interface language where translated."""
    return QCoreApplication.translate("DefectType", label)


# The words of a cell layout, for lupdate.
LAYOUT_WORDS = (
    QT_TRANSLATE_NOOP("Layout", "mono"),
    QT_TRANSLATE_NOOP("Layout", "poly"),
    QT_TRANSLATE_NOOP("Layout", "full"),
    QT_TRANSLATE_NOOP("Layout", "half"),
)


def layout_name(cell_type: object, cell_size: object, cell_amount: object) -> str:
    """Return a module's layout in the interface language, e.g. ``mono half 120``.

    Values the console does not know (old data) are shown as stored.
    """
    words = [QCoreApplication.translate("Layout", str(w)) for w in (cell_type, cell_size)]
    return f"{words[0]} {words[1]} {cell_amount}"
