"""一张网 (the one network): registers of achievements, demands, scenarios, experts and brokers;
interest and negotiation; the technology contract register (技术合同认定登记).

Invariants live here (choices, constraints); every write goes through services.py.
Money is Decimal in 万元.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from steppe.core.cache import RetiringQuerySet

from .cache import figures_changed


class FiguresQuerySet(RetiringQuerySet):
    """Writes that bypass save() and its signals still retire the cached figures (cache.py)."""

    changed = staticmethod(figures_changed)


class ListingQuerySet(FiguresQuerySet):
    """A record's view count (``views``) is read live by the funnel: counting a view retires
    no cached figure, every other queryset write does."""

    uncounted = frozenset({"views"})


class ListingStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "审核通过"
    PUBLISHED = "published", "已发布"
    EXPIRED = "expired", "已过期"
    WITHDRAWN = "withdrawn", "已撤回"


# what the operators' review queue holds (queries.review_queues), oldest first: a partial index
# of each kind on exactly these statuses reads its first page without sorting thousands of rows
REVIEW_STATUSES = (ListingStatus.SUBMITTED, ListingStatus.ACCEPTED)


class TransferMode(models.TextChoices):
    ASSIGNMENT = "转让", "转让"
    LICENCE = "许可", "许可"
    EQUITY = "作价投资", "作价投资"
    COOPERATION = "合作开发", "合作开发"


class IpType(models.TextChoices):
    INVENTION = "发明专利", "发明专利"
    UTILITY = "实用新型", "实用新型"
    DESIGN = "外观设计", "外观设计"
    SOFTWARE = "软件著作权", "软件著作权"
    VARIETY = "植物新品种", "植物新品种"
    KNOW_HOW = "技术秘密", "技术秘密"
    OTHER = "其他", "其他"


class Listing(models.Model):
    """What achievements and demands share: a public record with a review life cycle.

    submitted -> accepted | returned (with a reason) -> published -> expired | withdrawn;
    a returned record is resubmitted, an expired one renewed (published again).
    """

    kind: ClassVar[str]  # "achievement" | "demand", set by each kind
    kind_label: ClassVar[str]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("内容描述")
    field = models.CharField("技术领域", max_length=64, blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name="地区")
    unit = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )
    contact = models.CharField("联系方式", max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=ListingStatus.choices, default=ListingStatus.SUBMITTED)
    review_note = models.TextField("审核意见", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    source = models.CharField("来源渠道", max_length=32, default="platform")
    # every status change sets it (services pass it to .update() too); the matching index of each
    # process catches up with filter(updated_at__gte=watermark)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ListingStatus.PUBLISHED

    @property
    def league_code(self) -> str:
        return self.region.league_code or self.region.code


class Achievement(Listing):
    """科技成果: what an institution or enterprise offers."""

    kind = "achievement"
    kind_label = "科技成果"

    readiness = models.PositiveSmallIntegerField(
        "技术成熟度 (TRL)", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    ip_type = models.CharField("知识产权类型", max_length=16, choices=IpType.choices, blank=True)
    ip_numbers = models.CharField("知识产权编号", max_length=300, blank=True)
    transfer_modes = models.JSONField("转化方式", default=list, blank=True)
    price_min = models.DecimalField("价格下限(万元)", max_digits=14, decimal_places=2, null=True, blank=True)
    price_max = models.DecimalField("价格上限(万元)", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta(Listing.Meta):
        verbose_name = "科技成果"
        # the review queue and the public list filter on status; the public list (newest published
        # first) reads the first rows of the second index instead of sorting every published record
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["status", "published_at", "id"], name="achievement_published"),
            models.Index(
                fields=["submitted_at", "id"],
                name="achievement_review_queue",
                condition=Q(status__in=REVIEW_STATUSES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_min__lte=models.F("price_max")),
                name="achievement_price_range",
            ),
            models.CheckConstraint(
                condition=Q(readiness__isnull=True) | Q(readiness__gte=1, readiness__lte=9),
                name="achievement_readiness_1_9",
            ),
        ]


class Demand(Listing):
    """技术需求: an enterprise's problem."""

    kind = "demand"
    kind_label = "技术需求"

    budget = models.DecimalField("预算(万元)", max_digits=14, decimal_places=2, null=True, blank=True)
    deadline = models.DateField("期望解决期限", null=True, blank=True)

    class Meta(Listing.Meta):
        verbose_name = "技术需求"
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["status", "published_at", "id"], name="demand_published"),
            models.Index(
                fields=["submitted_at", "id"],
                name="demand_review_queue",
                condition=Q(status__in=REVIEW_STATUSES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="demand_budget_nonneg"
            )
        ]


class ScenarioRound(models.Model):
    """场景清单: a numbered round of published scenarios."""

    number = models.PositiveIntegerField("批次", unique=True)
    title = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"第{self.number}批 {self.title}"


class Scenario(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(ScenarioRound, on_delete=models.PROTECT, related_name="scenarios")
    seq = models.PositiveIntegerField("序号")
    title = models.CharField("场景名称", max_length=200)
    owner = models.CharField("场景提供方", max_length=200)
    needs = models.TextField("需求内容")
    field = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("截止日期", null=True, blank=True)
    demand = models.OneToOneField(
        Demand, null=True, blank=True, on_delete=models.SET_NULL, related_name="scenario"
    )

    class Meta:
        ordering = ["round", "seq"]
        constraints = [models.UniqueConstraint(fields=["round", "seq"], name="scenario_seq_in_round")]

    def __str__(self):
        return f"{self.round.number}-{self.seq} {self.title}"


class Expert(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("姓名", max_length=64)
    fields = models.JSONField("领域", default=list, blank=True)
    institution = models.CharField("单位", max_length=200, blank=True)
    region = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    profile = models.TextField("研究方向与简介", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Broker(models.Model):
    """技术经纪人."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broker_profile",
    )
    name = models.CharField("姓名", max_length=64)
    certificate_no = models.CharField("技术经纪人证书编号", max_length=64, unique=True)
    fields = models.JSONField("服务领域", default=list, blank=True)
    unit = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FiguresQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name}（{self.certificate_no}）"


class InterestStatus(models.TextChoices):
    OPEN = "open", "已表达意向"
    NEGOTIATING = "negotiating", "洽谈中"
    CONTRACTED = "contracted", "已签约"
    CLOSED = "closed", "已终止"


class Interest(models.Model):
    """An enterprise or institution's interest in one achievement or one demand; the negotiation
    thread hangs off it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(
        Achievement, null=True, blank=True, on_delete=models.CASCADE, related_name="interests"
    )
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="interests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transfer_interests"
    )
    unit = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    broker = models.ForeignKey(
        Broker, null=True, blank=True, on_delete=models.SET_NULL, related_name="interests"
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=InterestStatus.choices, default=InterestStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FiguresQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(achievement__isnull=False) & Q(demand__isnull=True))
                | (Q(achievement__isnull=True) & Q(demand__isnull=False)),
                name="interest_one_listing",
            ),
            models.UniqueConstraint(fields=["achievement", "user"], name="interest_once_per_achievement"),
            models.UniqueConstraint(fields=["demand", "user"], name="interest_once_per_demand"),
        ]

    def __str__(self):
        return f"{self.user} → {self.listing}"

    @property
    def listing(self) -> Listing:
        return self.achievement or self.demand


class Message(models.Model):
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.body[:30]}"


class ContractType(models.TextChoices):
    DEVELOPMENT = "技术开发", "技术开发"
    TRANSFER = "技术转让", "技术转让"
    LICENCE = "技术许可", "技术许可"
    CONSULTING = "技术咨询", "技术咨询"
    SERVICE = "技术服务", "技术服务"


CONTRACT_TYPE_ALIASES = {
    "开发": "技术开发",
    "转让": "技术转让",
    "许可": "技术许可",
    "咨询": "技术咨询",
    "服务": "技术服务",
}


class ContractStatus(models.TextChoices):
    SUBMITTED = "submitted", "待认定登记"
    RETURNED = "returned", "已退回"
    REGISTERED = "registered", "已认定登记"
    SUPERSEDED = "superseded", "已由修订版本取代"
    VOID = "void", "已撤销"


# statuses of a contract that is still the negotiation's contract (one at a time)
LIVE_CONTRACT_STATUSES = (ContractStatus.SUBMITTED, ContractStatus.RETURNED, ContractStatus.REGISTERED)


class Contract(models.Model):
    """技术合同认定登记: one registered technology contract.

    ``amount`` is the contract amount (合同成交额) and ``tech_amount`` the technology transaction
    amount (技术交易额) within it, both 万元. ``fingerprint`` (parties + amount + signing date)
    and ``number`` catch the same contract registered through two channels.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("合同登记编号", max_length=64, blank=True)
    title = models.CharField("合同名称", max_length=200)
    type = models.CharField("合同类型", max_length=8, choices=ContractType.choices)
    seller = models.CharField("卖方", max_length=200)
    seller_region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    buyer = models.CharField("买方", max_length=200)
    buyer_region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    # 统一社会信用代码 of the parties where known: an organisation with the code sees the contract
    seller_credit_code = models.CharField("卖方统一社会信用代码", max_length=18, blank=True, db_index=True)
    buyer_credit_code = models.CharField("买方统一社会信用代码", max_length=18, blank=True, db_index=True)
    amount = models.DecimalField("合同成交额(万元)", max_digits=14, decimal_places=2)
    tech_amount = models.DecimalField("技术交易额(万元)", max_digits=14, decimal_places=2)
    signed_on = models.DateField("签订日期")
    registered_on = models.DateField("登记日期")
    authority = models.CharField("登记机构", max_length=200)
    rules_version = models.CharField("认定登记规则版本", max_length=64)
    channel = models.CharField("登记渠道", max_length=32, default="platform")
    fingerprint = models.CharField(max_length=64, db_index=True)
    interest = models.ForeignKey(
        Interest, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    achievement = models.ForeignKey(
        Achievement, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    broker = models.ForeignKey(
        Broker, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    status = models.CharField(
        max_length=16, choices=ContractStatus.choices, default=ContractStatus.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the organisation of whoever registered it: the contract is its members', not one person's
    unit = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 认定登记 review by an operator: only a reviewed (registered) contract counts in the turnover
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # an amendment is a new version of the negotiation's contract; the earlier one is superseded
    version = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FiguresQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        # the technology-market rollup groups registered contracts by registration year; the
        # contracts list reads the latest page in its order (10,000 contracts sorted: 80 -> 2 ms)
        indexes = [
            models.Index(fields=["status", "registered_on"]),
            models.Index(fields=["-registered_on", "-id"], name="transfer_contract_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(tech_amount__gte=0) & Q(tech_amount__lte=models.F("amount")),
                name="contract_tech_amount_within_amount",
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number="") & Q(status="registered"),
                name="contract_number_unique_registered",
            ),
            # the same contract arriving by two channels at once (no number to collide on):
            # services check first, this holds when two registrations race
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status="registered"),
                name="contract_fingerprint_unique_registered",
            ),
            # one counted contract per negotiation: amendments supersede, they do not add
            models.UniqueConstraint(
                fields=["interest"],
                condition=Q(status="registered") & Q(interest__isnull=False),
                name="contract_one_registered_per_negotiation",
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.seller} → {self.buyer}）"
