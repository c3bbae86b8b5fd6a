"""The edge between the domain and HTTP: browser views and API views translate domain refusals here."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404

from crm import services
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
        refusal = PermissionDenied(*denied.args)
        refusal.customer, refusal.object_ref = denied.customer, denied.object_ref  # for the access log
        raise refusal from None


def refusal_log(request, refusal: Exception, *, channel: str) -> None:
    """Write a refused attempt to the access log (README: "and refused attempts"); the one place pages
    (``crm.middleware.AccessRefusalLogMiddleware``) and the API (``crm.api.exceptions``) record 403s. A refusal
    raised through ``http_errors`` names its dossier and object; any other is logged with the path asked for."""
    services.access_refusal_record(
        user=getattr(request, "user", None),
        channel=channel,
        customer=getattr(refusal, "customer", None),
        object_ref=getattr(refusal, "object_ref", "") or request.path,
    )
