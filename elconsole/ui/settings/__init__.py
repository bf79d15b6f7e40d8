"""The settings dialog: store, plant zone and shifts, defect types, station, language."""

from elconsole.ui.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
