"""Indexes for the rest of the customer search on PostgreSQL: the end of a code ("184" finds C000184), by a btree
of the reversed code (a trigram index of codes, all digits, is one the planner rightly finds too unselective), and
the phones of the customer and of its contacts (substring), by trigram indexes. Each search lookup reads its own
index (customers.selectors._search); SQLite keeps its plain scans."""

from django.db import migrations

INDEXES = [
    ("customer_code_reversed", "customers_customer", "(reverse(code) text_pattern_ops)"),
    ("customer_phone_trgm", "customers_customer", "USING gin (phone gin_trgm_ops)"),
    ("contact_phone_trgm", "customers_contact", "USING gin (phone gin_trgm_ops)"),
    ("contact_mobile_trgm", "customers_contact", "USING gin (mobile gin_trgm_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_interaction_promotion_response")]

    operations = [migrations.RunPython(create, drop)]
