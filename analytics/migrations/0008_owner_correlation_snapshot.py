"""The correlation of each owner's customers, kept nightly (DOMAIN §10.4, issue 11): a sales rep's correlation page
reads it instead of every own customer's orders, profile and figures."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0007_product_first_sale'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerCorrelationSnapshot',
            fields=[
                ('owner', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('through', models.DateField(verbose_name='as of')),
                ('customers', models.PositiveIntegerField(verbose_name='customers')),
                ('matrices', models.JSONField(verbose_name='coefficients')),
            ],
            options={
                'verbose_name': 'correlation snapshot of an owner',
                'verbose_name_plural': 'correlation snapshots of owners',
            },
        ),
    ]
