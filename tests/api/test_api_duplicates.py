"""API.md "Import and merge": the suspected pairs, the merge, and what a merged code answers (DOMAIN §2.3)."""

import pytest

from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(rep):
    first = make_customer(owner=rep, name="杭州东方化工股份有限公司", phone="0571-88886666", region="浙江")
    second = make_customer(owner=rep, name="杭州東方化工有限公司", phone="0571-88887777", region="浙江省")
    make_customer(owner=rep, name="杭州东方化工", region="广东")  # another region: another company
    make_customer(owner=rep, name="宁波港务")
    return first, second


def test_the_pairs_list_names_both_codes_the_reason_and_the_score(api_for, manager, twins):
    first, second = twins
    response = api_for(manager).get("/api/v1/customers/duplicates/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"code": second.code, "other": first.code, "reason": "name_region", "score": 100.0}
    ]


def test_the_pairs_list_pages_with_a_cursor(api_for, manager, rep):
    for name in ("甲公司", "甲有限公司", "乙公司", "乙有限公司", "丙公司", "丙集团"):
        make_customer(owner=rep, name=name)
    client = api_for(manager)
    first = client.get("/api/v1/customers/duplicates/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert not {r["code"] for r in first["results"]} & {r["code"] for r in second["results"]}


def test_the_pairs_list_is_for_sales_managers(api_for, rep, twins):
    assert api_for(rep).get("/api/v1/customers/duplicates/").status_code == 403


def test_merge_answers_the_survivor_and_the_merged_code_answers_301(api_for, manager, twins):
    first, second = twins
    client = api_for(manager)
    response = client.post(
        f"/api/v1/customers/{first.code}/merge/",
        {"duplicate": second.code, "keep": {"phone": "duplicate"}},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["code"], response.json()["phone"]) == (first.code, "0571-88887777")
    assert response["ETag"]
    moved = client.get(f"/api/v1/customers/{second.code}/")
    assert moved.status_code == 301
    assert moved.json() == {"merged_into": first.code}
    assert moved["Location"] == f"/api/v1/customers/{first.code}/"
    deleted = client.get("/api/v1/customers/deleted/").json()["results"]
    assert [(d["code"], d["merged_into"]) for d in deleted] == [(second.code, first.code)]


def test_a_rep_may_not_merge(api_for, rep, twins):
    first, second = twins
    response = api_for(rep).post(f"/api/v1/customers/{first.code}/merge/", {"duplicate": second.code}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("case", ["itself", "merged", "unknown", "bad-choice"])
def test_impossible_merges_are_400(api_for, manager, twins, case):
    first, second = twins
    client = api_for(manager)
    body = {"duplicate": second.code}
    if case == "itself":
        body["duplicate"] = first.code
    elif case == "merged":
        client.post(f"/api/v1/customers/{first.code}/merge/", body, format="json")
    elif case == "unknown":
        body["duplicate"] = "C999999"
    else:
        body["keep"] = {"phone": "both"}
    response = client.post(f"/api/v1/customers/{first.code}/merge/", body, format="json")
    assert response.status_code == 400
    assert response.json()


def test_a_stale_if_match_is_412_and_nothing_is_merged(api_for, manager, twins):
    first, second = twins
    response = api_for(manager).post(
        f"/api/v1/customers/{first.code}/merge/",
        {"duplicate": second.code},
        format="json",
        HTTP_IF_MATCH=f'"v{first.version + 5}"',
    )
    assert response.status_code == 412
    second.refresh_from_db()
    assert second.merged_into_id is None


def test_an_unknown_code_is_still_404(api_for, manager):
    assert api_for(manager).get("/api/v1/customers/C999999/").status_code == 404
