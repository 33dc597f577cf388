"""The one network's input validators: what a page form and the API body of one write share.

``ListingValidator`` (an achievement or a demand, submitted or edited) and ``ContractValidator``
(a technology contract registered by a party, an operator or an import row) read every field,
collect every problem at once, each named by its field, and raise ``ValidationFailed``: the
services call them, so the page, the API, the import and the command line give the same errors
in the same words. Messages follow the page's language (this app's catalog; Chinese by default).

The API's bodies for these writes are made from the validators (``core.validation.body_schema``):
pydantic takes each field as sent and the validator judges it, reading it with core's field
readers (core.validation.read_text, read_date, read_decimal...). A JSON value of the wrong kind (a
number where text or a date is expected, a list for an amount) makes the API answer 422 ("does not
match"); a value of the right kind that is refused (a TRL of 10, an unknown region, text that is
not a date) 400; the fields and messages are the same either way.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from steppe.core.bilingual import in_language
from steppe.core.credit_code import credit_code_normalise
from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.forms import credit_code_error
from steppe.core.regions import resolve_region
from steppe.core.validation import (  # noqa: F401  (MSG_CONTROL_CHARACTER: as services.X, for callers and tests)
    CONTROL_CHARACTERS,
    MSG_CONTROL_CHARACTER,
    MSG_NOT_TEXT,
    MSG_REQUIRED,
    TEXT_MAX_LENGTH,
    Errors,
    JsonInput,
    body_schema,
    parse_int,
    read_date,
    read_decimal,
    read_int,
    read_text,
    write_path,
)

from .models import CONTRACT_TYPE_ALIASES, Broker, ContractType, IpType, ScenarioRound, TransferMode

CURRENT_RULES_VERSION = "技术合同认定规则（国科发政字〔2000〕063号）"

MSG_NOT_NON_NEGATIVE = "应为非负数：{raw}"
MSG_READINESS = "技术成熟度应为 1–9：{raw}"
MSG_IP_TYPE = "未知类型“{value}”（可选：{choices}）"
MSG_TRANSFER_MODES = "未知转化方式“{value}”（可选：{choices}）"
MSG_PRICE_ORDER = "价格上限低于价格下限"
MSG_CONTRACT_TYPE = "未知合同类型“{value}”（可选：{choices}）"
MSG_TECH_ABOVE_AMOUNT = "技术交易额不能大于合同成交额"
MSG_SIGNED_AFTER_REGISTERED = "签订日期晚于登记日期"
MSG_AMOUNT_POSITIVE = "合同成交额应大于 0"
MSG_REGISTERED_IN_FUTURE = "登记日期晚于今天"
MSG_AMOUNT_IMPLAUSIBLE = "合同成交额超过 {max} 万元，不可信，请核对单位（万元）"
MSG_SERVICE_FIELDS = "服务领域应为文本或文本列表"
MSG_SERVICE_FIELD_TOO_LONG = "服务领域“{value}”超过 {max} 字"
MSG_SERVICE_FIELDS_TOO_MANY = "服务领域至多 {max} 项（现有 {n} 项）"
MSG_BROKER_REGION = "所在盟市应为自治区或区内的盟市：{value}"
MSG_DECISION = "审核结论应为 {choices}"
MSG_RETURN_NEEDS_REASON = "退回时必须填写理由"
MSG_EXPIRES_NOT_AFTER_TODAY = "有效期必须晚于今天"
MSG_VOID_NEEDS_REASON = "撤销须说明理由"
MSG_BROKER_NOT_FOUND = "未找到所选的技术经纪人，请重新选择"
MSG_BROKER_CERTIFICATE_UNKNOWN = "未登记的技术经纪人证书编号：{value}"
MSG_ROUND_REQUIRED = "请选择场景清单批次"
MSG_ROUND_UNKNOWN = "第{n}批不存在"
MSG_ROUND_EXISTS = "第{n}批已存在"
MSG_CERTIFICATE_TAKEN = "证书编号已登记：{value}"
MAX_SERVICE_FIELDS = 10
# a reason, a note or a message someone types: far above any real one, well below the edge's 20,000
MAX_NOTE_LENGTH = 2000
# a scenario's needs, an expert's profile: a description, not a document
MAX_NEEDS_LENGTH = 5000
MAX_SERVICE_FIELD_LENGTH = 32
MSG_AMOUNT_OUT_OF_RANGE = "数额超出合理范围（以万元计，应小于 1,000,000）：{raw}"
MAX_CONTRACT_AMOUNT = Decimal("500000")  # 万元 = 50 亿元: above the largest single contract on record
# 万元: every price, budget and contract amount is below this (100 亿元); the columns hold < 10^12
MAX_AMOUNT_WAN = Decimal("1000000")


def _t(message: str, **values) -> str:
    """A message in the active language (this app's catalog), placeholders filled."""
    text = gettext(message)
    return text.format(**values) if values else text


# ---------------------------------------------------------------- field parsing


class FieldErrors(Errors):
    """Every problem of one input (or of one import row, `row`), raised together; a value of the
    wrong kind makes the API answer 422 (core.validation.Errors)."""

    def __init__(self, row: int | None = None):
        super().__init__()
        self.row = row

    def add(self, field: str, message: str, *, malformed: bool = False) -> None:
        super().add(field, message, malformed=malformed)
        if self.row is not None:
            self.items[-1]["row"] = self.row

    def raise_if_any(self, message: str = "输入有误") -> None:
        if self.items:
            raise self.error(message)


def _text(data, key, errors, *, required=False, max_length=TEXT_MAX_LENGTH) -> str:
    """core's read_text, "" when refused (an import compares its rows before it raises)."""
    return read_text(data, key, errors, max_length, required=required) or ""


def _credit_code(data, key, errors) -> str:
    """An optional 统一社会信用代码, checked by the one checker in core."""
    value = credit_code_normalise(_text(data, key, errors))
    message = credit_code_error(value) if value else None  # the sign-up's message, in the page's language
    if message:
        errors.add(key, message)
    return value


def _decimal(data, key, errors, *, required=False) -> Decimal | None:
    """An amount in 万元 (core's read_decimal, two places): not negative, below MAX_AMOUNT_WAN."""
    value = read_decimal(data, key, errors, required=required, positive=False, limit=Decimal("1e15"))
    if value is not None and value < 0:
        errors.add(key, _t(MSG_NOT_NON_NEGATIVE, raw=data.get(key)))
        return None
    if value is not None and value >= MAX_AMOUNT_WAN:
        errors.add(key, _t(MSG_AMOUNT_OUT_OF_RANGE, raw=data.get(key)))
        return None
    return value


def _region(data, key, errors, *, required=True):
    raw = data.get(key)
    if hasattr(raw, "code"):
        return raw
    if raw is None or str(raw).strip() == "":
        if required:
            errors.add(key, gettext(MSG_REQUIRED))
        return None
    try:
        return resolve_region(str(raw))
    except DomainError as exc:
        errors.add(key, exc.message)
        return None


def _readiness(data, errors) -> int | None:
    raw = data.get("readiness")
    if raw in (None, ""):
        return None
    try:
        if isinstance(raw, bool | list | dict | float):
            raise ValueError
        trl = int(str(raw).strip().upper().removeprefix("TRL"))
    except ValueError:
        errors.add("readiness", _t(MSG_READINESS, raw=raw), malformed=True)
        return None
    if not 1 <= trl <= 9:
        errors.add("readiness", _t(MSG_READINESS, raw=raw))
        return None
    return trl


def _modes(data, errors) -> list[str]:
    modes = data.get("transfer_modes") or []
    if isinstance(modes, str):
        modes = [m for m in re.split(r"[,，、;；/\s]+", modes) if m]
    if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
        errors.add("transfer_modes", _t(MSG_TRANSFER_MODES, value=modes, choices="、".join(TransferMode.values)),
                   malformed=True)  # fmt: skip
        return []
    bad = [m for m in modes if m not in TransferMode.values]
    if bad:
        errors.add("transfer_modes",
                   _t(MSG_TRANSFER_MODES, value="、".join(bad), choices="、".join(TransferMode.values)))  # fmt: skip
    return [m for m in TransferMode.values if m in modes]


# ---------------------------------------------------------------- the validators


class ListingValidator:
    """An achievement (科技成果) or a demand (技术需求): the page's form (new and edit), the API's
    POST and PATCH, and every row of an import."""

    COMMON = {
        "title": _("标题"), "description": _("内容描述"), "field": _("技术领域"), "region": _("地区"),
        "unit": pgettext_lazy("organisation field", "单位"), "contact": _("联系方式"),
    }  # fmt: skip
    ACHIEVEMENT = {
        "readiness": _("技术成熟度（TRL 1–9）"), "ip_type": _("知识产权类型"), "ip_numbers": _("知识产权编号"),
        "transfer_modes": _("转化方式"), "price_min": _("价格下限（万元）"), "price_max": _("价格上限（万元）"),
    }  # fmt: skip
    DEMAND = {"budget": _("预算（万元）"), "deadline": _("期望解决期限")}

    @classmethod
    def labels(cls, kind: str | None = None) -> dict:
        """Field -> label (the page's words) of a kind; both kinds' when None."""
        extra = {"achievement": cls.ACHIEVEMENT, "demand": cls.DEMAND}.get(kind or "", cls.ACHIEVEMENT | cls.DEMAND)
        return cls.COMMON | extra

    @staticmethod
    def clean(kind: str, data: dict, errors: FieldErrors) -> dict:
        """The record's values (the unit is the service's: it depends on who submits)."""
        values = {
            "title": _text(data, "title", errors, required=True, max_length=200),
            "description": _text(data, "description", errors, required=True),
            "field": _text(data, "field", errors, max_length=64),
            "region": _region(data, "region", errors),
            "contact": _text(data, "contact", errors, max_length=200),
        }
        if kind == "achievement":
            values["readiness"] = _readiness(data, errors)
            ip_type = _text(data, "ip_type", errors)
            if ip_type and ip_type not in IpType.values:
                errors.add("ip_type", _t(MSG_IP_TYPE, value=ip_type, choices="、".join(IpType.values)))
            values["ip_type"] = ip_type
            values["ip_numbers"] = _text(data, "ip_numbers", errors, max_length=300)
            values["transfer_modes"] = _modes(data, errors)
            values["price_min"] = _decimal(data, "price_min", errors)
            values["price_max"] = _decimal(data, "price_max", errors)
            if values["price_min"] is not None and values["price_max"] is not None:
                if values["price_min"] > values["price_max"]:
                    errors.add("price_max", _t(MSG_PRICE_ORDER))
        else:
            values["budget"] = _decimal(data, "budget", errors)
            values["deadline"] = read_date(data, "deadline", errors)
        return values


class ContractValidator:
    """A technology contract (技术合同): the contracts page's and the negotiation page's form, the
    API's POST (and an amendment's fields), and every row of an import."""

    LABELS = {
        "number": _("合同登记编号"), "title": _("合同名称"), "type": _("合同类型"), "seller": _("卖方"),
        "seller_region": _("卖方地区"), "buyer": _("买方"), "buyer_region": _("买方地区"),
        "seller_credit_code": _("卖方统一社会信用代码"), "buyer_credit_code": _("买方统一社会信用代码"),
        "amount": _("合同成交额（万元）"), "tech_amount": _("技术交易额（万元）"), "signed_on": _("签订日期"),
        "registered_on": _("登记日期"), "authority": _("登记机构"), "rules_version": _("认定登记规则版本"),
    }  # fmt: skip

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict, errors: FieldErrors) -> dict:
        ctype = _text(data, "type", errors, required=True)
        ctype = CONTRACT_TYPE_ALIASES.get(ctype, ctype)
        if ctype and ctype not in ContractType.values:
            errors.add("type", _t(MSG_CONTRACT_TYPE, value=ctype, choices="、".join(ContractType.values)))
        values = {
            "number": _text(data, "number", errors, max_length=64),
            "title": _text(data, "title", errors, required=True, max_length=200),
            "type": ctype,
            "seller": _text(data, "seller", errors, required=True, max_length=200),
            "seller_region": _region(data, "seller_region", errors),
            "buyer": _text(data, "buyer", errors, required=True, max_length=200),
            "buyer_region": _region(data, "buyer_region", errors),
            "seller_credit_code": _credit_code(data, "seller_credit_code", errors),
            "buyer_credit_code": _credit_code(data, "buyer_credit_code", errors),
            "amount": _decimal(data, "amount", errors, required=True),
            "tech_amount": _decimal(data, "tech_amount", errors),
            "signed_on": read_date(data, "signed_on", errors, required=True),
            "registered_on": read_date(data, "registered_on", errors),
            "authority": _text(data, "authority", errors, max_length=200),
            "rules_version": _text(data, "rules_version", errors, max_length=64) or CURRENT_RULES_VERSION[:64],
        }
        if values["tech_amount"] is None:
            values["tech_amount"] = values["amount"]
        if (
            values["amount"] is not None
            and values["tech_amount"] is not None
            and values["tech_amount"] > values["amount"]
        ):
            errors.add("tech_amount", _t(MSG_TECH_ABOVE_AMOUNT))
        if values["amount"] is not None and values["amount"] <= 0:
            errors.add("amount", _t(MSG_AMOUNT_POSITIVE))
        for key in ("amount", "tech_amount"):
            if values[key] is not None and values[key] > MAX_CONTRACT_AMOUNT:
                errors.add(key, _t(MSG_AMOUNT_IMPLAUSIBLE, max=f"{MAX_CONTRACT_AMOUNT:,.0f}"))
        today = timezone.localdate()
        if values["registered_on"] and values["registered_on"] > today:
            errors.add("registered_on", _t(MSG_REGISTERED_IN_FUTURE))
        values["registered_on"] = values["registered_on"] or today
        if values["signed_on"] and values["registered_on"] and values["signed_on"] > values["registered_on"]:
            errors.add("signed_on", _t(MSG_SIGNED_AFTER_REGISTERED))
        if not values["authority"] and values["seller_region"] is not None:
            values["authority"] = f"{registration_area(values['seller_region']).name}技术合同认定登记机构"
        return values


def registration_area(region):
    """Contracts are registered by the league (盟市) where the seller is: a county's league, or the
    region itself above county level."""
    if region.level == "county" and region.parent_id:
        return region.parent
    return region


def page_summary(errors: dict, labels: dict) -> str:
    """The box above a refused form: how many fields to fix, each by its label, in field order."""
    parts = [f"{labels[f]}{gettext('：')}{m}" for f, m in errors.items() if f in labels]
    if errors.get("general"):
        parts.append(errors["general"])
    return gettext("有 %(n)s 处需要修改：") % {"n": len(parts)} + gettext("；").join(parts)


def page_errors(exc: DomainError, labels: dict) -> dict:
    """A refused write's errors for a page: field -> message, every one beside its field; an error
    naming no field of the form goes to ``general`` (shown at the top with its field's label)."""
    items = exc.data.get("errors") if isinstance(exc.data, dict) else None
    if not items:
        return {"general": in_language(exc.message)}
    out: dict[str, str] = {}
    general = []
    for e in items:
        field = e.get("field") or ""
        message = in_language(e.get("message"))
        if field in labels and field not in out:
            out[field] = message
        elif field in labels:
            out[field] += gettext("；") + message
        else:
            general.append(f"{field}{gettext('：')}{message}" if field else message)
    if general:
        out["general"] = gettext("；").join(general)
    return out


class BrokerProfileValidator:
    """A broker's 服务领域 and region: registration (the broker page, POST /transfer/brokers) and the
    profile's later edits (the broker page, PATCH /transfer/brokers/me). Only the fields sent are read."""

    LABELS = {"fields": _("服务领域"), "region": _("所在盟市")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict, errors: FieldErrors) -> dict:
        values: dict = {}
        if "fields" in data:
            values["fields"] = _service_fields(data, errors)
        if "region" in data:
            values["region"] = _broker_region(data, errors)
        return values


def _service_fields(data, errors) -> list[str]:
    """服务领域: a list of texts, or one text separated by 、，,;； (a page's input); trimmed, blanks and
    repeats dropped, at most MAX_SERVICE_FIELDS of at most MAX_SERVICE_FIELD_LENGTH characters."""
    raw = data.get("fields")
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = re.split(r"[,，、;；]+", raw)
    if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
        errors.add("fields", _t(MSG_SERVICE_FIELDS), malformed=True)
        return []
    out: list[str] = []
    for f in (f.strip() for f in raw):
        if f and f not in out:
            out.append(f)
    for f in out:
        if CONTROL_CHARACTERS.search(f):
            errors.add("fields", gettext(MSG_CONTROL_CHARACTER))
            return []
        if len(f) > MAX_SERVICE_FIELD_LENGTH:
            errors.add("fields", _t(MSG_SERVICE_FIELD_TOO_LONG, value=f[:40], max=MAX_SERVICE_FIELD_LENGTH))
            return []
    if len(out) > MAX_SERVICE_FIELDS:
        errors.add("fields", _t(MSG_SERVICE_FIELDS_TOO_MANY, max=MAX_SERVICE_FIELDS, n=len(out)))
        return []
    return out


def _broker_region(data, errors):
    """The league or city a broker serves (the autonomous region as a whole allowed); "" for none."""
    raw = data.get("region")
    if isinstance(data, JsonInput) and raw is not None and not isinstance(raw, str):
        errors.add("region", gettext(MSG_NOT_TEXT), malformed=True)
        return None
    region = _region(data, "region", errors, required=False)
    if region is not None and not (region.level in ("province", "prefecture") and region.is_in_region(region.code)):
        errors.add("region", _t(MSG_BROKER_REGION, value=f"{region.name} {region.code}"))
        return None
    return region


class ReviewDecisionValidator:
    """An operator's review: of an achievement or a demand (accept or return; the record page's
    buttons, POST .../review) and of a contract (approve or return; the contracts page, POST
    /transfer/contracts/{public_id}/review). A return needs its reason."""

    LABELS = {"decision": _("审核结论"), "reason": _("理由")}
    LISTING = ("accept", "return")
    CONTRACT = ("approve", "return")

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict, *, choices: tuple[str, ...] = LISTING) -> dict:
        errors = FieldErrors()
        decision = _text(data, "decision", errors, required=True)
        if decision and decision not in choices:
            errors.add("decision", _t(MSG_DECISION, choices=" | ".join(choices)))
        reason = _text(data, "reason", errors, max_length=MAX_NOTE_LENGTH)
        if decision == "return" and not reason and not any(e["field"] == "reason" for e in errors.items):
            errors.add("reason", _t(MSG_RETURN_NEEDS_REASON))
        errors.raise_if_any()
        return {"decision": decision, "reason": reason}


class PublishValidator:
    """Publishing or renewing a record (the record page's button, POST .../publish): the validity
    date, when one is given, lies after today (none: the service's default)."""

    LABELS = {"expires_on": _("有效期至")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict) -> dict:
        errors = FieldErrors()
        expires_on = read_date(data, "expires_on", errors)
        if expires_on is not None and expires_on <= timezone.localdate():
            errors.add("expires_on", _t(MSG_EXPIRES_NOT_AFTER_TODAY))
        errors.raise_if_any()
        return {"expires_on": expires_on}


class ReasonValidator:
    """The reason given for withdrawing a record (optional; the record page, POST .../withdraw) or
    voiding a contract (required; the contracts page, POST /transfer/contracts/{public_id}/void)."""

    LABELS = {"reason": _("理由")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict, *, required: bool = False) -> dict:
        errors = FieldErrors()
        reason = _text(data, "reason", errors, max_length=MAX_NOTE_LENGTH)
        if required and not reason and not errors.items:
            errors.add("reason", _t(MSG_VOID_NEEDS_REASON))
        errors.raise_if_any()
        return {"reason": reason}


class InterestValidator:
    """An expression of interest (the record page, POST .../interests): a note (optional) and the
    broker who brokers it, chosen from the page's list (`broker`, its public id) or named by its
    certificate number (`broker_certificate`)."""

    LABELS = {"note": _("留言"), "broker": _("技术经纪人"), "broker_certificate": _("技术经纪人证书编号")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict) -> dict:
        errors = FieldErrors()
        note = _text(data, "note", errors, max_length=MAX_NOTE_LENGTH)
        broker = None
        chosen = _text(data, "broker", errors)
        if chosen:
            try:
                broker = Broker.objects.filter(public_id=uuid.UUID(chosen)).first()
            except ValueError:
                broker = None
            if broker is None:
                errors.add("broker", _t(MSG_BROKER_NOT_FOUND))
        before = len(errors.items)
        certificate = _text(data, "broker_certificate", errors, max_length=64)
        if certificate and len(errors.items) == before:
            broker = Broker.objects.filter(certificate_no=certificate).first()
            if broker is None:
                errors.add("broker_certificate", _t(MSG_BROKER_CERTIFICATE_UNKNOWN, value=certificate))
        errors.raise_if_any()
        return {"note": note, "broker": broker}


class MessageValidator:
    """A message in a negotiation (the negotiation page, POST /transfer/interests/{public_id}/messages)."""

    LABELS = {"body": _("消息")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict) -> dict:
        errors = FieldErrors()
        body = _text(data, "body", errors, required=True, max_length=MAX_NOTE_LENGTH)
        errors.raise_if_any()
        return {"body": body}


class RoundValidator:
    """A numbered round of scenarios (the scenarios page, POST /transfer/scenarios/rounds): its
    number (not taken), title and publication date, every problem at once."""

    LABELS = {"number": _("批次"), "title": _("名称"), "published_on": _("发布日期")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        n = read_int(data, "number", errors, lo=1, hi=100_000, required=True)
        day = read_date(data, "published_on", errors)
        title = read_text(data, "title", errors, 200, required=True)
        if n is not None and ScenarioRound.objects.filter(number=n).exists():
            errors.add("number", _t(MSG_ROUND_EXISTS, n=n))
        errors.check()
        return {"number": n, "title": title, "published_on": day}


def _scenario_round(data, errors) -> ScenarioRound | None:
    """The round a scenario goes into: the page's drop-down (resolved to the round), or its number."""
    raw = data.get("round")
    if isinstance(raw, ScenarioRound):
        return raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.add("round", _t(MSG_ROUND_REQUIRED))
        return None
    try:
        n = parse_int(raw if isinstance(raw, int | str) and not isinstance(raw, bool) else f"{raw!r}", "round",
                      lo=1, hi=100_000)  # fmt: skip
    except ValidationFailed:
        errors.add("round", _t(MSG_ROUND_REQUIRED))
        return None
    rnd = ScenarioRound.objects.filter(number=n).first()
    if rnd is None:
        errors.add("round", _t(MSG_ROUND_UNKNOWN, n=n))
    return rnd


class ScenarioValidator:
    """A scenario added to a round directly (the scenarios page, POST /transfer/scenarios): its
    round, title, owner, needs, field, region and deadline. The service adds whether the region
    is the operator's own."""

    LABELS = {
        "round": _("场景清单批次"), "title": _("场景名称"), "owner": _("场景提供方"), "needs": _("需求内容"),
        "field": _("领域"), "region": _("地区"), "deadline": _("截止日期"),
    }  # fmt: skip

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict, errors: FieldErrors) -> dict:
        return {
            "round": _scenario_round(data, errors),
            "title": _text(data, "title", errors, required=True, max_length=200),
            "owner": _text(data, "owner", errors, required=True, max_length=200),
            "needs": _text(data, "needs", errors, required=True, max_length=MAX_NEEDS_LENGTH),
            "field": _text(data, "field", errors, max_length=64),
            "region": _region(data, "region", errors, required=False),
            "deadline": read_date(data, "deadline", errors),
        }


class PromoteValidator:
    """A published demand promoted into a round (the record page, POST .../promote): the round,
    and optionally the scenario's owner and deadline (the demand's own otherwise)."""

    LABELS = {"round": _("场景清单批次"), "owner": _("场景提供方"), "deadline": _("截止日期")}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict) -> dict:
        errors = FieldErrors()
        values = {
            "round": _scenario_round(data, errors),
            "owner": _text(data, "owner", errors, max_length=200),
            "deadline": read_date(data, "deadline", errors),
        }
        errors.raise_if_any()
        return values


class ExpertValidator:
    """An expert of the pool (the experts page, POST /transfer/experts)."""

    LABELS = {
        "name": _("姓名"), "fields": _("领域"), "institution": pgettext_lazy("organisation field", "单位"), "region": _("地区"),
        "profile": _("研究方向与简介"),
    }  # fmt: skip

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict) -> dict:
        errors = FieldErrors()
        values = {
            "name": _text(data, "name", errors, required=True, max_length=64),
            "fields": _service_fields(data, errors),
            "institution": _text(data, "institution", errors, max_length=200),
            "region": _region(data, "region", errors, required=False),
            "profile": _text(data, "profile", errors, max_length=MAX_NEEDS_LENGTH),
        }
        errors.raise_if_any()
        return values


class BrokerValidator:
    """A broker's registration (the experts page for an operator, the broker page for a broker
    itself, POST /transfer/brokers): name, certificate number (not taken) and the profile's fields
    (BrokerProfileValidator's service fields and league)."""

    LABELS = {"name": _("姓名"), "certificate_no": _("证书编号"), **BrokerProfileValidator.LABELS}

    @classmethod
    def labels(cls) -> dict:
        return dict(cls.LABELS)

    @staticmethod
    def clean(data: dict, errors: FieldErrors) -> dict:
        values = {
            "name": _text(data, "name", errors, required=True, max_length=64),
            "certificate_no": _text(data, "certificate_no", errors, required=True, max_length=64),
            **BrokerProfileValidator.clean(data, errors),
        }
        cert = values["certificate_no"]
        if cert and Broker.objects.filter(certificate_no=cert).exists():
            errors.add("certificate_no", _t(MSG_CERTIFICATE_TAKEN, value=cert))
        return values


RoundBody = body_schema(RoundValidator, RoundValidator.labels(), name="RoundBody")
ScenarioBody = body_schema(ScenarioValidator, ScenarioValidator.labels(), name="ScenarioBody")
PromoteBody = body_schema(PromoteValidator, PromoteValidator.labels(), name="PromoteBody")
ExpertBody = body_schema(ExpertValidator, ExpertValidator.labels(), name="ExpertBody")
BrokerBody = body_schema(BrokerValidator, BrokerValidator.labels(), name="BrokerBody")
PublishBody = body_schema(PublishValidator, PublishValidator.labels(), name="PublishBody")
ReasonBody = body_schema(ReasonValidator, ReasonValidator.labels(), name="ReasonBody")
InterestBody = body_schema(InterestValidator, InterestValidator.labels(), name="InterestBody")
MessageBody = body_schema(MessageValidator, MessageValidator.labels(), name="MessageBody")
ReviewBody = body_schema(ReviewDecisionValidator, ReviewDecisionValidator.labels(), name="ReviewBody")

BrokerProfileBody = body_schema(BrokerProfileValidator, BrokerProfileValidator.labels(), name="BrokerProfileBody")

ListingBody = body_schema(ListingValidator, ListingValidator.labels(), name="ListingBody")
ContractBody = body_schema(
    ContractValidator,
    ContractValidator.labels() | {"interest_id": _("所属洽谈（可选）")},
    name="ContractBody",
)
# an amendment sends the fields that change
ContractAmendBody = body_schema(
    ContractValidator,
    {k: v for k, v in ContractValidator.labels().items()
     if k in ("number", "title", "type", "amount", "tech_amount", "signed_on", "authority")},
    name="ContractAmendBody",
)

write_path("transfer.listing", ListingValidator,
           api=("POST /transfer/achievements", "POST /transfer/demands",
                "PATCH /transfer/achievements/{public_id}", "PATCH /transfer/demands/{public_id}"),
           pages=("transfer:new", "transfer:edit"))  # fmt: skip
write_path("transfer.contract", ContractValidator,
           api=("POST /transfer/contracts", "POST /transfer/contracts/{public_id}/amend"),
           pages=("transfer:contracts", "transfer:interest"))  # fmt: skip
write_path("transfer.broker_profile", BrokerProfileValidator,
           api=("PATCH /transfer/brokers/me",), pages=("transfer:broker",))  # fmt: skip
write_path("transfer.review", ReviewDecisionValidator,
           api=("POST /transfer/achievements/{public_id}/review", "POST /transfer/demands/{public_id}/review",
                "POST /transfer/contracts/{public_id}/review"),
           pages=("transfer:action", "transfer:contracts"))  # fmt: skip
write_path("transfer.publish", PublishValidator,
           api=("POST /transfer/achievements/{public_id}/publish", "POST /transfer/demands/{public_id}/publish"),
           pages=("transfer:action",))  # fmt: skip
write_path("transfer.reason", ReasonValidator,
           api=("POST /transfer/achievements/{public_id}/withdraw", "POST /transfer/demands/{public_id}/withdraw",
                "POST /transfer/contracts/{public_id}/void"),
           pages=("transfer:action", "transfer:contracts"))  # fmt: skip
write_path("transfer.interest", InterestValidator,
           api=("POST /transfer/achievements/{public_id}/interests", "POST /transfer/demands/{public_id}/interests"),
           pages=("transfer:action",))  # fmt: skip
write_path("transfer.message", MessageValidator,
           api=("POST /transfer/interests/{public_id}/messages",), pages=("transfer:interest",))  # fmt: skip
write_path("transfer.round", RoundValidator,
           api=("POST /transfer/scenarios/rounds",), pages=("transfer:scenarios",))  # fmt: skip
write_path("transfer.scenario", ScenarioValidator,
           api=("POST /transfer/scenarios",), pages=("transfer:scenarios",))  # fmt: skip
write_path("transfer.promote", PromoteValidator,
           api=("POST /transfer/demands/{public_id}/promote",), pages=("transfer:action",))  # fmt: skip
write_path("transfer.expert", ExpertValidator, api=("POST /transfer/experts",), pages=("transfer:experts",))
write_path("transfer.broker", BrokerValidator, api=("POST /transfer/brokers",),
           pages=("transfer:experts", "transfer:broker"))  # fmt: skip
