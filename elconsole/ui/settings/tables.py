"""A small table editor for the shifts and the defect types, with add and remove."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

BAD_CELL = QColor("#ffd6d6")
DARK_TEXT, LIGHT_TEXT = QColor("black"), QColor("white")
STORED_ROLE = Qt.ItemDataRole.UserRole  # the text as saved, when another one is shown


class RowsEditor(QWidget):
    """Rows of texts under named columns; a ``colour`` column shows its colour.

    A column in ``shown`` displays its saved text through that function (a default
    name in the interface language); an edited cell gives back what was typed.
    """

    def __init__(
        self,
        keys: list[str],
        titles: list[str],
        parent: QWidget | None = None,
        shown: Mapping[str, Callable[[str], str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.keys = keys
        self.shown = dict(shown or {})
        self.table = QTableWidget(0, len(keys), self)
        self.table.setHorizontalHeaderLabels(titles)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(True)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self._init_layout()
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.table.itemChanged.connect(self._on_table_item_changed)

    def _init_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def rows(self) -> list[dict[str, str]]:
        """Return every row as ``{key: text}``."""
        return [
            {key: self._text(r, c) for c, key in enumerate(self.keys)}
            for r in range(self.table.rowCount())
        ]

    def set_rows(self, rows: list[dict[str, str]]) -> None:
        self.table.setRowCount(0)
        for row in rows:
            self._append(row)
        for column in range(len(self.keys) - 1):  # the last one stretches
            self.table.resizeColumnToContents(column)

    def mark(self, row: int, key: str) -> None:
        """Show cell (1-based ``row``, ``key``) as refused: dark text on light red."""
        item = self.table.item(row - 1, self.keys.index(key))
        if item is None:
            return
        self.table.blockSignals(True)  # a repaint of the colour would erase the mark
        item.setBackground(QBrush(BAD_CELL))
        item.setForeground(QBrush(DARK_TEXT))
        self.table.blockSignals(False)

    def clear_marks(self) -> None:
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            for c, key in enumerate(self.keys):
                item = self.table.item(r, c)
                if item is not None and key != "colour":
                    item.setBackground(QBrush())
                    item.setForeground(QBrush())
                elif item is not None:
                    self._paint_colour(item)
        self.table.blockSignals(False)

    def _text(self, row: int, col: int) -> str:
        """Return a cell's text as saved: its stored text while the shown one is unedited."""
        item = self.table.item(row, col)
        if item is None:
            return ""
        stored = item.data(STORED_ROLE)
        show = self.shown.get(self.keys[col])
        if isinstance(stored, str) and show is not None and item.text() == show(stored):
            return stored
        return item.text()

    def _append(self, row: dict[str, str]) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, key in enumerate(self.keys):
            text = row.get(key, "")
            show = self.shown.get(key)
            item = QTableWidgetItem(show(text) if show else text)
            item.setData(STORED_ROLE, text)
            self.table.setItem(r, c, item)

    def _paint_colour(self, item: QTableWidgetItem) -> None:
        colour = QColor(item.text())
        item.setBackground(QBrush(colour) if colour.isValid() else QBrush())
        light_text = colour.isValid() and colour.lightness() < 140
        item.setForeground(QBrush(LIGHT_TEXT if light_text else DARK_TEXT))

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self.keys[item.column()] == "colour":
            self.table.blockSignals(True)
            self._paint_colour(item)
            self.table.blockSignals(False)

    def _on_add_button_clicked(self) -> None:
        self._append({})
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.currentItem())

    def _on_remove_button_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
