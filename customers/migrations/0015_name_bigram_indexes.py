"""Two-character searches on PostgreSQL (a contact 王伟, a name word 阀门): pg_trgm finds no trigram in two
characters and reads every row, so the customer and contact names also get a GIN index of their two-character
pieces (``crm_bigrams``, lower case), which the ``has_bigram`` lookup (crm/lookups.py) reads. SQLite: nothing."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION crm_bigrams(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower($1), i, 2)), '{}')
    FROM generate_series(1, length($1) - 1) AS i
$$
"""
INDEXES = [
    ("customer_name_bigrams", "customers_customer"),
    ("contact_name_bigrams", "customers_contact"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (crm_bigrams(name))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS crm_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0014_search_code_end_and_phone_indexes")]

    operations = [migrations.RunPython(create, drop)]
