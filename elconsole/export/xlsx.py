"""Statistics tables as an Excel workbook: one sheet per table, rates in % format."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from elconsole.export.tables import RATE, About, Column, Table

log = logging.getLogger(__name__)

PERCENT = "0.00%"
NO_DATA = "no data"
HEADER_ROWS = 4  # title, window, filters, blank; the column titles follow
MAX_WIDTH = 40


def write_xlsx(path: Path, tables: Sequence[Table], about: About) -> Path:
    """Write a workbook with a sheet per table and return its path."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _sheet(book, table, about)
    book.save(path)
    log.info("wrote %s (%d sheets)", path, len(tables))
    return path


def _sheet(book: Workbook, table: Table, about: About) -> None:
    sheet = book.create_sheet(table.key[:31])
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=12)
    for line in about.lines():
        sheet.append([line])
    sheet.append([])
    sheet.append([c.name for c in table.columns])
    for cell in sheet[HEADER_ROWS + 1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_value(c, v) for c, v in zip(table.columns, row, strict=True)])
    _formats(sheet, table)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 2, column=2)


def _value(column: Column, value: object) -> object:
    """Return a cell's value: a rate without denominator reads "no data", never 0 %."""
    return NO_DATA if value is None and column.kind == RATE else value


def _formats(sheet: object, table: Table) -> None:
    first = HEADER_ROWS + 2
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        widest = max([len(column.name)] + [len(str(r[index - 1])) for r in table.rows])
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, widest + 2)  # type: ignore[attr-defined]
        if column.kind != RATE:
            continue
        for offset, values in enumerate(table.rows):
            if isinstance(values[index - 1], float):
                cell = sheet.cell(row=first + offset, column=index)  # type: ignore[attr-defined]
                cell.number_format = PERCENT
