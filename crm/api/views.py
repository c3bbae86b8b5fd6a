"""Token endpoints (API.md "Auth"): knox tokens are stored hashed, expire, and can be revoked."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import generics, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from crm import services, signin
from crm.api.pagination import CodeCursorPagination
from crm.models import Reminder

TOKEN_RESPONSE = inline_serializer(
    "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField(allow_null=True)}
)


class TokenCreateApi(KnoxLoginView):
    """``POST {"username", "password"}`` → ``{"token", "expiry"}``; use it as ``Authorization: Token <token>``.
    After too many failed attempts for the account or the client address: 429 until the lockout ends or is lifted."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth"

    @extend_schema(request=AuthTokenSerializer, responses={200: TOKEN_RESPONSE}, tags=["auth"])
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if signin.is_locked_out(request):
                raise Throttled(wait=signin.lockout_seconds(), detail=str(signin.LOCKED_OUT))
            raise ValidationError(serializer.errors)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)


@extend_schema(request=None, responses={204: None}, tags=["auth"])
class TokenRevokeApi(KnoxLogoutView):
    """Revoke the token this request is authenticated with."""


@extend_schema(request=None, responses={204: None}, tags=["auth"])
class TokenRevokeAllApi(KnoxLogoutAllView):
    """Revoke every token of the caller."""


class ReminderSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Reminder
        fields = ("id", "kind", "kind_display", "customer", "due_on", "message", "status", "created_at", "done_at")


class ReminderListApi(generics.ListAPIView):
    """The caller's reminders (API.md "Reminders"); filter ``status`` and ``kind``."""

    serializer_class = ReminderSerializer
    pagination_class = type("ReminderPagination", (CodeCursorPagination,), {"ordering": ("due_on", "id")})

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Reminder.Status.values),
            OpenApiParameter("kind", str, enum=Reminder.Kind.values),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        reminders = Reminder.objects.filter(recipient=self.request.user).select_related("customer")
        status, kind = self.request.query_params.get("status"), self.request.query_params.get("kind")
        if status is not None:
            if status not in Reminder.Status.values:
                raise ValidationError({"status": [f"Choose one of {', '.join(Reminder.Status.values)}."]})
            reminders = reminders.filter(status=status)
        if kind is not None:
            if kind not in Reminder.Kind.values:
                raise ValidationError({"kind": [f"Choose one of {', '.join(Reminder.Kind.values)}."]})
            reminders = reminders.filter(kind=kind)
        return reminders


class ReminderDoneApi(APIView):
    @extend_schema(request=None, responses=ReminderSerializer)
    def post(self, request, pk: int):
        reminder = get_object_or_404(Reminder.objects.select_related("customer"), pk=pk, recipient=request.user)
        return Response(ReminderSerializer(services.reminder_mark(reminder=reminder, status="done")).data)
