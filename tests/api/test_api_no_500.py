"""API.md: no input ever yields a 500 (issue 16 §3); errors under /api/ are JSON."""

import base64

import pytest

pytestmark = pytest.mark.django_db


def _cursor(querystring: str) -> str:
    return base64.b64encode(querystring.encode()).decode()


def test_json_nested_1000_deep_is_a_400(rep, api_for):
    body = "[" * 1000 + "]" * 1000
    response = api_for(rep).post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_nested_deeper_than_the_bound_is_a_400_even_when_python_could_parse_it(rep, api_for):
    body = '{"name": "x", "basic": ' + '{"a": ' * 100 + "1" + "}" * 100 + "}"
    response = api_for(rep).post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "cursor"),
    [
        pytest.param("/api/v1/customers/", _cursor("p=\x00"), id="nul-in-code"),
        pytest.param("/api/v1/customers/", _cursor("p=C0\x001&r=1"), id="nul-reversed"),
        pytest.param("/api/v1/reminders/", _cursor("p=not-a-date"), id="date-column"),
        pytest.param("/api/v1/customers/deleted/", _cursor("p=yesterday"), id="time-column"),
    ],
)
def test_a_crafted_cursor_is_a_json_404(rep, api_for, customer, path, cursor):
    response = api_for(rep).get(path, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_a_valid_cursor_still_pages(rep, api_for):
    from tests.factories import make_customer

    for i in range(3):
        make_customer(owner=rep, name=f"C{i}")
    client = api_for(rep)
    first = client.get("/api/v1/customers/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1


def test_a_10_mb_body_answers_json_413(rep, api_for):
    body = '{"name": "' + "x" * (10 * 1024 * 1024) + '"}'
    response = api_for(rep).post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_unknown_api_path_answers_json(rep, api_for):
    response = api_for(rep).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_still_answers_html(rep, client_for):
    response = client_for(rep).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
