"""Trigram indexes for the customer search (name and contact name, any case) on PostgreSQL only.

Searches of three or more characters use them; SQLite keeps its plain scans.
"""

from django.db import migrations

INDEXES = [
    ("customer_name_trgm", "customers_customer", "name"),
    ("customer_name_upper_trgm", "customers_customer", "upper(name::text)"),
    ("contact_name_trgm", "customers_contact", "name"),
    ("contact_name_upper_trgm", "customers_contact", "upper(name::text)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customer_live_name_index")]

    operations = [migrations.RunPython(create, drop)]
