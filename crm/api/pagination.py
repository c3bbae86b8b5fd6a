"""Cursor pagination of API.md: ``{"next", "previous", "results"}``, ``page_size`` ≤ 500."""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class CodeCursorPagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """DRF's cursor, refused (404 "Invalid cursor") unless its position is a value of the ordering's column: a
        crafted cursor must not reach the database (PostgreSQL refuses NUL characters, integers that are text)."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self._position_is_valid(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _position_is_valid(self, position: str) -> bool:
        if "\x00" in position:
            return False
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:  # an annotation: no column type to check against
            return True
        try:
            field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError):
            return False
        return True


class CustomerCursorPagination(CodeCursorPagination):
    """Customers page by their immutable code unless the client asks for another ``ordering``."""

    ordering = "code"
