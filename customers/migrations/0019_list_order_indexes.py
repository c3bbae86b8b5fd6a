"""The customer list sorted by when a dossier changed (the API's ``ordering=-updated_at``, a sync client's usual
question) pages by (updated_at, id): a bulk batch or an import gives its thousand dossiers one time, and with an
index of ``updated_at`` alone PostgreSQL read and sorted every dossier of that time for each page (8,472 rows and
180 ms at 1M customers for 100 rows). One owner's list in the API's order (by code) reads (owner, code) instead of
walking every code for the owner's (84,000 rows at 1M). Built concurrently on PostgreSQL (crm.indexes)."""

from django.db import migrations, models

from crm.indexes import concurrent_index_removal, concurrent_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0018_dashboard_count_indexes")]

    operations = [
        concurrent_indexes(
            "customers",
            [
                ("customer", models.Index(fields=["updated_at", "id"], name="customer_updated_id")),
                (
                    "customer",
                    models.Index(
                        fields=["owner", "code"], name="customer_owner_code", condition=models.Q(deleted_at__isnull=True)
                    ),
                ),
            ],
        ),
        concurrent_index_removal(
            "customers", "customer", models.Index(fields=["updated_at"], name="customer_updated_at")
        ),
    ]
