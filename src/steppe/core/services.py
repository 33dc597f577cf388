"""Writes for core: accounts, units and tokens. Pages, API and CLI all call these."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify

from .errors import DomainError
from .models import ApiToken, Unit, User
from .regions import resolve_region
from .roles import Role, UnitKind

ROLE_UNIT_KIND = {
    Role.DEPARTMENT: UnitKind.DEPARTMENT, Role.BUREAU: UnitKind.BUREAU, Role.LEAD_UNIT: UnitKind.AGENCY,
    Role.ENTERPRISE: UnitKind.ENTERPRISE, Role.INSTITUTION: UnitKind.INSTITUTION, Role.BROKER: UnitKind.BROKER,
    Role.BANK: UnitKind.BANK, Role.EXPERT: UnitKind.OTHER, Role.PUBLIC: UnitKind.OTHER,
}


def unit_get_or_create(*, name: str, kind: str = UnitKind.AGENCY, region=None) -> Unit:
    name = name.strip()
    if not name:
        raise DomainError("invalid_unit", "单位名称为空 Unit name is empty")
    unit = Unit.objects.filter(name=name).first()
    if unit:
        return unit
    base = slugify(name, allow_unicode=True)[:70] or "unit"
    slug, n = base, 1
    while Unit.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Unit.objects.create(name=name, slug=slug, kind=kind, region=region)


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
        unit_obj = unit_get_or_create(name=unit, kind=ROLE_UNIT_KIND[Role(role)], region=region_obj)
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
