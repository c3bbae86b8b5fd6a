"""One trigram index per searched name column on PostgreSQL: the plain column serves both LIKE
(caseless text such as Chinese) and ILIKE (the ``ilike`` lookup in crm/lookups.py); the UPPER()
expression indexes of 0003 only cost writes."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_name_upper_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS contact_name_upper_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table in (("customer_name_upper_trgm", "customers_customer"),
                            ("contact_name_upper_trgm", "customers_contact")):
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (upper(name::text) gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_slimmer_write_indexes")]

    operations = [migrations.RunPython(drop, create)]
