"""The AI and operator defect marks of the panel being entered (no Qt)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from elconsole.domain.grid import Grid, position_label
from elconsole.domain.stats import ADDED, CONFIRMED, FATES, REJECTED

log = logging.getLogger(__name__)

AI, OPERATOR = "ai", "operator"
FATE_WORDS = {
    CONFIRMED: "confirmed",
    REJECTED: "rejected (AI only)",
    ADDED: "added (operator)",
}
SHORT_FATE_WORDS = {CONFIRMED: "confirmed", REJECTED: "rejected", ADDED: "added"}

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
        return "no defects"
    parts = [f"{counts[f]} {SHORT_FATE_WORDS[f]}" for f in FATES if counts[f]]
    noun = "defect" if total == 1 else "defects"
    return f"{total} {noun}: " + ", ".join(parts)
