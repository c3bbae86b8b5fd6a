"""API errors as API.md describes them; no input ever yields a 500."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from crm.http import refusal_log
from crm.models import AccessLog


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it (If-Match does not match its ETag)."
    default_code = "precondition_failed"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "payload_too_large"


def api_exception_handler(exc, context):
    """DRF's handler, plus Django validation errors as 400, integrity races as 409, a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE as 413 and other refused requests (too many fields, …) as 400. A refusal (403) of
    a signed-in caller is written to the access log, as the pages' are."""
    if isinstance(exc, PermissionDenied | drf_exceptions.PermissionDenied) and "request" in context:
        refusal_log(context["request"], exc, channel=AccessLog.Channel.API)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = ParseError(str(exc))
    return exception_handler(exc, context)
