"""DOMAIN §1, §6, §9: the whole permission table of crm/access.py, role by role, asked without HTTP or database.

tests/customers/test_access.py drives the same policy through pages; this file pins every permission for every
role, for the owner and for a non-owner, so that swapping an ``&`` for an ``|`` or dropping a role from a rule
fails a test.
"""

from types import SimpleNamespace

import pytest
import rules

from crm import roles
from crm.access import CUSTOMER_SERVICE_INTERACTION_KINDS, interaction_kinds_allowed

OWNER_ID = 1
CUSTOMER = SimpleNamespace(owner_id=OWNER_ID)

# name → (roles, owns the customer)
ACTORS = {
    "owner": ({roles.SALES}, True),
    "other_rep": ({roles.SALES}, False),
    "manager": ({roles.SALES_MANAGER}, False),
    "owning_manager": ({roles.SALES_MANAGER}, True),
    "service": ({roles.CUSTOMER_SERVICE}, False),
    "analyst": ({roles.CREDIT_ANALYST}, False),
    # a rep who moved to credit still owns customers: owning alone does not make a salesperson
    "owning_analyst": ({roles.CREDIT_ANALYST}, True),
    "credit_manager": ({roles.CREDIT_MANAGER}, False),
    "archivist": ({roles.ARCHIVIST}, False),
    "integration": ({roles.INTEGRATION}, False),
    "nobody": (set(), False),
}
SALES_STAFF = {"owner", "other_rep", "manager", "owning_manager"}
MANAGERS = {"manager", "owning_manager"}
CREDIT_STAFF = {"analyst", "owning_analyst", "credit_manager"}
CREDIT_MANAGER = {"credit_manager"}
# DOMAIN §1: "files and updates dossiers of the customers they own" / "everything sales does, for every customer"
EDITORS = {"owner"} | MANAGERS | {"integration"}
READ_EVERY_DOSSIER = MANAGERS | {"service"} | CREDIT_STAFF | {"archivist", "integration"}
QUERY_EVERY_ARCHIVE = MANAGERS | {"service"} | CREDIT_STAFF | {"archivist"}

ALLOWED = {
    "customers.list_customers": set(ACTORS) - {"nobody"},
    "customers.view_dossier": READ_EVERY_DOSSIER | {"owner"},
    "customers.create_customer": SALES_STAFF | {"integration"},
    "customers.edit_dossier": EDITORS,
    "customers.edit_credit_data": EDITORS | CREDIT_STAFF,
    "customers.record_interaction": EDITORS | {"service"},
    "customers.review_dossier": {"owner"} | MANAGERS,
    "customers.archive_customer": MANAGERS,
    "customers.reassign_customer": MANAGERS,
    "customers.merge_customers": MANAGERS,  # DOMAIN §2.3 merge and the possible duplicates
    "customers.choose_owner": MANAGERS | {"integration"},
    "customers.own_customers": SALES_STAFF,
    "crm.view_access_log": MANAGERS | CREDIT_MANAGER | {"archivist"},
    "credit.place_order": EDITORS,
    "credit.import_historical_orders": {"integration"} | MANAGERS,  # issue 12: a sales manager's order file too
    "credit.decide_held_order": CREDIT_MANAGER,
    "credit.cancel_order": EDITORS | CREDIT_MANAGER,
    "credit.record_payment": {"integration"} | MANAGERS | CREDIT_STAFF,
    "credit.assess": CREDIT_STAFF,
    "credit.request_limit": {"owner"} | MANAGERS | CREDIT_STAFF,
    "credit.decide_limit": CREDIT_MANAGER,
    "credit.override_grade": CREDIT_MANAGER,
    "credit.pin_core": CREDIT_MANAGER,
    "credit.write_off": CREDIT_MANAGER,
    "credit.edit_policy": CREDIT_MANAGER,
    "credit.preview_policy": CREDIT_STAFF,
    "credit.view_credit_queues": CREDIT_STAFF | MANAGERS,
    "archives.view_documents": {"owner"} | QUERY_EVERY_ARCHIVE,
    "archives.view_register": QUERY_EVERY_ARCHIVE | SALES_STAFF,
    "archives.keep_register": {"archivist"},
    "archives.hand_over_customers": MANAGERS,
}


def _user(name: str) -> SimpleNamespace:
    role_names, owns = ACTORS[name]
    pk = OWNER_ID if owns else 2
    return SimpleNamespace(pk=pk, is_authenticated=True, is_superuser=False, _crm_roles=frozenset(role_names))


@pytest.mark.parametrize(("perm", "actor"), [pytest.param(p, a, id=f"{p}-{a}") for p in ALLOWED for a in ACTORS])
def test_permission_table(perm, actor):
    assert rules.has_perm(perm, _user(actor), CUSTOMER) is (actor in ALLOWED[perm])


def test_the_table_names_every_permission_of_the_policy():
    ours = {
        name
        for name in rules.permissions.permissions
        if name.split(".")[0] in {"customers", "credit", "crm", "archives"}
    }
    assert ours == set(ALLOWED)


@pytest.mark.parametrize("perm", sorted(ALLOWED))
def test_without_a_customer_ownership_grants_nothing(perm):
    """A question asked of no customer (a list, a form before the customer exists) never counts the asker as owner."""
    owner = _user("owner")
    assert rules.has_perm(perm, owner, None) is ("other_rep" in ALLOWED[perm])


def test_a_user_with_two_roles_has_the_rights_of_both():
    user = SimpleNamespace(
        pk=2, is_authenticated=True, is_superuser=False, _crm_roles=frozenset({roles.SALES, roles.ARCHIVIST})
    )
    assert rules.has_perm("archives.keep_register", user, CUSTOMER)
    assert rules.has_perm("customers.create_customer", user, CUSTOMER)
    assert rules.has_perm("customers.view_dossier", user, CUSTOMER)  # as archivist
    assert not rules.has_perm("customers.edit_dossier", user, CUSTOMER)  # not the owner


def test_an_anonymous_visitor_may_do_nothing():
    anonymous = SimpleNamespace(pk=None, is_authenticated=False, is_superuser=False)
    assert not any(rules.has_perm(perm, anonymous, CUSTOMER) for perm in ALLOWED)


@pytest.mark.parametrize(
    ("actor", "kinds"),
    [
        pytest.param("owner", None, id="owner-every-kind"),
        pytest.param("manager", None, id="manager-every-kind"),
        pytest.param("integration", None, id="integration-every-kind"),
        pytest.param("service", CUSTOMER_SERVICE_INTERACTION_KINDS, id="service-its-kinds"),
        pytest.param("other_rep", frozenset(), id="other-rep-none"),
        pytest.param("owning_analyst", frozenset(), id="owning-analyst-none"),
        pytest.param("nobody", frozenset(), id="nobody-none"),
    ],
)
def test_interaction_kinds_allowed(actor, kinds):
    """DOMAIN §1: customer service records complaints, feedback and service, nothing else; editors every kind."""
    assert interaction_kinds_allowed(_user(actor), CUSTOMER) == kinds


def test_a_superuser_records_every_kind():
    superuser = _user("nobody")
    superuser.is_superuser = True
    assert interaction_kinds_allowed(superuser, CUSTOMER) is None


def test_customer_service_kinds_are_complaints_feedback_service_and_suggestions():
    assert {"quality_feedback", "service", "complaint", "suggestion"} == CUSTOMER_SERVICE_INTERACTION_KINDS
