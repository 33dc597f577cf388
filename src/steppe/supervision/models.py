"""Supervision data: milestones, progress rounds and reports, evidence files, notifications.

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
        "core.Organisation",
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


class ReportBase(models.Model):
    """What a measure's progress report and a qualitative target's report share: the review workflow
    (draft → submitted → accepted or returned), its versions, who submitted and reviewed it and when.
    Abstract: each keeps its own table (the columns were the same before; no schema change)."""

    class State(models.TextChoices):
        DRAFT = "draft", "待填报"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已审核通过"

    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
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
        abstract = True

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class ProgressReport(ReportBase):
    """One lead unit's report on one measure, in a round (or on its own, via the API)."""

    round = models.ForeignKey(
        ProgressRound, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    measure = models.ForeignKey("plans.Measure", on_delete=models.CASCADE, related_name="progress_reports")
    unit = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="progress_reports")
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

    class Meta(ReportBase.Meta):
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


class TargetReport(ReportBase):
    """A lead unit's report on a qualitative target of the plan (Q1–Q6: 区域科技创新体系全面完善 …) in a round:
    a narrative and a status in the unit's words. Created by ``services.round_open`` for every active
    target with lead units; a blank form (no status or no narrative) cannot be submitted."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "尚未启动"
        ADVANCING = "advancing", "稳步推进"
        PROBLEMS = "problems", "存在困难"
        ACHIEVED = "achieved", "基本实现"

    round = models.ForeignKey(ProgressRound, on_delete=models.CASCADE, related_name="target_reports")
    target = models.ForeignKey("plans.Target", on_delete=models.CASCADE, related_name="progress_reports")
    unit = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="target_reports")
    status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    narrative = models.TextField("进展情况", blank=True)

    class Meta(ReportBase.Meta):
        ordering = ["target_id", "unit_id", "-round__due_on"]
        constraints = [
            models.UniqueConstraint(fields=["round", "target", "unit"], name="sup_target_report_one_per_round"),
            # a submitted (or reviewed) report has its status and its narrative: a blank form never counts
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned"]) | (~Q(status="") & ~Q(narrative="")),
                name="sup_target_report_submitted_not_blank",
            ),
        ]

    def __str__(self):
        return f"{self.round} {self.target.code} {self.unit}"


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
    """An evidence file attached to a milestone or a report (or, through their own link, to what higher apps
    keep: 揭榜挂帅 milestones link theirs in steppe.challenges)."""

    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(max_length=200)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
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


# The inbox is core.Notification (one for every app).


class ReminderClaim(models.Model):
    """One reminder, 催办 or 通报 item claimed for one recipient: kind, object, owner, due date, recipient.

    The unique key makes ``steppe supervise remind`` idempotent: a rerun finds the claim and sends nothing.
    """

    key = models.CharField(max_length=255, unique=True)
    notification = models.ForeignKey(
        "core.Notification", null=True, on_delete=models.SET_NULL, related_name="claims"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key
