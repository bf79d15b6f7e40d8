"""The console's per-user settings: model, defaults, validation and the JSON file."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from elconsole.data.stores import ENV_VAR, QT_TRANSLATE_NOOP, check_uri, redact
from elconsole.domain.defect_types import DEFAULT_DEFECT_TYPES, DefectType
from elconsole.domain.plantclock import DEFAULT_SHIFTS, Shift

log = logging.getLogger(__name__)


CONTEXT = "Settings"
LANGUAGES = ("system", "en", "zh_CN")
MAX_PREFIX = 16
MAX_STATION = 32

RULE_STORE = QT_TRANSLATE_NOOP(
    "Settings", "a mongodb:// or mongodb+srv:// connection string, or a file path"
)
RULE_STORE_DIR = QT_TRANSLATE_NOOP("Settings", "a file, not a folder")
RULE_ZONE = QT_TRANSLATE_NOOP("Settings", "an IANA time zone name like Asia/Shanghai")
RULE_SHIFTS = QT_TRANSLATE_NOOP("Settings", "at least one shift")
RULE_NAME = QT_TRANSLATE_NOOP("Settings", "a non-empty name, each name once")
RULE_START = QT_TRANSLATE_NOOP("Settings", "a time HH:MM, each start once")
RULE_TYPES = QT_TRANSLATE_NOOP("Settings", "at least one defect type")
RULE_CODE = QT_TRANSLATE_NOOP("Settings", "1-8 lower-case letters or digits, each code once")
RULE_LABEL = QT_TRANSLATE_NOOP("Settings", "a non-empty label")
RULE_COLOUR = QT_TRANSLATE_NOOP("Settings", "a colour #rrggbb")
RULE_INBOX = QT_TRANSLATE_NOOP("Settings", "an existing folder, or empty")
RULE_STATION = QT_TRANSLATE_NOOP("Settings", "at most 32 characters without spaces, or empty")
RULE_SCANNER = QT_TRANSLATE_NOOP("Settings", "at most 16 characters, or empty")
RULE_LANGUAGE = QT_TRANSLATE_NOOP("Settings", "system, en or zh_CN")

_CODE = re.compile(r"^[a-z0-9]{1,8}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_START = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Settings:
    """Everything a user can set; empty texts mean "the default" (see each field)."""

    store: str = ""  # empty: the embedded store in the user's data folder
    time_zone: str = ""  # empty: this computer's zone
    shifts: tuple[Shift, ...] = DEFAULT_SHIFTS
    defect_types: tuple[DefectType, ...] = DEFAULT_DEFECT_TYPES
    inbox_dir: str = ""
    station_id: str = ""
    scanner_prefix: str = ""
    scanner_suffix: str = ""
    language: str = "system"


@dataclass(frozen=True)
class FieldError:
    """One refused value: ``key`` names the field (``shifts.1.start``), ``rule`` what is wanted."""

    key: str
    value: str
    rule: str

    @property
    def top(self) -> str:
        """Return the top-level setting the error belongs to (``shifts``)."""
        return self.key.split(".", 1)[0]

    def __str__(self) -> str:
        return f"{self.key}: {self.value!r} — {self.rule}"


@dataclass
class SettingsInvalid(ValueError):
    """Raised by :func:`parse` with every refused value."""

    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(e) for e in self.errors)


@dataclass(frozen=True)
class Overrides:
    """What the command line and the environment impose over the saved settings."""

    store: str | None = None
    time_zone: str | None = None


def settings_path() -> Path:
    """Return the settings file in the platform's per-user config folder."""
    folder = platformdirs.user_config_dir("elconsole", appauthor=False)
    return Path(folder) / "settings.json"


# -- to and from plain data ----------------------------------------------------


def to_data(settings: Settings) -> dict[str, Any]:
    """Return the settings as JSON-ready data (times as ``HH:MM``)."""
    return {
        "store": settings.store,
        "time_zone": settings.time_zone,
        "shifts": [{"name": s.name, "start": s.start.strftime("%H:%M")} for s in settings.shifts],
        "defect_types": [
            {"code": t.code, "label": t.label, "colour": t.colour} for t in settings.defect_types
        ],
        "inbox_dir": settings.inbox_dir,
        "station_id": settings.station_id,
        "scanner_prefix": settings.scanner_prefix,
        "scanner_suffix": settings.scanner_suffix,
        "language": settings.language,
    }


def parse(data: Mapping[str, Any]) -> Settings:
    """Return the settings in ``data`` (missing keys take defaults).

    Raises SettingsInvalid naming every refused value and its rule.
    """
    errors: list[FieldError] = []
    default = to_data(Settings())
    text = {k: _text(data.get(k, default[k]), strip=k not in _KEEP_SPACE) for k in _TEXT_KEYS}
    for key, check in _TEXT_CHECKS.items():
        rule = check(text[key])
        if rule:
            shown = redact(text[key]) if key == "store" else text[key]
            errors.append(FieldError(key, shown, rule))
    shifts = _parse_shifts(data.get("shifts"), errors)
    types = _parse_types(data.get("defect_types"), errors)
    if errors:
        raise SettingsInvalid(errors)
    return Settings(shifts=shifts, defect_types=types, **{k: text[k] for k in _TEXT_KEYS})


def _text(value: Any, strip: bool = True) -> str:
    text = value if isinstance(value, str) else str(value)
    return text.strip() if strip else text


def _check_store(text: str) -> str | None:
    if not text:
        return None
    if text.startswith(("mongodb://", "mongodb+srv://")):
        return check_uri(text)  # read as the store's client reads it, no lookups
    if "://" in text:
        return RULE_STORE
    return RULE_STORE_DIR if Path(text).expanduser().is_dir() else None


def _check_zone(text: str) -> str | None:
    if not text:
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return RULE_ZONE
    return None


def _check_inbox(text: str) -> str | None:
    return None if not text or Path(text).expanduser().is_dir() else RULE_INBOX


def _check_station(text: str) -> str | None:
    ok = len(text) <= MAX_STATION and not any(c.isspace() for c in text)
    return None if ok else RULE_STATION


def _check_scanner(text: str) -> str | None:
    return None if len(text) <= MAX_PREFIX else RULE_SCANNER


def _check_language(text: str) -> str | None:
    return None if text in LANGUAGES else RULE_LANGUAGE


_TEXT_CHECKS = {
    "store": _check_store,
    "time_zone": _check_zone,
    "inbox_dir": _check_inbox,
    "station_id": _check_station,
    "scanner_prefix": _check_scanner,
    "scanner_suffix": _check_scanner,
    "language": _check_language,
}
_TEXT_KEYS = tuple(_TEXT_CHECKS)
_KEEP_SPACE = {"scanner_prefix", "scanner_suffix"}  # a scanner may send a tab


def _rows(value: Any, default: list[dict[str, str]]) -> list[dict[str, str]]:
    if value is None:
        return default
    if not isinstance(value, list):
        return []
    return [{k: _text(v) for k, v in row.items()} if isinstance(row, dict) else {} for row in value]


def _parse_shifts(value: Any, errors: list[FieldError]) -> tuple[Shift, ...]:
    rows = _rows(value, to_data(Settings())["shifts"])
    if not rows:
        errors.append(FieldError("shifts", "", RULE_SHIFTS))
        return ()
    shifts: list[Shift] = []
    names: set[str] = set()
    starts: set[dt.time] = set()
    for i, row in enumerate(rows, start=1):
        name, start = row.get("name", ""), row.get("start", "")
        if not name or name in names:
            errors.append(FieldError(f"shifts.{i}.name", name, RULE_NAME))
        names.add(name)
        match = _START.match(start)
        moment = dt.time(int(match[1]), int(match[2])) if match else None
        if moment is None or moment in starts:
            errors.append(FieldError(f"shifts.{i}.start", start, RULE_START))
            continue
        starts.add(moment)
        shifts.append(Shift(name, moment))
    return tuple(shifts)


def _parse_types(value: Any, errors: list[FieldError]) -> tuple[DefectType, ...]:
    rows = _rows(value, to_data(Settings())["defect_types"])
    if not rows:
        errors.append(FieldError("defect_types", "", RULE_TYPES))
        return ()
    types: list[DefectType] = []
    codes: set[str] = set()
    for i, row in enumerate(rows, start=1):
        code, label = row.get("code", ""), row.get("label", "")
        colour = row.get("colour", "")
        if not _CODE.match(code) or code in codes:
            errors.append(FieldError(f"defect_types.{i}.code", code, RULE_CODE))
        codes.add(code)
        if not label:
            errors.append(FieldError(f"defect_types.{i}.label", label, RULE_LABEL))
        if not _COLOUR.match(colour):
            errors.append(FieldError(f"defect_types.{i}.colour", colour, RULE_COLOUR))
        types.append(DefectType(code, label, colour.lower()))
    return tuple(types)


# -- the file ------------------------------------------------------------------


def load(path: Path | None = None) -> Settings:
    """Return the saved settings; a missing file gives defaults, a bad value its default.

    Never raises for the file's content: what cannot be read is logged and replaced.
    """
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s not read (%s): using the defaults", path, exc)
        return Settings()
    if not isinstance(data, dict):
        log.warning("settings file %s holds no object: using the defaults", path)
        return Settings()
    return _parse_dropping_bad(data, path)


def _parse_dropping_bad(data: dict[str, Any], path: Path) -> Settings:
    try:
        return parse(data)
    except SettingsInvalid as exc:
        log.warning("settings file %s: %s; those take their defaults", path, exc)
        bad = {e.top for e in exc.errors}
        return parse({k: v for k, v in data.items() if k not in bad})


def save(settings: Settings, path: Path | None = None) -> Path:
    """Validate and write the settings (atomically, readable by the user alone).

    Returns the file; raises SettingsInvalid (nothing written) or OSError.
    """
    data = to_data(settings)
    parse(data)
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("settings saved to %s", path)
    return path


# -- what applies ----------------------------------------------------------------


def effective_store(
    settings: Settings, overrides: Overrides, environ: Mapping[str, str] | None = None
) -> str | None:
    """Return the store text in force: --store, else ELCONSOLE_STORE, else the saved one."""
    env = os.environ if environ is None else environ
    return overrides.store or env.get(ENV_VAR) or settings.store or None


def effective_zone(settings: Settings, overrides: Overrides) -> str | None:
    """Return the zone name in force: --tz, else the saved one (None: the computer's)."""
    return overrides.time_zone or settings.time_zone or None
