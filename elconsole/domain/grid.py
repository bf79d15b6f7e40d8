"""Module cell grids and defect positions on them."""

from __future__ import annotations

from dataclasses import dataclass

ROWS = 6
ROW_LETTERS = "ABCDEF"

# cell_size -> the cell amounts a module of that size may have.
LAYOUTS: dict[str, tuple[int, ...]] = {"full": (60, 72), "half": (120, 144)}


@dataclass(frozen=True)
class Grid:
    """The cell grid of one module layout: 6 rows, N columns, maybe split in halves."""

    columns: int
    half: bool

    @classmethod
    def for_module(cls, cell_size: str, cell_amount: int) -> Grid:
        """Return the grid of a module; raises ValueError for an unknown layout."""
        if cell_amount not in LAYOUTS.get(cell_size, ()):
            raise ValueError(f"no {cell_size!r} module has {cell_amount!r} cells")
        return cls(columns=cell_amount // ROWS, half=cell_size == "half")

    @property
    def rows(self) -> int:
        return ROWS

    @property
    def split_after(self) -> int | None:
        """Return the last column of the left half, or None for full-cell modules."""
        return self.columns // 2 if self.half else None

    def contains(self, row: int, col: int) -> bool:
        """Return whether the 1-based position lies on this grid."""
        return 1 <= row <= ROWS and 1 <= col <= self.columns


def position_label(row: object, col: object) -> str:
    """Return the label of a position, e.g. ``C17`` for ``[3, 17]``.

    Positions off any 6-row grid (possible in old data) get ``R37C41``-style labels.
    """
    if isinstance(row, int) and 1 <= row <= ROWS:
        return f"{ROW_LETTERS[row - 1]}{col}"
    return f"R{row}C{col}"
