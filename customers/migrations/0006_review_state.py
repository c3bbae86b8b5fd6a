"""Next review due and stale move from the wide customer row to a narrow review state table (issue 5).

A staleness scan that changes every dossier rewrote 1M wide customer rows (about ten indexes, GIN trigram
on the name): 64 s in PostgreSQL alone. The narrow table rewrites in a fraction of that. The state is
copied set-based before the indexes are built, then the old columns are dropped; reversible.
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = """
INSERT INTO customers_reviewstate (customer_id, next_review_due, is_stale)
SELECT id, next_review_due, is_stale FROM customers_customer
"""
COPY_BACK = """
UPDATE customers_customer SET
  next_review_due = (SELECT s.next_review_due FROM customers_reviewstate s WHERE s.customer_id = customers_customer.id),
  is_stale = COALESCE(
    (SELECT s.is_stale FROM customers_reviewstate s WHERE s.customer_id = customers_customer.id), false
  )
"""


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_single_trigram_index")]

    operations = [
        migrations.CreateModel(
            name="ReviewState",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="review_state",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                (
                    "next_review_due",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="next review due"),
                ),
                ("is_stale", models.BooleanField(default=False, editable=False, verbose_name="stale")),
            ],
            options={"verbose_name": "review state", "verbose_name_plural": "review states"},
        ),
        migrations.RunSQL(COPY, COPY_BACK, elidable=False),
        migrations.AddIndex(
            model_name="reviewstate",
            index=models.Index(fields=["next_review_due", "customer"], name="review_state_due"),
        ),
        migrations.AddIndex(
            model_name="reviewstate",
            index=models.Index(condition=models.Q(("is_stale", True)), fields=["customer"], name="review_state_stale"),
        ),
        migrations.RemoveIndex(model_name="customer", name="customer_next_review_due"),
        migrations.RemoveField(model_name="customer", name="is_stale"),
        migrations.RemoveField(model_name="customer", name="next_review_due"),
    ]
