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
