"""Indexes added to large tables without stopping their writes: a migration's state gets ``AddIndex`` as usual, and
PostgreSQL builds each index ``CONCURRENTLY`` (the migration must be ``atomic = False``), skipping one that is
already there and valid (built by hand on a live database first, as benchmarks/README.md advises) and building again
one that a failed or cancelled build left invalid. Other databases add it plainly."""

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
                cursor.execute(
                    "SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = %s",
                    [index.name],
                )
                found = cursor.fetchone()
                if found is not None and found[0]:
                    continue
                if found is not None:  # a concurrent build that failed or was cancelled leaves an invalid index
                    schema_editor.remove_index(model, index, concurrently=True)
                schema_editor.add_index(model, index, concurrently=True)

    def drop(apps, schema_editor) -> None:
        for model_name, index in indexes:
            schema_editor.remove_index(apps.get_model(app_label, model_name), index)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=name, index=index) for name, index in indexes],
        database_operations=[migrations.RunPython(create, drop)],
    )


def concurrent_index_removal(
    app_label: str, model_name: str, index: models.Index
) -> migrations.SeparateDatabaseAndState:
    """Remove ``index`` from the state, and from PostgreSQL ``CONCURRENTLY`` (a plain DROP INDEX waits for, and then
    blocks, every reader of the table); other databases drop it plainly."""

    def drop(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        schema_editor.remove_index(model, index, **({"concurrently": True} if _postgresql(schema_editor) else {}))

    def create(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        schema_editor.add_index(model, index, **({"concurrently": True} if _postgresql(schema_editor) else {}))

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.RemoveIndex(model_name=model_name, name=index.name)],
        database_operations=[migrations.RunPython(drop, create)],
    )


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"
