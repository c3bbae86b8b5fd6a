"""Refusals that selectors and services raise in the domain's words; entry points translate them to HTTP.

A selector returns data or raises one of these, never ``Http404``/``PermissionDenied``: it may be called by a
task, a management command or another app, where an HTTP error means nothing (``crm.http`` translates).
"""


class NotFound(LookupError):
    """What the caller asked for does not exist, or is not theirs to know of (a 404 at the edge)."""


class AccessDenied(Exception):
    """The caller may know it exists but the access policy (``crm/access.py``) refuses them this (a 403)."""
