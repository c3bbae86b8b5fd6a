"""Indexes for the rest of the customer search on PostgreSQL: the end of a code ("184" finds C000184) and of a phone
of the customer or of its contacts ("88881234" finds 0571-88881234), each by a btree of the reversed column (a
trigram index of digits is one the planner finds too unselective and passes over for a scan). Each search lookup
reads its own index (customers.selectors._search); SQLite keeps its plain scans."""

from django.db import migrations

INDEXES = [
    ("customer_code_reversed", "customers_customer", "(reverse(code) text_pattern_ops)"),
    ("customer_phone_reversed", "customers_customer", "(reverse(phone) text_pattern_ops)"),
    ("contact_phone_reversed", "customers_contact", "(reverse(phone) text_pattern_ops)"),
    ("contact_mobile_reversed", "customers_contact", "(reverse(mobile) text_pattern_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0013_dashboard_indexes")]

    operations = [migrations.RunPython(create, drop)]
