"""The operator's judgment of one module: which AI defects stay, what is added, the verdict."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from elconsole.domain.grid import position_label
from elconsole.domain.records import AiHalf
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED

log = logging.getLogger(__name__)

NG, OK = "0", "1"
Key = tuple[str, int, int]  # (type code, row, col), 1-based
Cell = tuple[int, int]


@dataclass(frozen=True)
class ReviewMark:
    """One defect of the module under review with its fate so far."""

    code: str
    row: int
    col: int
    fate: str

    @property
    def key(self) -> Key:
        return (self.code, self.row, self.col)

    @property
    def label(self) -> str:
        return position_label(self.row, self.col)


class Judgment:
    """What the operator decides about one module; AI defects start as kept.

    A cell cursor and a current defect let the keyboard do what clicks do.
    """

    def __init__(self, half: AiHalf, add_code: str = "cr") -> None:
        self.half = half
        self.grid = half.grid
        self._ai: set[Key] = {(c, r, k) for c, ps in half.ai_defects.items() for r, k in ps}
        self._kept: set[Key] = set(self._ai)
        self._verdict: str | None = None
        self.add_code = add_code
        self.current: Key | None = None
        self.cursor: Cell = (1, 1)
        marks = self.marks()
        if marks:
            self._go_to(marks[0].key)

    # -- reading ---------------------------------------------------------

    def marks(self) -> list[ReviewMark]:
        """Return every defect with its fate, by position then type."""
        out = [ReviewMark(*k, CONFIRMED if k in self._kept else REJECTED) for k in self._ai]
        out += [ReviewMark(*k, ADDED) for k in self._kept - self._ai]
        return sorted(out, key=lambda m: (m.row, m.col, m.code))

    def verdict(self) -> str:
        """Return the chosen verdict, else NG with a kept defect and OK without."""
        if self._verdict is not None:
            return self._verdict
        return NG if self._kept else OK

    @property
    def changed(self) -> bool:
        """Whether the operator changed anything (a defect or the verdict)."""
        return self._kept != self._ai or self._verdict is not None

    @property
    def verdict_chosen(self) -> bool:
        return self._verdict is not None

    def gui_defects(self, codes: tuple[str, ...] = ()) -> dict[str, list[list[int]]]:
        """Return the kept and added defects as ``{code: [[row, col], ...]}``."""
        found = sorted({k[0] for k in self._kept})
        order = [c for c in codes if c in found] + [c for c in found if c not in codes]
        return {c: [[r, k] for code, r, k in sorted(self._kept) if code == c] for c in order}

    def record(
        self, gui_time: float, operator: str | None, codes: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Return the full raw station record of this judgment."""
        raw = self.half.raw()
        raw.update(
            gui_result=self.verdict(),
            gui_defects=self.gui_defects(codes),
            gui_time=gui_time,
        )
        if operator:
            raw["operator"] = operator
        return raw

    # -- changing --------------------------------------------------------

    def set_verdict(self, code: str | None) -> None:
        """Choose the verdict (None: follow the defects again)."""
        self._verdict = code

    def move(self, d_row: int, d_col: int) -> None:
        """Move the cell cursor, staying on the grid; the current defect follows."""
        row = min(max(1, self.cursor[0] + d_row), self.grid.rows)
        col = min(max(1, self.cursor[1] + d_col), self.grid.columns)
        self._set_cursor((row, col))

    def step(self, direction: int) -> None:
        """Make the next (1) or previous (-1) defect current, wrapping around."""
        keys = [m.key for m in self.marks()]
        if not keys:
            return
        if self.current in keys:
            index = (keys.index(self.current) + direction) % len(keys)
        else:
            index = 0 if direction > 0 else len(keys) - 1
        self._go_to(keys[index])

    def keep(self) -> None:
        """Keep the current defect, or add one of ``add_code`` at an empty cursor cell."""
        if self.current is None:
            self.add(self.add_code)
        else:
            self._kept.add(self.current)

    def reject(self) -> None:
        """Reject the current AI defect, or remove the current added one."""
        key = self.current
        if key is None:
            return
        self._kept.discard(key)
        if key not in self._ai:
            self._set_cursor(self.cursor)

    def add(self, code: str) -> None:
        """Add (keep) a defect of ``code`` at the cursor and make it current."""
        key = (code, *self.cursor)
        self._kept.add(key)
        self.current = key

    def click(self, row: int, col: int) -> None:
        """A click on a cell: toggle its defect, or add one of ``add_code``."""
        if self.cursor != (row, col) or self.current is None:
            self._set_cursor((row, col))
        key = self.current
        if key is None:
            self.add(self.add_code)
        elif key in self._kept:
            self.reject()
        else:
            self.keep()

    def _set_cursor(self, cell: Cell) -> None:
        self.cursor = cell
        here = [m.key for m in self.marks() if (m.row, m.col) == cell]
        self.current = here[0] if here else None

    def _go_to(self, key: Key) -> None:
        self.cursor = (key[1], key[2])
        self.current = key
