"""Sections are read through a descriptor that gives a blank row when none is stored yet: a Python-only change,
so the state changes and the database keeps its constraints as they are."""

import customers.models
import django.db.models.deletion
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0007_slimmer_customer_write_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.AlterField(
            model_name='basicsection',
            name='customer',
            field=customers.models.SectionField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='basic', serialize=False, to='customers.customer'),
        ),
        migrations.AlterField(
            model_name='characteristicssection',
            name='customer',
            field=customers.models.SectionField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='characteristics', serialize=False, to='customers.customer'),
        ),
        migrations.AlterField(
            model_name='operatingstatussection',
            name='customer',
            field=customers.models.SectionField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='operating_status', serialize=False, to='customers.customer'),
        ),
        migrations.AlterField(
            model_name='salesstatussection',
            name='customer',
            field=customers.models.SectionField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='sales_status', serialize=False, to='customers.customer'),
        ),
                ],
        ),
    ]
