import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .roles import Role, UnitKind


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
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, simplified")
    boundary_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def league_code(self) -> str | None:
        """The league/city this region belongs to (itself for a league)."""
        if self.level == self.Level.PREFECTURE:
            return self.code
        if self.level == self.Level.COUNTY:
            return self.code[:4] + "00"
        return None

    def contains(self, other: "Region") -> bool:
        if self.code == other.code:
            return True
        if self.level == self.Level.COUNTRY:
            return True
        if self.level == self.Level.PROVINCE:
            return other.code[:2] == self.code[:2]
        if self.level == self.Level.PREFECTURE:
            return other.code[:4] == self.code[:4]
        return False


class Unit(models.Model):
    """An organisation: the department, a bureau, a lead unit, an enterprise, an institution, a bank."""

    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=UnitKind.choices, default=UnitKind.AGENCY)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PUBLIC)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text="For a league or city bureau: its league",
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users")

    @property
    def is_department(self) -> bool:
        return self.is_superuser or self.role == Role.DEPARTMENT


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
