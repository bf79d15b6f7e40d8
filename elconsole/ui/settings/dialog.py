"""The settings dialog: edits, validates beside each field, saves, and tests the store."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from zoneinfo import available_timezones

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from elconsole import settings as st
from elconsole.data.stores import ENV_VAR, default_store_path
from elconsole.domain.plantclock import local_zone_name
from elconsole.tasks import TaskRunner
from elconsole.ui.names import shift_name, type_label
from elconsole.ui.settings.probe import ProbeResult, probe_store
from elconsole.ui.settings.tables import RowsEditor

log = logging.getLogger(__name__)

PROBE_LIMIT_MS = 2000  # "Test connection" answers within this
TIMEOUT_MARGIN_MS = 250  # a late worker's "no answer" is shown this much earlier
ERROR_STYLE = "color: #b00020;"
_PAGES = {
    "store": 0,
    "time_zone": 1,
    "shifts": 1,
    "defect_types": 2,
    "station_id": 3,
    "inbox_dir": 3,
    "scanner_prefix": 3,
    "scanner_suffix": 3,
    "language": 4,
}


class SettingsDialog(QDialog):
    """Edits the per-user settings; nothing is saved until every field is valid.

    Signals:
        settings_saved(object): the new Settings, after they were written.
    """

    settings_saved = Signal(object)

    def __init__(
        self,
        current: st.Settings,
        runner: TaskRunner,
        parent: QWidget | None = None,
        overrides: st.Overrides | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.path = path
        self.overrides = overrides or st.Overrides()
        self._probe_serial = 0
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle(self.tr("Settings"))
        self._init_widgets()
        self._init_layout()
        self._connect_signals()
        self.show_settings(current)

    # -- building ------------------------------------------------------------

    def _init_widgets(self) -> None:
        self.store_edit = QLineEdit(self)
        self.store_edit.setPlaceholderText(
            self.tr("empty: the embedded store {0}").format(default_store_path())
        )
        self.store_browse = QPushButton(self.tr("Browse…"), self)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        self.zone_combo = QComboBox(self)
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(["", *sorted(available_timezones())])
        self.zone_combo.lineEdit().setPlaceholderText(
            self.tr("empty: this computer's zone ({0})").format(local_zone_name())
        )
        self.shifts_editor = RowsEditor(
            ["name", "start"],
            [self.tr("Shift"), self.tr("Starts (HH:MM)")],
            self,
            shown={"name": shift_name},
        )
        self.types_editor = RowsEditor(
            ["code", "label", "colour"],
            [self.tr("Code"), self.tr("Label"), self.tr("Colour (#rrggbb)")],
            self,
            shown={"label": type_label},
        )
        self.station_edit = QLineEdit(self)
        self.station_edit.setPlaceholderText(self.tr("e.g. EL-01"))
        self.inbox_edit = QLineEdit(self)
        self.inbox_browse = QPushButton(self.tr("Browse…"), self)
        self.prefix_edit = QLineEdit(self)
        self.suffix_edit = QLineEdit(self)
        self.language_combo = QComboBox(self)
        self.language_combo.addItem(self.tr("System language"), "system")
        self.language_combo.addItem("English", "en")
        self.language_combo.addItem("简体中文", "zh_CN")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.save_error = QLabel(self)
        self.save_error.setStyleSheet(ERROR_STYLE)
        self.save_error.setWordWrap(True)

    def _error_label(self, key: str) -> QLabel:
        label = QLabel(self)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.errors[key] = label
        return label

    def _field(self, key: str, *widgets: QWidget) -> QWidget:
        """Return the field's widgets in a row with its error label under them."""
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget, 1 if widget is widgets[0] else 0)
        column.addLayout(row)
        column.addWidget(self._error_label(key))
        return box

    def _init_layout(self) -> None:
        self.pages = QTabWidget(self)
        self.pages.addTab(self._store_page(), self.tr("Store"))
        self.pages.addTab(self._plant_page(), self.tr("Time zone and shifts"))
        self.pages.addTab(self._types_page(), self.tr("Defect types"))
        self.pages.addTab(self._station_page(), self.tr("Station"))
        self.pages.addTab(self._language_page(), self.tr("Language"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)
        self.resize(640, 420)

    def _store_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(self.tr("Store:"), self._field("store", self.store_edit, self.store_browse))
        form.addRow("", self.test_button)
        form.addRow("", self.test_result)
        hint = QLabel(
            self.tr(
                "A MongoDB connection string (mongodb://user:password@host/database) or the "
                "file of an embedded store. A changed store opens at once."
            ),
            page,
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        overridden = self.overrides.store or os.environ.get(ENV_VAR)
        if overridden:
            note = QLabel(
                self.tr("For this run the store is chosen by --store or {0}.").format(ENV_VAR)
            )
            note.setWordWrap(True)
            form.addRow(note)
        return page

    def _plant_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(self.tr("Plant time zone:"), self._field("time_zone", self.zone_combo))
        if self.overrides.time_zone:
            form.addRow("", QLabel(self.tr("For this run --tz sets the zone."), page))
        form.addRow(self.tr("Shifts:"), self._field("shifts", self.shifts_editor))
        hint = QLabel(
            self.tr(
                "A shift runs from its start to the next shift's start; a night shift "
                "belongs to the date on which it starts."
            ),
            page,
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        return page

    def _types_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(self.tr("Defect types:"), self._field("defect_types", self.types_editor))
        hint = QLabel(
            self.tr("The code is what records and the store hold (cr, cs, bc, mr, …)."), page
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        return page

    def _station_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(self.tr("Station id:"), self._field("station_id", self.station_edit))
        form.addRow(
            self.tr("AI inbox folder:"),
            self._field("inbox_dir", self.inbox_edit, self.inbox_browse),
        )
        form.addRow(self.tr("Scanner prefix:"), self._field("scanner_prefix", self.prefix_edit))
        form.addRow(self.tr("Scanner suffix:"), self._field("scanner_suffix", self.suffix_edit))
        return page

    def _language_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(self.tr("Language:"), self._field("language", self.language_combo))
        form.addRow("", QLabel(self.tr("The language changes at the next start."), page))
        return page

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.restore_button().clicked.connect(self._on_restore_clicked)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.store_browse.clicked.connect(self._on_store_browse_clicked)
        self.inbox_browse.clicked.connect(self._on_inbox_browse_clicked)

    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def restore_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)

    # -- values --------------------------------------------------------------

    def show_settings(self, settings: st.Settings) -> None:
        """Fill the fields from ``settings``."""
        data = st.to_data(settings)
        self.store_edit.setText(data["store"])
        self.zone_combo.setCurrentText(data["time_zone"])
        self.shifts_editor.set_rows(data["shifts"])
        self.types_editor.set_rows(data["defect_types"])
        self.station_edit.setText(data["station_id"])
        self.inbox_edit.setText(data["inbox_dir"])
        self.prefix_edit.setText(data["scanner_prefix"])
        self.suffix_edit.setText(data["scanner_suffix"])
        index = self.language_combo.findData(data["language"])
        self.language_combo.setCurrentIndex(max(index, 0))

    def data(self) -> dict[str, object]:
        """Return the fields' values as plain data for ``settings.parse``."""
        return {
            "store": self.store_edit.text(),
            "time_zone": self.zone_combo.currentText(),
            "shifts": self.shifts_editor.rows(),
            "defect_types": self.types_editor.rows(),
            "station_id": self.station_edit.text(),
            "inbox_dir": self.inbox_edit.text(),
            "scanner_prefix": self.prefix_edit.text(),
            "scanner_suffix": self.suffix_edit.text(),
            "language": self.language_combo.currentData(),
        }

    def show_errors(self, errors: list[st.FieldError]) -> None:
        """Show each refused value beside its field; go to the first one's page."""
        self._clear_errors()
        texts: dict[str, list[str]] = {}
        for error in errors:
            texts.setdefault(error.top, []).append(self._error_text(error))
            self._mark_cell(error)
        for key, lines in texts.items():
            self.errors[key].setText("\n".join(lines))
            self.errors[key].show()
        if errors:
            self.pages.setCurrentIndex(_PAGES[errors[0].top])

    def _error_text(self, error: st.FieldError) -> str:
        rule = QCoreApplication.translate("Settings", error.rule)
        parts = error.key.split(".")
        if len(parts) == 3:
            columns = {
                "name": self.tr("name"),
                "start": self.tr("start"),
                "code": self.tr("code"),
                "label": self.tr("label"),
                "colour": self.tr("colour"),
            }
            parts[2] = columns.get(parts[2], parts[2])
            return self.tr("row {0}, {1}: “{2}” — {3}").format(
                parts[1], parts[2], error.value, rule
            )
        return self.tr("“{0}” — {1}").format(error.value, rule)

    def _mark_cell(self, error: st.FieldError) -> None:
        parts = error.key.split(".")
        if len(parts) == 3:
            editor = self.shifts_editor if parts[0] == "shifts" else self.types_editor
            editor.mark(int(parts[1]), parts[2])

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        self.save_error.clear()
        self.shifts_editor.clear_marks()
        self.types_editor.clear_marks()

    # -- slots ---------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        try:
            chosen = st.parse(self.data())
            st.save(chosen, self.path)
        except st.SettingsInvalid as exc:
            self.show_errors(exc.errors)
            return
        except OSError as exc:
            self.save_error.setText(self.tr("The settings could not be saved: {0}").format(exc))
            return
        self.settings_saved.emit(chosen)
        self.accept()

    def _on_restore_clicked(self) -> None:
        self._clear_errors()
        self.show_settings(st.Settings())

    def _on_test_button_clicked(self) -> None:
        self._probe_serial += 1
        serial = self._probe_serial
        text = self.store_edit.text().strip()
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))
        self.runner.run(
            lambda: probe_store(text),
            lambda result: self._on_probe_finished(serial, result),
            lambda exc: self._on_probe_finished(serial, ProbeResult(False, "failed", repr(exc))),
        )
        limit = PROBE_LIMIT_MS - TIMEOUT_MARGIN_MS
        QTimer.singleShot(limit, lambda: self._on_probe_timeout(serial))

    def _on_probe_finished(self, serial: int, result: ProbeResult) -> None:
        if serial != self._probe_serial:
            return  # an older test, or one that already timed out
        self._probe_serial += 1
        self.test_button.setEnabled(True)
        self.test_result.setStyleSheet("" if result.ok else ERROR_STYLE)
        self.test_result.setText(self._probe_text(result))

    def _on_probe_timeout(self, serial: int) -> None:
        self._on_probe_finished(
            serial, ProbeResult(False, "failed", self.tr("no answer within 2 seconds"))
        )

    def _probe_text(self, result: ProbeResult) -> str:
        texts = {
            "answers": self.tr("The store answers: {0}"),
            "file": self.tr("An embedded store file: {0}"),
            "new-file": self.tr("A new embedded store will be created: {0}"),
            "no-folder": self.tr("The folder cannot be written: {0}"),
            "failed": self.tr("The store does not answer: {0}"),
        }
        return texts[result.kind].format(result.detail)

    def _on_store_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Embedded store file"),
            self.store_edit.text(),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.store_edit.setText(path)

    def _on_inbox_browse_clicked(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("AI inbox folder"), self.inbox_edit.text()
        )
        if path:
            self.inbox_edit.setText(path)
