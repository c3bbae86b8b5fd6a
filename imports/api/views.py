"""REST endpoints of imports (API.md "Import and merge"): translators to imports.services and selectors."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.exceptions import Conflict
from crm.api.parsers import BoundedJSONParser
from crm.http import http_errors
from imports import selectors, services, tasks
from imports.api.serializers import (
    ImportConfirmSerializer,
    ImportConflictSerializer,
    ImportSerializer,
    ImportUploadSerializer,
)
from imports.files import ImportFileError


def _refused(refusal: services.ImportRefused) -> Response:
    if not refusal.conflict:
        raise ValidationError({"detail": [refusal.message]})
    if not refusal.rows:
        raise Conflict(refusal.message)
    return Response({"detail": refusal.message, "rows": refusal.rows}, status=status.HTTP_409_CONFLICT)


class ImportCreateApi(APIView):
    """Upload a file for a dry run: nothing is written until it is confirmed. Large files are checked in the
    background (``status`` ``checking``, then ``checked``; poll the import)."""

    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={201: ImportSerializer})
    @http_errors()
    def post(self, request):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            batch = services.import_upload(
                upload=data["file"], target=data["target"], mapping=data.get("mapping"), by=request.user
            )
        except ImportFileError as refusal:
            raise ValidationError({"file": [refusal.message]}) from None
        except services.ImportRefused as refusal:
            raise ValidationError({"mapping": [refusal.message]}) from None
        batch = tasks.check_now_or_later(batch, today=timezone.localdate())
        return Response(ImportSerializer(batch).data, status=status.HTTP_201_CREATED)


class ImportApi(APIView):
    @extend_schema(responses={200: ImportSerializer})
    @http_errors()
    def get(self, request, pk: int):
        return Response(ImportSerializer(selectors.import_get(user=request.user, pk=pk)).data)


class ImportConfirmApi(APIView):
    """Write the checked rows: bad rows are skipped, suspected duplicates created only with
    ``create_duplicates``. Large files are written in the background (``importing``, then ``done``)."""

    parser_classes = (BoundedJSONParser,)

    @extend_schema(request=ImportConfirmSerializer, responses={200: ImportSerializer})
    @http_errors()
    def post(self, request, pk: int):
        batch = selectors.import_get(user=request.user, pk=pk)
        serializer = ImportConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            batch = services.import_confirm(
                batch=batch, by=request.user, create_duplicates=serializer.validated_data["create_duplicates"]
            )
        except services.ImportRefused as refusal:
            return _refused(refusal)
        batch = tasks.run_now_or_later(batch, today=timezone.localdate())
        return Response(ImportSerializer(batch).data)


class ImportUndoApi(APIView):
    """Take back a done import while its rows are unchanged since; 409 with the changed rows otherwise."""

    @extend_schema(
        request=None,
        responses={200: ImportSerializer, 409: OpenApiResponse(ImportConflictSerializer, "Rows changed since")},
    )
    @http_errors()
    def post(self, request, pk: int):
        batch = selectors.import_get(user=request.user, pk=pk)
        try:
            batch = services.import_undo(batch=batch, by=request.user, today=timezone.localdate())
        except services.ImportRefused as refusal:
            return _refused(refusal)
        return Response(ImportSerializer(batch).data)
