"""Every write of the one network. Pages, the API and the CLI call these; each is one transaction;
bad input raises ``ValidationFailed`` naming the field (or the row and field, for imports) and
changes nothing; the matching index follows published records after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from steppe.core.audit import audit_record, snapshot
from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.lifecycle import MSG_BAD_STATE, status_transition
from steppe.core.models import Organisation, Region
from steppe.core.permissions import is_department
from steppe.core.tables import read_records
from steppe.core.validation import JsonInput

from . import permissions as perms
from .models import (
    LIVE_CONTRACT_STATUSES,
    Achievement,
    Broker,
    Contract,
    ContractStatus,
    Demand,
    Expert,
    Interest,
    InterestStatus,
    Listing,
    ListingStatus,
    Message,
    Scenario,
    ScenarioRound,
)
from .search import schedule_sync
from .validation import (  # noqa: F401  (the messages and limits, as services.X, for callers and tests)
    CONTROL_CHARACTERS,
    CURRENT_RULES_VERSION,
    MAX_AMOUNT_WAN,
    MAX_CONTRACT_AMOUNT,
    MSG_AMOUNT_IMPLAUSIBLE,
    MSG_AMOUNT_OUT_OF_RANGE,
    MSG_AMOUNT_POSITIVE,
    MSG_CONTROL_CHARACTER,
    MSG_REGISTERED_IN_FUTURE,
    MSG_RETURN_NEEDS_REASON,
    BrokerProfileValidator,
    BrokerValidator,
    ContractValidator,
    ExpertValidator,
    FieldErrors,
    InterestValidator,
    ListingValidator,
    MessageValidator,
    PromoteValidator,
    PublishValidator,
    ReasonValidator,
    ReviewDecisionValidator,
    RoundValidator,
    ScenarioValidator,
    _region,
    _text,
    registration_area,
)

DEFAULT_VALIDITY_DAYS = 365

MSG_DUPLICATE_CONTRACT = "该合同已登记（{why}）：{existing}"
MSG_DUPLICATE_RACE = "该合同刚由其他渠道登记，请刷新后核对"
MSG_IMPORT_REFUSED = "导入未执行：{n} 行有错误，未写入任何数据"
MSG_OWN_RECORD = "不能对本单位的记录表达合作意向"
MSG_ALREADY_REGISTERED = "该记录已在平台登记（{status}），请勿重复导入"
MSG_UNIT_NOT_OWN = "只能以本单位名义提交，不能代其他单位（{unit}）提交"
MSG_UNIT_UNKNOWN = "平台上没有名为“{unit}”的单位，请先由管理员登记该单位"
MSG_UNIT_OUTSIDE_AREA = "单位“{unit}”不在您负责的地区"
MSG_BROKER_ALREADY = "该账户已登记为技术经纪人，不能重复登记"
MSG_NOT_OWN_BROKER = "只能修改本人的技术经纪人信息 Only the broker (or the department) changes a broker's profile"
MSG_REGION_OUTSIDE_AREA = "不能把记录移到您负责范围以外的地区（{region}）"
MSG_NOT_THE_PARTY = "合同当事方应为洽谈的一方“{party}”，不能填写“{given}”"
MSG_ONE_CONTRACT_PER_NEGOTIATION = "该洽谈已有合同（{existing}），修改请提交修订版本"
MSG_AMENDMENT_PENDING = "该合同已有待审核的修订版本"
MSG_NO_DATA_ROWS = "文件只有表头，没有数据行 The file has no data rows"

LISTING_MODELS = {"achievement": Achievement, "demand": Demand}

# header aliases for imports: Chinese or English column names -> field
LISTING_COLUMNS = {
    "title": ("标题", "名称", "成果名称", "需求名称", "title"),
    "description": ("描述", "内容描述", "简介", "需求描述", "description"),
    "field": ("领域", "技术领域", "field"),
    "region": ("地区", "所在地区", "region"),
    "unit": ("单位", "所属单位", "unit"),
    "contact": ("联系方式", "contact"),
    "readiness": ("成熟度", "技术成熟度", "trl", "readiness"),
    "ip_type": ("知识产权类型", "ip_type"),
    "ip_numbers": ("知识产权编号", "专利号", "ip_numbers"),
    "transfer_modes": ("转化方式", "transfer_modes"),
    "price_min": ("价格下限", "价格下限(万元)", "price_min"),
    "price_max": ("价格上限", "价格上限(万元)", "price_max"),
    "budget": ("预算", "预算(万元)", "budget"),
    "deadline": ("期限", "期望解决期限", "deadline"),
}
CONTRACT_COLUMNS = {
    "number": ("合同登记编号", "登记编号", "number"),
    "title": ("合同名称", "title"),
    "type": ("合同类型", "type"),
    "seller": ("卖方", "seller"),
    "seller_region": ("卖方地区", "seller_region"),
    "buyer": ("买方", "buyer"),
    "buyer_region": ("买方地区", "buyer_region"),
    "seller_credit_code": ("卖方统一社会信用代码", "卖方信用代码", "seller_credit_code"),
    "buyer_credit_code": ("买方统一社会信用代码", "买方信用代码", "buyer_credit_code"),
    "amount": ("合同成交额", "合同成交额(万元)", "成交额", "amount"),
    "tech_amount": ("技术交易额", "技术交易额(万元)", "tech_amount"),
    "signed_on": ("签订日期", "signed_on"),
    "registered_on": ("登记日期", "registered_on"),
    "authority": ("登记机构", "authority"),
    "rules_version": ("规则版本", "认定登记规则版本", "rules_version"),
}
# columns an export adds that the platform sets itself: an import of an export skips them
EXPORT_ONLY_COLUMNS = frozenset(
    h.lower() for h in ("状态", "status", "有效期至", "expires_on", "登记渠道", "channel")
)


# ---------------------------------------------------------------- field parsing (transfer.validation)

_Errors = FieldErrors
_listing_values = ListingValidator.clean


def _unit_for(actor, data: dict, errors: _Errors):
    """The unit a record belongs to: the submitter's own. Only an operator may name another one,
    an existing unit within its area; naming a unit never creates it."""
    own = actor.unit if getattr(actor, "unit_id", None) else None
    name = _text(data, "unit", errors, max_length=200)
    if not name or (own is not None and name == own.name):
        return own
    if not perms.is_operator(actor):
        errors.add("unit", MSG_UNIT_NOT_OWN.format(unit=name))
        return own
    unit = Organisation.objects.filter(name=name).select_related("region").first()
    if unit is None:
        errors.add("unit", MSG_UNIT_UNKNOWN.format(unit=name))
    elif unit.region_id and not perms.can_operate_region(actor, unit.region):
        errors.add("unit", MSG_UNIT_OUTSIDE_AREA.format(unit=name))
    return unit


# ---------------------------------------------------------------- listings: life cycle


def _check_kind(kind: str):
    if kind not in LISTING_MODELS:
        raise DomainError("invalid_kind", f"未知记录类型：{kind}（achievement 或 demand）")
    return LISTING_MODELS[kind]


@transaction.atomic
def listing_submit(*, actor, kind: str, data: dict, source: str = "platform") -> Listing:
    """Submit an achievement or a demand for review."""
    model = _check_kind(kind)
    perms.require(perms.can_submit(actor, kind), perms.MSG_CANNOT_SUBMIT)
    errors = _Errors()
    values = _listing_values(kind, data, errors)
    unit = _unit_for(actor, data, errors)
    errors.raise_if_any()
    obj = model(
        **values,
        unit=unit,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
    )
    obj.save()
    audit_record(actor=actor, action=f"transfer.{kind}.submit", obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def listing_update(*, actor, listing: Listing, data: dict) -> Listing:
    """Edit a record; a returned one goes back to the queue, a published one is re-indexed."""
    perms.require(perms.can_edit_listing(actor, listing), "只能修改本单位未发布的记录")
    before = snapshot(listing)
    errors = _Errors()
    merged = {**_listing_data(listing), **data}
    if isinstance(data, JsonInput):  # the API's body: JSON types are checked
        merged = JsonInput(merged)
    values = _listing_values(listing.kind, merged, errors)
    moved_to = values.get("region")
    if (
        moved_to is not None
        and moved_to != listing.region
        and not perms.is_owner(actor, listing)
        and not perms.can_operate_region(actor, moved_to)
    ):
        errors.add("region", MSG_REGION_OUTSIDE_AREA.format(region=moved_to.name))
    errors.raise_if_any()
    for k, v in values.items():
        setattr(listing, k, v)
    if listing.status == ListingStatus.RETURNED:
        listing.status = ListingStatus.SUBMITTED
        listing.submitted_at = timezone.now()
    listing.updated_at = timezone.now()
    listing.save()
    audit_record(
        actor=actor,
        action=f"transfer.{listing.kind}.update",
        obj=listing,
        before=before,
        after=snapshot(listing),
    )
    if listing.status == ListingStatus.PUBLISHED:
        schedule_sync(listing)
    return listing


def listing_form_data(listing: Listing) -> dict:
    """The record's editable values as strings, for a form."""
    data = _listing_data(listing)
    data["region"] = listing.region.code
    return {k: ("" if v is None else v) for k, v in data.items()}


def _listing_data(listing: Listing) -> dict:
    data = {
        "title": listing.title,
        "description": listing.description,
        "field": listing.field,
        "region": listing.region,
        "contact": listing.contact,
    }
    if isinstance(listing, Achievement):
        data.update(
            readiness=listing.readiness,
            ip_type=listing.ip_type,
            ip_numbers=listing.ip_numbers,
            transfer_modes=listing.transfer_modes,
            price_min=listing.price_min,
            price_max=listing.price_max,
        )
    elif isinstance(listing, Demand):
        data.update(budget=listing.budget, deadline=listing.deadline)
    return data


def _transition(listing: Listing, allowed: tuple[str, ...], new_status: str) -> str:
    """Move the status with a conditional update, so two operators cannot both act on one record."""
    return status_transition(listing, allowed, new_status)


@transaction.atomic
def listing_review(
    *, actor, listing: Listing, decision: str | None = None, reason: str = "", data: dict | None = None
) -> Listing:
    """The operator accepts a submitted record, or returns it with a reason: `decision` and
    `reason`, or the request's `data`, checked by ReviewDecisionValidator (the page's and the API's)."""
    perms.require(perms.can_review(actor, listing))
    values = ReviewDecisionValidator.clean({"decision": decision, "reason": reason} if data is None else data)
    decision, reason = values["decision"], values["reason"]
    new = ListingStatus.ACCEPTED if decision == "accept" else ListingStatus.RETURNED
    old = _transition(listing, (ListingStatus.SUBMITTED,), new)
    listing.review_note = reason
    listing.reviewed_by = actor
    listing.reviewed_at = timezone.now()
    listing.save(update_fields=["review_note", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=f"transfer.{listing.kind}.{decision}",
        obj=listing,
        before={"status": old},
        after={"status": new},
        note=reason,
    )
    return listing


@transaction.atomic
def listing_publish(
    *, actor, listing: Listing, expires_on: dt.date | None = None, data: dict | None = None
) -> Listing:
    """Publish an accepted record, or renew an expired/published one (a new validity date):
    `expires_on`, or the request's `data`, checked by PublishValidator (the page's and the API's)."""
    perms.require(perms.can_review(actor, listing))
    values = PublishValidator.clean({"expires_on": expires_on} if data is None else data)
    expires_on = values["expires_on"] or timezone.localdate() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)
    allowed = (ListingStatus.ACCEPTED, ListingStatus.EXPIRED, ListingStatus.PUBLISHED)
    if listing.status == ListingStatus.PUBLISHED:
        old = listing.status
    else:
        old = _transition(listing, allowed, ListingStatus.PUBLISHED)
    listing.expires_on = expires_on
    listing.published_at = listing.published_at or timezone.now()
    listing.updated_at = timezone.now()
    listing.save(update_fields=["expires_on", "published_at", "updated_at"])
    action = "renew" if old in (ListingStatus.EXPIRED, ListingStatus.PUBLISHED) else "publish"
    audit_record(
        actor=actor,
        action=f"transfer.{listing.kind}.{action}",
        obj=listing,
        before={"status": old},
        after={"status": ListingStatus.PUBLISHED, "expires_on": expires_on},
    )
    schedule_sync(listing)
    return listing


@transaction.atomic
def listing_withdraw(*, actor, listing: Listing, reason: str = "", data: dict | None = None) -> Listing:
    """Withdraw a record; the reason (`reason` or the request's `data`) is checked by ReasonValidator."""
    perms.require(perms.can_withdraw(actor, listing), "只能撤回本单位的记录")
    reason = ReasonValidator.clean({"reason": reason} if data is None else data)["reason"]
    allowed = (
        ListingStatus.SUBMITTED,
        ListingStatus.RETURNED,
        ListingStatus.ACCEPTED,
        ListingStatus.PUBLISHED,
    )
    old = _transition(listing, allowed, ListingStatus.WITHDRAWN)
    audit_record(
        actor=actor,
        action=f"transfer.{listing.kind}.withdraw",
        obj=listing,
        before={"status": old},
        after={"status": ListingStatus.WITHDRAWN},
        note=reason,
    )
    schedule_sync(listing)
    return listing


@transaction.atomic
def listings_expire_due(*, today: dt.date | None = None) -> int:
    """Expire published records past their validity date (idempotent; for a daily job)."""
    today = today or timezone.localdate()
    n = 0
    for model in (Achievement, Demand):
        due = list(model.objects.filter(status=ListingStatus.PUBLISHED, expires_on__lt=today))
        for obj in due:
            if model.objects.filter(pk=obj.pk, status=ListingStatus.PUBLISHED).update(
                status=ListingStatus.EXPIRED, updated_at=timezone.now()
            ):
                obj.status = ListingStatus.EXPIRED
                audit_record(
                    actor=None, action=f"transfer.{obj.kind}.expire", obj=obj, after={"status": "expired"}
                )
                schedule_sync(obj)
                n += 1
    return n


def listing_record_view(*, listing: Listing, user) -> None:
    """Count a view of a published record (not by its own unit)."""
    if listing.status == ListingStatus.PUBLISHED and not perms.is_owner(user, listing):
        type(listing)._default_manager.filter(pk=listing.pk).update(views=F("views") + 1)


# ---------------------------------------------------------------- scenarios, experts, brokers


@transaction.atomic
def scenario_round_create(
    *, actor, number: int | str | None = None, title: str = "", published_on: dt.date | str | None = None,
    data: dict | None = None,
) -> ScenarioRound:
    """Open a numbered round: `number`, `title` and `published_on`, or the request's `data`, checked
    by RoundValidator (the page's and the API's), every problem at once."""
    perms.require(perms.is_operator(actor))
    if data is None:
        data = {"number": number, "title": title, "published_on": published_on}
    values = RoundValidator.clean(data)
    n, clean_title, day = values["number"], values["title"], values["published_on"]
    obj = ScenarioRound.objects.create(number=n, title=clean_title, published_on=day)
    audit_record(actor=actor, action="transfer.round.create", obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def demand_promote(
    *, actor, demand: Demand, round: ScenarioRound | None = None, owner: str = "", deadline=None,
    data: dict | None = None,
) -> Scenario:
    """Promote a published demand into a scenario of a round (场景清单): `round`, `owner` and
    `deadline`, or the request's `data`, checked by PromoteValidator (the page's and the API's)."""
    perms.require(perms.can_review(actor, demand))
    values = PromoteValidator.clean({"round": round, "owner": owner, "deadline": deadline} if data is None else data)
    round, owner, deadline = values["round"], values["owner"], values["deadline"]
    assert round is not None  # (else clean() raised)
    if demand.status != ListingStatus.PUBLISHED:
        raise DomainError("bad_state", "只有已发布的需求可以列入场景清单")
    if Scenario.objects.filter(demand=demand).exists():
        raise DomainError("duplicate", "该需求已列入场景清单")
    seq = (round.scenarios.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    scenario = Scenario.objects.create(
        round=round,
        seq=seq,
        title=demand.title,
        owner=owner or (demand.unit.name if demand.unit is not None else ""),
        needs=demand.description,
        field=demand.field,
        region=demand.region,
        deadline=deadline or demand.deadline,
        demand=demand,
    )
    audit_record(actor=actor, action="transfer.demand.promote", obj=scenario, after=snapshot(scenario))
    return scenario


@transaction.atomic
def scenario_add(*, actor, data: dict, round: ScenarioRound | None = None) -> Scenario:
    """Add a scenario that did not start as a platform demand (an owner's application scenario:
    what it needs, by when) to a numbered round (`round`, or the number `data` names); it takes
    the round's next number. Checked by ScenarioValidator (the page's and the API's)."""
    perms.require(perms.is_operator(actor))
    errors = _Errors()
    if round is not None:
        data = type(data)({**data, "round": round})
    values = ScenarioValidator.clean(data, errors)
    if values["region"] is not None and not perms.can_operate_region(actor, values["region"]):
        errors.add("region", "不在本机构的运营范围内")
    errors.raise_if_any()
    round = ScenarioRound.objects.select_for_update().get(pk=values.pop("round").pk)  # numbers taken one at a time
    seq = (round.scenarios.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    scenario = Scenario.objects.create(round=round, seq=seq, **values)
    audit_record(actor=actor, action="transfer.scenario.add", obj=scenario, after=snapshot(scenario))
    return scenario


@transaction.atomic
def expert_save(*, actor, data: dict, expert: Expert | None = None) -> Expert:
    """An expert of the pool, checked by ExpertValidator (the page's and the API's)."""
    perms.require(
        perms.is_operator(actor) or (expert is not None and expert.user_id == getattr(actor, "pk", None))
    )
    values = ExpertValidator.clean(data)
    expert = expert or Expert()
    before = snapshot(expert) if expert.pk else None
    expert.name, expert.region, expert.fields = values["name"], values["region"], values["fields"]
    expert.institution, expert.profile = values["institution"], values["profile"]
    expert.active = bool(data.get("active", True))
    expert.updated_at = timezone.now()
    expert.save()
    audit_record(
        actor=actor, action="transfer.expert.save", obj=expert, before=before, after=snapshot(expert)
    )
    schedule_sync(expert)
    return expert


@transaction.atomic
def broker_register(*, actor, data: dict, user=None) -> Broker:
    perms.require(perms.is_operator(actor) or (user is not None and user.pk == getattr(actor, "pk", None)))
    errors = _Errors()
    values = BrokerValidator.clean(data, errors)  # the page's and the API's
    name, cert, profile = values["name"], values["certificate_no"], values
    if user is not None and Broker.objects.filter(user=user).exists():
        errors.add("user", MSG_BROKER_ALREADY)
    errors.raise_if_any()
    broker = Broker.objects.create(
        user=user,
        name=name,
        certificate_no=cert,
        fields=profile.get("fields", []),
        region=profile.get("region"),
        unit=getattr(user, "unit", None),
    )
    audit_record(actor=actor, action="transfer.broker.register", obj=broker, after=snapshot(broker))
    return broker


@transaction.atomic
def broker_update(*, actor, broker: Broker, data: dict) -> Broker:
    """A broker changes its 服务领域 and region (the fields sent; the department may too). Every bad
    field is reported at once and nothing changes; a change is audited with before and after."""
    perms.require(is_department(actor) or (broker.user_id is not None and broker.user_id == getattr(actor, "pk", None)),
                  MSG_NOT_OWN_BROKER)
    errors = _Errors()
    values = BrokerProfileValidator.clean(data, errors)
    errors.raise_if_any()
    broker = Broker.objects.select_for_update().get(pk=broker.pk)
    before = snapshot(broker)
    changed = False
    for key, value in values.items():
        if getattr(broker, key) != value:
            setattr(broker, key, value)
            changed = True
    if changed:
        broker.save()
        audit_record(actor=actor, action="transfer.broker.update", obj=broker, before=before, after=snapshot(broker))
    return broker


def broker_signup_fields() -> dict:
    """The broker's fields on a service agency's sign-up (core's sign-up form shows them)."""
    from django import forms
    from django.utils.translation import gettext_lazy

    return {
        "broker_name": forms.CharField(label=gettext_lazy("技术经纪人姓名"), max_length=64,
                                       help_text=gettext_lazy("服务机构填写：在平台上撮合的技术经纪人")),
        "certificate_no": forms.CharField(label=gettext_lazy("技术经纪人证书编号"), max_length=64),
    }


def broker_signup_check(data: dict) -> dict[str, str]:
    cert = (data.get("certificate_no") or "").strip()
    if cert and Broker.objects.filter(certificate_no=cert).exists():
        return {"certificate_no": gettext("证书编号已登记：%(cert)s") % {"cert": cert}}
    return {}


def broker_signup_create(organisation, user, values: dict) -> Broker:
    """The broker profile of a service agency that signs up (its administrator is the broker)."""
    league = Region.objects.filter(code=Region.league_or_self(organisation.region.code)).first() \
        if organisation.region_id else None
    broker = Broker.objects.create(user=user, name=values["broker_name"].strip(),
                                   certificate_no=values["certificate_no"].strip(), region=league, unit=organisation)
    audit_record(actor=user, action="transfer.broker.register", obj=broker, after=snapshot(broker))
    return broker


# ---------------------------------------------------------------- interest and negotiation


@transaction.atomic
def interest_express(
    *, actor, listing: Listing, note: str = "", broker: Broker | None = None, data: dict | None = None
) -> Interest:
    """Express interest in a published record: the note and broker (`note` and `broker`, or the
    request's `data`) checked by InterestValidator (the page's and the API's)."""
    if not perms.can_express_interest(actor, listing):
        if listing.status != ListingStatus.PUBLISHED:
            raise DomainError("bad_state", "只能对已发布的记录表达意向")
        if perms.is_owner(actor, listing):
            raise DomainError("forbidden", MSG_OWN_RECORD, status=403)
        raise DomainError("forbidden", perms.MSG_CANNOT_INTEREST, status=403)
    values = InterestValidator.clean({"note": note} if data is None else data)
    note, broker = values["note"], values["broker"] or broker
    if broker is None and hasattr(actor, "broker_profile"):
        broker = actor.broker_profile
    kwargs = {listing.kind: listing}
    existing = Interest.objects.filter(user=actor, **kwargs).first()
    if existing:
        return existing
    interest = Interest.objects.create(
        user=actor, unit=actor.unit, broker=broker, note=note.strip(), **kwargs
    )
    audit_record(actor=actor, action="transfer.interest.express", obj=interest, after=snapshot(interest))
    if note.strip():
        Message.objects.create(interest=interest, author=actor, body=note.strip())
    return interest


@transaction.atomic
def message_post(*, actor, interest: Interest, body: str = "", data: dict | None = None) -> Message:
    """A message in a negotiation: `body`, or the request's `data`, checked by MessageValidator."""
    if not perms.is_party(actor, interest):
        raise DomainError("not_found", "未找到该洽谈", status=404)
    body = MessageValidator.clean({"body": body} if data is None else data)["body"]
    if interest.status in (InterestStatus.CLOSED,):
        raise DomainError("bad_state", "洽谈已终止")
    msg = Message.objects.create(interest=interest, author=actor, body=body)
    if interest.status == InterestStatus.OPEN:
        Interest.objects.filter(pk=interest.pk).update(status=InterestStatus.NEGOTIATING)
        interest.status = InterestStatus.NEGOTIATING
    return msg


# ---------------------------------------------------------------- contracts


def _norm_party(name: str) -> str:
    """A party's name as the duplicate check compares it: full-width letters and digits folded
    (NFKC: 'ＡＢＣ' = 'ABC'), bracketed notes dropped ('某公司（本部）' = '某公司'), case, spaces and
    punctuation ignored. Two contracts also need the same other party, amount and signing date to
    count as one, so dropping a note cannot merge two real contracts by itself."""
    folded = unicodedata.normalize("NFKC", name or "")  # （） become ()
    folded = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】", "", folded)
    return re.sub(r"[\s()（）\[\]【】·,，.。、\-—_]+", "", folded).lower()


def contract_fingerprint(*, seller: str, buyer: str, amount: Decimal, signed_on: dt.date) -> str:
    key = f"{_norm_party(seller)}|{_norm_party(buyer)}|{Decimal(amount).quantize(Decimal('0.01'))}|{signed_on.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:40]


_contract_values = ContractValidator.clean
_registration_area = registration_area


def _duplicate_of(values: dict, fingerprint: str) -> tuple[Contract | None, str]:
    # a contract waiting for its review is as much a registration as a reviewed one
    live = Contract.objects.filter(status__in=(ContractStatus.SUBMITTED, ContractStatus.REGISTERED))
    if values.get("number"):
        found = live.filter(number=values["number"]).first()
        if found:
            return found, f"合同登记编号 {values['number']} 相同"
    found = live.filter(fingerprint=fingerprint).first()
    if found:
        return found, "买卖双方、金额和签订日期相同"
    return None, ""


def _negotiation_parties(interest: Interest) -> dict:
    """Seller and buyer as the negotiation names them: the record's organisation on one side, the
    interested organisation on the other (an achievement's owner sells, a demand's owner buys)."""
    listing = interest.listing
    owner = (listing.unit.name if listing.unit is not None else "", listing.region)
    party_unit = interest.unit
    party = (
        party_unit.name if party_unit is not None else "",
        party_unit.region if party_unit is not None and party_unit.region_id else None,
    )
    seller, buyer = (owner, party) if listing.kind == "achievement" else (party, owner)
    return {"seller": seller, "buyer": buyer}


def _hold_to_negotiation(values: dict, interest: Interest, errors: _Errors) -> None:
    """A contract of a negotiation names its parties; other names are refused with the field."""
    for side, (name, region) in _negotiation_parties(interest).items():
        if not name:
            continue
        if values.get(side) and values[side] != name:
            errors.add(side, MSG_NOT_THE_PARTY.format(given=values[side], party=name))
        values[side] = name
        if region is not None:
            values[f"{side}_region"] = region


def _live_contract_of(interest: Interest, *, exclude: Contract | None = None) -> Contract | None:
    qs = Contract.objects.filter(interest=interest, status__in=LIVE_CONTRACT_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("-version").first()


@transaction.atomic
def contract_register(
    *,
    actor,
    data: dict,
    interest: Interest | None = None,
    channel: str = "platform",
    broker: Broker | None = None,
    supersedes: Contract | None = None,
) -> Contract:
    """Register a technology contract (技术合同认定登记); refuses a duplicate from any channel.

    A party of a negotiation submits the negotiation's one contract with the negotiation's
    parties; it counts in the turnover only once an operator has reviewed it (`contract_review`).
    An operator's own registration (the registration system's records) is the review itself.
    An amendment (`supersedes`) is the next version of the same contract."""
    if supersedes is not None:
        interest = supersedes.interest
    errors = _Errors()
    json_body = isinstance(data, JsonInput)  # the API's body: JSON types are checked
    if interest is not None:  # the parties may be left out: the negotiation names them
        parties = _negotiation_parties(interest)
        data = {**data, **{side: name for side, (name, _) in parties.items() if name and not data.get(side)}}
        data = {**data, **{f"{side}_region": region for side, (_, region) in parties.items()
                           if region is not None and not data.get(f"{side}_region")}}
    values = _contract_values(JsonInput(data) if json_body else data, errors)
    if interest is not None:
        _hold_to_negotiation(values, interest, errors)
        live = _live_contract_of(interest, exclude=supersedes)
        if live is not None and (supersedes is None or live.pk != supersedes.pk):
            errors.add("interest_id", MSG_ONE_CONTRACT_PER_NEGOTIATION.format(existing=live.title))
    errors.raise_if_any()
    if not perms.can_register_contract(actor, interest=interest, seller_region=values["seller_region"]):
        raise DomainError("forbidden", "无权登记该技术合同", status=403)
    fingerprint = contract_fingerprint(
        seller=values["seller"], buyer=values["buyer"], amount=values["amount"], signed_on=values["signed_on"]
    )
    existing, why = _duplicate_of(values, fingerprint)
    if existing and (supersedes is None or existing.pk != supersedes.pk):
        raise DomainError(
            "duplicate_contract",
            MSG_DUPLICATE_CONTRACT.format(why=why, existing=existing.title),
            status=409,
            data={"existing": str(existing.public_id), "channel": existing.channel},
        )
    links = {}
    if interest is not None:
        links = {"interest": interest, interest.listing.kind: interest.listing, "broker": interest.broker}
    if broker is not None:
        links["broker"] = broker
    reviewer = perms.can_operate_region(actor, values["seller_region"]) or perms.can_operate_region(
        actor, values["buyer_region"]
    )
    review = (
        {"status": ContractStatus.REGISTERED, "reviewed_by": actor, "reviewed_at": timezone.now()}
        if reviewer and supersedes is None
        else {"status": ContractStatus.SUBMITTED}
    )
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                **values,
                fingerprint=fingerprint,
                channel=channel,
                registered_by=actor,
                unit=getattr(actor, "unit", None),
                version=(supersedes.version + 1) if supersedes is not None else 1,
                supersedes=supersedes,
                **review,
                **links,
            )
    except IntegrityError as exc:  # a concurrent registration of the same contract
        raise DomainError("duplicate_contract", MSG_DUPLICATE_RACE, status=409) from exc
    if interest is not None and interest.status != InterestStatus.CONTRACTED:
        Interest.objects.filter(pk=interest.pk).update(status=InterestStatus.CONTRACTED)
        interest.status = InterestStatus.CONTRACTED
    audit_record(actor=actor, action="transfer.contract.register", obj=contract, after=snapshot(contract))
    return contract


@transaction.atomic
def contract_amend(*, actor, contract: Contract, data: dict) -> Contract:
    """A new version of a contract (its negotiation keeps one contract); it is reviewed like the first,
    and on approval supersedes the version before it."""
    if contract.status not in LIVE_CONTRACT_STATUSES:
        raise DomainError("bad_state", MSG_BAD_STATE.format(status=contract.get_status_display()))
    if contract.amendments.filter(status__in=LIVE_CONTRACT_STATUSES).exists():
        raise DomainError("bad_state", MSG_AMENDMENT_PENDING)
    merged = {**_contract_form_values(contract), **data}
    if isinstance(data, JsonInput):  # the API's body: JSON types are checked
        merged = JsonInput(merged)
    return contract_register(actor=actor, data=merged, channel=contract.channel, supersedes=contract)


def _contract_form_values(contract: Contract) -> dict:
    return {
        "number": contract.number, "title": contract.title, "type": contract.type, "seller": contract.seller,
        "seller_region": contract.seller_region, "buyer": contract.buyer, "buyer_region": contract.buyer_region,
        "amount": contract.amount, "tech_amount": contract.tech_amount, "signed_on": contract.signed_on,
        "authority": contract.authority, "rules_version": contract.rules_version,
    }


@transaction.atomic
def contract_review(
    *, actor, contract: Contract, decision: str | None = None, reason: str = "", data: dict | None = None
) -> Contract:
    """An operator's 认定登记 review: `approve` makes it count in the turnover (superseding the
    version it amends), `return` sends it back to the parties with the reason. `decision` and
    `reason`, or the request's `data`, are checked by ReviewDecisionValidator (the page's and the API's)."""
    perms.require(
        perms.can_operate_region(actor, contract.seller_region) or perms.can_operate_region(actor, contract.buyer_region)
    )
    values = ReviewDecisionValidator.clean({"decision": decision, "reason": reason} if data is None else data,
                                           choices=ReviewDecisionValidator.CONTRACT)  # fmt: skip
    decision, reason = values["decision"], values["reason"]
    if contract.status != ContractStatus.SUBMITTED:
        raise DomainError("bad_state", MSG_BAD_STATE.format(status=contract.get_status_display()))
    before = snapshot(contract)
    now = timezone.now()
    if decision == "approve":
        old = contract.supersedes
        if old is not None and old.status == ContractStatus.REGISTERED:
            Contract.objects.filter(pk=old.pk).update(status=ContractStatus.SUPERSEDED)
            audit_record(actor=actor, action="transfer.contract.supersede", obj=old,
                         after={"status": ContractStatus.SUPERSEDED, "by": str(contract.public_id)})
        contract.status = ContractStatus.REGISTERED
    else:
        contract.status = ContractStatus.RETURNED
    contract.reviewed_by, contract.reviewed_at, contract.review_note = actor, now, reason
    try:
        with transaction.atomic():
            contract.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    except IntegrityError as exc:  # the same number or parties/amount/date already counted
        raise DomainError("duplicate_contract", MSG_DUPLICATE_RACE, status=409) from exc
    audit_record(actor=actor, action=f"transfer.contract.{decision}", obj=contract, before=before,
                 after=snapshot(contract), note=reason)
    return contract


def contract_void(*, actor, contract: Contract, reason: str = "", data: dict | None = None) -> Contract:
    """Void a contract; its reason (`reason` or the request's `data`) is required, checked by ReasonValidator."""
    perms.require(perms.can_operate_region(actor, contract.seller_region))
    reason = ReasonValidator.clean({"reason": reason} if data is None else data, required=True)["reason"]
    if contract.status == ContractStatus.VOID:
        raise DomainError("bad_state", "合同已撤销")
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.VOID)
    contract.status = ContractStatus.VOID
    audit_record(
        actor=actor, action="transfer.contract.void", obj=contract, after={"status": "void"}, note=reason
    )
    return contract


# ---------------------------------------------------------------- imports (all or nothing)


def _map_columns(
    rows: list[tuple[int, dict]], columns: dict[str, tuple[str, ...]]
) -> tuple[list[tuple[int, dict]], list[str], list[str]]:
    """Rename the file's headers to field names; returns (rows, unknown headers, headers that
    name a field another header already names)."""
    if not rows:
        return [], [], []
    alias = {a.lower(): field for field, names in columns.items() for a in names}
    headers = list(rows[0][1].keys())
    unknown = [h for h in headers if h.lower() not in alias and h.lower() not in EXPORT_ONLY_COLUMNS]
    seen: dict[str, str] = {}
    repeated = []
    for h in headers:
        field = alias.get(h.lower())
        if field in seen:
            repeated.append(f"{h}（与“{seen[field]}”同为 {field}）")
        elif field:
            seen[field] = h
    mapped = [(n, {alias[h.lower()]: v for h, v in r.items() if h.lower() in alias}) for n, r in rows]
    return mapped, unknown, repeated


def _table_rows(filename: str, content: bytes, columns) -> list[tuple[int, dict]]:
    """``(row number, {field: text})`` for each data row; a file that cannot be read, an unknown
    or repeated column, or a file without data rows is refused before any row is looked at."""
    table, raw = read_records(content, filename)  # a TableError names the row and column
    header = table.header_row
    if not raw:
        raise ValidationFailed(MSG_NO_DATA_ROWS, [{"field": "file", "message": MSG_NO_DATA_ROWS}])
    rows, unknown, repeated = _map_columns(raw, columns)
    if unknown or repeated:
        problems = [{"row": header, "field": h, "message": "未知列"} for h in unknown]
        problems += [{"row": header, "field": h, "message": "列重复"} for h in repeated]
        raise ValidationFailed(
            "表头有误：" + "；".join(f"{e['field']} {e['message']}" for e in problems), problems
        )
    return rows


def _refuse(errors: list[dict]) -> None:
    rows = sorted({e["row"] for e in errors})
    raise ValidationFailed(
        MSG_IMPORT_REFUSED.format(n=len(rows)) + "（第 " + "、".join(str(r) for r in rows[:20]) + " 行）",
        errors,
    )


@transaction.atomic
def listing_import(*, actor, kind: str, filename: str, content: bytes, dry_run: bool = False) -> dict:
    """Import achievements or demands from CSV/XLSX; they enter the review queue.

    All or nothing: every row is checked first; any error refuses the whole file, naming each
    row (the header is row 1) and field, and nothing is written. ``dry_run`` checks only.
    """
    model = _check_kind(kind)
    perms.require(perms.can_submit(actor, kind), perms.MSG_CANNOT_SUBMIT)
    rows = _table_rows(filename, content, LISTING_COLUMNS)
    registered = _registered_listing_keys(model, [str(r.get("title") or "").strip() for _, r in rows])
    actor_unit = actor.unit.name if getattr(actor, "unit_id", None) else ""
    all_errors, cleaned = [], []
    seen: dict[tuple, int] = {}
    for i, row in rows:
        errors = _Errors(row=i)
        values = _listing_values(kind, row, errors)
        unit = _unit_for(actor, row, errors)
        key = (values["title"], values["description"][:50])
        unit_name = unit.name if unit is not None else actor_unit
        if values["title"] and key in seen:
            errors.add("title", f"与第 {seen[key]} 行重复")
        elif values["title"] and (*key, unit_name) in registered:
            errors.add("title", MSG_ALREADY_REGISTERED.format(status=registered[(*key, unit_name)]))
        seen.setdefault(key, i)
        all_errors += errors.items
        cleaned.append((values, unit))
    if all_errors:
        _refuse(all_errors)
    if dry_run:
        return {"rows": len(cleaned), "created": 0, "dry_run": True}
    for values, unit in cleaned:
        obj = model.objects.create(**values, unit=unit, submitted_by=actor, source="import")
        audit_record(
            actor=actor, action=f"transfer.{kind}.import", obj=obj, after=snapshot(obj), note=filename
        )
    return {"rows": len(cleaned), "created": len(cleaned), "dry_run": False}


def _registered_listing_keys(model, titles: list[str]) -> dict[tuple[str, str, str], str]:
    """(title, first 50 characters of the description, unit name) -> status label of the records
    already in the register (withdrawn ones left out), for the titles of an import file."""
    # titles with control characters are refused row by row; PostgreSQL cannot even compare them
    found = (
        model.objects.filter(title__in={t for t in titles if t and not CONTROL_CHARACTERS.search(t)})
        .exclude(status=ListingStatus.WITHDRAWN)
        .select_related("unit")
    )
    return {
        (o.title, o.description[:50], o.unit.name if o.unit_id else ""): o.get_status_display() for o in found
    }


@transaction.atomic
def contract_import(
    *, actor, filename: str, content: bytes, dry_run: bool = False, channel: str = "import"
) -> dict:
    """Import registered contracts (e.g. from the registration system); all or nothing, with
    duplicates (against the register and within the file) reported as row errors."""
    perms.require(perms.is_operator(actor))
    rows = _table_rows(filename, content, CONTRACT_COLUMNS)
    all_errors, cleaned = [], []
    seen_fp: dict[str, int] = {}
    seen_no: dict[str, int] = {}
    for i, row in rows:
        errors = _Errors(row=i)
        values = _contract_values(row, errors)
        if not errors.items:
            if not perms.can_operate_region(actor, values["seller_region"]):
                errors.add("seller_region", "不在本机构的登记范围内")
            fp = contract_fingerprint(
                seller=values["seller"],
                buyer=values["buyer"],
                amount=values["amount"],
                signed_on=values["signed_on"],
            )
            existing, why = _duplicate_of(values, fp)
            if existing:
                errors.add("number" if "编号" in why else "seller", f"重复登记（{why}）：{existing.title}")
            elif fp in seen_fp:
                errors.add("seller", f"与第 {seen_fp[fp]} 行重复")
            elif values["number"] and values["number"] in seen_no:
                errors.add("number", f"与第 {seen_no[values['number']]} 行编号重复")
            seen_fp.setdefault(fp, i)
            if values["number"]:
                seen_no.setdefault(values["number"], i)
            values["fingerprint"] = fp
        all_errors += errors.items
        cleaned.append(values)
    if all_errors:
        _refuse(all_errors)
    if dry_run:
        return {"rows": len(cleaned), "created": 0, "dry_run": True}
    for n, values in enumerate(cleaned):
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    **values, channel=channel, registered_by=actor, unit=getattr(actor, "unit", None)
                )
        except IntegrityError as exc:  # registered by another channel while this file was read
            raise DomainError(
                "duplicate_contract", MSG_DUPLICATE_RACE, status=409, data={"row": rows[n][0]}
            ) from exc
        audit_record(
            actor=actor,
            action="transfer.contract.import",
            obj=contract,
            after=snapshot(contract),
            note=filename,
        )
    return {"rows": len(cleaned), "created": len(cleaned), "dry_run": False}


# ---------------------------------------------------------------- an approved organisation and its contracts


def contracts_join(organisation, *, apply: bool) -> list[str]:
    """On approval (core.services.organisation_joiners): contracts that name the organisation's
    credit code as seller or buyer are its members' to see (permissions read the code, so nothing
    is rewritten; this says how many)."""
    if not organisation.credit_code:
        return []
    n = Contract.objects.filter(
        Q(seller_credit_code=organisation.credit_code) | Q(buyer_credit_code=organisation.credit_code)
    ).count()
    return [f"技术合同 {n} 份（卖方或买方统一社会信用代码相同）"] if n else []
