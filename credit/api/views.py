"""REST endpoints of trade and credit (API.md "Trade" and "Credit"): translators to credit.services."""

from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from credit import selectors, services
from credit.api.serializers import (
    AssessmentInputSerializer,
    AssessmentSerializer,
    CreditNoteSerializer,
    CreditProfileSerializer,
    CreditReportSerializer,
    LimitDecisionSerializer,
    LimitRequestSerializer,
    OrderOutputSerializer,
    OrderSerializer,
    PaymentSerializer,
    PolicyPreviewInputSerializer,
    PolicyPreviewSerializer,
    ScoringModelSerializer,
)
from credit.credit_file import credit_file_response
from credit.models import Assessment, CreditLimitRequest, CreditNote, Order, Payment
from credit.rules.scoring import RatingError
from credit.services import backtests
from crm.api.exceptions import Conflict
from crm.api.pagination import CodeCursorPagination
from crm.api.parsers import BoundedJSONParser
from crm.http import http_errors
from crm.models import AccessLog
from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.models import CreditDocument, Customer
from customers.selectors import DossierPart


def _customer(request, code: str, perm: str = "customers.list_customers"):
    with http_errors():
        return customer_selectors.dossier_for(user=request.user, code=code, perm=perm)


def _read(request, code: str, part: DossierPart) -> Customer:
    """A credit part of the dossier, for a caller who may read the dossier in full; logged (DOMAIN §1)."""
    with http_errors():
        dossier = customer_selectors.dossier_read(
            user=request.user, code=code, channel=AccessLog.Channel.API, today=_today(), part=part
        )
    return dossier.customer


def _today():
    return timezone.localdate()


def _paged(ordering):
    return type("Pagination", (CodeCursorPagination,), {"ordering": ordering})


@extend_schema_view(post=extend_schema(request=OrderSerializer, responses={201: OrderOutputSerializer}))
class OrderListCreateApi(generics.ListCreateAPIView):
    """The customer's orders; POST places one and runs the order credit check (DOMAIN §6.4)."""

    serializer_class = OrderOutputSerializer
    pagination_class = _paged(("-order_date", "-id"))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return selectors.customer_orders(customer=_read(self.request, self.kwargs["code"], DossierPart.ORDERS))

    def create(self, request, *args, **kwargs):
        customer = _customer(request, kwargs["code"], "credit.place_order")
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = [
            services.OrderLineInput(line["product"], line["quantity"], line["unit_price"], line.get("model", ""))
            for line in data["lines"]
        ]
        try:
            order = services.order_place(
                customer=customer,
                lines=lines,
                order_date=data["order_date"],
                due_date=data["due_date"],
                prepaid=data.get("prepaid", False),
                external_id=data.get("external_id"),
                by=request.user,
                today=_today(),
                historical=data.get("status") == Order.Status.COMPLETED,
            )
        except services.NotAllowed as refusal:
            raise PermissionDenied(str(refusal)) from None
        except services.DuplicateOrder as refusal:
            raise ValidationError({"external_id": [str(refusal)]}) from None
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderActionApi(APIView):
    """release / reject a held order (credit manager), or cancel an order."""

    action_name = ""
    permission = ""

    @extend_schema(request=None, responses=OrderOutputSerializer)
    def post(self, request, number: str):
        order = get_object_or_404(Order.objects.select_related("customer"), number=number)
        _customer(request, order.customer.code)
        if not request.user.has_perm(self.permission, order.customer):
            raise PermissionDenied
        try:
            order = services.order_transition(order=order, action=self.action_name, by=request.user, today=_today())
        except services.CreditError as error:
            raise Conflict(str(error)) from None
        return Response(OrderOutputSerializer(order).data)


class CreditNoteListCreateApi(generics.ListCreateAPIView):
    """Credit notes (write-offs) on a completed order: a credit manager lowers what is owed on it, recorded with
    who, when, amount and reason (DOMAIN §6.4); the only way besides a payment to lower the exposure."""

    serializer_class = CreditNoteSerializer
    pagination_class = _paged(("-issued_on", "-id"))

    def _order(self) -> Order:
        return get_object_or_404(Order.objects.select_related("customer"), number=self.kwargs["number"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CreditNote.objects.none()
        order = self._order()
        _read(self.request, order.customer.code, DossierPart.ORDERS)
        return selectors.order_credit_notes(order=order)

    def create(self, request, *args, **kwargs):
        order = self._order()
        _customer(request, order.customer.code)
        serializer = CreditNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            note = services.credit_note_issue(order=order, by=request.user, today=_today(), **serializer.validated_data)
        except services.NotAllowed as refusal:
            raise PermissionDenied(str(refusal)) from None
        except services.CreditError as error:
            raise Conflict(str(error)) from None
        return Response(CreditNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class PaymentListCreateApi(generics.ListCreateAPIView):
    """The customer's payments; allocated to the named order, else oldest due first (DOMAIN §4)."""

    serializer_class = PaymentSerializer
    pagination_class = _paged(("-paid_on", "-id"))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        customer = _read(self.request, self.kwargs["code"], DossierPart.PAYMENTS)
        return selectors.customer_payments(customer=customer)

    def create(self, request, *args, **kwargs):
        customer = _customer(request, kwargs["code"], "customers.list_customers")
        if not request.user.has_perm("credit.record_payment", customer):
            raise PermissionDenied
        serializer = PaymentSerializer(data=request.data, context={"customer": customer})
        serializer.is_valid(raise_exception=True)
        payment = services.payment_record(
            customer=customer, by=request.user, today=_today(), **serializer.validated_data
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class CreditProfileApi(APIView):
    """Tier, grade, score, risk class, limits, exposure, sales policy and the reasons (DOMAIN §3–§6)."""

    @extend_schema(responses=CreditProfileSerializer)
    def get(self, request, code: str):
        customer = _read(request, code, DossierPart.CREDIT)
        profile = selectors.credit_profile_read(customer=customer, today=_today())
        return Response(CreditProfileSerializer(profile).data)


class AssessmentListCreateApi(generics.ListCreateAPIView):
    """5C or feature-analysis assessments; a submitted one never changes (DOMAIN §5)."""

    serializer_class = AssessmentSerializer
    pagination_class = _paged(("-assessed_on", "-id"))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        customer = _read(self.request, self.kwargs["code"], DossierPart.ASSESSMENTS)
        return selectors.customer_assessments(customer=customer)

    @extend_schema(request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    def post(self, request, code: str):
        customer = _customer(request, code, "customers.view_dossier")
        if not request.user.has_perm("credit.assess", customer):
            raise PermissionDenied
        serializer = AssessmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            assessment = services.assessment_submit(
                customer=customer, by=request.user, today=_today(), **serializer.validated_data
            )
        except RatingError as error:
            raise ValidationError({"ratings": [str(error)]}) from None
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class ScoringModelListApi(generics.ListAPIView):
    """Feature-analysis models with their indicators and weights."""

    serializer_class = ScoringModelSerializer
    pagination_class = _paged(("key", "version"))

    def get_queryset(self):
        return selectors.scoring_models()


class LimitRequestListCreateApi(generics.ListCreateAPIView):
    """Credit limit requests of the customer; a new one records the recommendation it was made against."""

    serializer_class = LimitRequestSerializer
    pagination_class = _paged(("-requested_at", "-id"))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CreditLimitRequest.objects.none()
        customer = _read(self.request, self.kwargs["code"], DossierPart.LIMIT_REQUESTS)
        return selectors.customer_limit_requests(customer=customer)

    def create(self, request, *args, **kwargs):
        customer = _customer(request, kwargs["code"], "customers.list_customers")
        if not request.user.has_perm("credit.request_limit", customer):
            raise PermissionDenied
        serializer = LimitRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limit_request = services.credit_limit_request_create(
            customer=customer, by=request.user, today=_today(), **serializer.validated_data
        )
        return Response(LimitRequestSerializer(limit_request).data, status=status.HTTP_201_CREATED)


class LimitDecisionApi(APIView):
    """approve / reject: a credit manager who is not the requester (four eyes, DOMAIN §6.3), else 403."""

    decision = ""

    @extend_schema(request=LimitDecisionSerializer, responses=LimitRequestSerializer)
    def post(self, request, pk: int):
        limit_request = get_object_or_404(CreditLimitRequest.objects.select_related("customer"), pk=pk)
        _customer(request, limit_request.customer.code)
        if not request.user.has_perm("credit.decide_limit", limit_request.customer):
            raise PermissionDenied
        data = self._data(request)
        try:
            if self.decision == "approve":
                services.credit_limit_approve(
                    request=limit_request,
                    by=request.user,
                    today=_today(),
                    note=data["note"],
                    approved_amount=data.get("approved_amount"),
                )
            else:
                services.credit_limit_reject(request=limit_request, by=request.user, today=_today(), note=data["note"])
        except services.FourEyesViolation as error:
            raise PermissionDenied(str(error)) from None
        except services.NoteRequired as error:
            raise ValidationError({"note": [str(error)]}) from None
        except services.CreditError as error:
            raise ValidationError({"approved_amount": [str(error)]}) from None
        limit_request.refresh_from_db()
        return Response(LimitRequestSerializer(limit_request).data)

    @staticmethod
    def _data(request) -> dict:
        serializer = LimitDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CreditReportCreateApi(APIView):
    """Attach a credit report (or bank certificate) with its information source (DOMAIN §2.2, §6.2); JSON, or
    multipart with the report's ``file``."""

    parser_classes = (BoundedJSONParser, MultiPartParser, FormParser)

    @extend_schema(
        request={"multipart/form-data": CreditReportSerializer},
        responses={201: CreditReportSerializer},
        description="Multipart carries every field and the optional `file`; a JSON body without the file is accepted "
        "too (API.md).",
    )
    def post(self, request, code: str):
        customer = _customer(request, code, "customers.edit_credit_data")
        serializer = CreditReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("doc_type", CreditDocument.Type.CREDIT_REPORT)
        data.setdefault("title", f"{CreditDocument.Type(data['doc_type']).label} ({data['source']})")
        data.setdefault("obtained_on", data.get("issued_on") or _today())
        document = customer_services.credit_document_add(
            customer=customer, values=data, by=request.user, today=_today()
        )
        return Response(CreditReportSerializer(document).data, status=status.HTTP_201_CREATED)


class CreditFileApi(APIView):
    """The credit file 客户资信档案 of DOMAIN §11 as a PDF in the language of ``Accept-Language`` (``zh-hans`` or
    ``en``); read like the dossier and logged."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (503, "text/plain"): OpenApiTypes.STR,
        },
        description="503 with what to install when this server has no Chinese font or WeasyPrint.",
    )
    def get(self, request, code: str):
        with http_errors():
            dossier = customer_selectors.dossier_read(
                user=request.user,
                code=code,
                channel=AccessLog.Channel.API,
                today=_today(),
                part=DossierPart.CREDIT_FILE,
            )
        return credit_file_response(dossier, language=translation.get_language(), today=_today())


class PolicyPreviewApi(APIView):
    """What a draft of the credit policy would do to today's portfolio (DOMAIN §11); credit staff; saves nothing."""

    @extend_schema(request=PolicyPreviewInputSerializer, responses=PolicyPreviewSerializer)
    def post(self, request):
        if not request.user.has_perm("credit.preview_policy"):
            raise PermissionDenied
        serializer = PolicyPreviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes, today = serializer.validated_data, _today()
        found = selectors.policy_preview(changes=changes, today=today).as_json()
        found["backtest"] = backtests.policy_backtest_compute(changes=changes, today=today).as_json()
        return Response(PolicyPreviewSerializer(found).data)
