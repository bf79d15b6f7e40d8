"""Shown names of the default shifts and defect types; a user's own name is shown as typed."""

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
