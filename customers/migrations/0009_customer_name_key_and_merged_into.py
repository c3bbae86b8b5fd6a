"""Duplicates and merge (DOMAIN §2.3): the stored normalised name of every customer, the narrow table of distinct
normalised names with its trigram index, and where a merged dossier went.

The normalised name is computed in Python (customers.rules.names: OpenCC, Unicode), so existing rows are filled in
batches by primary key: one read and one ``UPDATE … FROM (VALUES …)`` per 10,000 rows, before any index on the
column exists. The distinct names then fill ``NameKey`` in one statement; on PostgreSQL a trigram index on it serves
"similar names" (on the narrow table: a search rechecks small rows, not wide customer rows).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from crm.bulk import bulk_update_rows
from customers.rules.names import name_key

BATCH = 10_000
TRGM_INDEX = "customer_namekey_trgm"


def fill_name_keys(apps, schema_editor):
    customer = apps.get_model("customers", "Customer")
    last = 0
    while True:
        rows = list(customer.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name")[:BATCH])
        if not rows:
            break
        keyed = [customer(pk=pk, name_key=name_key(name)) for pk, name in rows]
        bulk_update_rows(keyed, ["name_key"], model=customer)
        last = rows[-1][0]
    fill_key_table(apps, schema_editor)


def fill_key_table(apps, schema_editor):
    """Every distinct normalised name once, set-based."""
    customer, key_table = apps.get_model("customers", "Customer"), apps.get_model("customers", "NameKey")
    keys = customer.objects.exclude(name_key="").values_list("name_key", flat=True).distinct().order_by()
    select, params = keys.query.sql_with_params()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {key_table._meta.db_table} (key) {select}", params)  # noqa: S608 - model names


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON customers_namekey USING gin (key gin_trgm_ops)")


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
        migrations.CreateModel(
            name='NameKey',
            fields=[
                ('key', models.CharField(max_length=200, primary_key=True, serialize=False, verbose_name='normalised name')),
            ],
            options={
                'verbose_name': 'normalised name',
                'verbose_name_plural': 'normalised names',
            },
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['name_key', 'id'], name='customer_live_name_key'),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
