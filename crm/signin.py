"""Sign-in protection (issue 16 point 4), wired in through the settings: the client address that lockouts and
API throttles count, and API tokens revoked whenever a password changes.

django-axes counts failed sign-ins of the browser login, the admin login and the API token endpoint alike (they
all call ``authenticate``) and locks out an account, and separately a client address, after
``CRM_LOGIN_FAILURE_LIMIT`` failures (README "Settings").
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import services
from crm.rules.client_address import client_address

LOCKED_OUT = gettext_lazy(
    "Too many failed sign-ins for this account or address; try again later or ask an administrator to lift the lockout."
)


def client_ip(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the peer address, or the one the proxies saw (``CRM_TRUSTED_PROXY_COUNT``)."""
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=settings.CRM_TRUSTED_PROXY_COUNT,
    )


def is_locked_out(request) -> bool:
    """Whether django-axes refused or locked this sign-in attempt (it marks the request it was given)."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_seconds() -> int | None:
    """How long a lockout lasts after the last failed attempt; None when only an administrator lifts it."""
    cool_off = settings.AXES_COOLOFF_TIME
    return int(cool_off.total_seconds()) if cool_off else None


class ApiTokensRevokedOnPasswordChange:
    """Listed in ``AUTH_PASSWORD_VALIDATORS`` for Django's ``password_changed`` hook, which runs after every save of a
    new password — the admin's password form, a password change view, ``changepassword``, ``set_password`` + ``save``
    in code. It refuses no password."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.pk is not None:
            services.api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return _("Changing the password revokes every API token of the account.")
