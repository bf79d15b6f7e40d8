"""The interface language: Qt translators for the chosen or the system language."""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

TRANSLATED = ("zh_CN",)  # languages with a .qm in elconsole/translations
LANGUAGE_NAMES = {"system": "", "en": "English", "zh_CN": "简体中文"}


def choose_locale(language: str, system: QLocale | None = None) -> str:
    """Return the locale name to use for a setting (``system``, ``en``, ``zh_CN``).

    ``system`` picks Simplified Chinese for any Chinese system locale, else English.
    """
    if language != "system":
        return language if language in TRANSLATED else "en"
    name = (system or QLocale.system()).name()
    return "zh_CN" if name.startswith("zh") else "en"


def install(app: QCoreApplication, language: str) -> str:
    """Install the console's and Qt's translators for ``language``; return the locale used.

    A string without a translation stays in English.
    """
    chosen = choose_locale(language)
    QLocale.setDefault(QLocale("en_US" if chosen == "en" else chosen))
    for old in app.findChildren(QTranslator, "elconsole-i18n"):
        app.removeTranslator(old)
        old.deleteLater()
    if chosen == "en":
        return chosen
    for translator in (_console_translator(chosen, app), _qt_translator(chosen, app)):
        if translator is not None:
            app.installTranslator(translator)
    log.info("interface language %s", chosen)
    return chosen


def _console_translator(locale: str, app: QCoreApplication) -> QTranslator | None:
    name = f"elconsole_{locale}.qm"
    translator = QTranslator(app)
    translator.setObjectName("elconsole-i18n")
    source = resources.files("elconsole.translations").joinpath(name)
    with resources.as_file(source) as path:  # the package's own file when not zipped
        if translator.load(str(path)):
            return translator
    log.warning("translation %s not found or unreadable: English is shown", name)
    return None


def _qt_translator(locale: str, app: QCoreApplication) -> QTranslator | None:
    """Qt's own texts (dialog buttons, context menus) from PySide6's translations."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    translator.setObjectName("elconsole-i18n")
    if translator.load(QLocale(locale), "qtbase", "_", folder):
        return translator
    log.info("no Qt translation for %s in %s", locale, folder)
    return None
