from django.db import migrations


class Migration(migrations.Migration):
    """Evidence of 军令状 milestones is linked from steppe.challenges now (challenges 0002 copied it)."""

    dependencies = [
        ("supervision", "0003_challenges_move_out"),
        ("challenges", "0002_own_tables_and_evidence"),
    ]

    operations = [
        migrations.RemoveField(model_name="evidence", name="commitment_milestone"),
    ]
