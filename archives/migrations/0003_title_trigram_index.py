"""A trigram index on register titles for the register search on PostgreSQL (see crm/lookups.py)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS archive_title_trgm ON archives_archivedocument USING gin (title gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS archive_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("archives", "0002_role_permissions")]

    operations = [migrations.RunPython(create, drop)]
