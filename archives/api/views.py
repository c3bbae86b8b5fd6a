"""REST endpoints of the archive (DOMAIN §9): documents of a customer — list, register with upload, read,
download the scan (logged). Translators to archives.selectors and archives.services."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from knox.auth import TokenAuthentication
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from archives import selectors, services
from archives.api.serializers import ArchiveDocumentSerializer, ScanDownloadQuerySerializer, ScanUploadSerializer
from archives.models import ArchiveDocument
from archives.scans import scan_response
from crm.api.pagination import CodeCursorPagination
from crm.api.parsers import BoundedJSONParser
from crm.http import http_errors
from crm.models import AccessLog
from customers.selectors import DossierPart, dossier_for, dossier_part_read

VIEW, KEEP = "archives.view_documents", "archives.keep_register"


class DocumentPagination(CodeCursorPagination):
    ordering = ("-registered_at", "-id")


@extend_schema_view(
    post=extend_schema(
        request={"multipart/form-data": ArchiveDocumentSerializer}, responses={201: ArchiveDocumentSerializer}
    )
)
class CustomerDocumentsApi(generics.ListCreateAPIView):
    """The customer's originals (its catalogue 客户档案目录); POST registers one, with its scan as a multipart
    ``scan`` field (archivists only)."""

    serializer_class = ArchiveDocumentSerializer
    pagination_class = DocumentPagination
    parser_classes = (MultiPartParser, FormParser, BoundedJSONParser)

    @http_errors()
    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ArchiveDocument.objects.none()
        customer = dossier_part_read(
            user=self.request.user,
            code=self.kwargs["code"],
            perm=VIEW,
            part=DossierPart.CATALOGUE,
            channel=AccessLog.Channel.API,
            archived=None,
        )
        return ArchiveDocument.objects.filter(customer=customer).select_related("customer", "registered_by")

    @http_errors()
    def create(self, request, *args, **kwargs):
        customer = dossier_for(user=request.user, code=kwargs["code"], perm=VIEW, archived=None)
        if not request.user.has_perm(KEEP):
            raise PermissionDenied("Only archivists register originals.")
        serializer = ArchiveDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        scan = values.pop("scan", None)
        document = services.archive_document_register(
            customer=customer, values=values, scan=scan, by=request.user, today=timezone.localdate()
        )
        return Response(ArchiveDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class ArchiveDocumentApi(APIView):
    """One original of the register."""

    @extend_schema(responses={200: ArchiveDocumentSerializer})
    @http_errors()
    def get(self, request, number: str):
        document = selectors.document_for(user=request.user, number=number)
        return Response(ArchiveDocumentSerializer(document).data)


class ArchiveScanApi(APIView):
    """GET downloads the electronic copy (``reason`` required; logged with the caller, DOMAIN §9);
    POST stores or replaces it (archivists only)."""

    parser_classes = (MultiPartParser, FormParser)
    # Token only: a GET with a browser session could be triggered by another site and leave a logged download.
    authentication_classes = (TokenAuthentication,)

    @extend_schema(
        parameters=[OpenApiParameter("reason", str, required=True, description="Why the copy is needed")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="No copy")},
    )
    @http_errors()
    def get(self, request, number: str):
        document = services.archive_document_for_download(user=request.user, number=number)
        query = ScanDownloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if not document.scan:
            raise NotFound("This original has no electronic copy yet.")
        response = scan_response(document)
        services.archive_scan_download_log(
            document=document, user=request.user, channel=AccessLog.Channel.API, reason=query.validated_data["reason"]
        )
        return response

    @extend_schema(request={"multipart/form-data": ScanUploadSerializer}, responses={200: ArchiveDocumentSerializer})
    @http_errors()
    def post(self, request, number: str):
        document = selectors.document_for(user=request.user, number=number, perm=KEEP)
        upload = ScanUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        document = services.archive_scan_attach(document=document, scan=upload.validated_data["scan"], by=request.user)
        return Response(ArchiveDocumentSerializer(document).data)
