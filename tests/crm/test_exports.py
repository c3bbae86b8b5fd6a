"""Every CSV the product writes has a BOM (Excel on Windows then shows Chinese) and an XLSX twin (issue 14)."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from crm.exports import Column, Table, csv_bytes, csv_lines, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
APPS = ("crm", "customers", "credit", "archives", "analytics", "imports", "demo")
WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|text/csv")
ALLOWED = {
    "crm/exports.py",  # the one writer: BOM first
    "crm/bulk.py",  # PostgreSQL COPY input, never a file a person opens
    "analytics/api/renderers.py",  # renders through crm.exports.csv_bytes
    "customers/find_views.py",  # the customer list's export, through crm.exports
    "archives/views.py",  # the access log's export, through crm.exports
}

TABLE = Table(columns=[Column("name", "名称"), Column("amount", "Amount")], rows=[{"name": "=杭州", "amount": 12}])


def test_the_csv_starts_with_a_bom_and_its_xlsx_twin_holds_the_same_cells():
    text = csv_bytes(TABLE).decode("utf-8")
    assert text.startswith("\ufeff名称,Amount")
    assert "".join(csv_lines(TABLE)) == text
    sheet = load_workbook(io.BytesIO(xlsx_bytes(TABLE))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["名称", "Amount"], ["=杭州", 12]]
    assert "'=杭州" in text  # a formula-like text stays text in a spreadsheet


def test_no_module_writes_a_csv_except_through_crm_exports():
    writers = {
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and WRITERS.search(path.read_text(encoding="utf-8"))
    }
    assert writers <= ALLOWED, f"write CSV through crm.exports (BOM + XLSX twin): {sorted(writers - ALLOWED)}"
    for path in ALLOWED - {"crm/exports.py", "crm/bulk.py"}:
        assert "crm.exports import" in (ROOT / path).read_text(encoding="utf-8"), path
