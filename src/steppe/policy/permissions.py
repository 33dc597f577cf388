"""Who sees which enterprise files - the ONE place these rules live.

* The department (and superusers) sees every enterprise and may edit.
* A league bureau sees and edits the enterprises of its league (region code prefix).
* An enterprise user sees and edits its own file (Enterprise.unit == user.unit).
* A bank sees ONLY the white list (name, credit code, region, innovation points ≥ threshold in the
  latest run: `white_list_ids`, the white-list page and API) - never an enterprise file.
* Everyone else sees nothing; a file one may not see answers 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from steppe.core.errors import Forbidden, NotFound
from steppe.core.permissions import is_department  # the one rule; pages call perms.is_department
from steppe.core.roles import Role

from .models import Enterprise, PolicyResult, PolicyRun


def _league_prefix(user) -> str | None:
    """The GB/T 2260 prefix of a bureau's league ('1502' for 包头), or None."""
    region = getattr(user, "region", None)
    return region.league_prefix if region is not None else None


def white_list_ids(year: int | None = None) -> QuerySet:
    """Enterprise ids on the white list of the latest finished run (or of `year`)."""
    runs = PolicyRun.objects.filter(status=PolicyRun.Status.DONE)
    if year is not None:
        runs = runs.filter(year=year)
    run = runs.order_by("-finished_at").first()
    if run is None:
        return PolicyResult.objects.none().values_list("enterprise_id", flat=True)
    return PolicyResult.objects.filter(run=run, white_list=True).values_list("enterprise_id", flat=True)


def enterprises_visible_to(user) -> QuerySet:
    qs = Enterprise.objects.select_related("region")
    if not (user and user.is_authenticated):
        return qs.none()
    if is_department(user):
        return qs
    if user.role == Role.BUREAU:
        prefix = _league_prefix(user)
        return qs.filter(region__code__startswith=prefix) if prefix else qs.none()
    if user.role == Role.ENTERPRISE:
        return qs.filter(unit_id=user.unit_id) if user.unit_id else qs.none()
    return qs.none()  # banks included: they see the white list only, not the files


def can_write(user, enterprise: Enterprise) -> bool:
    if is_department(user):
        return True
    if user.role == Role.BUREAU:
        prefix = _league_prefix(user)
        return bool(prefix) and enterprise.region.code.startswith(prefix)
    if user.role == Role.ENTERPRISE:
        return bool(user.unit_id) and enterprise.unit_id == user.unit_id
    return False


def get_enterprise_for_user(user, public_id) -> tuple[Enterprise, bool]:
    """(enterprise, can_write) for a file the user may see; NotFound otherwise (also for a bad id)."""
    try:
        ent = enterprises_visible_to(user).get(public_id=public_id)
    except (Enterprise.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None
    return ent, can_write(user, ent)


def require_write(user, enterprise: Enterprise) -> None:
    if not can_write(user, enterprise):
        raise Forbidden("无权修改此企业档案 Not allowed to change this enterprise file")


def can_run_batch(user) -> bool:
    return is_department(user)


def can_import(user) -> bool:
    return bool(user and user.is_authenticated and (is_department(user) or user.role == Role.BUREAU))
