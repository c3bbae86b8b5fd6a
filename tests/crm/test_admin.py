"""README promises the Django admin for every model: each one is registered."""

from django.apps import apps
from django.contrib import admin


def test_every_model_of_the_project_apps_is_in_the_admin():
    ours = [m for m in apps.get_models() if m._meta.app_label in {"crm", "customers", "credit", "archives"}]
    missing = [m.__name__ for m in ours if not admin.site.is_registered(m)]
    assert missing == []
