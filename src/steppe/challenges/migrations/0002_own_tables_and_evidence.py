from django.db import migrations, models

MODELS = ["challenge", "challengetarget", "application", "expertreview", "commitment", "commitmentmilestone", "tranche"]


def move_records(apps, schema_editor):
    """Evidence of 军令状 milestones moves from supervision's foreign key to this app's link; audit
    entries and content types follow the models to their new app label (nothing is lost)."""
    Evidence = apps.get_model("supervision", "Evidence")
    Link = apps.get_model("challenges", "CommitmentMilestone").evidence.through
    Link.objects.bulk_create(
        Link(commitmentmilestone_id=ms_id, evidence_id=ev_id)
        for ev_id, ms_id in Evidence.objects.filter(commitment_milestone__isnull=False).values_list(
            "pk", "commitment_milestone_id"
        )
    )
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        AuditEntry.objects.filter(object_type=f"supervision.{model}").update(object_type=f"challenges.{model}")
        if not ContentType.objects.filter(app_label="challenges", model=model).exists():
            ContentType.objects.filter(app_label="supervision", model=model).update(app_label="challenges")


def move_records_back(apps, schema_editor):
    Evidence = apps.get_model("supervision", "Evidence")
    Link = apps.get_model("challenges", "CommitmentMilestone").evidence.through
    for link in Link.objects.all():
        Evidence.objects.filter(pk=link.evidence_id).update(commitment_milestone_id=link.commitmentmilestone_id)
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        AuditEntry.objects.filter(object_type=f"challenges.{model}").update(object_type=f"supervision.{model}")
        if not ContentType.objects.filter(app_label="supervision", model=model).exists():
            ContentType.objects.filter(app_label="challenges", model=model).update(app_label="supervision")


class Migration(migrations.Migration):
    """The tables take this app's name (rows kept), and evidence files of 军令状 milestones are linked
    from here, so supervision's Evidence no longer points up to this app."""

    dependencies = [
        ("challenges", "0001_initial"),
        ("supervision", "0003_challenges_move_out"),
        ("core", "0002_translated_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MODELS],
        migrations.AddField(
            model_name="commitmentmilestone",
            name="evidence",
            field=models.ManyToManyField(blank=True, related_name="+", to="supervision.evidence"),
        ),
        migrations.RunPython(move_records, move_records_back),
    ]
