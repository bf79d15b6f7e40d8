"""Defect type codes with their labels and colours (configurable per line)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class DefectType:
    """One kind of cell defect: its code as stored, a label and a colour."""

    code: str
    label: str
    colour: str


DEFAULT_DEFECT_TYPES: tuple[DefectType, ...] = (
    DefectType("cr", "Crack", "#d62728"),
    DefectType("cs", "Cold solder joint", "#1f77b4"),
    DefectType("bc", "Dark / failed cell", "#7f3fbf"),
    DefectType("mr", "Mixed-grade cell", "#ff7f0e"),
)

UNKNOWN_COLOUR = "#7f7f7f"


class DefectCatalog:
    """The defect types a line knows, looked up by code."""

    def __init__(self, types: tuple[DefectType, ...] = DEFAULT_DEFECT_TYPES) -> None:
        self._types = {t.code: t for t in types}

    def __contains__(self, code: object) -> bool:
        return code in self._types

    def __iter__(self) -> Iterator[DefectType]:
        return iter(self._types.values())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._types)

    def label(self, code: str) -> str:
        """Return the label of a code; unknown codes (old data) show as themselves."""
        known = self._types.get(code)
        return known.label if known else code

    def colour(self, code: str) -> str:
        known = self._types.get(code)
        return known.colour if known else UNKNOWN_COLOUR
