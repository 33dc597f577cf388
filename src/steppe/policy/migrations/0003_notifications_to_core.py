# The batch run's notices move to core.Notification (the one inbox): to the enterprise's
# organisation, about the enterprise, with the run and trace in `data`; then the old table goes.

from django.db import migrations

TITLES = {
    ("newly_qualifies", "tsme"): "科技型中小企业：新符合条件",
    ("about_to_lose", "tsme"): "科技型中小企业：即将失去资格",
    ("newly_qualifies", "hte"): "高新技术企业：新符合条件",
    ("about_to_lose", "hte"): "高新技术企业：即将失去资格",
}


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("policy", "Notification")
    New = apps.get_model("core", "Notification")
    batch = []
    rows = Old.objects.values(
        "enterprise_id", "enterprise__unit_id", "enterprise__public_id", "run_id", "kind", "policy",
        "message", "trace", "created_at", "read_at",
    )
    for r in rows.iterator(chunk_size=2000):
        batch.append(
            New(
                organisation_id=r["enterprise__unit_id"],
                kind=r["kind"],
                title=TITLES.get((r["kind"], r["policy"]), r["policy"]),
                body=r["message"],
                url=f"/policy/enterprises/{r['enterprise__public_id']}/",
                subject=f"policy.enterprise:{r['enterprise_id']}",
                data={"policy": r["policy"], "run": r["run_id"], "trace": r["trace"]},
                created_at=r["created_at"],
                read_at=r["read_at"],
            )
        )
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    Old = apps.get_model("policy", "Notification")
    New = apps.get_model("core", "Notification")
    for n in New.objects.filter(subject__startswith="policy.enterprise:").iterator():
        Old.objects.create(
            enterprise_id=int(n.subject.split(":")[1]),
            run_id=n.data.get("run"),
            kind=n.kind,
            policy=n.data.get("policy", ""),
            message=n.body,
            trace=n.data.get("trace") or {},
            created_at=n.created_at,
            read_at=n.read_at,
        )
    New.objects.filter(subject__startswith="policy.enterprise:").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_notification'),
        ('policy', '0002_alter_policyrun_status'),
        # supervision's notices keep their ids (its reminder claims point at them): copy them first
        ('supervision', '0005_notifications_to_core'),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
