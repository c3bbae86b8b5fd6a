"""``profile_tier_grade`` (tier, payment grade) had the key of ``profile_tier_grade_sums``, which only carries three
columns more: every lookup it served, the other serves. The nightly recompute rewrites every profile on a new day (its
``computed_on``), and each rewritten row is entered in each of the table's indexes: one index fewer to keep up for a
million rows a night. Dropped concurrently on PostgreSQL (crm.indexes)."""

from django.db import migrations, models

from crm.indexes import concurrent_index_removal


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("credit", "0015_cents_sum_aggregate")]

    operations = [
        concurrent_index_removal(
            "credit", "creditprofile", models.Index(fields=["tier", "payment_grade"], name="profile_tier_grade")
        ),
    ]
