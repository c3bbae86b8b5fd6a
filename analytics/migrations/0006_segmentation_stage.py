"""The nightly segmentation's stage (DOMAIN §10.5, issue 15 §3): a table the workers fill a range of customers at a
time, so the run can be spread over every worker (a temporary table lives in one connection only). Unlogged on
PostgreSQL: rebuilt every night, it need not go through the write-ahead log (nor to replicas)."""

from django.db import migrations, models


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE analytics_segmentstage SET UNLOGGED")


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0005_report_snapshots'),
    ]

    operations = [
        migrations.CreateModel(
            name='SegmentStage',
            fields=[
                ('customer_id', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='customer')),
                ('computed_on', models.DateField(verbose_name='computed on')),
                ('recency_days', models.IntegerField(verbose_name='days since the last order')),
                ('frequency', models.IntegerField(verbose_name='orders in 365 days')),
                ('monetary', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='purchases, trailing 12 months')),
                ('on_time', models.DecimalField(blank=True, decimal_places=4, max_digits=7, null=True, verbose_name='on-time ratio')),
            ],
            options={
                'verbose_name': 'segmentation stage row',
                'verbose_name_plural': 'segmentation stage rows',
            },
        ),
        migrations.RunPython(unlogged, migrations.RunPython.noop),
    ]
