"""No input ever yields a 500 (API.md): schemathesis generates requests for every customer endpoint
from the live OpenAPI schema and fails on any 5xx or any response that breaks the schema."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from crm import roles
from tests.factories import make_customer


def _schema():
    """The schema /api/schema/ serves (to signed-in users only), generated in-process and called over WSGI."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app, schema.location = get_wsgi_application(), "/api/schema/"
    return schema


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations() if result.ok().path.startswith("/api/v1/customers")]
CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = 25

pytestmark = pytest.mark.django_db


def test_every_customer_endpoint_is_covered():
    labels = {op.label for op in OPERATIONS}
    assert {
        "GET /api/v1/customers/",
        "POST /api/v1/customers/",
        "PATCH /api/v1/customers/{code}/",
        "POST /api/v1/customers/bulk-upsert/",
        "GET /api/v1/customers/deleted/",
    } <= labels
    assert len(OPERATIONS) >= 12


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test transaction's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(make_user, api_for):
    """A sales manager's token (every customer endpoint open to it) and a live customer to aim at."""
    from knox.models import AuthToken

    manager = make_user(roles.SALES_MANAGER, username="fuzz_manager")
    make_customer(owner=manager, name="Fuzz target", contacts=1)
    return AuthToken.objects.create(user=manager)[1]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
@pytest.mark.parametrize("aim", ["existing", "generated"])
def test_generated_requests_never_fail_with_5xx_or_break_the_schema(operation, aim, token):
    from customers.models import Customer

    code = Customer.objects.values_list("code", flat=True).first()
    path_parameters = {"code": code} if aim == "existing" and "{code}" in operation.path else None
    strategy = operation.as_strategy(path_parameters=path_parameters)

    @given(case=strategy, data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, data):
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    run()
