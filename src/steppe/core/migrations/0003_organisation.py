"""Unit grows into Organisation (issue 11): same table rows, a credit code, a status, members with
an organisation role. Kinds follow the sign-up vocabulary: `agency` is now a service agency (it was
`broker`), government bodies (department, bureaus, the old `agency`) are `government`."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import steppe.core.credit_code

KIND_FORWARD = {"agency": "government", "department": "government", "bureau": "government", "broker": "agency"}
KIND_BACKWARD = {"agency": "broker", "government": "agency"}
ADMIN_KINDS = ("enterprise", "institution", "agency", "bank")


def kinds_forward(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    for old, new in KIND_FORWARD.items():
        Organisation.objects.filter(kind=old).update(kind=new)


def first_members_admin(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    User = apps.get_model("core", "User")
    # someone must be able to invite colleagues: the earliest active member of each outside organisation
    for org_id in Organisation.objects.filter(kind__in=ADMIN_KINDS).values_list("pk", flat=True):
        first = User.objects.filter(unit_id=org_id, is_active=True).order_by("date_joined", "pk").first()
        if first is not None:
            User.objects.filter(pk=first.pk).update(org_role="admin")


def kinds_backward(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    for new, old in KIND_BACKWARD.items():
        Organisation.objects.filter(kind=new).update(kind=old)


class Migration(migrations.Migration):

    # Migrations that name 'core.unit' must run before the rename (each app then points its foreign
    # keys at core.organisation in a migration of its own that depends on this one).
    dependencies = [
        ("core", "0002_translated_choices"),
        ("plans", "0003_format_2"),
        ("policy", "0002_alter_policyrun_status"),
        ("supervision", "0004_remove_evidence_commitment_milestone"),
        ("challenges", "0002_own_tables_and_evidence"),
        ("transfer", "0003_contract_fingerprint_unique"),
    ]

    operations = [
        migrations.RenameModel("Unit", "Organisation"),
        migrations.AlterModelOptions(name="organisation", options={"ordering": ["name"], "verbose_name": "单位"}),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[("enterprise", "企业"), ("institution", "高校院所"), ("agency", "服务机构"), ("bank", "银行"),
                         ("government", "政府部门"), ("other", "其他"), ("department", "主管部门"),
                         ("bureau", "盟市科技局"), ("broker", "服务机构")],
                default="government", max_length=16, verbose_name="单位类型",
            ),
        ),
        migrations.RunPython(kinds_forward, kinds_backward),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[("enterprise", "企业"), ("institution", "高校院所"), ("agency", "服务机构"), ("bank", "银行"),
                         ("government", "政府部门"), ("other", "其他")],
                default="government", max_length=16, verbose_name="单位类型",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name",
            field=models.CharField(db_index=True, max_length=200, verbose_name="单位名称"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="region",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="units", to="core.region", verbose_name="所在地区"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="credit_code",
            field=models.CharField(blank=True, default="", max_length=18,
                                   validators=[steppe.core.credit_code.validate_credit_code],
                                   verbose_name="统一社会信用代码"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="status",
            field=models.CharField(choices=[("pending", "待审核"), ("active", "已确认"), ("refused", "未通过")],
                                   default="active", max_length=16, verbose_name="状态"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="refusal_reason",
            field=models.TextField(blank=True, verbose_name="未通过理由"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="decided_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="organisation",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(condition=models.Q(("credit_code", ""), _negated=True),
                                               fields=("credit_code",), name="organisation_credit_code_unique"),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(condition=models.Q(("status__in", ["pending", "active", "refused"])),
                                              name="organisation_status_known"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["status", "created_at"], name="organisation_status_idx"),
        ),
        migrations.AddField(
            model_name="user",
            name="org_role",
            field=models.CharField(choices=[("admin", "单位管理员"), ("member", "成员")], default="member",
                                   max_length=16, verbose_name="单位内角色"),
        ),
        migrations.AddField(
            model_name="user",
            name="email_confirmed",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="user",
            name="unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="users", to="core.organisation", verbose_name="所属单位"),
        ),
        migrations.RunPython(first_members_admin, migrations.RunPython.noop),
    ]
