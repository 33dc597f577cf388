"""Who may do what in the one network: the one place the transfer app decides it.

- The operator of 蒙科聚 is the department (all records) or a league bureau (records of its
  league and counties): they review, publish, expire and register contracts.
- Enterprises, institutions and brokers submit achievements; enterprises and institutions
  submit demands. A record belongs to the submitter's organisation: any member edits it until it
  is published, and someone who leaves the organisation loses it (core.permissions.owns).
- Published records are public; anything else is visible to its unit and its operator only,
  and answers 404 to everyone else.
- A negotiation is seen by its parties: the interested user, the record's submitter and unit,
  the named broker, and the operator.
"""

from __future__ import annotations

from steppe.core.errors import Forbidden, NotFound
from steppe.core.permissions import can_see_region, is_department, owns
from steppe.core.roles import Role

from .models import Contract, Interest, Listing, ListingStatus

ACHIEVEMENT_SUBMITTERS = {Role.ENTERPRISE, Role.INSTITUTION, Role.BROKER, Role.DEPARTMENT, Role.BUREAU}
DEMAND_SUBMITTERS = {Role.ENTERPRISE, Role.INSTITUTION, Role.DEPARTMENT, Role.BUREAU}
INTEREST_ROLES = {Role.ENTERPRISE, Role.INSTITUTION, Role.BROKER}

MSG_NOT_OPERATOR = "仅平台运营方（自治区科技厅或所在盟市科技局）可执行此操作"
MSG_CANNOT_SUBMIT = "当前角色不能提交此类记录"
MSG_CANNOT_INTEREST = "仅企业、高校院所和技术经纪人可以表达合作意向"
MSG_NOT_PARTY = "仅洽谈各方可以执行此操作"


def _authed(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_operator(user) -> bool:
    return _authed(user) and (
        is_department(user) or (user.role == Role.BUREAU and user.region_id is not None)
    )


def can_operate_region(user, region) -> bool:
    """The department everywhere; a bureau in its league (and counties)."""
    if not _authed(user) or region is None:
        return is_department(user)
    return is_department(user) or (user.role == Role.BUREAU and can_see_region(user, region))


def can_submit(user, kind: str) -> bool:
    if not _authed(user):
        return False
    if user.is_superuser:
        return True
    roles = ACHIEVEMENT_SUBMITTERS if kind == "achievement" else DEMAND_SUBMITTERS
    return user.role in roles


def is_owner(user, listing: Listing) -> bool:
    return owns(user, org_id=listing.unit_id, person_id=listing.submitted_by_id)


def can_view_listing(user, listing: Listing) -> bool:
    return (
        listing.status == ListingStatus.PUBLISHED
        or is_owner(user, listing)
        or can_operate_region(user, listing.region)
    )


def can_edit_listing(user, listing: Listing) -> bool:
    if can_operate_region(user, listing.region):
        return True
    return is_owner(user, listing) and listing.status in (ListingStatus.SUBMITTED, ListingStatus.RETURNED)


def can_review(user, listing: Listing) -> bool:
    return can_operate_region(user, listing.region)


def can_withdraw(user, listing: Listing) -> bool:
    return is_owner(user, listing) or can_operate_region(user, listing.region)


def can_express_interest(user, listing: Listing) -> bool:
    return (
        _authed(user)
        and user.role in INTEREST_ROLES
        and listing.status == ListingStatus.PUBLISHED
        and not is_owner(user, listing)
    )


def is_party(user, interest: Interest) -> bool:
    if not _authed(user):
        return False
    if owns(user, org_id=interest.unit_id, person_id=interest.user_id):
        return True
    if is_owner(user, interest.listing):
        return True
    if interest.broker_id and interest.broker.user_id == user.pk:
        return True
    return can_operate_region(user, interest.listing.region)


def can_register_contract(user, *, interest: Interest | None = None, seller_region=None) -> bool:
    if interest is not None and is_party(user, interest):
        return True
    return can_operate_region(user, seller_region) if seller_region is not None else is_operator(user)


def can_view_contract(user, contract: Contract) -> bool:
    if not _authed(user):
        return False
    if owns(user, org_id=contract.unit_id, person_id=contract.registered_by_id):
        return True
    code = user.unit.credit_code if user.unit_id else ""
    if code and user.unit.is_active and code in (contract.seller_credit_code, contract.buyer_credit_code):
        return True
    if contract.interest_id and is_party(user, contract.interest):
        return True
    if contract.broker_id and contract.broker.user_id == user.pk:
        return True
    return can_operate_region(user, contract.seller_region) or can_operate_region(user, contract.buyer_region)


# ---------------------------------------------------------------- getters used by pages and the API


def require(condition: bool, message: str = MSG_NOT_OPERATOR) -> None:
    if not condition:
        raise Forbidden(message)


def get_listing_for_user(user, model, public_id) -> Listing:
    """The record if this user may see it; NotFound otherwise (never 403)."""
    obj = (
        model.objects.select_related("region", "unit")
        .filter(public_id=public_id)
        .first()
    )
    if obj is None or not can_view_listing(user, obj):
        raise NotFound(f"未找到{model._meta.verbose_name}")
    return obj


def get_interest_for_user(user, public_id) -> Interest:
    obj = (
        Interest.objects.select_related("achievement__region", "demand__region", "broker", "user")
        .filter(public_id=public_id)
        .first()
    )
    if obj is None or not is_party(user, obj):
        raise NotFound("未找到该洽谈")
    return obj


def get_contract_for_user(user, public_id) -> Contract:
    obj = (
        Contract.objects.select_related("seller_region", "buyer_region", "supersedes")
        .filter(public_id=public_id)
        .first()
    )
    if obj is None or not can_view_contract(user, obj):
        raise NotFound("未找到该技术合同")
    return obj
