"""Writes for core: accounts, organisations and tokens. Pages, API and CLI all call these."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify

from .errors import DomainError
from .models import ApiToken, Organisation, User
from .regions import resolve_region
from .roles import OrgKind, Role

ROLE_ORG_KIND = {
    Role.DEPARTMENT: OrgKind.GOVERNMENT, Role.BUREAU: OrgKind.GOVERNMENT, Role.LEAD_UNIT: OrgKind.GOVERNMENT,
    Role.ENTERPRISE: OrgKind.ENTERPRISE, Role.INSTITUTION: OrgKind.INSTITUTION, Role.BROKER: OrgKind.AGENCY,
    Role.BANK: OrgKind.BANK, Role.EXPERT: OrgKind.OTHER, Role.PUBLIC: OrgKind.OTHER,
}


def _free_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:70] or "org"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_get_or_create(*, name: str, kind: str = OrgKind.GOVERNMENT, region=None) -> Organisation:
    """The active organisation of this name, or a new one (plans, imports and the CLI name them)."""
    name = name.strip()
    if not name:
        raise DomainError("invalid_unit", "单位名称为空 Unit name is empty")
    org = Organisation.objects.filter(name=name, status=Organisation.Status.ACTIVE).order_by("pk").first()
    if org:
        return org
    return Organisation.objects.create(name=name, slug=_free_slug(name), kind=kind, region=region)


# the name before organisations; other apps call it
unit_get_or_create = organisation_get_or_create


@transaction.atomic
def user_create(*, username: str, role: str, password: str | None = None, region: str | None = None,
                unit: str | None = None, email: str = "", with_token: bool = False,
                is_superuser: bool = False) -> tuple[User, str | None, str | None]:
    """Creates an account. Returns (user, password if generated, raw API token if asked)."""
    if role not in Role.values:
        raise DomainError("invalid_role", f"未知角色 Unknown role: {role} (one of {', '.join(Role.values)})")
    if not username or not username.strip():
        raise DomainError("invalid_username", "用户名为空 Username is empty")
    if User.objects.filter(username=username).exists():
        raise DomainError("duplicate_username", f"用户名已存在 User already exists: {username}")
    region_obj = resolve_region(region) if region else None
    if role == Role.BUREAU:
        if region_obj is None or region_obj.level != "prefecture":
            raise DomainError("invalid_region", "盟市科技局必须指定一个盟市 A bureau needs --region with a league/city code")
    unit_obj = None
    if unit:
        unit_obj = unit_get_or_create(name=unit, kind=ROLE_ORG_KIND[Role(role)], region=region_obj)
    elif role in (Role.LEAD_UNIT, Role.ENTERPRISE, Role.INSTITUTION, Role.BANK):
        raise DomainError("invalid_unit", f"角色 {role} 需要指定单位 Role {role} needs --unit")
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    user = User(username=username, role=role, region=region_obj, unit=unit_obj, email=email,
                is_superuser=is_superuser, is_staff=is_superuser or role == Role.DEPARTMENT)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    raw = None
    if with_token:
        _, raw = ApiToken.objects.issue(user, name="cli")
    return user, generated, raw
