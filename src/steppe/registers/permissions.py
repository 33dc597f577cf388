"""Who may see and change register records: the one place the registers decide it.

- The department sees everything and is the one that verifies (or returns) a record.
- A league bureau sees the records of its league and counties, and files records there.
- A host (institution, enterprise) files platforms, talent and cooperation records and sees its own.
- A bank files 创新积分贷 loans and risk-compensation claims, and sees and edits only its own.
- Verified platforms, talent, cooperation and listed enterprises are public; loans, claims,
  fund investments and SOE coverage are not.
- What a user may not see answers 404, never 403.
"""

from __future__ import annotations

from django.db.models import Q

from steppe.core.errors import Forbidden, NotFound
from steppe.core.permissions import can_see_region, is_department, region_code_prefix
from steppe.core.roles import Role

from .kind import RegisterKind
from .models import Loan, RegisterRecord, Review

BANK_REGISTERS = ("loans", "claims")

MSG_CANNOT_SUBMIT = "当前角色不能填报此登记簿"
MSG_OUTSIDE_LEAGUE = "不在本盟市范围内"
MSG_NOT_REVIEWER = "仅自治区科技厅可以核实登记"
MSG_CANNOT_EDIT = "只能修改本单位填报的记录"


def _authed(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _role(user) -> str | None:
    if not _authed(user):
        return None
    return Role.DEPARTMENT if user.is_superuser else user.role


def _owner_q(kind: RegisterKind, user) -> Q:
    q = Q(submitted_by=user)
    if user.unit_id:
        q |= Q(**{f"{kind.owner_field}_id": user.unit_id})
    return q


def visible(user, kind: RegisterKind):
    """The records of ``kind`` this user may see (withdrawn ones only to their owner and the department)."""
    qs = kind.model.objects.all()
    if is_department(user):
        return qs
    public = Q(review=Review.VERIFIED) if kind.public else Q(pk__in=[])
    if not _authed(user):
        return qs.filter(public)
    if kind.slug in BANK_REGISTERS and _role(user) == Role.BANK:
        return qs.filter(_bank_q(kind, user))
    mine = _owner_q(kind, user)
    prefix = region_code_prefix(user)
    if prefix:  # a bureau: its league's records that are not withdrawn
        mine |= Q(region__code__startswith=prefix) & ~Q(review=Review.WITHDRAWN)
    return qs.filter(public | mine)


def _bank_q(kind: RegisterKind, user) -> Q:
    if not user.unit_id:
        return Q(pk__in=[])
    return Q(bank_id=user.unit_id) if kind.slug == "loans" else Q(loan__bank_id=user.unit_id)


def loans_visible(user):
    """The 创新积分贷 loans this user may see (a bank: its own), as ``visible`` would give them."""
    qs = Loan.objects.all()
    if is_department(user):
        return qs
    if _role(user) == Role.BANK:
        return qs.filter(bank_id=user.unit_id) if user.unit_id else qs.none()
    prefix = region_code_prefix(user)
    return qs.filter(region__code__startswith=prefix).exclude(review=Review.WITHDRAWN) if prefix else qs.none()


def get_for_user(user, kind: RegisterKind, public_id) -> RegisterRecord:
    obj = visible(user, kind).filter(public_id=public_id).select_related("region").first()
    if obj is None:
        raise NotFound()
    return obj


def can_submit(user, kind: RegisterKind) -> bool:
    role = _role(user)
    if role is None or role not in kind.submitters:
        return False
    if role in (Role.BANK, Role.INSTITUTION, Role.ENTERPRISE):
        return bool(user.unit_id)
    return role != Role.BUREAU or bool(user.region_id)


def can_file_in(user, region) -> bool:
    """A bureau files only in its league; the others anywhere (their records are their own)."""
    if _role(user) == Role.BUREAU:
        return can_see_region(user, region)
    return True


def is_owner(user, kind: RegisterKind, obj: RegisterRecord) -> bool:
    if not _authed(user):
        return False
    if obj.submitted_by_id == user.pk:
        return True
    owner = getattr(obj, f"{kind.owner_field}_id", None)
    return bool(user.unit_id and owner == user.unit_id)


def can_edit(user, kind: RegisterKind, obj: RegisterRecord) -> bool:
    if obj.review == Review.WITHDRAWN:
        return False
    return is_department(user) or (can_submit(user, kind) and is_owner(user, kind, obj))


def can_review(user) -> bool:
    return is_department(user)


def require(allowed: bool, message: str = "无权执行此操作") -> None:
    if not allowed:
        raise Forbidden(message)
