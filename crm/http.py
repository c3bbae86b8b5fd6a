"""The edge between the domain and HTTP: browser views and API views translate domain refusals here."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404

from crm.errors import AccessDenied, NotFound


@contextmanager
def http_errors() -> Iterator[None]:
    """``NotFound`` → 404 and ``AccessDenied`` → 403, for pages and DRF views alike (DRF answers both as JSON).

    Usable as ``with http_errors():`` or as a view decorator ``@http_errors()``.
    """
    try:
        yield
    except NotFound:
        raise Http404 from None
    except AccessDenied as denied:
        raise PermissionDenied(*denied.args) from None
