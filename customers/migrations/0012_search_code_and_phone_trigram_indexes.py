"""Trigram indexes for the rest of the customer search on PostgreSQL: a code fragment ("184" finds C000184) and the
phones of the customer and of its contacts (substring). Each search lookup reads its own index (customers.selectors
._search); SQLite keeps its plain scans."""

from django.db import migrations

INDEXES = [
    ("customer_code_trgm", "customers_customer", "code"),
    ("customer_phone_trgm", "customers_customer", "phone"),
    ("contact_phone_trgm", "customers_contact", "phone"),
    ("contact_mobile_trgm", "customers_contact", "mobile"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_interaction_promotion_response")]

    operations = [migrations.RunPython(create, drop)]
