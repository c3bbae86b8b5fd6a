"""Model permissions of the archive models for the role groups (DOMAIN §9); object rules stay in crm/access.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["archivedocument", "borrowing", "documentevent", "handover"]
GRANTS = {
    "sales_manager": ALL,
    "customer_service": ["archivedocument"],
    "credit_analyst": ["archivedocument"],
    "credit_manager": ["archivedocument", "borrowing", "documentevent"],
    "archivist": ALL,
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label="archives", codename__in=[f"view_{m}" for m in models])
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_register"), ("crm", "0002_roles_and_sequences")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
