"""Indexes added to large tables without stopping their writes: a migration's state gets ``AddIndex`` as usual, and
PostgreSQL builds each index ``CONCURRENTLY`` (the migration must be ``atomic = False``), skipping one that is
already there (built by hand on a live database first, as benchmarks/README.md advises). Other databases add it
plainly."""

from django.db import migrations, models


def concurrent_indexes(app_label: str, indexes: list[tuple[str, models.Index]]) -> migrations.SeparateDatabaseAndState:
    """One operation adding each (model name, index) of ``app_label``."""

    def create(apps, schema_editor) -> None:
        for model_name, index in indexes:
            model = apps.get_model(app_label, model_name)
            if schema_editor.connection.vendor != "postgresql":
                schema_editor.add_index(model, index)
                continue
            with schema_editor.connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index.name])
                if cursor.fetchone() is None:
                    schema_editor.add_index(model, index, concurrently=True)

    def drop(apps, schema_editor) -> None:
        for model_name, index in indexes:
            schema_editor.remove_index(apps.get_model(app_label, model_name), index)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=name, index=index) for name, index in indexes],
        database_operations=[migrations.RunPython(create, drop)],
    )
