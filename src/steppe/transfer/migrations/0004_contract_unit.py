import django.db.models.deletion
from django.db import migrations, models


def units_from_registrants(apps, schema_editor):
    """A contract belongs to the organisation its registrant was a member of."""
    Contract = apps.get_model("transfer", "Contract")
    for contract in Contract.objects.filter(registered_by__unit__isnull=False).select_related("registered_by"):
        Contract.objects.filter(pk=contract.pk).update(unit_id=contract.registered_by.unit_id)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_organisation'),
        ('transfer', '0003_contract_fingerprint_unique'),
    ]

    operations = [
        migrations.AddField(
            model_name='contract',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation'),
        ),
        migrations.RunPython(units_from_registrants, migrations.RunPython.noop),
    ]
