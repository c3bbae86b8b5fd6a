"""Cursor pagination of API.md: ``{"next", "previous", "results"}``, ``page_size`` ≤ 500."""

from rest_framework.pagination import CursorPagination


class CodeCursorPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"


class CustomerCursorPagination(CodeCursorPagination):
    """Customers page by their immutable code unless the client asks for another ``ordering``."""

    ordering = "code"
