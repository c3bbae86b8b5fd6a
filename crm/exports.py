"""Tables as files: CSV (UTF-8 with a BOM, so Excel on Windows shows Chinese) and XLSX, with the same rows.

A cell that a spreadsheet would run as a formula is written as text (OWASP "CSV injection"): a leading
apostrophe in CSV, a string cell (never a formula) in XLSX.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Table:
    """A header and its rows (mappings by column key); the same object renders as HTML, CSV and XLSX."""

    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]


def spreadsheet_text(value: object) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe."""
    text = str(value)
    return f"'{text}" if text[:1] in _FORMULA_STARTS else text


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal | float | date):
        return str(value)
    return spreadsheet_text(value)


class _Line:
    def write(self, text: str) -> str:
        return text


def csv_lines(table: Table) -> Iterator[str]:
    """The CSV text line by line, for a streamed download: the BOM and the header row of labels, then one line per
    entry (the rows are read as they are written)."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        yield writer.writerow([_csv_cell(row.get(column.key)) for column in table.columns])


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a BOM, a header row of labels, one row per entry."""
    return "".join(csv_lines(table)).encode("utf-8")


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def xlsx_bytes(table: Table, *, title: str = "Sheet1") -> bytes:
    """One sheet: a header row of labels, then the rows; numbers stay numbers, text never becomes a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet1")
    sheet.append([_xlsx_cell(sheet, str(column.label)) for column in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, row.get(column.key)) for column in table.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
