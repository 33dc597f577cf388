"""揭榜挂帅 (open competition): challenges, applications, expert review, 军令状 (commitments), tranches.

Invariants live here (constraints, ``clean``); every write that spans models is in services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
    unit = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="challenge_applications")
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
    evidence = models.ManyToManyField("supervision.Evidence", blank=True, related_name="+")

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
