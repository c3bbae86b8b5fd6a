"""Create the role groups of DOMAIN §1 with their model permissions, and the customer-code sequence."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "sales": "read edit interact review document",
    "sales_manager": "read edit interact review document delete_contact change_interaction history accesslog",
    "customer_service": "read interact",
    "credit_analyst": "read document change_document",
    "credit_manager": "read document change_document history accesslog",
    "archivist": "read history accesslog",
    "integration": "read edit interact",
}
DOSSIER = ("customer", "basicsection", "characteristicssection", "salesstatussection", "operatingstatussection",
           "financialfigure", "contact")
GRANTS = {
    "read": [("customers", f"view_{m}") for m in (*DOSSIER, "creditdocument", "interaction", "review")],
    "edit": [("customers", f"{a}_{m}") for m in DOSSIER for a in ("add", "change")],
    "interact": [("customers", "add_interaction")],
    "review": [("customers", "add_review")],
    "document": [("customers", "add_creditdocument")],
    "change_document": [("customers", "change_creditdocument")],
    "delete_contact": [("customers", "delete_contact")],
    "change_interaction": [("customers", "change_interaction")],
    "history": [("customers", "view_changerecord")],
    "accesslog": [("crm", "view_accesslog")],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for grant in grants.split():
            for app_label, codename in GRANTS[grant]:
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    NumberSequence = apps.get_model("crm", "NumberSequence")
    NumberSequence.objects.get_or_create(name="customer")


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_initial"),
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
