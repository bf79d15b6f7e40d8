"""A module's stored EL tests as read back for lookup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elconsole.domain.grid import Grid, position_label
from elconsole.domain.stats import ADDED, CONFIRMED, REJECTED


@dataclass(frozen=True)
class StoredDefect:
    """One defect of a stored test with its fate (confirmed, rejected, added)."""

    code: str
    position: Any  # [row, col] as stored; old data may hold anything
    by: str  # who found it: "AI" or "OP"
    status: str  # the link's Status: "true" or "false"
    time: float | None
    fate: str | None  # CONFIRMED, REJECTED, ADDED or None when the link is odd

    @property
    def row_col(self) -> tuple[int, int] | None:
        """Return (row, col) when the position is two integers, else None."""
        pos = self.position
        if (
            isinstance(pos, (list, tuple))
            and len(pos) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in pos)
        ):
            return (pos[0], pos[1])
        return None

    @property
    def label(self) -> str:
        rc = self.row_col
        return position_label(*rc) if rc else repr(self.position)

    def on_grid(self, grid: Grid | None) -> bool:
        rc = self.row_col
        return grid is not None and rc is not None and grid.contains(*rc)


@dataclass(frozen=True)
class StoredTest:
    """One EL test of a module as stored, with everything found wrong in it."""

    panel_id: str
    barcode: str
    el_no: str
    cell_type: str
    cell_size: str
    cell_amount: Any
    create_time: float
    ai: str | None
    op: str | None
    defects: tuple[StoredDefect, ...] = ()
    operator: str | None = None
    damage: tuple[str, ...] = field(default=())

    @property
    def grid(self) -> Grid | None:
        """Return the module's grid, or None for a layout that no module has."""
        try:
            return Grid.for_module(self.cell_size, self.cell_amount)
        except ValueError:
            return None

    def as_legacy_json(self) -> dict[str, Any]:
        """Return the test shaped like the older service's lookup answer, plus verdicts."""
        return {
            "Barcode": self.barcode,
            "EL_no": self.el_no,
            "cell_type": self.cell_type,
            "cell_size": self.cell_size,
            "cell_amount": self.cell_amount,
            "create_time": self.create_time,
            "ai_result": self.ai,
            "gui_result": self.op,
            "Defects": [
                {
                    "Defect": [
                        {"Type": d.code, "Position": d.position, "by": d.by, "time": d.time}
                    ],
                    "Status": d.status,
                    "by": d.by,
                    "on_grid": d.on_grid(self.grid),
                }
                for d in self.defects
            ],
            "damage": list(self.damage),
        }


def fate_of(by: str, status: str) -> str | None:
    """Return the fate of a defect link, or None for a combination that means nothing."""
    if by == "AI":
        return {"true": CONFIRMED, "false": REJECTED}.get(status)
    if by == "OP" and status == "true":
        return ADDED
    return None
