import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_bytes(rows, *, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def customer_rows():
    """A rep's list as another system exports it: Chinese headers, an external id, a credit code."""
    return [
        ["外部编号", "名称", "类别", "规模", "统一社会信用代码", "电话", "地区", "法定代表人"],
        ["ERP-1", "宁波北仑阀门有限公司", "中间客户（公司或贸易商）", "中型", "", "0574-86880001", "宁波", "王建国"],
        ["ERP-2", "温州瓯海泵业", "intermediate", "small", "", "0577-88990002", "温州", ""],
        ["", "绍兴柯桥管件厂", "", "large", "", "0575-84110003", "绍兴", "李红"],
    ]
