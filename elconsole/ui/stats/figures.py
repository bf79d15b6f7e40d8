"""The key figures panel: each figure of a window's total, with its definition."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from elconsole.domain.stats import Tally
from elconsole.ui.stats.models import KEY_FIGURES, Figure

log = logging.getLogger(__name__)

BLANK = "–"
WIDEST_VALUE = "100.00 % (99,999 / 99,999)"


class FiguresPanel(QGroupBox):
    """A two-column list of figure names and values; tooltips give the definitions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Key figures"), parent)
        self._values: dict[str, QLabel] = {}
        layout = QGridLayout(self)
        layout.setColumnStretch(1, 1)
        layout.setVerticalSpacing(6)
        for row, figure in enumerate(KEY_FIGURES):
            self._add_row(layout, row, figure)
        hint = QLabel(self.tr("Hover over a figure for its definition."))
        hint.setEnabled(False)
        layout.addWidget(hint, len(KEY_FIGURES) + 1, 0, 1, 2)
        layout.setRowStretch(len(KEY_FIGURES), 1)
        self.clear()

    def _add_row(self, layout: QGridLayout, row: int, figure: Figure) -> None:
        name = QLabel(figure.label)
        value = QLabel(BLANK)
        value.setObjectName(f"figure_{figure.key}")
        value.setMinimumWidth(value.fontMetrics().horizontalAdvance(WIDEST_VALUE))
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (name, value):
            label.setToolTip(figure.explanation)
        layout.addWidget(name, row, 0)
        layout.addWidget(value, row, 1)
        self._values[figure.key] = value

    def show_tally(self, tally: Tally) -> None:
        for figure in KEY_FIGURES:
            self._values[figure.key].setText(figure.text(tally))

    def clear(self) -> None:
        """Show a dash for every figure (nothing loaded, or loading failed)."""
        for label in self._values.values():
            label.setText(BLANK)

    def text(self, key: str) -> str:
        """Return the text a figure shows (``tests``, ``yield``, ``panel_overkill``…)."""
        return self._values[key].text()

    def tooltip(self, key: str) -> str:
        return self._values[key].toolTip()
