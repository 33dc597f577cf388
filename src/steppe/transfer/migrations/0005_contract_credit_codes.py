from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('transfer', '0004_contract_unit'),
    ]

    operations = [
        migrations.AddField(
            model_name='contract',
            name='buyer_credit_code',
            field=models.CharField(blank=True, db_index=True, max_length=18, verbose_name='买方统一社会信用代码'),
        ),
        migrations.AddField(
            model_name='contract',
            name='seller_credit_code',
            field=models.CharField(blank=True, db_index=True, max_length=18, verbose_name='卖方统一社会信用代码'),
        ),
    ]
