"""The OpenAPI schema is exact enough for a generated client (issue 16 point 6): every status an order can be in,
one content type per body, and the errors, ETag and If-Match of the dossier documented."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_an_order_answers_with_any_of_its_states_but_a_client_sends_only_two(schema):
    components = schema["components"]["schemas"]
    output = components["OrderOutput"]["properties"]["status"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert set(components[output]["enum"]) == {"open", "completed", "credit_hold", "rejected", "cancelled"}
    body = schema["paths"]["/api/v1/customers/{code}/orders/"]["post"]["requestBody"]["content"]["application/json"]
    request = components[body["schema"]["$ref"].rsplit("/", 1)[-1]]
    status = request["properties"]["status"]
    enum = components[(status.get("allOf") or [status])[0]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert set(enum) == {"open", "completed"}


def test_each_body_has_one_content_type(schema):
    bodies = {
        f"{method.upper()} {path}": list(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert {label: types for label, types in bodies.items() if len(types) != 1} == {}
    assert bodies["PATCH /api/v1/customers/{code}/"] == ["application/json"]
    assert bodies["POST /api/v1/customers/{code}/documents/"] == ["multipart/form-data"]


def test_the_dossier_documents_its_etag_if_match_and_every_error(schema):
    patch = schema["paths"]["/api/v1/customers/{code}/"]["patch"]
    assert {"200", "400", "401", "403", "404", "412", "429"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    create = schema["paths"]["/api/v1/customers/"]["post"]
    assert "409" in create["responses"]
