"""The AI and operator defect marks of the panel being entered (Qt only to translate phrases)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from elconsole.domain.grid import Grid, position_label
from elconsole.domain.stats import ADDED, CONFIRMED, FATES, REJECTED

log = logging.getLogger(__name__)

AI, OPERATOR = "ai", "operator"
FATE_WORDS = {  # translated where shown: fate_word()
    CONFIRMED: QT_TRANSLATE_NOOP("EntryMarks", "confirmed"),
    REJECTED: QT_TRANSLATE_NOOP("EntryMarks", "rejected (AI only)"),
    ADDED: QT_TRANSLATE_NOOP("EntryMarks", "added (operator)"),
}
SHORT_FATE_WORDS = {
    CONFIRMED: QT_TRANSLATE_NOOP("EntryMarks", "confirmed"),
    REJECTED: QT_TRANSLATE_NOOP("EntryMarks", "rejected"),
    ADDED: QT_TRANSLATE_NOOP("EntryMarks", "added"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("EntryMarks", text)


def fate_word(fate: str) -> str:
    """Return the fate's phrase for a defect list, in the interface's language."""
    return _tr(FATE_WORDS[fate])


Key = tuple[str, int, int]  # (type code, row, col), 1-based


@dataclass(frozen=True)
class FatedMark:
    """One defect of the form with its fate as the reconciliation sees it."""

    code: str
    row: int
    col: int
    fate: str

    @property
    def label(self) -> str:
        return position_label(self.row, self.col)


class MarkSets:
    """The two sets of marks, AI's and the operator's, keyed by (code, row, col)."""

    def __init__(self) -> None:
        self._sets: dict[str, set[Key]] = {AI: set(), OPERATOR: set()}

    def toggle(self, mode: str, code: str, row: int, col: int) -> bool:
        """Add the mark to the mode's set, or remove it; True when it was added."""
        marks = self._sets[mode]
        key = (code, row, col)
        if key in marks:
            marks.remove(key)
            return False
        marks.add(key)
        return True

    def confirm_all(self) -> int:
        """Copy every AI mark to the operator's set; return how many were new."""
        new = self._sets[AI] - self._sets[OPERATOR]
        self._sets[OPERATOR] |= new
        return len(new)

    def drop_off_grid(self, grid: Grid) -> list[FatedMark]:
        """Remove the marks that fall off ``grid``; return them as they were."""
        gone = [m for m in self.fated() if not grid.contains(m.row, m.col)]
        for marks in self._sets.values():
            marks -= {k for k in marks if not grid.contains(k[1], k[2])}
        return gone

    def clear(self) -> None:
        for marks in self._sets.values():
            marks.clear()

    def has(self, mode: str) -> bool:
        """Return whether the mode's set holds any mark."""
        return bool(self._sets[mode])

    def fated(self) -> list[FatedMark]:
        """Return every mark of either set with its fate, by position then code."""
        ai, gui = self._sets[AI], self._sets[OPERATOR]
        out = [_fated(k, CONFIRMED if k in gui else REJECTED) for k in ai]
        out += [_fated(k, ADDED) for k in gui - ai]
        return sorted(out, key=lambda m: (m.row, m.col, m.code))

    def counts(self) -> Counter[str]:
        """Return the number of marks of each fate."""
        return Counter(m.fate for m in self.fated())

    def raw(self, mode: str, codes: tuple[str, ...] = ()) -> dict[str, list[list[int]]]:
        """Return a set as a station record's ``{code: [[row, col], ...]}``.

        Codes come in the order of ``codes`` first, then alphabetically.
        """
        found = sorted({k[0] for k in self._sets[mode]})
        order = [c for c in codes if c in found] + [c for c in found if c not in codes]
        return {
            code: [[r, c] for k, r, c in sorted(self._sets[mode]) if k == code] for code in order
        }


def _fated(key: Key, fate: str) -> FatedMark:
    return FatedMark(key[0], key[1], key[2], fate)


def describe_counts(counts: Counter[str]) -> str:
    """Return e.g. ``2 defects: 1 confirmed, 1 added`` or ``no defects``."""
    total = sum(counts.values())
    if not total:
        return QCoreApplication.translate("EntryMarks", "no defects")
    each = QCoreApplication.translate("EntryMarks", "{0} {1}")
    parts = [each.format(counts[f], _tr(SHORT_FATE_WORDS[f])) for f in FATES if counts[f]]
    if total == 1:
        text = QCoreApplication.translate("EntryMarks", "{0} defect: {1}")
    else:
        text = QCoreApplication.translate("EntryMarks", "{0} defects: {1}")
    return text.format(total, QCoreApplication.translate("EntryMarks", ", ").join(parts))
