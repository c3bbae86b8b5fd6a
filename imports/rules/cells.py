"""Turning a spreadsheet cell into the text a field is cleaned from (DOMAIN §2.3).

Cells are read as stored: an XLSX formula gives its cached value, never a new evaluation, and a text that looks
like a formula (``=HYPERLINK(…)``, ``+86…``) stays the text it is; exports escape such text (a leading
apostrophe), imports store it unchanged.
"""

from datetime import date, datetime, time
from decimal import Decimal


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ``.0`` (phone numbers and codes typed as numbers), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def row_cells(values: list, width: int) -> list[str]:
    """A row as exactly ``width`` texts: short rows padded, cells beyond the headers dropped."""
    cells = [cell_text(value) for value in values[:width]]
    return cells + [""] * (width - len(cells))
