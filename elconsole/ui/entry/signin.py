"""The operator's sign-in line: an id to type at the start, sign out at the end."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from elconsole.domain.records import clean_barcode

log = logging.getLogger(__name__)

OPERATOR_MAX = 64
EDIT_WIDTH = 220
SIGNED_OUT_STYLE = "background: #fff3cd; padding: 4px;"
SIGNED_IN_STYLE = "font-weight: bold;"


class SignInBar(QWidget):
    """Who judges at this station (no password).

    Signals:
        operator_changed(str): an operator signed in ("" when signed out).
    """

    operator_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._operator = ""
        self._build()
        self._connect_signals()
        self._show_state()

    def _build(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.prompt_label = QLabel(self.tr("Sign in with your operator id to start judging:"))
        self.operator_edit = QLineEdit()
        self.operator_edit.setObjectName("operator_edit")
        self.operator_edit.setPlaceholderText(self.tr("operator id, then Enter"))
        self.operator_edit.setMaxLength(OPERATOR_MAX)
        self.operator_edit.setMinimumWidth(EDIT_WIDTH)  # the placeholder shows whole
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.operator_label = QLabel()
        self.operator_label.setStyleSheet(SIGNED_IN_STYLE)
        self.sign_out_button = QPushButton(self.tr("Sign out  (Ctrl+Shift+L)"))
        for button in (self.sign_in_button, self.sign_out_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for widget in (
            self.prompt_label,
            self.operator_edit,
            self.sign_in_button,
            self.operator_label,
            self.sign_out_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)

    def _connect_signals(self) -> None:
        self.operator_edit.returnPressed.connect(self._on_operator_edit_return_pressed)
        self.sign_in_button.clicked.connect(self._on_operator_edit_return_pressed)
        self.sign_out_button.clicked.connect(self.sign_out)

    @property
    def operator(self) -> str:
        return self._operator

    def sign_in(self, operator: str) -> bool:
        """Sign an operator in; False (and nothing changes) for an empty id."""
        cleaned = clean_barcode(operator)
        if not cleaned or any(ord(c) < 32 for c in cleaned):
            return False
        self._operator = cleaned
        self._show_state()
        log.info("operator %s signed in", cleaned)
        self.operator_changed.emit(cleaned)
        return True

    def sign_out(self) -> None:
        if not self._operator:
            return
        log.info("operator %s signed out", self._operator)
        self._operator = ""
        self.operator_edit.clear()
        self._show_state()
        self.operator_changed.emit("")
        self.operator_edit.setFocus()

    def _on_operator_edit_return_pressed(self) -> None:
        if not self.sign_in(self.operator_edit.text()):
            self.operator_edit.setFocus()

    def _show_state(self) -> None:
        signed_in = bool(self._operator)
        for widget in (self.prompt_label, self.operator_edit, self.sign_in_button):
            widget.setVisible(not signed_in)
        for widget in (self.operator_label, self.sign_out_button):
            widget.setVisible(signed_in)
        self.operator_label.setText(self.tr("Operator: {0}").format(self._operator))
        self.setStyleSheet("" if signed_in else SIGNED_OUT_STYLE)
