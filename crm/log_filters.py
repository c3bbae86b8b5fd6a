"""Logging filters (``LOGGING`` in crm/settings.py)."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is an answer, not a fault: Django logs "Forbidden (Permission denied)" with the exception's traceback;
    keep the one line and drop the traceback (the refusal itself is in the access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info, record.exc_text = None, None
        return True
