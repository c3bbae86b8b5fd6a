"""One owner's stale dossiers by review date (the customer list's ``owner``, ``stale`` and ``ordering=review``) and
the planner's view of names, at a million customers.

The stale review states get an index in the list's order (``review_due``: the next review, no date last), which the
page walks from the index alone, asking of each dossier whether it is the owner's from another index alone (owner,
id): 4,900 entries of each for the first page of a rep with 1% of the dossiers. Before, PostgreSQL read every stale
review state (318,000) or every dossier of the owner and its review state (11,600 lookups), then sorted.

The name column's statistics are sampled ten times finer: the list shows PostgreSQL's estimate of a search's count
("about 7,500") instead of counting thousands of rows, and with the default sample a word in 7,400 names of a million
(精工阀门) was expected in 108, and "golden" in 21,800 of 64,800; with 1,000 buckets 6,400 and 71,800. The planner's
choice between walking the name index and reading the trigram index rests on the same figures. The statistics are
taken again here (ANALYZE reads a sample, without blocking writes). Indexes built concurrently on PostgreSQL
(crm.indexes); SQLite: the indexes only."""

from datetime import date

from django.db import migrations, models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from crm.indexes import concurrent_indexes

NAME_STATISTICS = 1000


def _name_statistics(target: int):
    def set_target(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE customers_customer ALTER COLUMN name SET STATISTICS {target}")
        schema_editor.execute("ANALYZE customers_customer (name)")

    return set_target


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0019_list_order_indexes")]

    operations = [
        concurrent_indexes(
            "customers",
            [
                (
                    "customer",
                    models.Index(
                        fields=["owner", "id"], name="customer_owner_id", condition=Q(deleted_at__isnull=True)
                    ),
                ),
                (
                    "reviewstate",
                    models.Index(
                        Coalesce("next_review_due", Value(date.max)),
                        F("customer"),
                        include=["next_review_due"],
                        name="review_state_stale_due",
                        condition=Q(is_stale=True),
                    ),
                ),
            ],
        ),
        migrations.RunPython(_name_statistics(NAME_STATISTICS), _name_statistics(-1)),
    ]
