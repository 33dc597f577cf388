"""Supervision data: milestones, progress rounds and reports, notifications, 揭榜挂帅 challenges.

Invariants live here (constraints, ``clean``); every write that spans models is in services.py.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .status import REPORT_STATUS_LABELS, ReportStatus

PERIOD_RE = re.compile(r"^(?P<year>20\d\d)-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))$")
PERIOD_HELP = "季度写作 2026-Q4，月份写作 2026-11"


def validate_period(value: str) -> None:
    if not PERIOD_RE.match(value or ""):
        raise ValidationError(f"period: “{value}” 不是有效的调度周期（{PERIOD_HELP}）")


def evidence_path(instance, filename: str) -> str:
    return f"supervision/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex[:12]}-{filename}"


# ---------------------------------------------------------------- milestones


class Milestone(models.Model):
    """A checkpoint of a measure, kept by its lead unit."""

    measure = models.ForeignKey("plans.Measure", on_delete=models.CASCADE, related_name="milestones")
    unit = models.ForeignKey(
        "core.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
        help_text="The lead unit that keeps this milestone",
    )
    seq = models.PositiveSmallIntegerField(default=1)
    deliverable = models.CharField("成果/交付物", max_length=300)
    evidence_required = models.TextField("佐证材料要求", blank=True)
    planned_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    evidence_note = models.TextField("完成情况与佐证说明", blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure_id", "planned_on", "seq", "id"]
        # used by the reminder command: open milestones by planned date
        indexes = [models.Index(fields=["done_on", "planned_on"])]

    def __str__(self):
        return f"{self.measure.code} #{self.seq} {self.deliverable}"


class BaselineMilestone(models.Model):
    """A frozen copy of a measure's first approved milestone set, to compare planned and actual dates."""

    measure = models.ForeignKey("plans.Measure", on_delete=models.CASCADE, related_name="baseline_milestones")
    milestone = models.ForeignKey(Milestone, null=True, on_delete=models.SET_NULL, related_name="baselines")
    seq = models.PositiveSmallIntegerField()
    deliverable = models.CharField(max_length=300)
    planned_on = models.DateField()
    frozen_at = models.DateTimeField(default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["measure_id", "planned_on", "seq"]

    def __str__(self):
        return f"基线 #{self.seq} {self.deliverable} {self.planned_on}"


# ---------------------------------------------------------------- progress rounds


class ProgressRound(models.Model):
    """定期调度: one round of progress reporting (a month or a quarter) with a due date."""

    period = models.CharField(max_length=7, unique=True, validators=[validate_period], help_text=PERIOD_HELP)
    due_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-id"]

    def __str__(self):
        return self.period

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ProgressReport(models.Model):
    """One lead unit's report on one measure, in a round (or on its own, via the API)."""

    class State(models.TextChoices):
        DRAFT = "draft", "待填报"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已审核通过"

    round = models.ForeignKey(
        ProgressRound, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    measure = models.ForeignKey("plans.Measure", on_delete=models.CASCADE, related_name="progress_reports")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="progress_reports")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    status = models.CharField(
        max_length=12,
        choices=[(s.value, label) for s, label in REPORT_STATUS_LABELS.items()],
        default=ReportStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done = models.TextField("本期完成情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下一步工作", blank=True)
    version = models.PositiveSmallIntegerField(default=0)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure_id", "unit_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "measure", "unit"],
                condition=Q(round__isnull=False),
                name="sup_report_one_per_round",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="sup_report_progress_le_100"),
        ]
        # used by the latest-report lookup per measure and unit (status, pre-fill)
        indexes = [models.Index(fields=["measure", "unit", "submitted_at"])]

    def __str__(self):
        return f"{self.round or '—'} {self.measure.code} {self.unit}"

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class ReportVersion(models.Model):
    """Each submission of a report, kept so a resubmission never loses what was said before."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12)
    progress = models.PositiveSmallIntegerField()
    done = models.TextField(blank=True)
    problems = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, blank=True, help_text="accepted / returned, once reviewed")
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="sup_report_version_unique")]

    def __str__(self):
        return f"{self.report} v{self.number}"


class Evidence(models.Model):
    """An evidence file attached to a milestone, a report, or a challenge milestone."""

    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(max_length=200)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    commitment_milestone = models.ForeignKey(
        "CommitmentMilestone", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- notifications


class Notification(models.Model):
    """The in-app inbox. A reminder's ``key`` is unique so the reminder command claims it once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "到期提醒"
        URGE = "urge", "催办"
        NOTICE = "notice", "通报"
        REVIEW = "review", "审核结果"
        INFO = "info", "消息"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # used by the inbox: a user's unread notifications
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class ReminderClaim(models.Model):
    """One reminder, 催办 or 通报 item claimed for one recipient: kind, object, owner, due date, recipient.

    The unique key makes ``steppe supervise remind`` idempotent: a rerun finds the claim and sends nothing.
    """

    key = models.CharField(max_length=255, unique=True)
    notification = models.ForeignKey(
        Notification, null=True, on_delete=models.SET_NULL, related_name="claims"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key


# ---------------------------------------------------------------- 揭榜挂帅


class Challenge(models.Model):
    """榜单: a problem with quantified technical targets, a budget, a deadline and who may apply."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "张榜中"
        REVIEWING = "reviewing", "评审中"
        IN_PROGRESS = "in_progress", "攻关中"
        COMPLETED = "completed", "已验收"
        FAILED = "failed", "未通过/终止"

    code = models.SlugField(max_length=40, unique=True, help_text="Public identifier, e.g. JB-2026-01")
    title = models.CharField("榜单名称", max_length=200)
    problem = models.TextField("技术难题")
    budget = models.DecimalField("支持经费（万元）", max_digits=12, decimal_places=2)
    deadline = models.DateField("揭榜截止日期")
    eligible_kinds = models.JSONField(
        "揭榜主体类型",
        default=list,
        help_text='Unit kinds that may apply, e.g. ["enterprise", "institution"]',
    )
    eligible_region_prefix = models.CharField(
        "注册地区划前缀", max_length=6, blank=True, help_text="e.g. 15 = Inner Mongolia; empty = anywhere"
    )
    eligibility_note = models.TextField("其他揭榜条件", blank=True)
    max_teams = models.PositiveSmallIntegerField(
        "最多立项团队数", default=1, help_text=">1 runs teams in parallel (赛马)"
    )
    measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="challenges_to_review"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="sup_challenge_budget_positive"),
            models.CheckConstraint(condition=Q(max_teams__gte=1), name="sup_challenge_max_teams_ge_1"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class ChallengeTarget(models.Model):
    """A quantified technical target of a challenge, checked at final acceptance."""

    class Comparison(models.TextChoices):
        GE = ">=", "≥"
        LE = "<=", "≤"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="targets")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True)
    comparison = models.CharField(max_length=2, choices=Comparison.choices, default=Comparison.GE)
    value = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["challenge_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "code"], name="sup_challenge_target_code")
        ]

    def __str__(self):
        return f"{self.name} {self.comparison} {self.value}{self.unit}"

    def met_by(self, achieved) -> bool:
        return achieved >= self.value if self.comparison == self.Comparison.GE else achieved <= self.value


class Application(models.Model):
    """揭榜: an enterprise or institution's proposal for a challenge."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已揭榜"
        SELECTED = "selected", "已入选"
        NOT_SELECTED = "not_selected", "未入选"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="applications")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="challenge_applications")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    proposal = models.TextField("攻关方案")
    requested_budget = models.DecimalField("申请经费（万元）", max_digits=12, decimal_places=2)
    eligibility = models.JSONField(default=list, help_text="The eligibility checks passed at submission")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)

    class Meta:
        ordering = ["challenge_id", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "unit"], name="sup_application_one_per_unit")
        ]

    def __str__(self):
        return f"{self.challenge.code} · {self.unit}"


class ExpertReview(models.Model):
    """An expert's score of an application, with a conflict-of-interest declaration."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_reviews"
    )
    conflict = models.BooleanField("存在利益冲突", default=False)
    conflict_note = models.TextField(blank=True)
    score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="sup_review_one_per_expert"),
            # an expert who declared a conflict cannot score
            models.CheckConstraint(
                condition=Q(conflict=False) | Q(score__isnull=True), name="sup_review_conflict_no_score"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="sup_review_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.expert}"


class Commitment(models.Model):
    """军令状: the selected team's signed pledge - targets, milestones and funding tranches."""

    class State(models.TextChoices):
        DRAFT = "draft", "待签署"
        ACTIVE = "active", "执行中"
        TERMINATED = "terminated", "已终止"
        FAILED = "failed", "验收未通过"
        COMPLETED = "completed", "已通过验收"

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="commitment")
    targets = models.JSONField(default=list, help_text="The challenge's targets as pledged")
    total_budget = models.DecimalField(max_digits=12, decimal_places=2)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    achieved = models.JSONField(null=True, blank=True, help_text="Values measured at final acceptance")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application__challenge_id", "id"]

    def __str__(self):
        return f"军令状 {self.application}"

    @property
    def challenge(self) -> Challenge:
        return self.application.challenge


class CommitmentMilestone(models.Model):
    """A milestone of a commitment; accepting it releases its tranche."""

    class State(models.TextChoices):
        PENDING = "pending", "未到期"
        SUBMITTED = "submitted", "已提交验收"
        ACCEPTED = "accepted", "已通过"
        FAILED = "failed", "未通过"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField()
    deliverable = models.CharField(max_length=300)
    planned_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    evidence_note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["commitment_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "seq"], name="sup_commitment_milestone_seq")
        ]

    def __str__(self):
        return f"#{self.seq} {self.deliverable}"


class Tranche(models.Model):
    """A payment of a commitment: seq 0 on signing, seq n after milestone n is accepted."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="tranches")
    seq = models.PositiveSmallIntegerField()
    amount = models.DecimalField("金额（万元）", max_digits=12, decimal_places=2)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["commitment_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "seq"], name="sup_tranche_seq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sup_tranche_amount_positive"),
        ]

    def __str__(self):
        return f"第 {self.seq} 笔 {self.amount} 万元"
