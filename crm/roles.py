"""The roles of DOMAIN §1, one Django group each, and the model permissions each group holds.

Object-level decisions ("may this user do this to this customer?") live in ``crm/access.py``.
The groups and their model permissions (which drive the Django admin) are created by the data
migration ``crm/migrations/0002_roles_and_sequences.py``.
"""

from django.utils.translation import gettext_lazy as _

SALES = "sales"
SALES_MANAGER = "sales_manager"
CUSTOMER_SERVICE = "customer_service"
CREDIT_ANALYST = "credit_analyst"
CREDIT_MANAGER = "credit_manager"
ARCHIVIST = "archivist"
INTEGRATION = "integration"

ROLE_LABELS = {
    SALES: _("Sales rep"),
    SALES_MANAGER: _("Sales manager"),
    CUSTOMER_SERVICE: _("Customer service"),
    CREDIT_ANALYST: _("Credit analyst"),
    CREDIT_MANAGER: _("Credit manager"),
    ARCHIVIST: _("Archivist"),
    INTEGRATION: _("Integration (REST client)"),
}
ALL_ROLES = tuple(ROLE_LABELS)


def roles_of(user) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_crm_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._crm_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    return bool(roles_of(user).intersection(names))


ROLE_REASON_PREFIX = "role: "
SUPERUSER_REASON = "superuser"
NO_ROLE_REASON = "no role"


def role_reason(user) -> str:
    """What the access log stores as the reason of a read with no stated purpose: the roles that grant it, as codes
    (``role: sales_manager``), so that the log says why in any language; ``role_reason_text`` puts it in words."""
    names = roles_of(user)
    if names:
        return ROLE_REASON_PREFIX + ", ".join(sorted(names))
    return SUPERUSER_REASON if getattr(user, "is_superuser", False) else NO_ROLE_REASON


def role_reason_text(reason: str) -> str:
    """An access-log reason in words: stored role codes as the roles' labels ("Role: Sales manager"); a purpose a
    user typed, as typed."""
    if reason == SUPERUSER_REASON:
        return str(_("Superuser"))
    if reason == NO_ROLE_REASON:
        return str(_("No role"))
    if not reason.startswith(ROLE_REASON_PREFIX):
        return reason
    codes = reason.removeprefix(ROLE_REASON_PREFIX).split(", ")
    labels = ", ".join(str(ROLE_LABELS.get(code, code)) for code in codes)
    return str(_("Role: %(roles)s")) % {"roles": labels}
