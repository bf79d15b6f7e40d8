"""Help ▸ About: the version, the store in use, the log file and the library versions."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from elconsole.data.stores import StoreTarget, redact

LIBRARIES = ("pyqtgraph", "pymongo", "nx-27017")


def store_text(target: StoreTarget) -> str:
    """Return the store in the interface language: the URI without password, or the file."""
    if target.uri is not None:
        return redact(target.uri)
    return QCoreApplication.translate("AboutDialog", "embedded store {0}").format(target.path)


def package_version(name: str) -> str:
    """Return an installed distribution's version, or ``?`` when it is not recorded."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def library_versions() -> dict[str, str]:
    """Return the versions the console runs on, by library name."""
    versions = {
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": pyside_version,
    }
    versions.update({name: package_version(name) for name in LIBRARIES})
    return versions


class AboutDialog(QDialog):
    """What is running, where it stores and where it logs."""

    def __init__(
        self,
        store: StoreTarget | str,
        log_file: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About EL Console"))
        name = self.tr("EL Console {0}").format(package_version("elconsole"))
        blurb = self.tr("Review, lookup and statistics for a photovoltaic EL test line.")
        title = QLabel(f"<h2>{name}</h2><p>{blurb}</p>", self)
        form = QFormLayout()
        shown = store_text(store) if isinstance(store, StoreTarget) else store
        self.store_label = self._selectable(shown)
        no_file = self.tr("none (the log folder cannot be written)")
        self.log_label = self._selectable(str(log_file) if log_file else no_file)
        form.addRow(self.tr("Store:"), self.store_label)
        form.addRow(self.tr("Log file:"), self.log_label)
        for name, version in library_versions().items():
            form.addRow(f"{name}:", QLabel(version, self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(560)  # room for the paths on one line each
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _selectable(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label
