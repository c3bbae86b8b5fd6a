"""REST endpoints of the dossier (API.md "Customers"): translators between HTTP and services/selectors."""

import re
from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import NullBooleanField, TextInput
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from crm import keyset
from crm.access import interaction_kinds_allowed
from crm.api.exceptions import PreconditionFailed
from crm.api.pagination import CodeCursorPagination, CustomerCursorPagination
from crm.http import http_errors
from crm.models import AccessLog
from customers import selectors, services
from customers.api import bulk
from customers.api.representation import CONTACT_COLUMNS, LIST_COLUMNS, PARTS, list_bodies
from customers.api.serializers import (
    ChangeRecordSerializer,
    ContactSerializer,
    CustomerSerializer,
    DeletedCustomerSerializer,
    InteractionSerializer,
    MaskedContactSerializer,
    customer_representation,
)
from customers.classifications import ProcessClass, TimeClass, VolumeClass
from customers.models import ChangeRecord, Contact, Customer, Interaction, Kind, Nature, Size
from customers.sections import CUSTOMER_FIELDS, SECTION_MODELS
from customers.services.merge import MergeRefused, customer_merge

ETAG_VERSION = re.compile(r'(W/)?"v(\d+)"')


def etag(customer: Customer) -> str:
    return f'"v{customer.version}"'


def expected_version(request) -> int | None:
    """The version named by ``If-Match``; None when absent or ``*``. An unknown tag can never match, nor can a weak
    one (``W/"v3"``): If-Match compares strongly (RFC 9110 §13.1.1), so a write with only weak tags gets 412."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    versions = [int(v) for weak, v in ETAG_VERSION.findall(header) if not weak]
    return versions[0] if len(versions) == 1 else -1


def _with_etag(response: Response, customer: Customer) -> Response:
    response["ETag"] = etag(customer)
    return response


def _customer(request, code: str, perm: str = "customers.list_customers") -> Customer:
    with http_errors():
        return selectors.dossier_for(user=request.user, code=code, perm=perm)


def _read(request, code: str, part: selectors.DossierPart = selectors.DossierPart.WHOLE) -> selectors.Dossier:
    """The dossier (or one part) as the caller may see it, logged (DOMAIN §1): the same read as the browser's."""
    with http_errors():
        return selectors.dossier_read(
            user=request.user, code=code, channel=AccessLog.Channel.API, today=timezone.localdate(), part=part
        )


class UtcDateTimeField(IsoDateTimeField):
    """An ISO time, normalised to UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def clean(self, value):
        parsed = super().clean(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError):
            raise DjangoValidationError(_("Enter a time between the years 1 and 9999.")) from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StrictBooleanField(NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); anything else is a 400 rather than no filter at all."""

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise DjangoValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value) -> None:
        return None


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = TextInput  # django-filter's boolean widget turns every unknown word into "no filter"
        super().__init__(*args, **kwargs)


class CustomerFilterSet(filters.FilterSet):
    """API.md customer filters; the filtering itself is the selector shared with the browser list."""

    search = filters.CharFilter(
        help_text="every word must match a name, code (or part of it), unified social credit code, contact name, "
        "or the phone of a customer or contact read in full"
    )
    kind = filters.ChoiceFilter(choices=Kind.choices)
    nature = filters.ChoiceFilter(choices=Nature.choices)
    size = filters.ChoiceFilter(choices=Size.choices)
    owner = filters.CharFilter(help_text="owner's username")
    is_stale = StrictBooleanFilter()
    updated_since = UtcDateTimeFilter(help_text="ISO 8601 time; customers changed at or after it")
    tier = filters.ChoiceFilter(choices=[(t, t) for t in "ABCD"])
    payment_grade = filters.ChoiceFilter(choices=[(g, g) for g in ("jia", "yi", "bing", "ding", "unrated")])
    risk_class = filters.ChoiceFilter(choices=[(r, r) for r in ("low", "moderate", "high", "very_high", "unassessed")])
    time_class = filters.ChoiceFilter(choices=TimeClass.choices, help_text="DOMAIN §2.1 class by time")
    process_class = filters.ChoiceFilter(choices=ProcessClass.choices, help_text="DOMAIN §2.1 class by transaction")
    volume_class = filters.ChoiceFilter(choices=VolumeClass.choices, help_text="DOMAIN §2.1 class by volume")
    is_core = StrictBooleanFilter(help_text="core (true) or ordinary (false) customers, DOMAIN §2.1")
    ordering = filters.ChoiceFilter(choices=[(k, k) for k in selectors.API_ORDERINGS], help_text="default: code")

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        criteria = selectors.CustomerFilters(
            q=data.get("search") or "",
            kind=data.get("kind") or "",
            nature=data.get("nature") or "",
            size=data.get("size") or "",
            owner=data.get("owner") or "",
            is_stale=data.get("is_stale"),
            updated_since=data.get("updated_since"),
            tier=data.get("tier") or "",
            payment_grade=data.get("payment_grade") or "",
            risk_class=data.get("risk_class") or "",
            time_class=data.get("time_class") or "",
            process_class=data.get("process_class") or "",
            volume_class=data.get("volume_class") or "",
            is_core=data.get("is_core"),
            ordering=data.get("ordering") or "code",
        )
        return selectors.customer_api_list(user=self.request.user, filters=criteria, columns=LIST_COLUMNS)


class CustomerPagination(CustomerCursorPagination):
    def get_ordering(self, request, queryset, view):
        """The selector's sort (``selectors.API_ORDERINGS``, or the masking-safe ``list_position``)."""
        return tuple(queryset.query.order_by) or ("code",)


def _write_arguments(data: dict) -> dict:
    """Split validated data into the service's arguments (who may choose the owner is the service's question)."""
    owner = data.pop("owner", None)
    sections = {name: data.pop(name) for name in SECTION_MODELS if name in data}
    values = {name: data[name] for name in CUSTOMER_FIELDS if name in data}
    return {"values": values, "sections": sections, "owner": owner, "external_id": data.get("external_id")}


def _refused(refusal: services.DossierRefused) -> Exception:
    """A refused write as the API answers it: 403 when the caller may not, else 400 with the field errors."""
    if "detail" in refusal.errors:
        return PermissionDenied(refusal.errors["detail"][0])
    return ValidationError(refusal.errors)


class CustomerListCreateApi(generics.ListAPIView):
    """List customers (cursor-paginated, filtered) or create one (→ 201 with its generated ``code``)."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    pagination_class = CustomerPagination
    queryset = Customer.objects.none()

    def list(self, request, *args, **kwargs):
        with keyset.without_parallel_workers():  # a page reads a few hundred rows, as the browser's list
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = selectors.dossier_rows(user=request.user, customers=page, channel=AccessLog.Channel.API)
        details = selectors.customer_api_page_details(rows=rows, contact_columns=CONTACT_COLUMNS, parts=PARTS)
        return self.get_paginated_response(list_bodies(rows, details))

    @extend_schema(request=CustomerSerializer, responses={201: CustomerSerializer})
    def post(self, request):
        if not request.user.has_perm("customers.create_customer"):
            raise PermissionDenied
        serializer = CustomerSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        arguments = _write_arguments(dict(serializer.validated_data))
        try:
            customer = services.customer_create(by=request.user, today=timezone.localdate(), **arguments)
        except services.DossierRefused as refusal:
            raise _refused(refusal) from None
        customer = selectors.dossier_get(user=request.user, code=customer.code)
        body = CustomerSerializer(customer, context=self.get_serializer_context()).data
        return _with_etag(Response(body, status=status.HTTP_201_CREATED), customer)


MERGED_INTO = inline_serializer("MergedInto", {"merged_into": serializers.CharField()})


def _moved_or_404(request, code: str) -> Response:
    """A merged code answers 301 with the survivor's code (DOMAIN §2.3: a merged code stays findable)."""
    survivor = selectors.merged_into_code(user=request.user, code=code)
    if survivor is None:
        raise Http404
    location = reverse("api_customer_detail", args=[survivor])
    return Response({"merged_into": survivor}, status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": location})


class CustomerDetailApi(APIView):
    """One dossier. Every response carries an ETag; PUT, PATCH and DELETE honour If-Match (412 when stale)."""

    serializer_class = CustomerSerializer

    @extend_schema(responses={200: CustomerSerializer, 301: MERGED_INTO})
    def get(self, request, code: str):
        try:
            dossier = selectors.dossier_read(
                user=request.user, code=code, channel=AccessLog.Channel.API, today=timezone.localdate()
            )
        except selectors.CustomerNotFound:
            return _moved_or_404(request, code)
        body = customer_representation(dossier, context={"request": request})
        return _with_etag(Response(body), dossier.customer)

    @extend_schema(request=CustomerSerializer, responses=CustomerSerializer)
    def put(self, request, code: str):
        return self._update(request, code, partial=False)

    @extend_schema(request=CustomerSerializer, responses=CustomerSerializer)
    def patch(self, request, code: str):
        return self._update(request, code, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request, code: str):
        customer = _customer(request, code, "customers.archive_customer")
        version = expected_version(request)
        if version is not None and version != customer.version:
            raise PreconditionFailed
        services.customer_archive(customer=customer, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, code: str, *, partial: bool) -> Response:
        customer = _customer(request, code, "customers.edit_dossier")
        context = {"request": request}
        serializer = CustomerSerializer(customer, data=request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        arguments = _write_arguments(dict(serializer.validated_data))
        if "external_id" in serializer.validated_data:
            arguments["values"]["external_id"] = arguments["external_id"]
        try:
            services.dossier_update(
                customer=customer,
                values=arguments["values"],
                sections=arguments["sections"],
                owner=arguments["owner"],
                by=request.user,
                today=timezone.localdate(),
                expected_version=expected_version(request),
            )
        except services.VersionConflict:
            raise PreconditionFailed from None
        except services.DossierRefused as refusal:
            raise _refused(refusal) from None
        customer = selectors.dossier_get(user=request.user, code=code)
        return _with_etag(Response(CustomerSerializer(customer, context=context).data), customer)


@extend_schema(
    parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, description="archived at or after this time")]
)
class DeletedCustomerListApi(generics.ListAPIView):
    """Archived (soft-deleted) customers, for sync clients: ``code``, ``external_id``, ``deleted_at``."""

    serializer_class = DeletedCustomerSerializer
    pagination_class = type("DeletedPagination", (CodeCursorPagination,), {"ordering": ("deleted_at", "id")})

    def get_queryset(self):
        since = self.request.query_params.get("since")
        try:
            parsed = UtcDateTimeField().clean(since) if since else None
        except DjangoValidationError as error:
            raise ValidationError({"since": error.messages}) from None
        return selectors.deleted_feed(user=self.request.user, since=parsed)


class CustomerHistoryApi(generics.ListAPIView):
    """The change history of the dossier's sections, newest first."""

    serializer_class = ChangeRecordSerializer
    pagination_class = type("HistoryPagination", (CodeCursorPagination,), {"ordering": ("-at", "-id")})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChangeRecord.objects.none()
        customer = _read(self.request, self.kwargs["code"], selectors.DossierPart.HISTORY).customer
        return selectors.change_history(customer=customer)


class ContactListCreateApi(generics.ListCreateAPIView):
    """The customer's contacts; a rep who does not own the customer sees names and titles only."""

    serializer_class = ContactSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        self.dossier = _read(self.request, self.kwargs["code"], selectors.DossierPart.CONTACTS)
        return self.dossier.customer.contacts.all()

    def get_serializer_class(self):
        dossier = getattr(self, "dossier", None)
        return MaskedContactSerializer if dossier is not None and dossier.masked else ContactSerializer

    def create(self, request, *args, **kwargs):
        customer = _customer(request, kwargs["code"], "customers.edit_dossier")
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_save(customer=customer, values=serializer.validated_data, by=request.user)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailApi(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = ContactSerializer

    def get_object(self):
        if self.request.method == "GET":
            customer = _read(self.request, self.kwargs["code"], selectors.DossierPart.CONTACT).customer
        else:
            customer = _customer(self.request, self.kwargs["code"], "customers.edit_dossier")
        return get_object_or_404(Contact, customer=customer, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        contact = serializer.instance
        serializer.instance = services.contact_save(
            customer=contact.customer, contact=contact, values=serializer.validated_data, by=self.request.user
        )

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance, by=self.request.user)


class InteractionListCreateApi(generics.ListCreateAPIView):
    """Visits, feedback, complaints, service and promotion responses of the customer, newest first."""

    serializer_class = InteractionSerializer
    pagination_class = type("InteractionPagination", (CodeCursorPagination,), {"ordering": ("-occurred_on", "-id")})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Interaction.objects.none()
        customer = _read(self.request, self.kwargs["code"], selectors.DossierPart.INTERACTIONS).customer
        return selectors.interaction_list(customer=customer)

    def create(self, request, *args, **kwargs):
        customer = _customer(request, kwargs["code"], "customers.record_interaction")
        context = {"request": request, "allowed_kinds": interaction_kinds_allowed(request.user, customer)}
        serializer = InteractionSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        interaction = services.interaction_record(
            customer=customer, by=request.user, today=timezone.localdate(), **serializer.validated_data
        )
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)


BULK_RESULT = inline_serializer(
    "BulkUpsertResult",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "errors": inline_serializer(
            "BulkUpsertError",
            {
                "index": serializers.IntegerField(),
                "external_id": serializers.JSONField(),
                "errors": serializers.DictField(),
            },
            many=True,
        ),
    },
)


class CustomerBulkUpsertApi(APIView):
    """Create or update up to 1,000 customers keyed by ``external_id`` (a JSON array of customer objects).

    Each valid record is saved and each invalid one reported with its index and field errors; none is
    half-saved. Records merge like PATCH. Resending the same batch reports every record ``unchanged``.
    """

    @extend_schema(request=CustomerSerializer(many=True), responses={200: BULK_RESULT})
    def post(self, request):
        if not isinstance(request.data, list):
            raise ValidationError({"non_field_errors": [_("Send a JSON array of customer records.")]})
        if len(request.data) > bulk.MAX_BATCH:
            raise ValidationError({"non_field_errors": [_("At most 1,000 records per batch.")]})
        invalid, items = [], []
        for index, raw in enumerate(request.data):
            item, errors = bulk.clean_record(index, raw)
            if item is None:
                external_id = raw.get("external_id") if isinstance(raw, dict) else None
                invalid.append({"index": index, "external_id": external_id, "errors": errors})
            else:
                items.append(item)
        saved = services.dossiers_sync(items=items, by=request.user, today=timezone.localdate())
        body = {
            "created": saved.count(services.Outcome.CREATED),
            "updated": saved.count(services.Outcome.UPDATED),
            "unchanged": saved.count(services.Outcome.UNCHANGED),
            "errors": sorted(invalid + saved.errors, key=lambda e: e["index"]),
        }
        return Response(body)


class DuplicatePairSerializer(serializers.Serializer):
    """A suspected pair (DOMAIN §2.3): ``code`` shares its normalised name with the older ``other``."""

    code = serializers.CharField(source="customer.code")
    other = serializers.CharField(source="other.code")
    reason = serializers.ChoiceField(choices=[(r.value, r.value) for r in selectors.names_rule.DuplicateReason])
    score = serializers.FloatField()


class CustomerDuplicateListApi(generics.ListAPIView):
    """Suspected duplicate pairs over every dossier, for sales managers (403 for others), by normalised name."""

    serializer_class = DuplicatePairSerializer
    queryset = Customer.objects.none()  # the schema's model; the rows come from the selector
    pagination_class = type("DuplicatePagination", (CodeCursorPagination,), {"ordering": ("name_key", "id")})

    def list(self, request, *args, **kwargs):
        if not request.user.has_perm("customers.merge_customers"):
            raise PermissionDenied
        page = self.paginate_queryset(selectors.duplicate_pairs(user=request.user))
        rows = selectors.duplicate_pair_rows(pairs=page)
        return self.get_paginated_response(DuplicatePairSerializer(rows, many=True).data)


class MergeSerializer(serializers.Serializer):
    duplicate = serializers.CharField(max_length=20, help_text="the code of the dossier merged into this one")
    keep = serializers.DictField(
        child=serializers.ChoiceField(choices=["survivor", "duplicate"]),
        required=False,
        default=dict,
        help_text='{"field" or "section.field": "duplicate"} to take the duplicate\'s value',
    )


class CustomerMergeApi(APIView):
    """Merge ``duplicate`` into this dossier (sales managers): 200 the survivor; 400 for itself or a merged one."""

    @extend_schema(request=MergeSerializer, responses={200: CustomerSerializer})
    def post(self, request, code: str):
        survivor = _customer(request, code, "customers.merge_customers")
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            duplicate = selectors.dossier_for(user=request.user, code=data.validated_data["duplicate"], archived=None)
            customer_merge(
                survivor=survivor,
                duplicate=duplicate,
                keep=data.validated_data["keep"],
                by=request.user,
                today=timezone.localdate(),
                expected_version=expected_version(request),
            )
        except selectors.CustomerNotFound:
            raise ValidationError({"duplicate": [_("No such customer.")]}) from None
        except MergeRefused as refusal:
            raise ValidationError(refusal.errors) from None
        except services.VersionConflict:
            raise PreconditionFailed from None
        customer = selectors.dossier_get(user=request.user, code=code)
        return _with_etag(Response(CustomerSerializer(customer, context={"request": request}).data), customer)
