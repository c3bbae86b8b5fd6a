"""Which uploaded spreadsheets an import reads (DOMAIN §2.3), decided from the name, the size and the bytes.

The name alone is never trusted: a program renamed ``customers.csv`` is refused because its bytes are not text,
and an ``.xlsx`` must be a zip package. CSV text is UTF-8 (with or without BOM) or GB18030 (which contains GBK
and GB2312), tried in that order: valid UTF-8 is almost never valid-looking GBK by accident, the reverse is common.
"""

from collections.abc import Sequence
from dataclasses import dataclass

MAX_COLUMNS = 100
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc)
BINARY_MAGICS = (b"MZ", b"\x7fELF", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xca\xfe\xba\xbe", ZIP_MAGIC)
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """``kind`` is ``csv`` or ``xlsx`` when the file may be read, else ``error`` says why not: ``empty``, ``size``,
    ``type`` (neither CSV nor XLSX by name), ``mismatch`` (the bytes are not what the name says), ``xls`` (the old
    binary Excel format)."""

    kind: str | None
    error: str | None = None


def file_verdict(*, name: str, size: int, head: bytes, max_bytes: int) -> FileVerdict:
    """Decide from the name, the size and the first bytes (at least 8 KB when the file is that long)."""
    lowered = name.lower()
    if size == 0 or not head.strip(b" \t\r\n\xef\xbb\xbf"):
        return FileVerdict(None, "empty")
    if size > max_bytes:
        return FileVerdict(None, "size")
    if lowered.endswith(XLSX_SUFFIXES):
        return FileVerdict("xlsx") if head.startswith(ZIP_MAGIC) else FileVerdict(None, "mismatch")
    if lowered.endswith(".xls"):
        return FileVerdict(None, "xls")
    if not lowered.endswith(CSV_SUFFIXES):
        return FileVerdict(None, "type")
    if head.startswith(BINARY_MAGICS) or head.startswith(OLE_MAGIC) or b"\x00" in head:
        return FileVerdict(None, "mismatch")
    return FileVerdict("csv")


def csv_text(data: bytes) -> str | None:
    """The file's text in the first encoding that decodes all of it; None when none does."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def table_problem(headers: Sequence[str], row_count: int) -> str | None:
    """What is wrong with the table as a whole: ``no_header`` (nothing in the first row), ``no_rows`` (a header row
    only), ``columns`` (more than ``MAX_COLUMNS``), ``blank_header`` or ``repeated_header`` (a column cannot be
    named for the mapping); None when it can be mapped."""
    if not any(headers):
        return "no_header"
    if len(headers) > MAX_COLUMNS:
        return "columns"
    if row_count == 0:
        return "no_rows"
    named = [header for header in headers if header]
    if len(set(named)) != len(named):
        return "repeated_header"
    return None
