"""Reading an uploaded spreadsheet into a table of texts (DOMAIN §2.3): CSV with csv, XLSX with python-calamine
(cached values only: formulas are never evaluated). What is accepted is decided in ``imports.rules.files``."""

import csv
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from imports.rules.cells import row_cells
from imports.rules.files import MAX_COLUMNS, csv_text, file_verdict, table_problem

FILE_ERRORS = {
    "empty": _("The file is empty."),
    "size": _("The file is larger than the limit of %(mb)s MB."),
    "type": _("Only CSV and XLSX files can be imported."),
    "mismatch": _("The file's content does not match its type."),
    "xls": _("The old Excel format (.xls) cannot be read: save the sheet as .xlsx or .csv."),
    "encoding": _("The CSV file is neither UTF-8 nor GBK/GB18030 text."),
    "unreadable": _("The file cannot be read as a spreadsheet."),
    "no_header": _("The first row must name the columns."),
    "no_rows": _("The file has a header row but no data rows."),
    "columns": _("The file has more than %(columns)s columns; import at most %(columns)s."),
    "blank_header": _("Every column needs a name in the first row."),
    "repeated_header": _("Two columns have the same name in the first row."),
}


class ImportFileError(Exception):
    """The file cannot be imported; ``message`` says why in the user's language."""

    def __init__(self, code: str):
        self.code = code
        self.message = str(FILE_ERRORS[code]) % {"mb": settings.CRM_IMPORT_MAX_MB, "columns": MAX_COLUMNS}
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet as texts: the header row and the data rows (blank rows left out), each as wide as the header."""

    headers: list[str]
    rows: list[list[str]]
    sha256: str


def _csv_rows(data: bytes) -> list[list]:
    text = csv_text(data)
    if text is None:
        raise ImportFileError("encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error:
        raise ImportFileError("unreadable") from None


def _xlsx_rows(data: bytes) -> list[list]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return workbook.get_sheet_by_index(0).to_python()
    except (CalamineError, ValueError, IndexError, OSError):
        raise ImportFileError("unreadable") from None


def read_table(upload: UploadedFile) -> Table:
    """The upload as a table, or ``ImportFileError`` with the reason it cannot be imported."""
    upload.seek(0)
    head = upload.read(8192)
    verdict = file_verdict(
        name=upload.name or "", size=upload.size or 0, head=head, max_bytes=settings.CRM_IMPORT_MAX_MB * 1024 * 1024
    )
    if verdict.error:
        raise ImportFileError(verdict.error)
    upload.seek(0)
    data = upload.read()
    raw = _csv_rows(data) if verdict.kind == "csv" else _xlsx_rows(data)
    if not raw:
        raise ImportFileError("empty")
    headers = row_cells(raw[0], len(raw[0]))
    while headers and not headers[-1]:  # trailing empty header cells: columns nobody named nor filled
        headers.pop()
    rows = [cells for cells in (row_cells(values, len(headers)) for values in raw[1:]) if any(cells)]
    problem = table_problem(headers, len(rows))
    if problem is None and not all(headers):
        problem = "blank_header"
    if problem:
        raise ImportFileError(problem)
    return Table(headers=headers, rows=rows, sha256=hashlib.sha256(data).hexdigest())
