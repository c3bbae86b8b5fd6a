"""Token endpoints (API.md "Auth"): knox tokens are stored hashed, expire, and can be revoked."""

from drf_spectacular.utils import extend_schema, inline_serializer
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle

TOKEN_RESPONSE = inline_serializer(
    "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField(allow_null=True)}
)


class TokenCreateApi(KnoxLoginView):
    """``POST {"username", "password"}`` → ``{"token", "expiry"}``; use it as ``Authorization: Token <token>``."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth"

    @extend_schema(request=AuthTokenSerializer, responses={200: TOKEN_RESPONSE}, tags=["auth"])
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)


@extend_schema(request=None, responses={204: None}, tags=["auth"])
class TokenRevokeApi(KnoxLogoutView):
    """Revoke the token this request is authenticated with."""


@extend_schema(request=None, responses={204: None}, tags=["auth"])
class TokenRevokeAllApi(KnoxLogoutAllView):
    """Revoke every token of the caller."""
