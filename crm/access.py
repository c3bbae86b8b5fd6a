"""One access policy for pages and API alike (DOMAIN §1).

Every "may this user do this to this customer?" question is a ``rules`` permission here, asked
with ``user.has_perm("<perm>", customer)``. Superusers may do everything.
"""

import functools
from collections.abc import Callable
from typing import Any

import rules
from django.db.models import Q

from crm import roles


@rules.predicate
def is_owner(user, customer) -> bool:
    return customer is not None and customer.owner_id == user.pk


def _role(*names: str) -> rules.Predicate:
    return rules.predicate(lambda user: roles.has_role(user, *names), name=f"has_role:{'|'.join(names)}")


is_sales_staff = _role(roles.SALES, roles.SALES_MANAGER)
is_sales_manager = _role(roles.SALES_MANAGER)
is_integration = _role(roles.INTEGRATION)
is_credit_staff = _role(roles.CREDIT_ANALYST, roles.CREDIT_MANAGER)
is_customer_service = _role(roles.CUSTOMER_SERVICE)
has_any_role = _role(*roles.ALL_ROLES)
reads_every_dossier = _role(
    roles.SALES_MANAGER,
    roles.CUSTOMER_SERVICE,
    roles.CREDIT_ANALYST,
    roles.CREDIT_MANAGER,
    roles.ARCHIVIST,
    roles.INTEGRATION,
)

may_edit_dossier = (is_owner & is_sales_staff) | is_sales_manager | is_integration

# The masked view (code, unit name, owner, contact names and titles) needs only list_customers; view_dossier is the
# full-or-masked decision that customers.selectors.dossier_read (every page and API read) and list rows ask.
rules.add_perm("customers.list_customers", has_any_role)
rules.add_perm("customers.view_dossier", is_owner | reads_every_dossier)


def dossiers_fully_visible(user) -> Q | None:
    """``customers.view_dossier`` as a condition on customers, for lists: None when the user reads every dossier
    (no condition), else the dossiers they own. A list filters, searches and sorts on a hidden field (DOMAIN §1)
    only within these rows, so a masked row never answers for a value its reader may not see."""
    if user.is_superuser or reads_every_dossier(user):
        return None
    return Q(owner_id=user.pk)


def dossier_view_test(user) -> Callable[[Any], bool]:
    """``customers.view_dossier`` for the rows of one list: the answer of ``user.has_perm`` for each customer, asked
    once for a user who reads every dossier (an active superuser, or a role that reads them all), per row for the
    others (their own customers)."""
    if (user.is_active and user.is_superuser) or reads_every_dossier(user):
        return lambda customer: True
    return functools.partial(user.has_perm, "customers.view_dossier")


rules.add_perm("customers.create_customer", is_sales_staff | is_integration)
rules.add_perm("customers.edit_dossier", may_edit_dossier)
rules.add_perm("customers.edit_credit_data", may_edit_dossier | is_credit_staff)
rules.add_perm("customers.record_interaction", may_edit_dossier | is_customer_service)
rules.add_perm("customers.review_dossier", (is_owner & is_sales_staff) | is_sales_manager)
rules.add_perm("customers.archive_customer", is_sales_manager)
rules.add_perm("customers.reassign_customer", is_sales_manager)
rules.add_perm("customers.merge_customers", is_sales_manager)  # and see possible duplicates (DOMAIN §2.3)
rules.add_perm("customers.choose_owner", is_sales_manager | is_integration)
rules.add_perm("customers.own_customers", is_sales_staff)
# Analysis (DOMAIN §10): every role, each over the dossiers it reads in full (a sales rep: own customers).
rules.add_perm("analytics.view_analysis", has_any_role)
rules.add_perm("crm.view_access_log", _role(roles.SALES_MANAGER, roles.CREDIT_MANAGER, roles.ARCHIVIST))

# Credit (DOMAIN §1, §6): who may do what with orders, payments, assessments and limits.
is_credit_manager = _role(roles.CREDIT_MANAGER)
rules.add_perm("credit.place_order", may_edit_dossier)
# DOMAIN §1 lets integration import historical orders; issue 12 lets a sales manager's order file do so too
rules.add_perm("credit.import_historical_orders", is_integration | is_sales_manager)
rules.add_perm("credit.decide_held_order", is_credit_manager)
rules.add_perm("credit.cancel_order", may_edit_dossier | is_credit_manager)
rules.add_perm("credit.write_off", is_credit_manager)  # credit notes on completed orders (DOMAIN §6.4)
rules.add_perm("credit.record_payment", is_integration | is_sales_manager | is_credit_staff)
rules.add_perm("credit.assess", is_credit_staff)
rules.add_perm("credit.request_limit", (is_owner & is_sales_staff) | is_sales_manager | is_credit_staff)
rules.add_perm("credit.decide_limit", is_credit_manager)
rules.add_perm("credit.override_grade", is_credit_manager)
rules.add_perm("credit.pin_core", is_credit_manager)  # core vs ordinary (DOMAIN §2.1)
rules.add_perm("credit.edit_policy", is_credit_manager)
rules.add_perm("credit.preview_policy", is_credit_staff)  # DOMAIN §11: a draft's effect, nothing saved
rules.add_perm("credit.view_credit_queues", is_credit_staff | is_sales_manager)

# Imports (DOMAIN §2.3): who imports which rows (the target), who sees and undoes every import. A rep's rows
# become their own dossiers only; the write path refuses the rest in neutral words (DOMAIN §1).
IMPORTERS = {
    "customers": is_sales_staff | is_integration,
    "contacts": is_sales_staff | is_integration,
    "orders": is_sales_staff | is_integration,
    "payments": is_integration | is_sales_manager | is_credit_staff,
}
rules.add_perm(
    "imports.import_rows", rules.predicate(lambda user, target: IMPORTERS.get(target, rules.always_deny)(user))
)
rules.add_perm("imports.view_imports", is_sales_staff | is_integration | is_credit_staff)
rules.add_perm("imports.undo_any_import", is_sales_manager)

# Archives (DOMAIN §9): query rights for sales managers, customer service, credit staff and archivists; sales
# reps for their own customers only. The archivist keeps the register and decides on borrowings.
is_archivist = _role(roles.ARCHIVIST)
queries_every_archive = _role(
    roles.SALES_MANAGER, roles.CUSTOMER_SERVICE, roles.CREDIT_ANALYST, roles.CREDIT_MANAGER, roles.ARCHIVIST
)
rules.add_perm("archives.view_documents", (is_owner & is_sales_staff) | queries_every_archive)
rules.add_perm("archives.view_register", queries_every_archive | is_sales_staff)
rules.add_perm("archives.keep_register", is_archivist)
rules.add_perm("archives.hand_over_customers", is_sales_manager)

# DOMAIN §1: customer service records complaints, feedback and service, nothing else.
CUSTOMER_SERVICE_INTERACTION_KINDS = frozenset({"quality_feedback", "service", "complaint", "suggestion"})


def interaction_kinds_allowed(user, customer) -> frozenset[str] | None:
    """The interaction kinds the user may record on the customer; None means every kind."""
    if user.is_superuser or may_edit_dossier(user, customer):
        return None
    if is_customer_service(user):
        return CUSTOMER_SERVICE_INTERACTION_KINDS
    return frozenset()
