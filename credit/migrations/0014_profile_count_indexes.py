"""Indexes of the credit dashboards' counts over a million profiles (issue 14, issue 11's speed): the tier × grade
matrix with its sums from the index alone; the profiles that need an assessment. Built concurrently on PostgreSQL
(crm.indexes)."""

from django.db import migrations, models

from crm.indexes import concurrent_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("credit", "0013_order_decision_note_db_default")]

    operations = [
        concurrent_indexes(
            "credit",
            [
                (
                    "creditprofile",
                    models.Index(
                        fields=["tier", "payment_grade"],
                        include=("customer", "trailing_12m_purchases", "exposure"),
                        name="profile_tier_grade_sums",
                    ),
                ),
                (
                    "creditprofile",
                    models.Index(
                        condition=models.Q(investigation_required=True), fields=["customer"], name="profile_investigation"
                    ),
                ),
            ],
        )
    ]
