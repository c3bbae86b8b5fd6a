"""Credit profiles' pages half filled (``fillfactor = 50``), so that the nightly recompute's rewrite of every profile
(a new day changes each one's ``computed_on``) is a heap-only update: the new version goes on the old one's page and
no index gets a new entry. At 1,000,000 customers, with `celery worker -c 2` on this 2-core machine, a new day's
recompute took 57.7–58.4 s on packed pages and 50.6–51.5 s on half-filled ones (975,000 of 995,000 updates heap-only,
night after night without a VACUUM; the table 191 → 373 MB). The pages already written are refilled as their rows
are next updated. PostgreSQL only."""

from django.db import migrations


def _fillfactor(percent: int):
    def set_fillfactor(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE credit_creditprofile SET (fillfactor = {percent})")

    return set_fillfactor


class Migration(migrations.Migration):
    dependencies = [("credit", "0016_drop_profile_tier_grade")]

    operations = [migrations.RunPython(_fillfactor(50), _fillfactor(100))]
