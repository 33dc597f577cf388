"""Who may see which region's data: the one place the core decides it.

Apps build on these for their own objects (e.g. a bureau sees its league's enterprises) and keep
their own rules in their `permissions.py`. Whatever a user may not see answers 404.
"""

from __future__ import annotations

from .errors import NotFound
from .models import Region
from .roles import Role

ALL_REGIONS_ROLES = {Role.DEPARTMENT}


def is_department(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role == Role.DEPARTMENT))


def can_see_region(user, region: Region) -> bool:
    """Region-scoped (non-public) data: the department sees all, a bureau its league and its counties."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_department(user):
        return True
    if user.role == Role.BUREAU and user.region_id:
        return user.region.contains(region)
    return False


def can_edit_region(user, region: Region) -> bool:
    return can_see_region(user, region)


def get_region_for_user(user, code: str) -> Region:
    """The region `code` if this user may see its region-scoped data; NotFound otherwise."""
    region = Region.objects.filter(code=code).first()
    if region is None or not can_see_region(user, region):
        raise NotFound(f"未找到地区 {code} Region {code} not found")
    return region


def region_code_prefix(user) -> str | None:
    """For filtering by code: '' for all regions, '1502' for the Baotou bureau, None for nothing."""
    if is_department(user):
        return ""
    if getattr(user, "is_authenticated", False) and user.role == Role.BUREAU and user.region_id:
        return user.region.code[:4]
    return None
