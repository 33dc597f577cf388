"""Who may see which region's data: the one place the core decides it.

Apps build on these for their own objects (e.g. a bureau sees its league's enterprises) and keep
their own rules in their `permissions.py`. Whatever a user may not see answers 404.
"""

from __future__ import annotations

from django.db.models import Q

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
        return user.region.league_prefix
    return None


def bureau_league(user) -> Region | None:
    """The league (a prefecture-level Region) a bureau's account works for - THE rule, used everywhere
    (supervision's measures and chases, the statistics' bureau home).

    A league's bureau works for its league; a county's bureau for the league its county lies in; anyone
    else (and a bureau account of the whole region, which no league names) for none. The bureau reads
    its league's measures (those of the current plan naming it or every league, see
    ``plans.queries.league_measures``); only the league's own bureau reports on them and chases them
    (``is_league_bureau``)."""
    if not (user and user.is_authenticated and user.role == Role.BUREAU and user.region_id):
        return None
    code = user.region.league_code
    if code is None:
        return None
    return user.region if code == user.region.code else Region.objects.filter(code=code).first()


# ---------------------------------------------------------------- what belongs to an organisation


def owns(user, *, org_id, person_id) -> bool:
    """A record that names an organisation belongs to its members (colleagues share it; someone who
    leaves takes nothing); only a record without one stays with the person who filed it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if org_id:
        return bool(user.unit_id) and org_id == user.unit_id
    return person_id is not None and person_id == user.pk


def owned_q(user, *, org: str = "unit", person: str = "submitted_by") -> Q:
    """`owns` as a query filter: `org` and `person` are the lookups of the two foreign keys."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q(**{f"{org}__isnull": True, person: user})
    if user.unit_id:
        q |= Q(**{org: user.unit_id})
    return q
