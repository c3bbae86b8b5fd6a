"""DOMAIN §1 in lists: a rep learns nothing about the hidden fields of another rep's customers through search,
filters or sorting, in the API (``GET /api/v1/customers/``) and in the browser list alike.

Each case builds the same book twice, once with the other rep's customer holding hidden values that match the
search, filter or sort, once with values that do not, and asserts that the rep's answer is the same both ways,
while a sales manager's answer differs (so the case does exercise the hidden value)."""

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from credit.models import CreditProfile
from customers.models import Customer, ReviewState
from customers.selectors import API_ORDERINGS, ORDERINGS, VISIBLE_SORT_KEYS
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

USCC = "91350100M000100Y43"
SINCE = "2026-06-01T00:00:00Z"


def _customer(customer, **fields):
    Customer.objects.filter(pk=customer.pk).update(**fields)


def _review(customer, **fields):
    ReviewState.objects.update_or_create(customer=customer, defaults=fields)


def _credit(customer, **fields):
    CreditProfile.objects.update_or_create(customer=customer, defaults=fields)


def _sort_keys(customer, match: bool):
    """Every hidden value a list sorts by: lowest of the book when ``match``, highest otherwise."""
    when = datetime(2020, 1, 1, tzinfo=UTC) if match else datetime(2026, 12, 31, tzinfo=UTC)
    _customer(customer, completeness=0 if match else 100, updated_at=when, created_at=when)
    _review(customer, next_review_due=date(2020, 1, 1) if match else date(2030, 1, 1))


CLASS_VALUES = {"time_class": ("old", "new"), "process_class": ("past", "current"), "volume_class": ("key", "general")}


def _their_values(case: str, customer, match: bool) -> None:
    """Give the other rep's customer hidden values that match the case's parameters, or that do not."""
    if case == "uscc":
        _customer(customer, unified_social_credit_code=USCC if match else "91330000MA27XYZ01B")
    elif case in ("kind", "nature", "size"):
        values = {"kind": ("end", "intermediate"), "nature": ("individual", "company"), "size": ("large", "small")}
        _customer(customer, **{case: values[case][0 if match else 1]})
    elif case in ("tier", "payment_grade", "risk_class"):
        values = {"tier": ("A", "D"), "payment_grade": ("ding", "unrated"), "risk_class": ("high", "unassessed")}
        _credit(customer, **{case: values[case][0 if match else 1]})
    elif case in CLASS_VALUES:  # DOMAIN §2.1 classes, on the credit profile
        _credit(customer, **{case: CLASS_VALUES[case][0 if match else 1]})
    elif case in ("core", "ordinary"):
        _credit(customer, is_core=(case == "core") == match)
    elif case in ("stale", "fresh"):
        _review(customer, is_stale=(case == "stale") == match)
    elif case == "updated_since":
        _customer(customer, updated_at=datetime(2026, 11, 1, tzinfo=UTC) if match else datetime(2025, 1, 1, tzinfo=UTC))
    elif case == "completeness":
        _customer(customer, completeness=100 if match else 10)
    elif case == "ordering":
        _sort_keys(customer, match)
    else:
        raise AssertionError(case)


def _book(rep, other_rep):
    """The rep's own customers (some of which match each filter, so no filter is vacuous) and the other rep's."""
    mine = [
        make_customer(owner=rep, name="Alpha Valve", kind="end", nature="individual", size="large"),
        make_customer(owner=rep, name="Beta Pump"),
        make_customer(owner=rep, name="Gamma Steel"),
    ]
    theirs = make_customer(owner=other_rep, name="Delta Trading")
    _customer(mine[0], completeness=100, updated_at=datetime(2026, 10, 1, tzinfo=UTC))
    _credit(mine[0], tier="A", payment_grade="ding", risk_class="high")
    _credit(mine[0], time_class="old", process_class="past", volume_class="key", is_core=True)
    _review(mine[0], is_stale=True)
    _customer(mine[1], completeness=40, updated_at=datetime(2025, 1, 1, tzinfo=UTC))
    _customer(mine[2], completeness=60, updated_at=datetime(2025, 1, 1, tzinfo=UTC))
    return theirs


def _hidden(case: str, params: dict, orderings: dict) -> bool:
    """Whether the case's parameter reads a hidden field (sorting by code or name reads none)."""
    return case != "ordering" or orderings[params["ordering"]][0].lstrip("-") not in VISIBLE_SORT_KEYS


def _both_ways(rep, other_rep, manager, case, answer):
    """(the rep's answers, the manager's answers) with the other rep's customer matching, then not matching."""
    theirs = _book(rep, other_rep)
    answers = {}
    for match in (True, False):
        _their_values(case, theirs, match)
        answers[match] = (answer(rep), answer(manager))
    return (answers[True][0], answers[False][0]), (answers[True][1], answers[False][1])


API_CASES = [
    pytest.param("uscc", {"search": USCC.lower()}, id="search-uscc"),
    pytest.param("kind", {"kind": "end"}, id="kind"),
    pytest.param("nature", {"nature": "individual"}, id="nature"),
    pytest.param("size", {"size": "large"}, id="size"),
    pytest.param("tier", {"tier": "A"}, id="tier"),
    pytest.param("payment_grade", {"payment_grade": "ding"}, id="payment_grade"),
    pytest.param("risk_class", {"risk_class": "high"}, id="risk_class"),
    pytest.param("time_class", {"time_class": "old"}, id="time_class"),
    pytest.param("process_class", {"process_class": "past"}, id="process_class"),
    pytest.param("volume_class", {"volume_class": "key"}, id="volume_class"),
    pytest.param("core", {"is_core": "true"}, id="is_core-true"),
    pytest.param("ordinary", {"is_core": "false"}, id="is_core-false"),
    pytest.param("stale", {"is_stale": "true"}, id="is_stale-true"),
    pytest.param("fresh", {"is_stale": "false"}, id="is_stale-false"),
    pytest.param("updated_since", {"updated_since": SINCE}, id="updated_since"),
    pytest.param("tier", {"search": "Delta", "tier": "A"}, id="search-name-and-tier"),
    *(pytest.param("ordering", {"ordering": key}, id=f"ordering={key}") for key in API_ORDERINGS),
]


def _api_pages(client, params) -> list:
    """Every page of the list, one row a page: the rows in order and each cursor (it carries the sort position)."""
    pages, url, query = [], reverse("api_customer_list"), {**params, "page_size": 1}
    while url:
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        cursor = parse_qs(urlsplit(body["next"]).query).get("cursor") if body["next"] else None
        pages.append(([row["code"] for row in body["results"]], cursor))
        url, query = body["next"], None
    return pages


@pytest.mark.parametrize(("case", "params"), API_CASES)
def test_api_list_answers_a_rep_the_same_whatever_another_reps_hidden_values(
    rep, other_rep, manager, api_for, case, params
):
    clients = {rep: api_for(rep), manager: api_for(manager)}
    rep_answers, manager_answers = _both_ways(
        rep, other_rep, manager, case, lambda user: _api_pages(clients[user], params)
    )
    assert rep_answers[0] == rep_answers[1]
    if _hidden(case, params, API_ORDERINGS):  # the hidden value does decide for who may see it
        assert manager_answers[0] != manager_answers[1]


BROWSER_CASES = [
    pytest.param("uscc", {"q": USCC.lower()}, id="q-uscc"),
    pytest.param("kind", {"kind": "end"}, id="kind"),
    pytest.param("nature", {"nature": "individual"}, id="nature"),
    pytest.param("size", {"size": "large"}, id="size"),
    pytest.param("completeness", {"completeness": "100"}, id="completeness"),
    pytest.param("time_class", {"time_class": "old"}, id="time_class"),
    pytest.param("process_class", {"process_class": "past"}, id="process_class"),
    pytest.param("volume_class", {"volume_class": "key"}, id="volume_class"),
    pytest.param("core", {"is_core": "1"}, id="core"),
    pytest.param("ordinary", {"is_core": "0"}, id="ordinary"),
    pytest.param("stale", {"stale": "1"}, id="stale"),
    pytest.param("fresh", {"stale": "0"}, id="up-to-date"),
    *(pytest.param("ordering", {"ordering": key}, id=f"ordering={key}") for key in ORDERINGS),
]


@pytest.mark.parametrize(("case", "params"), BROWSER_CASES)
def test_browser_list_answers_a_rep_the_same_whatever_another_reps_hidden_values(
    rep, other_rep, manager, client_for, case, params
):
    def answer(user):
        response = client_for(user).get(reverse("customer_list"), params)
        assert response.status_code == 200
        return [row.customer.code for row in response.context["rows"]], response.context["page"].count

    rep_answers, manager_answers = _both_ways(rep, other_rep, manager, case, answer)
    assert rep_answers[0] == rep_answers[1]
    if _hidden(case, params, ORDERINGS):
        assert manager_answers[0] != manager_answers[1]


def test_a_hidden_sort_ranks_own_rows_by_it_and_masked_rows_after_them_by_code(rep, other_rep, api_for):
    theirs = _book(rep, other_rep)
    _sort_keys(theirs, match=True)
    rows = api_for(rep).get(reverse("api_customer_list"), {"ordering": "completeness"}).json()["results"]
    assert [row["name"] for row in rows] == ["Beta Pump", "Gamma Steel", "Alpha Valve", "Delta Trading"]
    assert rows[-1]["masked"] is True
