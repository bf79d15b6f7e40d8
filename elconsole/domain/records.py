"""Station records: validation of incoming records and AI/operator reconciliation."""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from elconsole.domain.defect_types import DefectCatalog
from elconsole.domain.grid import LAYOUTS, Grid, position_label

BARCODE_MAX = 64
EARLIEST = 946684800.0  # 2000-01-01T00:00:00Z
FUTURE_SLACK = 86400.0
REQUIRED = (
    "barcode",
    "cell_type",
    "cell_size",
    "cell_amount",
    "el_no",
    "create_time",
    "ai_result",
    "ai_defects",
    "ai_time",
    "gui_result",
    "gui_defects",
    "gui_time",
)
OPTIONAL = ("operator",)
GUI_FIELDS = ("gui_result", "gui_defects", "gui_time")
AI_FIELDS = tuple(name for name in REQUIRED if name not in GUI_FIELDS)
CELL_TYPES = ("mono", "poly")
VERDICT_LABELS = {"0": "NG", "1": "OK"}

Position = tuple[int, int]
Defect = tuple[str, Position]  # (type code, (row, col))


class RecordError(ValueError):
    """A station record broke a rule; names the field, the value and the rule."""

    def __init__(self, field_name: str, value: object, rule: str) -> None:
        self.field = field_name
        self.value = value
        self.rule = rule
        super().__init__(f"{field_name}: {_show(value)} — {rule}")


@dataclass(frozen=True)
class AiHalf:
    """The AI's half of a station record: everything but the operator's judgment."""

    barcode: str
    cell_type: str
    cell_size: str
    cell_amount: int
    el_no: str
    create_time: float
    ai_result: str
    ai_defects: dict[str, tuple[Position, ...]]
    ai_time: float

    @property
    def grid(self) -> Grid:
        return Grid.for_module(self.cell_size, self.cell_amount)

    @property
    def identity(self) -> tuple[str, str, float]:
        """Return (barcode, el_no, create_time): what names one EL test."""
        return (self.barcode, self.el_no, self.create_time)

    def raw(self) -> dict[str, Any]:
        """Return the AI's half as raw record fields (positions as lists)."""
        out = {f.name: getattr(self, f.name) for f in fields(AiHalf)}
        out["ai_defects"] = {c: [list(p) for p in ps] for c, ps in self.ai_defects.items()}
        return out


@dataclass(frozen=True)
class StationRecord(AiHalf):
    """One validated EL test of one module: the AI's half and the operator's judgment."""

    gui_result: str
    gui_defects: dict[str, tuple[Position, ...]]
    gui_time: float
    operator: str | None = None


@dataclass(frozen=True)
class Reconciled:
    """The fate of every defect of a record (SPEC: confirmed, rejected, added)."""

    confirmed: tuple[Defect, ...]
    rejected: tuple[Defect, ...]
    added: tuple[Defect, ...]


@dataclass
class Validator:
    """Validates raw station records against the record rules.

    ``now`` is injectable so that the future-time rule can be tested.
    """

    catalog: DefectCatalog = field(default_factory=DefectCatalog)
    now: Any = time.time

    def validate(self, raw: object) -> StationRecord:
        """Return the validated record; raises RecordError on the first broken rule."""
        if not isinstance(raw, Mapping):
            raise RecordError("record", raw, "must be a JSON object")
        _check_fields(raw)
        half = self._ai_half(raw)
        return StationRecord(
            **vars(half),
            gui_result=verdict_code(raw, "gui_result"),
            gui_defects=self._defects(raw, "gui_defects", half.grid),
            gui_time=self._time(raw, "gui_time"),
            operator=_optional_text(raw, "operator"),
        )

    def validate_ai(self, raw: object) -> AiHalf:
        """Return the AI's half of a record (every field but the operator's).

        The same rules as ``validate``; raises RecordError on the first broken
        rule, also for an operator field that the AI must leave out.
        """
        if not isinstance(raw, Mapping):
            raise RecordError("record", raw, "must be a JSON object")
        _check_fields(raw, AI_FIELDS)
        return self._ai_half(raw)

    def _ai_half(self, raw: Mapping[str, Any]) -> AiHalf:
        cell_size = _choice(raw, "cell_size", tuple(LAYOUTS))
        cell_amount = _cell_amount(raw, cell_size)
        grid = Grid.for_module(cell_size, cell_amount)
        return AiHalf(
            barcode=_barcode(raw.get("barcode")),
            cell_type=_choice(raw, "cell_type", CELL_TYPES),
            cell_size=cell_size,
            cell_amount=cell_amount,
            el_no=_text(raw, "el_no", 64),
            create_time=self._time(raw, "create_time"),
            ai_result=verdict_code(raw, "ai_result"),
            ai_defects=self._defects(raw, "ai_defects", grid),
            ai_time=self._time(raw, "ai_time"),
        )

    def _time(self, raw: Mapping[str, Any], name: str) -> float:
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RecordError(name, value, "must be a number of unix seconds")
        if isinstance(value, float) and not math.isfinite(value):
            raise RecordError(name, value, "must be a finite number")
        if value < EARLIEST:
            raise RecordError(name, value, "must not be before 2000-01-01")
        if value > self.now() + FUTURE_SLACK:
            raise RecordError(name, value, "must not be more than a day in the future")
        return float(value)

    def _defects(
        self, raw: Mapping[str, Any], name: str, grid: Grid
    ) -> dict[str, tuple[Position, ...]]:
        value = raw.get(name)
        if not isinstance(value, Mapping):
            raise RecordError(name, value, "must be an object of type code -> positions")
        result: dict[str, tuple[Position, ...]] = {}
        for code, positions in value.items():
            if code not in self.catalog:
                known = ", ".join(self.catalog.codes)
                raise RecordError(f"{name}.{code}", code, f"unknown defect type (known: {known})")
            result[code] = _positions(f"{name}.{code}", positions, grid)
        return result


def verdict_code(raw: Mapping[str, Any], name: str) -> str:
    """Return a verdict as its code string; integers 0/1/2 become strings."""
    value = raw.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1, 2):
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4:
        return value
    raise RecordError(name, value, 'must be a digit string ("0" NG, "1" OK) or 0, 1, 2')


def verdict_label(code: str | None) -> str:
    """Return ``OK``, ``NG``, ``other (code)`` or ``missing`` for a verdict code."""
    if code is None:
        return "missing"
    return VERDICT_LABELS.get(code, f"other ({code})")


def reconcile(record: StationRecord) -> Reconciled:
    """Split a record's defects into AI confirmed, AI rejected and operator added."""
    ai = _flatten(record.ai_defects)
    gui = _flatten(record.gui_defects)
    gui_set = set(gui)
    ai_set = set(ai)
    return Reconciled(
        confirmed=tuple(d for d in ai if d in gui_set),
        rejected=tuple(d for d in ai if d not in gui_set),
        added=tuple(d for d in gui if d not in ai_set),
    )


# White space, control characters and invisible format characters (zero-width
# spaces and joiners, the byte-order mark, bidirectional marks): trimmed at the ends.
_JUNK_RUN = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00a0\u00ad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001-\U000e007f]+"
)
_HIDDEN = ("Cc", "Cf")  # Unicode categories refused inside a barcode or name


def clean_barcode(value: str) -> str:
    """Return a barcode without surrounding white space, control and format characters.

    White space is any Unicode white space (e.g. U+3000 from an IME, U+2028).
    Linear in the text's length, however the junk is interleaved.
    """
    head = _JUNK_RUN.match(value)
    start = head.end() if head else 0
    tail = _JUNK_RUN.match(value[::-1])
    end = len(value) - (tail.end() if tail else 0)
    return value[start:end] if end > start else ""


def _hidden_inside(text: str) -> bool:
    """Whether ``text`` holds a control or invisible format character."""
    return any(unicodedata.category(c) in _HIDDEN for c in text)


def _flatten(defects: dict[str, tuple[Position, ...]]) -> list[Defect]:
    return [(code, pos) for code, positions in defects.items() for pos in positions]


def _check_fields(raw: Mapping[Any, Any], fields: tuple[str, ...] = REQUIRED) -> None:
    for name in fields:
        if name not in raw:
            raise RecordError(name, None, "is required")
    ai_only = fields is AI_FIELDS
    for name in raw:
        if ai_only and (name in GUI_FIELDS or name in OPTIONAL):
            raise RecordError(str(name), raw[name], "is the operator's, not part of the AI result")
        if name not in REQUIRED and name not in OPTIONAL:
            raise RecordError(str(name), raw[name], "is not a field of a station record")


def _barcode(value: object) -> str:
    if not isinstance(value, str):
        raise RecordError("barcode", value, "must be a string")
    _check_unicode("barcode", value)
    cleaned = clean_barcode(value)
    if not cleaned:
        raise RecordError("barcode", value, "must not be empty")
    if len(cleaned) > BARCODE_MAX:
        raise RecordError("barcode", value, f"must be at most {BARCODE_MAX} characters")
    if _hidden_inside(cleaned):
        raise RecordError(
            "barcode", value, "must not contain control or invisible (format) characters"
        )
    return cleaned


def _check_unicode(name: str, value: str) -> None:
    # JSON may hold lone surrogates ("\ud800"); no store can encode them as UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError(name, value, "must be valid Unicode text (no lone surrogates)") from exc


def _text(raw: Mapping[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    if not isinstance(value, str):
        raise RecordError(name, value, "must be a string")
    _check_unicode(name, value)
    cleaned = clean_barcode(value)
    if not cleaned:
        raise RecordError(name, value, "must not be empty")
    if len(cleaned) > limit or _hidden_inside(cleaned):
        raise RecordError(name, value, f"must be at most {limit} printable characters")
    return cleaned


def _optional_text(raw: Mapping[str, Any], name: str) -> str | None:
    return _text(raw, name, 64) if raw.get(name) is not None else None


def _choice(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or value not in allowed:
        raise RecordError(name, value, "must be one of " + ", ".join(allowed))
    return value


def _cell_amount(raw: Mapping[str, Any], cell_size: str) -> int:
    value = raw.get("cell_amount")
    allowed = LAYOUTS[cell_size]
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        shown = " or ".join(str(a) for a in allowed)
        raise RecordError("cell_amount", value, f"must be {shown} for {cell_size} cells")
    return value


def _positions(name: str, value: object, grid: Grid) -> tuple[Position, ...]:
    if not isinstance(value, list):
        raise RecordError(name, value, "must be a list of [row, col] positions")
    seen: dict[Position, None] = {}
    for item in value:
        pos = _position(name, item, grid)
        seen.setdefault(pos, None)  # a repeated position is one defect
    return tuple(seen)


def _position(name: str, item: object, grid: Grid) -> Position:
    if (
        not isinstance(item, list)
        or len(item) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in item)
    ):
        raise RecordError(name, item, "a position must be [row, col], two integers")
    row, col = item
    if not grid.contains(row, col):
        where = f"rows 1-{grid.rows}, columns 1-{grid.columns}"
        raise RecordError(
            name, item, f"position {position_label(row, col)} is off the module's grid ({where})"
        )
    return (row, col)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
