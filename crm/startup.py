"""What the WSGI and ASGI entry points do once the application is loaded."""

import gc

from django.urls import get_resolver


def freeze_startup() -> None:
    """Move everything loaded at startup (Django, the apps, the URLconf) out of the cyclic collector's reach:
    otherwise each full collection rescans it, ~70 ms in the middle of a 1,000-record bulk upsert. The URLconf is
    loaded by the first request, not by the application: load it now (it imports every view, serializer and rule
    module, about 110,000 objects), or it stays in reach."""
    get_resolver().url_patterns  # noqa: B018 - loaded for its imports
    gc.freeze()
