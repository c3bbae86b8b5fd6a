"""Refusals that selectors and services raise in the domain's words; entry points translate them to HTTP.

A selector returns data or raises one of these, never ``Http404``/``PermissionDenied``: it may be called by a
task, a management command or another app, where an HTTP error means nothing (``crm.http`` translates).
"""


class NotFound(LookupError):
    """What the caller asked for does not exist, or is not theirs to know of (a 404 at the edge)."""


class AccessDenied(Exception):
    """The caller may know it exists but the access policy (``crm/access.py``) refuses them this (a 403).

    ``customer`` (the dossier refused, when there is one) and ``object_ref`` (what was asked for) travel with the
    refusal to the one place that writes refused attempts to the access log (``crm.middleware``)."""

    def __init__(self, *args, customer=None, object_ref: str = ""):
        super().__init__(*args)
        self.customer = customer
        self.object_ref = object_ref
