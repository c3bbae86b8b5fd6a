"""Model permissions of the credit models for the role groups (DOMAIN §1); object rules stay in crm/access.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["order", "orderline", "payment", "creditprofile", "credithistory", "assessment", "creditlimit",
        "creditlimitrequest", "gradeoverride", "creditpolicyversion", "scoringmodel", "indicator"]
GRANTS = {
    "sales": READ,
    "sales_manager": READ,
    "customer_service": ["order", "orderline", "payment"],
    "credit_analyst": READ,
    "credit_manager": READ,
    "archivist": [],
    "integration": READ,
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
        perms = Permission.objects.filter(content_type__app_label="credit", codename__in=[f"view_{m}" for m in models])
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_profile_recovery_flag"), ("crm", "0002_roles_and_sequences")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
