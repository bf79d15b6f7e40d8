"""The defect marking area of the entry tab: type, mode, cell grid and list."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QWidget,
)

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.grid import Grid
from elconsole.ui.entry.marks import AI, OPERATOR, FatedMark, MarkSets, fate_word
from elconsole.ui.widgets.cell_grid import CellGridView, Mark

log = logging.getLogger(__name__)

MAX_TYPE_KEYS = 9
SWATCH = 14
ERROR_STYLE = "color: #d62728;"
NOTE_STYLE = "color: #b07000;"
LIST_WIDTH = 300
GRID_MARGINS = (32, 30)  # the grid view's label margins: width, height
GRID_HEIGHT = (160, 400)
SPLIT_GAP = 10
CHECKED_STYLE = (
    "QToolButton { padding: 3px 8px; }"
    "QToolButton:checked { background: #2d6cdf; color: white;"
    " border: 1px solid #1a4fb0; border-radius: 3px; }"
)


class DefectsPanel(QWidget):
    """Marks defects of one module: clicking a cell toggles a mark.

    The selected type goes into the current mode's set (AI or operator);
    the grid and the list show how the two sets reconcile.

    Signals:
        marks_changed(): a mark was added or removed.
    """

    marks_changed = Signal()

    def __init__(self, catalog: DefectCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._marks = MarkSets()
        self._build()
        self._connect_signals()
        self._update_hint()

    # -- building --------------------------------------------------------

    def _build(self) -> None:
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_mode_row(), 0, 0, 1, 2)
        layout.addLayout(self._build_type_row(), 1, 0, 1, 2)
        self.grid_view = CellGridView(self._catalog)
        self.list_widget = QListWidget()
        self.list_widget.setFixedWidth(LIST_WIDTH)
        self.list_widget.setToolTip(self.tr("The defects as they will be stored"))
        layout.addWidget(self.grid_view, 2, 0)
        layout.addWidget(self.list_widget, 2, 1)
        layout.addLayout(self._build_bottom_row(), 3, 0, 1, 2)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        layout.addWidget(self.note_label, 4, 0, 1, 2)
        layout.setRowStretch(2, 1)
        layout.setColumnStretch(0, 1)

    def _build_mode_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Marking:")))
        self.ai_mode_button = _toggle(
            self.tr("&AI marks"), self.tr("Clicks mark what the AI found")
        )
        self.op_mode_button = _toggle(
            self.tr("&Operator marks"), self.tr("Clicks mark what the operator keeps or adds")
        )
        self.mode_group = QButtonGroup(self)
        for button in (self.ai_mode_button, self.op_mode_button):
            self.mode_group.addButton(button)
            row.addWidget(button)
        self.ai_mode_button.setChecked(True)
        row.addSpacing(16)
        legend = self.tr("● confirmed (both)    ⊗ rejected (AI only)    ▲ added (operator only)")
        row.addWidget(QLabel(legend))
        row.addStretch(1)
        return row

    def _build_type_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Defect type:")))
        self.type_group = QButtonGroup(self)
        self.type_buttons: dict[str, QToolButton] = {}
        self._type_keys: list[QShortcut] = []
        self._type_row = QHBoxLayout()
        row.addLayout(self._type_row)
        self._fill_type_buttons()
        row.addStretch(1)
        self.hint_label = QLabel()
        row.addWidget(self.hint_label)
        return row

    def _fill_type_buttons(self) -> None:
        """(Re)make one button and one digit key per defect type of the catalog."""
        for button in self.type_buttons.values():
            self.type_group.removeButton(button)
        for widget in (*self.type_buttons.values(), *self._type_keys):
            widget.deleteLater()
        self.type_buttons, self._type_keys = {}, []
        for index, kind in enumerate(self._catalog):
            key = str(index + 1) if index < MAX_TYPE_KEYS else ""
            button = _toggle(f"{key}  {kind.label} ({kind.code})".strip(), "")
            button.setIcon(swatch(kind.colour))
            button.setToolTip(
                self.tr("{0}; key {1}").format(kind.label, key) if key else kind.label
            )
            self.type_group.addButton(button)
            self.type_buttons[kind.code] = button
            self._type_row.addWidget(button)
            if key:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.activated.connect(lambda c=kind.code: self._on_type_key_activated(c))
                self._type_keys.append(shortcut)
        buttons = list(self.type_buttons.values())
        if buttons:
            buttons[0].setChecked(True)

    def set_catalog(self, catalog: DefectCatalog) -> None:
        """Take new defect types (after a settings change); marks stay as they are."""
        if catalog is self._catalog:
            return
        self._catalog = catalog
        self._fill_type_buttons()
        self.grid_view.set_catalog(catalog)
        self._update_hint()
        self._refresh()

    def _build_bottom_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.confirm_button = QPushButton(self.tr("Operator &confirms all AI marks"))
        self.confirm_button.setToolTip(self.tr("Copy every AI mark into the operator's marks"))
        self.clear_button = QPushButton(self.tr("Clear marks"))
        self.error_label = QLabel()
        self.error_label.setObjectName("error_defects")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        row.addWidget(self.confirm_button)
        row.addWidget(self.clear_button)
        row.addWidget(self.error_label, 1)
        return row

    def _connect_signals(self) -> None:
        self.grid_view.cell_clicked.connect(self._on_grid_view_cell_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.list_widget.currentRowChanged.connect(self._on_list_widget_current_row_changed)
        self.mode_group.buttonToggled.connect(self._on_mode_group_button_toggled)
        self.type_group.buttonToggled.connect(self._on_type_group_button_toggled)

    # -- slots -----------------------------------------------------------

    def _on_grid_view_cell_clicked(self, row: int, col: int) -> None:
        code = self.selected_type()
        if code is None:
            return
        self._marks.toggle(self.mode(), code, row, col)
        self.clear_error()
        self._changed()

    def _on_confirm_button_clicked(self) -> None:
        added = self._marks.confirm_all()
        self.show_note(
            self.tr("Operator confirmed {0} AI mark(s).").format(added)
            if added
            else self.tr("Every AI mark is already confirmed.")
        )
        self._changed()

    def _on_clear_button_clicked(self) -> None:
        self.clear()
        self.marks_changed.emit()

    def _on_list_widget_current_row_changed(self, _row: int) -> None:
        self._refresh_grid()

    def _on_type_key_activated(self, code: str) -> None:
        self.type_buttons[code].setChecked(True)

    def _on_mode_group_button_toggled(self, _button: QAbstractButton, _on: bool) -> None:
        self._update_hint()

    def _on_type_group_button_toggled(self, _button: QAbstractButton, _on: bool) -> None:
        self._update_hint()

    def _update_hint(self) -> None:
        code = self.selected_type()
        whose = self.tr("the operator's") if self.mode() == OPERATOR else self.tr("the AI's")
        kind = self._catalog.label(code).lower() if code else self.tr("no type")
        self.hint_label.setText(
            self.tr("A click toggles a <b>{0}</b> mark in {1} set").format(kind, whose)
        )

    # -- state -----------------------------------------------------------

    def mode(self) -> str:
        return OPERATOR if self.op_mode_button.isChecked() else AI

    def set_mode(self, mode: str) -> None:
        button = self.op_mode_button if mode == OPERATOR else self.ai_mode_button
        button.setChecked(True)

    def selected_type(self) -> str | None:
        for code, button in self.type_buttons.items():
            if button.isChecked():
                return code
        return None

    def select_type(self, code: str) -> None:
        self.type_buttons[code].setChecked(True)

    @property
    def marks(self) -> MarkSets:
        return self._marks

    def set_grid(self, grid: Grid) -> list[FatedMark]:
        """Show ``grid``; marks off it are removed and returned."""
        gone = self._marks.drop_off_grid(grid)
        self.grid_view.set_grid(grid)
        self._fit_grid_height()
        self._refresh()
        if gone:
            self.marks_changed.emit()
        return gone

    def clear(self) -> None:
        """Remove every mark and note; back to AI mode."""
        self._marks.clear()
        self.set_mode(AI)
        self.clear_error()
        self.note_label.hide()
        self._refresh()

    def describe(self, mark: FatedMark) -> str:
        label = self._catalog.label(mark.code)
        return f"{mark.label} {label[:1].lower()}{label[1:]} — {fate_word(mark.fate)}"

    def show_note(self, text: str) -> None:
        self.note_label.setStyleSheet(NOTE_STYLE)
        self.note_label.setText(text)
        self.note_label.show()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    # -- drawing ---------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_grid_height()

    def _fit_grid_height(self) -> None:
        """Give the grid the height its width asks for (square cells), within bounds."""
        grid = self.grid_view.grid
        if grid is None:
            return
        gap = SPLIT_GAP if grid.half else 0
        cell = (self.grid_view.width() - GRID_MARGINS[0] - gap) / grid.columns
        wanted = round(GRID_MARGINS[1] + cell * grid.rows)
        self.grid_view.setFixedHeight(max(GRID_HEIGHT[0], min(GRID_HEIGHT[1], wanted)))

    def _changed(self) -> None:
        self._refresh()
        self.marks_changed.emit()

    def _refresh(self) -> None:
        chosen = self._chosen()
        self.list_widget.blockSignals(True)
        self.list_widget.clear()
        for mark in self._marks.fated():
            item = QListWidgetItem(swatch(self._catalog.colour(mark.code)), self.describe(mark))
            item.setData(Qt.ItemDataRole.UserRole, _key(mark))
            self.list_widget.addItem(item)
            if _key(mark) == chosen:
                self.list_widget.setCurrentItem(item)
        self.list_widget.blockSignals(False)
        self._refresh_grid()

    def _chosen(self) -> tuple[int, int, str] | None:
        """Return the key of the mark chosen in the list, if any."""
        item = self.list_widget.currentItem()
        return tuple(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _refresh_grid(self) -> None:
        chosen = self._chosen()
        self.grid_view.set_marks(
            [
                Mark(m.row, m.col, m.code, m.fate, selected=_key(m) == chosen)
                for m in self._marks.fated()
            ]
        )


def _key(mark: FatedMark) -> tuple[int, int, str]:
    return (mark.row, mark.col, mark.code)


def swatch(colour: str) -> QIcon:
    """Return a small square icon of a colour."""
    pixmap = QPixmap(QSize(SWATCH, SWATCH))
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def _toggle(text: str, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setCheckable(True)
    button.setStyleSheet(CHECKED_STYLE)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    if tooltip:
        button.setToolTip(tooltip)
    return button
