"""Statistics tables as CSV files: one file per table, rates as fractions."""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elconsole.export.tables import RATE, About, Table

log = logging.getLogger(__name__)

RATE_DIGITS = 6


def table_path(base: Path, table: Table) -> Path:
    """Return the file of a table: the chosen file for the summary, ``<stem>-<key>.csv`` else."""
    if table.key == "summary":
        return base.with_suffix(".csv")
    return base.with_name(f"{base.stem}-{table.key}.csv")


def write_csv(base: Path, tables: Sequence[Table], about: About) -> list[Path]:
    """Write every table next to ``base``; return the files written.

    The summary file begins with the window, zone and filters as rows of its own.
    """
    written = []
    for table in tables:
        path = table_path(base, table)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.name for c in table.columns])
            for row in table.rows:
                writer.writerow(_cells(table, row))
            if table.key == "summary":
                writer.writerow(["window from", about.start, "", ""])
                writer.writerow(["window to (excluded)", about.end, "", ""])
                writer.writerow(["zone", about.zone, "", ""])
                writer.writerow(["stations", about.stations, "", ""])
                writer.writerow(["cell layouts", about.layouts, "", ""])
        written.append(path)
    log.info("wrote %d CSV files next to %s", len(written), base)
    return written


def _cells(table: Table, row: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for column, value in zip(table.columns, row, strict=True):
        if value is None:
            out.append("")
        elif column.kind == RATE and isinstance(value, float):
            out.append(round(value, RATE_DIGITS))
        else:
            out.append(value)
    return out
