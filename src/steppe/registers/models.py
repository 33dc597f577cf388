"""Registers of what the plan builds: innovation platforms, talent programmes, cooperation, science
finance (创新积分贷 loans, risk-compensation claims, guidance-fund investments, listed and
listing-candidate tech enterprises) and the 三个全覆盖 of state-owned industrial enterprises.

Every record shares the review life cycle of the network registers (``steppe.core.lifecycle``):
a bureau, a host, an enterprise or a bank files it (``submitted``); the department verifies it
(``verified``) or returns it with a reason (``returned``, then resubmitted); the filer may withdraw
it. Records seeded from the plan are verified, with the plan's sentence as their source.

Invariants live here (choices, constraints); every write goes through services.py.
Money is Decimal in 万元. Talent records hold no identity-card numbers and no home addresses.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# plausible bounds: a single loan, grant or investment in 万元 (10 亿元), a year of the plan era
MAX_AMOUNT_WAN = 100_000
MIN_YEAR, MAX_YEAR = 1978, 2100


class Review(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("register review", "待核实")
    RETURNED = "returned", pgettext_lazy("register review", "退回修改")
    VERIFIED = "verified", pgettext_lazy("register review", "已核实")
    WITHDRAWN = "withdrawn", pgettext_lazy("register review", "已撤回")


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    REGIONAL = "regional", _("自治区级")


class RegisterRecord(models.Model):
    """What every register record shares: region, the measures it serves, its source, its review."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("地区"))
    measures = models.ManyToManyField("plans.Measure", blank=True, related_name="+",
                                      verbose_name=_("服务的举措"))
    source = models.TextField(_("来源"), blank=True, help_text="the plan's sentence, or a published source")
    source_url = models.CharField(_("来源链接"), max_length=500, blank=True)
    note = models.TextField(_("备注"), blank=True)
    unit = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("填报单位"))
    review = models.CharField(_("核实状态"), max_length=12, choices=Review.choices, default=Review.SUBMITTED)
    review_note = models.TextField(_("审核意见"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # the seed's key for a record preloaded from the plan, so a second `steppe setup` changes nothing
    seed_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-id"]

    @property
    def league_code(self) -> str:
        """The league of the record, or the region's own code for a region-wide record."""
        return self.region.league_code or self.region.code


# ---------------------------------------------------------------- innovation platforms (一, 三, 七, 八)


class PlatformKind(models.TextChoices):
    KEY_LAB = "key_lab", _("重点实验室")
    JOINT_LAB = "joint_lab", _("省部共建实验室")
    NMG_LAB = "nmg_lab", _("内蒙古实验室")
    INNOVATION_CENTRE = "innovation_centre", _("技术创新中心")
    CLINICAL_CENTRE = "clinical_centre", _("临床医学研究中心分中心")
    COMPUTING_CENTRE = "computing_centre", _("算力与超算中心")
    NEW_RD_INSTITUTION = "new_rd_institution", _("新型研发机构")
    INCUBATOR = "incubator", _("孵化器")
    MAKER_SPACE = "maker_space", _("众创空间")
    SCIENCE_PARK = "science_park", _("大学科技园")
    DEMONSTRATION_ZONE = "demonstration_zone", _("科技成果转移转化示范区")


class PlatformStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("register status", "规划")
    IN_PREPARATION = "in_preparation", _("培育建设")
    APPROVED = "approved", _("已批准")
    RUNNING = "running", pgettext_lazy("register status", "运行")
    EVALUATED = "evaluated", _("已评估")
    CLOSED = "closed", pgettext_lazy("register status", "已撤销")


class EvaluationOutcome(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Platform(RegisterRecord):
    """创新平台: a laboratory, centre, institution, incubator, park or demonstration zone."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=24, choices=PlatformKind.choices)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    host = models.CharField(_("依托单位"), max_length=300, blank=True, help_text="host organisation(s), 、-separated")
    field = models.CharField(_("领域"), max_length=100, blank=True)
    status = models.CharField(_("建设状态"), max_length=16, choices=PlatformStatus.choices)
    plan_status = models.CharField(_("方案表述"), max_length=40, blank=True,
                                   help_text="the plan's own status words: 培育建设, 重组, 加快提升 ...")
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    evaluated_on = models.DateField(_("评估日期"), null=True, blank=True)
    evaluation_outcome = models.CharField(_("评估结果"), max_length=10, choices=EvaluationOutcome.choices,
                                          blank=True)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("创新平台")
        # the counts (queries.platform_counts) and the filtered list group by these
        indexes = [models.Index(fields=["review", "kind", "level"])]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=~Q(review="withdrawn"),
                                    name="platform_name_unique_live"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(approved_on__isnull=True)
                                   | Q(closed_on__gte=models.F("approved_on")),
                                   name="platform_closed_after_approved"),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- talent (五)


class ProgrammeKind(models.TextChoices):
    LEADING_TEAM = "leading_team", _("科技领军人才团队")
    YOUNG_TALENT = "young_talent", _("青年科技创新人才")
    NATIONAL_PROJECT = "national_project", _("国家科研项目人才")
    SERVICE_TEAM = "service_team", _("科创中国产业科技服务团")
    PLACEMENT = "placement", _("带土移植")
    COMMISSIONER = "commissioner", _("科技特派员")
    CLUSTER = "cluster", _("人才集聚区")


class TalentProgramme(models.Model):
    """A programme the plan names (reference data, seeded from the plan; the admin adds more)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ProgrammeKind.choices)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.TextField(_("来源"), blank=True)
    plan_status = models.CharField(_("方案表述"), max_length=40, blank=True)
    measures = models.ManyToManyField("plans.Measure", blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("人才计划")

    def __str__(self):
        return self.name


class Talent(RegisterRecord):
    """A person or team supported by a programme: only what the programme needs (no ID numbers,
    no home addresses)."""

    name = models.CharField(_("姓名或团队名称"), max_length=120)
    organisation = models.CharField(_("工作单位"), max_length=200)
    field = models.CharField(_("领域"), max_length=100, blank=True)
    programme = models.ForeignKey(TalentProgramme, on_delete=models.PROTECT, related_name="records",
                                  verbose_name=_("人才计划"))
    year = models.PositiveSmallIntegerField(_("入选年份"))
    funding_wan = models.DecimalField(_("支持经费(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("人才")
        indexes = [models.Index(fields=["review", "programme", "year"])]
        constraints = [
            models.UniqueConstraint(fields=["name", "organisation", "programme", "year"],
                                    condition=~Q(review="withdrawn"), name="talent_unique_live"),
            models.CheckConstraint(condition=Q(funding_wan__isnull=True) | Q(funding_wan__gte=0),
                                   name="talent_funding_nonneg"),
        ]

    def __str__(self):
        return f"{self.name}（{self.organisation}）"


# ---------------------------------------------------------------- cooperation (八)


class CooperationKind(models.TextChoices):
    MECHANISM = "mechanism", _("合作机制与协议")
    NEW_RD_INSTITUTION = "new_rd_institution", _("共建研发机构")
    JOINT_LAB = "joint_lab", _("联合实验室")
    INTERNATIONAL_BASE = "international_base", _("国际合作基地")
    OFFSITE_INCUBATOR = "offsite_incubator", _("异地孵化器")
    ENCLAVE = "enclave", _("飞地")


class PartnerArea(models.TextChoices):
    MOST = "most", _("科技部")
    JJJ = "jjj", _("京津冀")
    YRD = "yrd", _("长三角")
    GBA = "gba", _("粤港澳大湾区")
    NORTHEAST = "northeast", _("东北三省")
    BEIJING = "beijing", _("京蒙协作")
    EAST_WEST = "east_west", _("东西部科技合作")
    CMR = "cmr", _("中蒙俄")
    BRI = "bri", _("一带一路")
    OTHER = "other", _("其他")


class CooperationStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("register status", "规划")
    ACTIVE = "active", _("实施中")
    ENDED = "ended", pgettext_lazy("register status", "已结束")


class Cooperation(RegisterRecord):
    """A partnership: an agreement or mechanism, a joint lab or base, an off-site incubator."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=CooperationKind.choices)
    partner_area = models.CharField(_("合作方向"), max_length=12, choices=PartnerArea.choices)
    partners = models.CharField(_("合作方"), max_length=400, blank=True)
    scope = models.TextField(_("合作内容"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CooperationStatus.choices)
    plan_status = models.CharField(_("方案表述"), max_length=40, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("科技合作")
        indexes = [models.Index(fields=["review", "kind", "partner_area"])]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=~Q(review="withdrawn"),
                                    name="cooperation_name_unique_live"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(started_on__isnull=True)
                                   | Q(ends_on__gte=models.F("started_on")), name="cooperation_dates_order"),
        ]

    def __str__(self):
        return self.name


class CooperationProject(models.Model):
    """A project carried out under a cooperation."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年份"))
    amount_wan = models.DecimalField(_("金额(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-year", "id"]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------- science finance (四)


class Loan(RegisterRecord):
    """企业创新积分贷: a loan a bank records against a white-listed enterprise. ``innovation_points``
    are the enterprise's points on the white list when the loan was recorded (copied, with the run)."""

    bank = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("贷款银行"))
    enterprise = models.ForeignKey("policy.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("企业"))
    amount_wan = models.DecimalField(_("贷款金额(万元)"), max_digits=12, decimal_places=2)
    lent_on = models.DateField(_("放款日期"))
    term_months = models.PositiveSmallIntegerField(_("期限(月)"))
    innovation_points = models.DecimalField(_("放款时创新积分"), max_digits=6, decimal_places=2)
    points_year = models.PositiveSmallIntegerField(_("积分年度"))
    points_run = models.PositiveIntegerField(help_text="the PolicyRun whose white list held the enterprise")

    class Meta(RegisterRecord.Meta):
        verbose_name = _("创新积分贷")
        # a bank's own list: filter(bank=...); the league rollup by review and lent_on
        indexes = [models.Index(fields=["bank", "lent_on"]), models.Index(fields=["review", "lent_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_wan__gt=0) & Q(amount_wan__lte=MAX_AMOUNT_WAN),
                                   name="loan_amount_plausible"),
            models.CheckConstraint(condition=Q(term_months__gte=1) & Q(term_months__lte=120),
                                   name="loan_term_1_120"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.amount_wan} 万元 ({self.lent_on})"


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("已申请")
    APPROVED = "approved", _("已批准")
    PAID = "paid", _("已拨付")
    REJECTED = "rejected", _("未批准")


class RiskClaim(RegisterRecord):
    """A risk-compensation claim (风险补偿) a bank files for a loan that went bad."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="claims", verbose_name=_("贷款"))
    claimed_on = models.DateField(_("申请日期"))
    amount_wan = models.DecimalField(_("申请补偿金额(万元)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    paid_wan = models.DecimalField(_("已拨付(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("风险补偿")
        constraints = [
            models.CheckConstraint(condition=Q(amount_wan__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(condition=Q(paid_wan__isnull=True) | Q(paid_wan__gte=0), name="claim_paid_nonneg"),
        ]

    def __str__(self):
        return f"{self.loan.enterprise} {self.amount_wan} 万元"


class FundInvestment(RegisterRecord):
    """An investment of the 科技成果转化引导基金 (or one of its sub-funds)."""

    investee = models.CharField(_("被投企业"), max_length=200)
    fund = models.CharField(_("基金"), max_length=200, default="科技成果转化引导基金")
    amount_wan = models.DecimalField(_("投资金额(万元)"), max_digits=12, decimal_places=2)
    invested_on = models.DateField(_("投资日期"))
    field = models.CharField(_("领域"), max_length=100, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("引导基金投资")
        constraints = [
            models.CheckConstraint(condition=Q(amount_wan__gt=0) & Q(amount_wan__lte=MAX_AMOUNT_WAN),
                                   name="investment_amount_plausible"),
        ]

    def __str__(self):
        return f"{self.investee} {self.amount_wan} 万元"


class Board(models.TextChoices):
    MAIN = "main", _("主板")
    STAR = "star", _("科创板")
    CHINEXT = "chinext", _("创业板")
    BSE = "bse", _("北交所")
    NEEQ = "neeq", _("新三板")
    OVERSEAS = "overseas", _("境外")


class ListingStage(models.TextChoices):
    CANDIDATE = "candidate", _("上市后备")
    COUNSELLING = "counselling", _("辅导备案")
    FILED = "filed", _("已申报")
    LISTED = "listed", _("已上市")


class ListedEnterprise(RegisterRecord):
    """A listed or listing-candidate tech enterprise."""

    name = models.CharField(_("企业名称"), max_length=200)
    stage = models.CharField(_("阶段"), max_length=12, choices=ListingStage.choices)
    board = models.CharField(_("板块"), max_length=10, choices=Board.choices, blank=True)
    stock_code = models.CharField(_("证券代码"), max_length=12, blank=True)
    listed_on = models.DateField(_("上市日期"), null=True, blank=True)
    field = models.CharField(_("领域"), max_length=100, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("上市科技企业")
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=~Q(review="withdrawn"), name="listed_name_unique_live"),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- SOE 三个全覆盖 (六)


class SoeCoverage(RegisterRecord):
    """One above-scale state-owned industrial enterprise in one year: R&D institution, activity, spending."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    year = models.PositiveSmallIntegerField(_("年份"))
    has_rd_institution = models.BooleanField(_("有研发机构"))
    has_rd_activity = models.BooleanField(_("有研发活动"))
    has_rd_spending = models.BooleanField(_("有研发投入"))

    class Meta(RegisterRecord.Meta):
        verbose_name = _("国企三个全覆盖")
        constraints = [
            models.UniqueConstraint(fields=["credit_code", "year"], condition=~Q(review="withdrawn"),
                                    name="soe_once_per_year_live"),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    @property
    def fully_covered(self) -> bool:
        return self.has_rd_institution and self.has_rd_activity and self.has_rd_spending
