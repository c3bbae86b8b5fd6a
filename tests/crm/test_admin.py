"""README promises the Django admin for every model: each one is registered."""

import pytest
from django.apps import apps
from django.contrib import admin


def test_every_model_of_the_project_apps_is_in_the_admin():
    ours = [m for m in apps.get_models() if m._meta.app_label in {"crm", "customers", "credit", "archives"}]
    missing = [m.__name__ for m in ours if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.django_db
def test_the_admin_shows_dossiers_but_cannot_change_them_behind_the_services(rep, admin_client):
    """Issue 10: an admin edit would bypass history, version (ETags), completeness and reminders."""
    from django.urls import reverse

    from tests.factories import make_customer

    customer = make_customer(owner=rep, name="Admin View Co", phone="1")
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    admin_client.post(url, {"name": "Changed", "phone": "2"})
    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.version) == ("Admin View Co", "1", 1)
    assert admin_client.get(reverse("admin:customers_customer_add")).status_code == 403
