"""Statistics: the indicator dictionary, observations with their sources, and the imports that brought them.

Invariants
- An observation is never overwritten: a new value for the same region, indicator, year and
  source adds a new version and clears ``is_current`` on the older one (history kept).
- Two sources for the same region, indicator and year are both kept; which one a page uses is
  decided in one place, ``queries.preferred`` (documented in docs/statistics.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steppe.core.models import Region


class Indicator(models.Model):
    class Periodicity(models.TextChoices):
        ANNUAL = "annual", "年度"
        HALF_YEAR = "half_year", "半年"
        YTD = "ytd", "年初至今"
        STOCK = "stock", "时点存量"
        POINT = "point", "年内时点(非年度值)"

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=160, blank=True)
    unit = models.CharField(max_length=20)
    category = models.CharField(max_length=20, blank=True)
    definition = models.TextField(blank=True, help_text="口径")
    definition_version = models.CharField(max_length=60, blank=True)
    direction = models.SmallIntegerField(
        default=1, help_text="1 higher is better, -1 lower is better, 0 neutral"
    )
    periodicity = models.CharField(max_length=12, choices=Periodicity.choices, default=Periodicity.ANNUAL)
    formula = models.CharField(
        max_length=300, blank=True, help_text="derived indicators: a formula over other codes"
    )
    plan_target = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=[-1, 0, 1]), name="indicator_direction_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})"


class Source(models.Model):
    """Where a value was published: title, URL, publication date."""

    title = models.CharField(max_length=400)
    url = models.CharField(max_length=600, blank=True)
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [models.UniqueConstraint(fields=["title", "url"], name="source_title_url_unique")]

    def __str__(self):
        return self.title


class Import(models.Model):
    """One file that was imported (confirmed, not a dry run), with its counts.

    A bureau's file is a *submission* (旗县报 → 盟市审 → 自治区核, docs/statistics.md): it is kept
    with its bytes and written as observations only when the department accepts it, so only
    accepted figures ever count. The department's own imports and the published statistics are
    accepted when they are written.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送待审核")
        LEAGUE_ACCEPTED = "league_accepted", _("盟市已审核待自治区核定")
        ACCEPTED = "accepted", _("已核定")
        RETURNED = "returned", _("已退回")

    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    fmt = models.CharField(max_length=8, default="csv")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=12, default="cli", help_text="cli, page, api, published")
    rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    revised = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACCEPTED)
    # a submission: the bureau's region (a league or a county), its file, a correction's reason
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    content = models.BinaryField(blank=True, default=b"", help_text="a submission's file, read again on acceptance")
    reason = models.TextField(blank=True, help_text="why a locked (accepted) figure is corrected")
    years = models.JSONField(default=list, blank=True, help_text="the years a submission covers")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [
            # the review queues: pending submissions by status (submission_queue)
            models.Index(fields=["status", "region"], name="stats_import_status_region"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

    @property
    def is_submission(self) -> bool:
        return self.region_id is not None


class ImportDecision(models.Model):
    """One step of a submission's review: who, when, what (submit, league accept, accept, return), why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("报送")
        LEAGUE_ACCEPT = "league_accept", _("盟市审核通过")
        ACCEPT = "accept", _("自治区核定")
        RETURN = "return", _("退回")

    submission = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "at", "id"]

    def __str__(self):
        return f"{self.submission_id} {self.action}"


class ReportingPeriod(models.Model):
    """What the department expects every league to report for one year, and by when (completeness)."""

    year = models.PositiveSmallIntegerField(unique=True)
    due_on = models.DateField()
    indicators = models.JSONField(default=list, help_text="indicator codes each league owes for the year")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} (due {self.due_on})"


class Observation(models.Model):
    class Status(models.TextChoices):
        PRELIMINARY = "preliminary", "初步"
        FINAL = "final", "正式"
        REVISED = "revised", "修订"

    # Indexes are few on purpose (bulk imports of millions of rows): the unique key leads with
    # indicator, so it serves the indicator's series; region has its own index for the region page.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="observations")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="observations", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=6)
    unit = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FINAL)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="observations", db_index=False)
    note = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    imported_by = models.ForeignKey(
        Import, on_delete=models.PROTECT, related_name="observations", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "region", "year", "source", "version"]
        constraints = [
            # also the index of an indicator's series: filter(indicator=..., is_current=True)
            models.UniqueConstraint(
                fields=["indicator", "region", "year", "source", "version"],
                name="observation_key_version_unique",
            ),
        ]

    def __str__(self):
        return f"{self.region.name} {self.indicator.code} {self.year} = {self.value} {self.unit}"
