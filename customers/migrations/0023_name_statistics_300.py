"""The name column's statistics sampled at 300 instead of 1,000 (customers migration 0020). A search's every
``LIKE`` is planned against the column's common values and histogram, and the list plans a search three times (its
count's estimate, the count, the page): with 1,000 that planning was about 2.4 ms a time, most of the database's
work for a search at 20,000 customers (golden flow: 13–14 ms of 13.7 ms planning and running per page). At 1M
customers (crm_bench1m, 30 November 2026) 300 estimates as well as 1,000 did: 精工阀门 6,887 (1,000: 5,609; the
truth 7,272), golden flow 6,552 (6,637; 7,412), golden 65,829 (64,723), and plans a name pattern in 0.7 ms
instead of 2.1. The statistics are taken again here (ANALYZE reads a sample, without blocking writes)."""

from django.db import migrations


def _name_statistics(target: int):
    def set_target(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE customers_customer ALTER COLUMN name SET STATISTICS {target}")
            schema_editor.execute("ANALYZE customers_customer (name)")

    return set_target


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0022_owner_list_index")]

    operations = [migrations.RunPython(_name_statistics(300), _name_statistics(1000))]
