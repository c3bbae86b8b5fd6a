"""Browser pages of DOMAIN §2.3: the warning when creating a likely duplicate, the possible-duplicates page, the
merge page with its confirmation step, and a merged code that leads to the survivor."""

import pytest
from django.utils import translation

from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(rep):
    first = make_customer(owner=rep, name="杭州东方化工股份有限公司", phone="0571-88886666", region="浙江")
    second = make_customer(owner=rep, name="杭州東方化工有限公司", phone="0571-88887777", region="浙江省")
    return first, second


NEW = {"name": "杭州东方化工有限公司", "kind": "intermediate", "nature": "company", "size": "small", "region": "浙江"}


def test_creating_a_likely_duplicate_warns_and_creates_only_when_confirmed(client_for, rep, twins):
    client = client_for(rep)
    response = client.post("/customers/new/", {**NEW, "payment_terms_days": 30})
    assert response.status_code == 200
    assert twins[0].code in response.content.decode()
    assert Customer.objects.count() == 2
    response = client.post("/customers/new/", {**NEW, "payment_terms_days": 30, "create_anyway": "1"})
    assert response.status_code == 302
    assert Customer.objects.count() == 3


def test_creating_a_new_name_is_not_held_up(client_for, rep, twins):
    response = client_for(rep).post("/customers/new/", {**NEW, "name": "宁波港务", "payment_terms_days": 30})
    assert response.status_code == 302


def test_the_possible_duplicates_page_links_both_dossiers_and_merge(client_for, manager, twins):
    first, second = twins
    page = client_for(manager).get("/customers/duplicates/").content.decode()
    assert f"/customers/{first.code}/merge/?duplicate={second.code}" in page
    assert f"/customers/{second.code}/" in page


def test_the_possible_duplicates_page_is_for_sales_managers(client_for, rep, twins):
    assert client_for(rep).get("/customers/duplicates/").status_code == 403


def test_merge_shows_a_choice_per_differing_field_then_asks_to_confirm(client_for, manager, twins):
    first, second = twins
    client = client_for(manager)
    url = f"/customers/{first.code}/merge/"
    page = client.get(url, {"duplicate": second.code}).content.decode()
    assert 'name="phone"' in page
    assert "0571-88887777" in page
    review = client.post(
        url, {"duplicate": second.code, "phone": "duplicate", "name": "survivor", "region": "survivor"}
    )
    assert 'name="confirmed"' in review.content.decode()
    assert Customer.objects.get(pk=second.pk).merged_into_id is None
    done = client.post(
        url,
        {"duplicate": second.code, "phone": "duplicate", "name": "survivor", "region": "survivor", "confirmed": "1"},
    )
    assert done.status_code == 302
    assert Customer.objects.get(pk=first.pk).phone == "0571-88887777"
    assert Customer.objects.get(pk=second.pk).merged_into_id == first.pk


def test_a_rep_may_not_open_the_merge_page(client_for, rep, twins):
    first, second = twins
    assert client_for(rep).get(f"/customers/{first.code}/merge/", {"duplicate": second.code}).status_code == 403


def test_a_merged_code_leads_to_the_survivor(client_for, manager, rep, twins):
    first, second = twins
    client_for(manager).post(
        f"/customers/{first.code}/merge/", {"duplicate": second.code, "confirmed": "1", "phone": "survivor"}
    )
    for user in (manager, rep):
        response = client_for(user).get(f"/customers/{second.code}/")
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{first.code}/"


def test_the_pages_speak_chinese(client_for, manager, twins):
    twins[0].refresh_from_db()
    with translation.override("zh-hans"):
        client = client_for(manager)
        page = client.get("/customers/duplicates/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "可能重复的客户" in page
    assert "合并" in page


def test_a_manager_starts_a_merge_from_the_dossier(client_for, manager, rep, twins):
    first, _second = twins
    assert (
        f'action="/customers/{first.code}/merge/"'
        in client_for(manager).get(f"/customers/{first.code}/").content.decode()
    )
    assert "/merge/" not in client_for(rep).get(f"/customers/{first.code}/").content.decode()


def test_merging_an_unknown_code_is_404(client_for, manager, twins):
    assert client_for(manager).get(f"/customers/{twins[0].code}/merge/", {"duplicate": "C999999"}).status_code == 404


def test_restoring_a_merged_dossier_is_refused_with_a_message(client_for, manager, twins):
    first, second = twins
    client = client_for(manager)
    client.post(f"/customers/{first.code}/merge/", {"duplicate": second.code, "confirmed": "1"})
    response = client.post(f"/customers/{second.code}/restore/", follow=True)
    assert "cannot be restored" in response.content.decode()
    assert Customer.objects.get(pk=second.pk).deleted_at is not None
