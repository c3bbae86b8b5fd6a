"""Issue 16 point 7: a browser edit form loaded before an API PATCH must not revert it on submit. Every dossier
edit form carries the version it was loaded with; a stale save is refused with a message and changes nothing."""

import pytest
from django.urls import reverse

from customers.models import ChangeRecord, Contact, Customer

pytestmark = pytest.mark.django_db
STALE_EN = "someone else changed this dossier"
STALE_ZH = "其他人修改了这份档案"
IDENTITY = {
    "customer-name": "杭州精工阀门贸易有限公司",
    "customer-kind": "intermediate",
    "customer-nature": "company",
    "customer-size": "small",
    "customer-payment_terms_days": "30",
}


def _api_patch(api_for, user, customer, body) -> int:
    """The change that lands between loading the form and submitting it; the dossier's new version."""
    response = api_for(user).patch(reverse("api_customer_detail", args=[customer.code]), body, format="json")
    assert response.status_code == 200
    return Customer.objects.get(pk=customer.pk).version


def _loaded_version(client, url) -> int:
    """The version the form page carries in its hidden field."""
    response = client.get(url)
    assert response.status_code == 200
    version = response.context["version_form"]["version"].value()
    assert f'name="dossier-version" value="{version}"' in response.content.decode()
    return int(version)


def test_a_basic_form_loaded_before_an_api_patch_does_not_revert_it(customer, rep, client_for, api_for):
    client = client_for(rep)
    url = reverse("section_edit", args=[customer.code, "basic"])
    loaded = _loaded_version(client, url)
    after_api = _api_patch(api_for, rep, customer, {"phone": "0571-7777", "basic": {"postcode": "310001"}})
    changes = ChangeRecord.objects.count()
    form = IDENTITY | {"customer-phone": "0571-88001234", "section-postcode": "", "dossier-version": loaded}
    response = client.post(url, form)
    assert response.status_code == 409
    assert STALE_EN in response.content.decode()
    stored = Customer.objects.select_related("basic").get(pk=customer.pk)
    assert (stored.phone, stored.basic.postcode, stored.version) == ("0571-7777", "310001", after_api)
    assert ChangeRecord.objects.count() == changes
    shown = response.context["version_form"]["version"].value()
    assert int(shown) == after_api  # the form shows the current dossier again
    assert response.context["forms"][0]["phone"].value() == "0571-7777"


def test_a_current_form_saves(customer, rep, client_for):
    client = client_for(rep)
    url = reverse("section_edit", args=[customer.code, "basic"])
    form = IDENTITY | {"customer-phone": "0571-8888", "dossier-version": _loaded_version(client, url)}
    assert client.post(url, form).status_code == 302
    assert Customer.objects.get(pk=customer.pk).phone == "0571-8888"


def test_a_form_without_its_version_is_refused(customer, rep, client_for):
    url = reverse("section_edit", args=[customer.code, "sales_status"])
    response = client_for(rep).post(url, {"section-cooperation": "稳定"})
    assert response.status_code == 409
    assert not ChangeRecord.objects.filter(customer=customer, section="sales_status").exists()


def test_the_refusal_speaks_chinese(customer, rep, client_for, api_for):
    client = client_for(rep)
    url = reverse("section_edit", args=[customer.code, "sales_status"])
    loaded = _loaded_version(client, url)
    _api_patch(api_for, rep, customer, {"sales_status": {"cooperation": "API"}})
    form = {"section-cooperation": "浏览器", "dossier-version": loaded}
    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 409
    assert STALE_ZH in response.content.decode()
    assert Customer.objects.select_related("sales_status").get(pk=customer.pk).sales_status.cooperation == "API"


def test_operating_status_and_its_figures_are_refused_together(customer, rep, client_for, api_for):
    client = client_for(rep)
    url = reverse("section_edit", args=[customer.code, "operating_status"])
    loaded = _loaded_version(client, url)
    _api_patch(api_for, rep, customer, {"phone": "0571-7777"})
    form = {
        "figures-source": "bank",
        "figures-net_worth": "1000000",
        "figures-net_worth_as_of": "2025-12-31",
        "dossier-version": loaded,
    }
    assert client.post(url, form).status_code == 409
    assert not customer.financial_figures.exists()


def test_a_contact_form_loaded_before_an_api_change_does_not_revert_it(customer, rep, client_for, api_for):
    contact = customer.contacts.get()
    client = client_for(rep)
    url = reverse("contact_edit", args=[customer.code, contact.pk])
    loaded = _loaded_version(client, url)
    api_contact = reverse("api_contact_detail", args=[customer.code, contact.pk])
    assert api_for(rep).patch(api_contact, {"phone": "138-7777"}, format="json").status_code == 200
    response = client.post(url, {"name": contact.name, "title": contact.title, "phone": "", "dossier-version": loaded})
    assert response.status_code == 409
    assert STALE_EN in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).phone == "138-7777"


def test_a_current_contact_form_saves(customer, rep, client_for):
    contact = customer.contacts.get()
    client = client_for(rep)
    url = reverse("contact_edit", args=[customer.code, contact.pk])
    form = {"name": contact.name, "title": "总经理", "dossier-version": _loaded_version(client, url)}
    assert client.post(url, form).status_code == 302
    assert Contact.objects.get(pk=contact.pk).title == "总经理"


def test_a_stale_new_contact_or_removal_changes_nothing(customer, rep, client_for, api_for):
    contact = customer.contacts.get()
    client = client_for(rep)
    add_url = reverse("contact_create", args=[customer.code])
    delete_url = reverse("contact_delete", args=[customer.code, contact.pk])
    loaded_add, loaded_delete = _loaded_version(client, add_url), _loaded_version(client, delete_url)
    _api_patch(api_for, rep, customer, {"phone": "0571-7777"})
    assert client.post(add_url, {"name": "赵六", "dossier-version": loaded_add}).status_code == 409
    assert client.post(delete_url, {"dossier-version": loaded_delete}).status_code == 409
    assert list(customer.contacts.values_list("pk", flat=True)) == [contact.pk]
    fresh = _loaded_version(client, delete_url)
    assert client.post(delete_url, {"dossier-version": fresh}).status_code == 302
    assert not customer.contacts.exists()
