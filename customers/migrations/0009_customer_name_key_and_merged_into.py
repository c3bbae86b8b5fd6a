"""Duplicates and merge (DOMAIN §2.3): the stored normalised name of every customer, its indexes, and where a
merged dossier went.

The normalised name is computed in Python (customers.rules.names: OpenCC, Unicode), so existing rows are filled in
batches by primary key: one read and one ``UPDATE … FROM (VALUES …)`` per 10,000 rows. On PostgreSQL a trigram
index on the key serves "similar names"; the plain index serves equal keys and the GROUP BY of the duplicates page.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from crm.bulk import bulk_update_rows
from customers.rules.names import name_key

BATCH = 10_000
TRGM_INDEX = "customer_name_key_trgm"


def fill_name_keys(apps, schema_editor):
    customer = apps.get_model("customers", "Customer")
    last = 0
    while True:
        rows = list(customer.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name")[:BATCH])
        if not rows:
            return
        keyed = [customer(pk=pk, name_key=name_key(name)) for pk, name in rows]
        bulk_update_rows(keyed, ["name_key"], model=customer)
        last = rows[-1][0]


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON customers_customer "
        "USING gin (name_key gin_trgm_ops) WHERE deleted_at IS NULL"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_sections_written_on_first_value'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.customer', verbose_name='merged into'),
        ),
        migrations.AddField(
            model_name='customer',
            name='name_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=200, verbose_name='normalised name'),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['name_key', 'id'], name='customer_live_name_key'),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
