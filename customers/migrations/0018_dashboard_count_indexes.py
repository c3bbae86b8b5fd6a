"""Indexes of the dashboards' counts over a million customers (issue 14, issue 11's speed): the open complaints
oldest first and the service records each is looked up among, from the indexes alone; the team's counts per owner
from an index; the few archived dossiers, which counts over every live one subtract. Built concurrently on PostgreSQL (crm.indexes)."""

from django.db import migrations, models

from crm.indexes import concurrent_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0017_name_bigrams_in_plpgsql")]

    operations = [
        concurrent_indexes(
            "customers",
            [
                (
                    "customer",
                    models.Index(
                        condition=models.Q(deleted_at__isnull=True),
                        fields=["owner", "completeness"],
                        include=("id",),
                        name="customer_owner_team",
                    ),
                ),
                ("customer", models.Index(condition=models.Q(deleted_at__isnull=False), fields=["id"], name="customer_archived")),
                (
                    "interaction",
                    models.Index(
                        condition=models.Q(kind="complaint"),
                        fields=["occurred_on", "id"],
                        include=("customer",),
                        name="interaction_complaint_day",
                    ),
                ),
                (
                    "interaction",
                    models.Index(condition=models.Q(kind="service"), fields=["customer", "occurred_on"], name="interaction_service_day"),
                ),
            ],
        )
    ]
