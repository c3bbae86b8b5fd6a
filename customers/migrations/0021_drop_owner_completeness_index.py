"""``customer_owner_completeness`` (owner, completeness, live dossiers) had the key and condition of
``customer_owner_team``, which only adds the id: every query it served, the other serves from the index alone, and
each insert or update of a dossier kept both (an import's 100,000 new dossiers at 1M customers spend seconds on the
customer table's indexes). Dropped concurrently on PostgreSQL (crm.indexes)."""

from django.db import migrations, models

from crm.indexes import concurrent_index_removal


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0020_list_stale_by_review_and_name_statistics")]

    operations = [
        concurrent_index_removal(
            "customers",
            "customer",
            models.Index(
                fields=["owner", "completeness"],
                name="customer_owner_completeness",
                condition=models.Q(deleted_at__isnull=True),
            ),
        ),
    ]
