"""Number formats, figure definitions and table models of the Statistics tab."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from elconsole.domain.plantclock import PlantClock
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED, Tally
from elconsole.ui.names import shift_name

log = logging.getLogger(__name__)

NO_DATA = QT_TRANSLATE_NOOP("StatsFigures", "no data")
FIXED_SPEC = re.compile(r"\.(\d+)f")
Index = QModelIndex | QPersistentModelIndex


def count(n: int) -> str:
    """Return a count in the interface locale: ``3,075`` in English, ``3.075`` in German."""
    return QLocale().toString(int(n))


def decimal(value: float, digits: int = 2) -> str:
    """Return a number with ``digits`` decimals in the interface locale: ``9.20``, ``9,20``."""
    return QLocale().toString(float(value), "f", digits)


class LocaleFloat(float):
    """A float whose ``{:.Nf}`` format uses the interface locale (``9,20`` in German).

    Translated strings keep their ``{0:.2f}`` fields and still follow the locale.
    """

    def __format__(self, spec: str) -> str:
        match = FIXED_SPEC.fullmatch(spec)
        if match is None:
            return super().__format__(spec)
        return decimal(float(self), int(match.group(1)))


def percent(fraction: float, digits: int = 2) -> str:
    """Return a fraction 0..1 as a percentage in the interface locale: ``9.20 %``."""
    return f"{decimal(100 * fraction, digits)} %"


def ratio(numerator: int, denominator: int) -> str:
    """Return ``9.20 % (283 / 3,075)``, or ``no data`` when the denominator is 0."""
    if not denominator:
        return QCoreApplication.translate("StatsFigures", NO_DATA)
    share = percent(numerator / denominator)
    return f"{share} ({count(numerator)} / {count(denominator)})"


def verdicts(counts: Any) -> str:
    """Return ``OK / NG / other`` counts, with missing verdicts only when there are some."""
    text = " / ".join(count(counts[k]) for k in ("ok", "ng", "other"))
    if counts["missing"]:
        missing = QCoreApplication.translate("StatsFigures", "({0} missing)")
        text += " " + missing.format(count(counts["missing"]))
    return text


@dataclass(frozen=True)
class Figure:
    """One figure of a tally: its name, its definition and how it is written."""

    key: str
    name: str
    definition: str
    text: Callable[[Tally], str]

    @property
    def label(self) -> str:
        """The name in the interface language."""
        return QCoreApplication.translate("StatsFigures", self.name)

    @property
    def explanation(self) -> str:
        """The definition in the interface language."""
        return QCoreApplication.translate("StatsFigures", self.definition)


TESTS = Figure(
    "tests",
    QT_TRANSLATE_NOOP("StatsFigures", "Tests"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "EL tests whose create time lies in the window; every re-test counts.",
    ),
    lambda t: count(t.tests),
)
YIELD = Figure(
    "yield",
    QT_TRANSLATE_NOOP("StatsFigures", "Yield"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Yield = operator OK / tests.",
    ),
    lambda t: ratio(t.op["ok"], t.tests),
)
FIRST_PASS = Figure(
    "first_pass",
    QT_TRANSLATE_NOOP("StatsFigures", "First-pass yield"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "First-pass yield = barcodes whose first test in the store falls in the window\n"
        "and was OK (operator verdict) / all barcodes whose first test falls in the window.",
    ),
    lambda t: ratio(t.first_ok, t.first_tests),
)
AI_VERDICTS = Figure(
    "ai",
    QT_TRANSLATE_NOOP("StatsFigures", "AI OK / NG / other"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "The AI's verdicts of the tests: OK, NG and any other code (e.g. 2).",
    ),
    lambda t: verdicts(t.ai),
)
OP_VERDICTS = Figure(
    "op",
    QT_TRANSLATE_NOOP("StatsFigures", "Operator OK / NG / other"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "The operator's final verdicts of the tests: OK, NG and any other code.",
    ),
    lambda t: verdicts(t.op),
)
OP_OK = Figure(
    "op_ok",
    QT_TRANSLATE_NOOP("StatsFigures", "OK"),
    QT_TRANSLATE_NOOP("StatsFigures", "Tests the operator judged OK."),
    lambda t: count(t.op["ok"]),
)
OP_NG = Figure(
    "op_ng",
    QT_TRANSLATE_NOOP("StatsFigures", "NG"),
    QT_TRANSLATE_NOOP("StatsFigures", "Tests the operator judged NG."),
    lambda t: count(t.op["ng"]),
)
PANEL_OVERKILL = Figure(
    "panel_overkill",
    QT_TRANSLATE_NOOP("StatsFigures", "Panel overkill rate"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Panel overkill = tests the AI judged NG and the operator OK;\n"
        "the rate is over operator OK.",
    ),
    lambda t: ratio(t.panel_overkill, t.op["ok"]),
)
PANEL_MISS = Figure(
    "panel_miss",
    QT_TRANSLATE_NOOP("StatsFigures", "Panel miss rate"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Panel miss = tests the AI judged OK and the operator NG;\nthe rate is over operator NG.",
    ),
    lambda t: ratio(t.panel_miss, t.op["ng"]),
)
DEFECTS = Figure(
    "defects",
    QT_TRANSLATE_NOOP("StatsFigures", "Defects conf. / rej. / added"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Defects the AI marked and the operator kept (AI confirmed),\n"
        "the AI marked and the operator removed (AI rejected),\n"
        "and the operator marked himself (operator added).",
    ),
    lambda t: " / ".join(count(t.defects[k]) for k in (CONFIRMED, REJECTED, ADDED)),
)
DEFECT_OVERKILL = Figure(
    "defect_overkill",
    QT_TRANSLATE_NOOP("StatsFigures", "Defect overkill rate"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Defect overkill rate = AI rejected / (AI confirmed + AI rejected).",
    ),
    lambda t: ratio(t.defects[REJECTED], t.ai_judged),
)
DEFECT_MISS = Figure(
    "defect_miss",
    QT_TRANSLATE_NOOP("StatsFigures", "Defect miss rate"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Defect miss rate = operator added / (AI confirmed + operator added).",
    ),
    lambda t: ratio(t.defects[ADDED], t.real_defects),
)
DAMAGED = Figure(
    "damaged",
    QT_TRANSLATE_NOOP("StatsFigures", "Damaged tests"),
    QT_TRANSLATE_NOOP(
        "StatsFigures",
        "Tests whose stored documents are incomplete or inconsistent (old data).",
    ),
    lambda t: count(t.damaged),
)

KEY_FIGURES: tuple[Figure, ...] = (
    TESTS,
    YIELD,
    FIRST_PASS,
    AI_VERDICTS,
    OP_VERDICTS,
    PANEL_OVERKILL,
    PANEL_MISS,
    DEFECTS,
    DEFECT_OVERKILL,
    DEFECT_MISS,
    DAMAGED,
)
TABLE_FIGURES: tuple[Figure, ...] = (
    TESTS,
    OP_OK,
    OP_NG,
    YIELD,
    FIRST_PASS,
    PANEL_OVERKILL,
    PANEL_MISS,
    DEFECT_OVERKILL,
    DEFECT_MISS,
)


class TallyTableModel(QAbstractTableModel):
    """Rows of (group key, tally): one column for the key, one per figure."""

    def __init__(
        self,
        key_name: str,
        figures: Sequence[Figure] = TABLE_FIGURES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._key_name = key_name
        self._figures = tuple(figures)
        self._rows: list[tuple[str, Tally]] = []

    def set_rows(self, rows: Sequence[tuple[str, Tally]], key_name: str | None = None) -> None:
        """Replace every row (and, if given, the key column's title)."""
        self.beginResetModel()
        self._rows = list(rows)
        if key_name is not None:
            self._key_name = key_name
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)

    def key_name(self) -> str:
        return self._key_name

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 1 + len(self._figures)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, tally = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return key if column == 0 else self._figures[column - 1].text(tally)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column > 0:
            return self._figures[column - 1].explanation
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._key_name if section == 0 else self._figures[section - 1].label
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return self._figures[section - 1].explanation
        return None


def period_keys(clock: PlantClock, first: dt.date, last: dt.date, by: str) -> list[str]:
    """Return the day or shift keys of every period that overlaps ``first``..``last``.

    The keys are those of ``PlantClock.day_key`` / ``shift_key``, in time order;
    a shift that starts the evening before ``first`` belongs to the window too.
    """
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    if by == "day":
        return [day.isoformat() for day in days]
    start = clock.midnight(first)
    end = clock.midnight(last + dt.timedelta(days=1))
    keys = []
    for day in [first - dt.timedelta(days=1), *days]:
        for name, begins, ends in _shift_spans(clock, day):
            if begins < end and ends > start:
                keys.append(f"{day.isoformat()} {name}")
    return keys


def _shift_spans(clock: PlantClock, day: dt.date) -> list[tuple[str, float, float]]:
    def at(when: dt.date, time: dt.time) -> float:
        return dt.datetime.combine(when, time, tzinfo=clock.tz).timestamp()

    shifts = clock.shifts
    next_day = day + dt.timedelta(days=1)
    spans = []
    for i, shift in enumerate(shifts):
        if i + 1 < len(shifts):
            ends = at(day, shifts[i + 1].start)
        else:
            ends = at(next_day, shifts[0].start)
        spans.append((shift.name, at(day, shift.start), ends))
    return spans


def period_label(key: str) -> str:
    """Return a short axis label of a day or shift key: ``03-03``, ``03-03 night``."""
    day_text, _, shift = key.partition(" ")
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        return key
    if shift:
        return f"{day:%m-%d} {shift_name(shift)}"
    return f"{day:%m-%d}"


def period_text(key: str) -> str:
    """Return a day or shift key with the shift's name in the interface language."""
    day_text, space, shift = key.partition(" ")
    return f"{day_text} {shift_name(shift)}" if space else key
