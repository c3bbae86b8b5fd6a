"""The first sale day of each product (DOMAIN §10.6, issue 11): the behaviour page reads which products are new from
these few rows, kept with the monthly sums, instead of every order line up to the window."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0006_segmentation_stage'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductFirstSale',
            fields=[
                ('product', models.CharField(max_length=120, primary_key=True, serialize=False, verbose_name='product')),
                ('first_sold_on', models.DateField(verbose_name='first sold on')),
            ],
            options={
                'verbose_name': 'first sale of a product',
                'verbose_name_plural': 'first sales of products',
            },
        ),
    ]
