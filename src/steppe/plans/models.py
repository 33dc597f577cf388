from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steppe.core.models import Region, Unit

TARGET_KIND_CHOICES = [
    ("level", _("达到水平")),
    ("amount", _("总量")),
    ("threshold", _("突破")),
    ("avg_growth", _("年均增长")),
    ("multiple", _("倍增")),
    ("share", _("占比")),
    ("qualitative", _("定性/位次")),
]

MEASURE_TYPE_CHOICES = [
    ("mechanism", _("机制政策")),
    ("project", _("项目载体")),
    ("register", _("建设清单")),
    ("recurring", _("常态化工作")),
    ("one_off", _("一次性任务")),
]
FREQUENCY_CHOICES = [
    ("per_round", _("每轮调度")),
    ("monthly", _("每月")),
    ("quarterly", _("每季度")),
    ("half_yearly", _("每半年")),
    ("yearly", _("每年")),
]


class Plan(models.Model):
    """An S&T plan loaded from its YAML file; `versions` keeps every file loaded."""

    code = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=120, blank=True)
    issuers = models.JSONField(default=list)
    document_number = models.CharField(max_length=120, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    period_start = models.PositiveSmallIntegerField()
    period_end = models.PositiveSmallIntegerField()
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=16, default="zh-hans")
    format = models.PositiveSmallIntegerField(default=1, help_text="the format of the file last loaded")
    lead_departments = models.JSONField(default=list, blank=True, help_text="牵头部门 named by the plan text")
    lead_departments_clause = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"),
        ]

    def __str__(self):
        return self.short_title or self.title

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.TextField(help_text="the YAML file as loaded")
    source_path = models.CharField(max_length=500, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changes = models.JSONField(default=dict, help_text="what this version added, changed and retired")

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self):
        return f"{self.plan.code} v{self.number}"


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    indicator = models.CharField(max_length=80, help_text="indicator code in the statistics dictionary")
    kind = models.CharField(max_length=16, choices=TARGET_KIND_CHOICES)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="targets")
    unit = models.CharField(max_length=20, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    baseline_from_statistics = models.BooleanField(default=False)
    target_year = models.PositiveSmallIntegerField()
    target_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    comparison = models.CharField(max_length=2, default=">=", choices=[(">=", "≥"), (">", ">")])
    statement = models.CharField(max_length=300, blank=True)
    clause = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="false once a later version of the plan dropped it")
    # format 2: compared also with peers (全国中游水平: the provinces' values, reach the median)
    peer_scope = models.CharField(max_length=16, blank=True)
    peer_reach = models.CharField(max_length=16, blank=True)
    lead_units = models.ManyToManyField(Unit, blank=True, related_name="led_targets",
                                        help_text="who reports on this target in each round (qualitative goals)")

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan")]

    def __str__(self):
        return self.name


class Action(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action", _("行动")
        SAFEGUARD = "safeguard", _("保障")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTION)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True, help_text="the English title (the plan file's title_en)")
    summary = models.TextField(blank=True)
    clause = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="action_code_unique_in_plan")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Measure(models.Model):
    """A commitment of the plan; `type` says what kind of work it is (docs/plan-format.md)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True, help_text="the English title (the plan file's title_en)")
    clause = models.TextField(blank=True)
    due_on = models.DateField()
    indicators = models.JSONField(default=list)
    tags = models.JSONField(default=list)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    units = models.ManyToManyField(Unit, through="MeasureUnit", related_name="measures")
    type = models.CharField(max_length=12, choices=MEASURE_TYPE_CHOICES, blank=True)
    frequency = models.CharField(max_length=12, choices=FREQUENCY_CHOICES, blank=True)
    targets = models.ManyToManyField(Target, blank=True, related_name="measures",
                                     help_text="the targets this measure drives (the plan file's links)")

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="measure_code_unique_in_plan")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def lead_units(self):
        return [mu.unit for mu in self.unit_links.all() if mu.role == MeasureUnit.Role.LEAD]

    def cooperating_units(self):
        return [mu.unit for mu in self.unit_links.all() if mu.role == MeasureUnit.Role.COOPERATING]


class MeasureUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        COOPERATING = "cooperating", _("配合")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="measure_links")
    role = models.CharField(max_length=12, choices=Role.choices)
    inferred = models.BooleanField(default=False, help_text="the plan text does not name this unit; it is implied")
    basis = models.CharField(max_length=20, default="clause",
                             help_text="clause: named by the measure's words; lead_departments: the plan's lead "
                                       "departments; inferred: implied by remit")

    class Meta:
        ordering = ["measure", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "unit", "role"], name="measure_unit_role_unique")]

    def __str__(self):
        return f"{self.measure.code} {self.get_role_display()} {self.unit}"


class LeagueTarget(models.Model):
    """分解下达: a league's share of a regional target, set by the department (never invented).

    ``value`` is in the unit of the regional target's value: 亿元 for amounts, % for levels and
    shares, % a year for growth, a factor for doubling, 家 for counts. ``source`` says where it
    comes from (a document of the league or the department; "示例" marks an example).
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="league_targets")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="league_targets")
    value = models.DecimalField(max_digits=20, decimal_places=6)
    source = models.CharField(max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target", "region"]
        constraints = [models.UniqueConstraint(fields=["target", "region"], name="league_target_unique")]

    def __str__(self):
        return f"{self.target.code} {self.region.name} = {self.value}"
