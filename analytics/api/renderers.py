"""``?format=csv`` and ``?format=xlsx`` on every analysis endpoint (API.md Analysis): the same rows as a file."""

from rest_framework.renderers import BaseRenderer

from crm.exports import XLSX_TYPE, Table, csv_bytes, xlsx_bytes


class CsvTableRenderer(BaseRenderer):
    """A ``crm.exports.Table`` as CSV, UTF-8 with a BOM."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        assert isinstance(data, Table), "the view answers a Table for a file format"  # noqa: S101
        return csv_bytes(data)


class XlsxTableRenderer(BaseRenderer):
    """A ``crm.exports.Table`` as one XLSX sheet."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        assert isinstance(data, Table), "the view answers a Table for a file format"  # noqa: S101
        return xlsx_bytes(data)
