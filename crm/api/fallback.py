"""JSON answers for errors Django itself handles under ``/api/`` (an unknown path, a body refused before DRF saw
it, a crash): API clients get API.md's ``{"detail": …}`` instead of an HTML page; other paths keep Django's pages."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _api_error(request, status: int, detail: str, fallback, *args):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=status)
    return fallback(request, *args)


def bad_request(request, exception):
    return _api_error(request, 400, "Bad request.", defaults.bad_request, exception)


def permission_denied(request, exception):
    return _api_error(
        request, 403, "You do not have permission to perform this action.", defaults.permission_denied, exception
    )


def page_not_found(request, exception):
    return _api_error(request, 404, "Not found.", defaults.page_not_found, exception)


def server_error(request):
    return _api_error(request, 500, "Server error.", defaults.server_error)
