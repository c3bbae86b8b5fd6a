"""Response headers (issue 16 §10): the Content-Security-Policy of every page, relaxed only where third-party pages
need it, and ``Cache-Control: no-store`` on API responses, which carry personal data."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import PermissionDenied

from crm.http import refusal_log
from crm.models import AccessLog

API_PREFIX = "/api/"

RELAXED_PREFIXES = ("/admin/", "/api/docs/", "/api/redoc/")
"""Pages we do not write: Django's admin and the API docs (Swagger UI, ReDoc) set inline styles and ReDoc starts a
web worker from a blob. They still load scripts from this site only."""

RELAXED = {
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
}


class PathCSPMiddleware(CSPMiddleware):
    """django-csp with the settings' strict policy, relaxed for ``RELAXED_PREFIXES``."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(RELAXED_PREFIXES):
            parts.replace = {**(parts.replace or {}), **RELAXED}
        return parts


class ApiNoStoreMiddleware:
    """API responses must not be kept by browsers or proxies: ``Cache-Control: no-store``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            response["Cache-Control"] = "no-store"
        return response


class AccessRefusalLogMiddleware:
    """Every page's refusal (``PermissionDenied``, a 403) of a signed-in user goes to the access log, whichever
    view refused; the API's refusals are logged by its exception handler, which sees them first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            refusal_log(request, exception, channel=AccessLog.Channel.WEB)
