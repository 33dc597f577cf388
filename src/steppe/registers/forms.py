"""One validation layer for every register: the same forms check the pages, the API and each row
of an import, and report every problem at once, each next to its field.

A form gets the data as plain strings or JSON values; it never writes (services.py saves).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from steppe.core.errors import DomainError
from steppe.core.forms import ErrorsMixin, JsonTypesMixin, PageForm
from steppe.core.links import MSG_NOT_HTTP, is_web_url
from steppe.core.regions import resolve_region
from steppe.plans.models import Measure
from steppe.plans.queries import plan_default
from steppe.policy.models import Enterprise, validate_credit_code
from steppe.policy.queries import white_list

from .models import (
    MAX_AMOUNT_WAN,
    MAX_YEAR,
    MIN_YEAR,
    ClaimStatus,
    Cooperation,
    FundInvestment,
    ListedEnterprise,
    Loan,
    Platform,
    RiskClaim,
    SoeCoverage,
    Talent,
    TalentProgramme,
)
from .permissions import loans_visible  # a bank names only its own loans

MSG_REGION = _("应为 6 位行政区划代码或地区名称")
MSG_UNKNOWN_MEASURE = _("未知举措编号：{codes}")
MSG_NOT_WHITE_LISTED = _("该企业不在创新积分白名单上，不能登记创新积分贷")
MSG_UNKNOWN_ENTERPRISE = _("未找到该企业（请填统一社会信用代码）")
MSG_UNKNOWN_PROGRAMME = _("未知人才计划")
MSG_UNKNOWN_LOAN = _("未找到该贷款")
MSG_DATE_AFTER_TODAY = _("日期晚于今天")
MSG_CLAIM_OVER_LOAN = _("补偿金额超过贷款金额")
MSG_PAID_OVER_CLAIM = _("拨付金额超过申请金额")
MSG_LISTED_NEEDS_DATE = _("已上市的企业须填上市日期与板块")
MSG_RETURN_NEEDS_REASON = _("退回时必须填写理由")
MSG_DECISION = _("应为 verify（核实）或 return（退回）")
# a JSON body's value of the wrong kind (a page's values are all text, so only the API can send one;
# core.forms.JsonTypesMixin judges text and numbers)
MSG_NOT_YES_NO = _("应为 是 或 否")
MSG_NOT_REGION = _("应为行政区划代码或地区名称（文本或数字）")
MSG_NOT_MEASURES = _("应为举措编号（文本，或文本的列表）")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _amount_field(label, *, required=True, positive=True):
    return forms.DecimalField(
        label=label, required=required, max_digits=12, decimal_places=2,
        validators=[MinValueValidator(0.01 if positive else 0), MaxValueValidator(MAX_AMOUNT_WAN)],
    )


class YesNoField(forms.TypedChoiceField):
    """是/否 (or yes/no, true/false, 1/0): an explicit answer is required, a blank is not 'no'."""

    WORDS = {"是": True, "有": True, "yes": True, "true": True, "1": True, "y": True,
             "否": False, "无": False, "no": False, "false": False, "0": False, "n": False}

    def __init__(self, label):
        super().__init__(label=label, choices=[("是", _("是")), ("否", _("否"))], coerce=lambda v: v)

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value or "").strip().lower()
        if text == "":
            return None
        if text not in self.WORDS:
            raise forms.ValidationError(_("应为 是 或 否"))
        return self.WORDS[text]

    def validate(self, value):
        if value is None:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def _year_field(label):
    return forms.IntegerField(label=label, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)])


class RecordJsonTypes(JsonTypesMixin):
    """A register's JSON kinds: 是/否 as a boolean too, the region as a code number too, the measures
    as a list of codes too."""

    def json_type_error(self, name: str, field: forms.Field, value) -> str | None:
        if isinstance(field, YesNoField):
            return None if isinstance(value, bool | str) else str(MSG_NOT_YES_NO)
        if name == "region":
            return None if isinstance(value, int | str) and not isinstance(value, bool) else str(MSG_NOT_REGION)
        if name == "measures":
            ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            return None if ok else str(MSG_NOT_MEASURES)
        return super().json_type_error(name, field, value)


class RecordForm(RecordJsonTypes, forms.ModelForm):
    """Fields every register shares: the region by code or name, and the measures by code.
    ``sent``: the API's body as sent (its JSON types are judged too)."""

    region = forms.CharField(label=_("地区"), max_length=20, help_text=MSG_REGION)
    measures = forms.CharField(label=_("服务的举措"), required=False, max_length=400,
                               help_text=_("举措编号，以逗号分隔，如 A1-07"))

    def __init__(self, *args, actor=None, sent=None, **kwargs):
        self.actor = actor
        self._take_sent(sent)
        super().__init__(*args, **kwargs)
        if self.is_bound:  # a choice may come as its label (an export read back, a person typing it)
            data = self.data.copy()
            for name, field in self.fields.items():
                choices = getattr(field, "choices", None)
                if name in data and choices and not isinstance(field, YesNoField):
                    labels = {str(label): value for value, label in choices if value != ""}
                    data[name] = labels.get(str(data[name]).strip(), data[name])
            self.data = data
        if self.instance.pk and not self.is_bound:
            self.initial["region"] = self.instance.region.code
            self.initial["measures"] = ", ".join(m.code for m in self.instance.measures.all())

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and _CONTROL.search(value):
                self.add_error(name, _("含有不可见的控制字符"))
        return data

    def clean_region(self):
        value = self.cleaned_data["region"]
        try:
            return resolve_region(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_source_url(self):
        value = (self.cleaned_data.get("source_url") or "").strip()
        if value and not is_web_url(value):
            raise forms.ValidationError(MSG_NOT_HTTP)
        return value

    def clean_measures(self):
        raw = self.cleaned_data.get("measures") or ""
        codes = [c.strip().upper() for c in re.split(r"[,，、;；\s]+", raw) if c.strip()]
        if not codes:
            return []
        plan = plan_default()
        found = {m.code: m for m in Measure.objects.filter(plan=plan, code__in=codes)} if plan else {}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(MSG_UNKNOWN_MEASURE.format(codes="、".join(missing)))
        return [found[c] for c in dict.fromkeys(codes)]

    def _no_future(self, name):
        value = self.cleaned_data.get(name)
        if isinstance(value, dt.date) and value > dt.date.today():
            self.add_error(name, MSG_DATE_AFTER_TODAY)


COMMON = ["region", "measures", "source", "source_url", "note"]


class PlatformForm(RecordForm):
    class Meta:
        model = Platform
        fields = ["name", "kind", "level", "host", "field", "status", "plan_status", "approved_on",
                  "evaluated_on", "evaluation_outcome", "closed_on", *COMMON]

    def clean(self):
        data = super().clean()
        for name in ("approved_on", "evaluated_on", "closed_on"):
            self._no_future(name)
        approved, closed = data.get("approved_on"), data.get("closed_on")
        if approved and closed and closed < approved:
            self.add_error("closed_on", _("撤销日期早于批准日期"))
        if data.get("evaluation_outcome") and not data.get("evaluated_on"):
            self.add_error("evaluated_on", _("填写评估结果时须填评估日期"))
        return data


class TalentForm(RecordForm):
    programme = forms.CharField(label=_("人才计划"), max_length=200)
    year = _year_field(_("入选年份"))
    funding_wan = _amount_field(_("支持经费(万元)"), required=False, positive=False)

    class Meta:
        model = Talent
        fields = ["name", "organisation", "field", "programme", "year", "funding_wan", *COMMON]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["programme"] = self.instance.programme.code

    def clean_programme(self):
        value = self.cleaned_data["programme"].strip()
        found = TalentProgramme.objects.filter(code=value).first() or TalentProgramme.objects.filter(name=value).first()
        if found is None:
            raise forms.ValidationError(MSG_UNKNOWN_PROGRAMME)
        return found


class CooperationForm(RecordForm):
    class Meta:
        model = Cooperation
        fields = ["name", "kind", "partner_area", "partners", "scope", "status", "plan_status", "started_on",
                  "ends_on", *COMMON]

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("结束日期早于开始日期"))
        return data


def _enterprise(value: str) -> Enterprise | None:
    value = (value or "").strip().upper()
    return Enterprise.objects.filter(credit_code=value).select_related("region").first() if value else None


class LoanForm(RecordForm):
    """A bank's 创新积分贷 loan: the enterprise by credit code, on the white list; the region and the
    innovation points are the enterprise's, taken from the register and the white list, not typed."""

    region = None  # the enterprise's region
    enterprise = forms.CharField(label=_("企业统一社会信用代码"), max_length=18)
    amount_wan = _amount_field(_("贷款金额(万元)"))
    term_months = forms.IntegerField(label=_("期限(月)"), validators=[MinValueValidator(1), MaxValueValidator(120)])

    class Meta:
        model = Loan
        fields = ["enterprise", "amount_wan", "lent_on", "term_months", "measures", "source", "source_url", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["enterprise"] = self.instance.enterprise.credit_code

    def clean_enterprise(self):
        enterprise = _enterprise(self.cleaned_data["enterprise"])
        if enterprise is None:
            raise forms.ValidationError(MSG_UNKNOWN_ENTERPRISE)
        entry = white_list().filter(enterprise=enterprise).select_related("run").first()
        if entry is None:
            raise forms.ValidationError(MSG_NOT_WHITE_LISTED)
        self.white_list_entry = entry
        return enterprise

    def clean(self):
        data = super().clean()
        self._no_future("lent_on")
        return data

    def apply(self, obj: Loan) -> None:
        """What the form derives: the region, and the points on the white list when the loan is
        recorded (a later change of amount or term keeps them; a change of enterprise takes anew)."""
        entry = self.white_list_entry
        obj.region = obj.enterprise.region
        if obj.pk and "enterprise" not in self.changed_data:
            return
        obj.innovation_points = round(entry.innovation_points, 2)
        obj.points_year = entry.year
        obj.points_run = entry.run_id


class RiskClaimForm(RecordForm):
    region = None  # the loan's
    loan = forms.UUIDField(label=_("贷款编号"))
    amount_wan = _amount_field(_("申请补偿金额(万元)"))
    paid_wan = _amount_field(_("已拨付(万元)"), required=False, positive=False)

    class Meta:
        model = RiskClaim
        fields = ["loan", "claimed_on", "amount_wan", "status", "paid_wan", "measures", "source", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].required = False  # a new claim is 已申请 unless said otherwise
        if self.instance.pk and not self.is_bound:
            self.initial["loan"] = self.instance.loan.public_id

    def clean_status(self):
        return self.cleaned_data.get("status") or ClaimStatus.CLAIMED

    def clean_loan(self):
        loan = loans_visible(self.actor).filter(public_id=self.cleaned_data["loan"]).first()
        if loan is None:
            raise forms.ValidationError(MSG_UNKNOWN_LOAN)
        return loan

    def clean(self):
        data = super().clean()
        self._no_future("claimed_on")
        loan, amount, paid = data.get("loan"), data.get("amount_wan"), data.get("paid_wan")
        if loan and amount and amount > loan.amount_wan:
            self.add_error("amount_wan", MSG_CLAIM_OVER_LOAN)
        if paid is not None and amount and paid > amount:
            self.add_error("paid_wan", MSG_PAID_OVER_CLAIM)
        return data

    def apply(self, obj: RiskClaim) -> None:
        obj.region = obj.loan.region


class FundInvestmentForm(RecordForm):
    amount_wan = _amount_field(_("投资金额(万元)"))

    class Meta:
        model = FundInvestment
        fields = ["investee", "fund", "amount_wan", "invested_on", "field", *COMMON]

    def clean(self):
        data = super().clean()
        self._no_future("invested_on")
        return data


class ListedEnterpriseForm(RecordForm):
    class Meta:
        model = ListedEnterprise
        fields = ["name", "stage", "board", "stock_code", "listed_on", "field", *COMMON]

    def clean(self):
        data = super().clean()
        self._no_future("listed_on")
        if data.get("stage") == "listed" and not (data.get("listed_on") and data.get("board")):
            self.add_error("listed_on", MSG_LISTED_NEEDS_DATE)
        return data


class SoeCoverageForm(RecordForm):
    year = _year_field(_("年份"))
    has_rd_institution = YesNoField(_("有研发机构"))
    has_rd_activity = YesNoField(_("有研发活动"))
    has_rd_spending = YesNoField(_("有研发投入"))

    class Meta:
        model = SoeCoverage
        fields = ["name", "credit_code", "year", "has_rd_institution", "has_rd_activity", "has_rd_spending", *COMMON]

    def clean_credit_code(self):
        value = self.cleaned_data["credit_code"].strip().upper()
        validate_credit_code(value)
        return value


# ---------------------------------------------------------------- review and withdrawal (registers:act and the API)


class ReviewForm(JsonTypesMixin, ErrorsMixin, PageForm):
    """The department verifies a submitted record or returns it with a reason: the record page's
    buttons (registers:act) and ``POST /<register>/{id}/review`` (services.record_review)."""

    decision = forms.ChoiceField(label=_("核实结论"), choices=[("verify", _("核实通过")), ("return", _("退回修改"))],
                                 error_messages={"invalid_choice": MSG_DECISION})
    reason = forms.CharField(label=_("意见"), required=False, max_length=2000)

    def __init__(self, data=None, **kwargs):
        self._take_sent(data)
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", MSG_RETURN_NEEDS_REASON)
        return data


class WithdrawForm(JsonTypesMixin, ErrorsMixin, PageForm):
    """The filer (or the department) withdraws a record, with an optional reason: the record page's
    button (registers:act) and ``POST /<register>/{id}/withdraw`` (services.record_withdraw)."""

    reason = forms.CharField(label=_("意见"), required=False, max_length=2000)

    def __init__(self, data=None, **kwargs):
        self._take_sent(data)
        super().__init__(data, **kwargs)
