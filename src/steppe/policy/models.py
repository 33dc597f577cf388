"""Enterprise register (一企一档), annual data, and the results of the policy batch run.

Amounts are in 万元 (Decimal), head counts are annual averages.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from steppe.core.cache import RetiringQuerySet

# the one credit-code checker lives in core; its names stay importable from here for this app's
# migrations and callers
from steppe.core.credit_code import (  # noqa: F401
    CREDIT_CODE_CHARS,
    ERR_CREDIT_CODE,
    credit_code_check_char,
    validate_credit_code,
)
from steppe.core.models import Region, Unit

from .cache import counts_changed


class CountsQuerySet(RetiringQuerySet):
    """Writes that bypass save() and its signals still retire the cached enterprise counts (cache.py);
    a run's progress (done of total) is not counted: chunk by chunk it retires nothing."""

    uncounted = frozenset({"done", "total"})
    changed = staticmethod(counts_changed)


class Enterprise(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="enterprises", help_text="county"
    )
    industry = models.CharField("主营行业 GB/T 4754-2017", max_length=5, blank=True)
    registered_on = models.DateField("成立日期")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
        help_text="its own account",
    )
    hte_certificate_issued_on = models.DateField("高新技术企业证书颁发日期", null=True, blank=True)
    hte_certificate_number = models.CharField(max_length=40, blank=True)
    tsme_registration_number = models.CharField("科技型中小企业入库登记编号", max_length=24, blank=True)
    hightech_field = models.CharField(max_length=16, blank=True)
    ic_or_machine_tool = models.BooleanField(default=False)
    taxed_on_actual_accounts = models.BooleanField(default=True)
    innovation_score_official = models.DecimalField(
        "创新积分 (issued by 科技部/工信部 systems)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    synthetic = models.BooleanField(default=False, help_text="generated for benchmarks")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CountsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # league filter of the bureau list: region__code__startswith; the register's list reads its
        # first page in name order (100,000 enterprises sorted: 68 ms)
        indexes = [models.Index(fields=["region"]), models.Index(fields=["name", "id"], name="policy_enterprise_name")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.region_id and self.region.level != "county":
            raise ValidationError({"region": "须为旗县区 (county) must be a county"})
        n = self.tsme_registration_number
        if n and (len(n) < 11 or not n[:10].isdigit() or n[10] not in "0AB"):
            raise ValidationError({"tsme_registration_number": "4 位年份 + 6 位地区 + 第 11 位 0/A/B"})

    @property
    def tsme_number_year(self) -> int | None:
        n = self.tsme_registration_number
        return int(n[:4]) if len(n) >= 11 and n[:4].isdigit() else None

    @property
    def tsme_number_code(self) -> str | None:
        """The 11th character: 0, A or B (国科发火〔2018〕11号)."""
        n = self.tsme_registration_number
        return n[10] if len(n) >= 11 else None

    @property
    def league_code(self) -> str:
        return self.region.league_code or self.region.code


class ComplianceEvent(models.Model):
    class Kind(models.TextChoices):
        ACCIDENT = "accident", "重大安全、质量事故"
        ENVIRONMENT = "environment", "严重环境违法"
        MISCONDUCT = "misconduct", "科研严重失信"
        ABNORMAL = "abnormal", "列入经营异常名录"
        SERIOUS_VIOLATION = "serious_violation", "严重违法失信企业名单"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="compliance_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self):
        return f"{self.enterprise_id} {self.kind} {self.occurred_on}"


def _amount(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0)


class EnterpriseYear(models.Model):
    """Annual data of one enterprise; amounts in 万元."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField()
    employees = models.DecimalField("职工总数", max_digits=9, decimal_places=1, default=0)
    tech_staff = models.DecimalField("科技人员", max_digits=9, decimal_places=1, default=0)
    revenue = _amount("销售收入")
    income_total = _amount("收入总额")
    non_taxable_income = _amount("不征税收入")
    investment_income = _amount("投资收益")
    income_by_industry = models.JSONField("分行业主营业务收入", default=dict, blank=True)
    total_costs = _amount("成本费用支出总额")
    total_assets = _amount("资产总额")
    net_assets = _amount("净资产")
    hightech_revenue = _amount("高新技术产品(服务)收入")
    rd_expense = _amount("研发费用")
    rd_expense_in_china = _amount("境内研发费用")
    ip_class_i = models.PositiveIntegerField("Ⅰ类知识产权", default=0)
    ip_class_ii = models.PositiveIntegerField("Ⅱ类知识产权", default=0)
    conversions = models.PositiveIntegerField("科技成果转化", default=0)
    tech_transfer_income = _amount("技术转让所得")
    taxable_income = _amount("应纳税所得额")

    class Meta:
        ordering = ["enterprise", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="policy_enterpriseyear_unique"),
            models.CheckConstraint(
                condition=models.Q(tech_staff__lte=models.F("employees")), name="policy_staff_le_employees"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class RdProject(models.Model):
    enterprise_year = models.ForeignKey(EnterpriseYear, on_delete=models.CASCADE, related_name="rd_projects")
    name = models.CharField(max_length=200)
    five_items = _amount("前五项费用")
    other_related = _amount("其他相关费用")
    capitalized = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class InnovationModel(models.Model):
    """A configurable innovation-points (创新积分) model; the active one is used by the batch run."""

    name = models.CharField(max_length=100, unique=True)
    weights = models.JSONField(help_text="indicator -> weight; see steppe.policy.innovation.DEFAULT_WEIGHTS")
    white_list_threshold = models.DecimalField(max_digits=5, decimal_places=1, default=70)
    active = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class PolicyRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    parameters = models.JSONField(
        default=list, blank=True, help_text="the rules' parameter trace for this year"
    )

    objects = CountsQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"run {self.pk} ({self.year})"


class PolicyResult(models.Model):
    """One enterprise-year's results; `trace` holds each rule's value (parameters in the run)."""

    run = models.ForeignKey(PolicyRun, on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_results")
    year = models.PositiveSmallIntegerField()
    tsme_eligible = models.BooleanField()
    tsme_score = models.PositiveSmallIntegerField()
    hte_eligibility = models.SmallIntegerField(help_text="1 yes, 0 no, -1 depends on the expert score")
    hte_failed = models.JSONField(default=list)
    sd_amount = models.FloatField()
    value_total = models.FloatField(help_text="estimated value of all policies, 万元")
    innovation_points = models.FloatField()
    white_list = models.BooleanField(default=False)
    trace = models.JSONField(default=dict)

    objects = CountsQuerySet.as_manager()

    class Meta:
        # queries.enterprise_counts_by_region_year and the white list filter by (year, ...)
        indexes = [models.Index(fields=["year", "enterprise"]), models.Index(fields=["year", "white_list"])]

    def __str__(self):
        return f"{self.enterprise_id} {self.year}"


def enterprise_subject(pk: int) -> str:
    """What an enterprise's notices (core.Notification) are about: its file lists them."""
    return f"policy.enterprise:{pk}"
