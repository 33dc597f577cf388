# The inbox moves to core.Notification (one for every app). Every notice is copied with its id,
# so the reminder claims keep pointing at the same notices; then the old table goes.

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

FIELDS = ["id", "recipient_id", "kind", "title", "body", "url", "key", "created_at", "emailed_at", "read_at"]


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("supervision", "Notification")
    New = apps.get_model("core", "Notification")
    batch = []
    for row in Old.objects.values(*FIELDS).iterator(chunk_size=2000):
        batch.append(New(**row))
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    connection = schema_editor.connection
    with connection.cursor() as cursor:  # explicit ids: move the sequence past them (PostgreSQL)
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


def copy_back(apps, schema_editor):
    Old = apps.get_model("supervision", "Notification")
    New = apps.get_model("core", "Notification")
    Old.objects.bulk_create(
        Old(**row) for row in New.objects.filter(recipient__isnull=False, subject="").values(*FIELDS)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_notification'),
        ('supervision', '0004_remove_evidence_commitment_milestone'),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.RemoveIndex(
            model_name='notification',
            name='supervision_recipie_514b32_idx',
        ),
        migrations.AlterField(
            model_name='reminderclaim',
            name='notification',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='claims', to='core.notification'),
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
