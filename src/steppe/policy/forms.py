"""The calculator's grid as a page form (core.forms.PageForm): every bad cell is reported at once,
beside the cell, in the page's language; codes are picked from lists (counties, GB/T 4754)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from steppe.core.credit_code import validate_credit_code
from steppe.core.forms import ErrorsMixin, PageForm
from steppe.core.models import Region

from .engine import CaseError
from .rules import industry as gbt4754

ENTERPRISE_FIELDS = [
    ("registered_on", _("成立日期")),
    ("region", _("所在旗县区")),
    ("industry", _("主营行业 (GB/T 4754)")),
    ("hte_certificate_issued_on", _("高企证书颁发日期")),
    ("tsme_registration_number", _("科小入库登记编号")),
]
YEAR_FIELDS = [
    ("employees", _("职工总数")),
    ("tech_staff", _("科技人员")),
    ("revenue", _("销售收入")),
    ("income_total", _("收入总额")),
    ("non_taxable_income", _("不征税收入")),
    ("investment_income", _("投资收益")),
    ("total_costs", _("成本费用支出总额")),
    ("total_assets", _("资产总额")),
    ("net_assets", _("净资产")),
    ("hightech_revenue", _("高新技术产品(服务)收入")),
    ("rd_expense", _("研发费用")),
    ("rd_expense_in_china", _("境内研发费用")),
    ("ip_class_i", _("Ⅰ类知识产权")),
    ("ip_class_ii", _("Ⅱ类知识产权")),
    ("conversions", _("科技成果转化")),
    ("tech_transfer_income", _("技术转让所得")),
    ("taxable_income", _("应纳税所得额")),
]
COUNTS = {"ip_class_i", "ip_class_ii", "conversions"}
SIGNED = {"net_assets", "tech_transfer_income"}  # the engine accepts negatives here

# the engine's (English) messages in the page's words, for a rule only the engine checks
ENGINE_MESSAGES = [
    ("must be a number", _("须为数字")),
    ("must be an integer", _("须为整数")),
    ("must be a date", _("日期格式应为 YYYY-MM-DD")),
    ("must not exceed employees", _("科技人员不能多于职工总数")),
    ("must be a registration number", _("科小入库登记编号：4 位年份 + 6 位地区代码 + 第 11 位 0、A 或 B")),
    ("GB/T 4754", _("不是有效的 GB/T 4754-2017 行业代码")),
    ("GB/T 2260", _("须为 6 位旗县区代码")),
]


def county_choices() -> list:
    """Counties grouped by league: [("", "—"), (league name, [(code, name), ...]), ...]."""
    en = get_language() == "en"
    rows = (
        Region.objects.filter(level__in=("prefecture", "county"), code__startswith=Region.PROVINCE_PREFIX)
        .order_by("code")
    )
    leagues: dict[str, tuple[str, list]] = {}
    for r in rows:
        name = (r.name_en or r.name) if en else r.name
        if r.level == "prefecture":
            leagues[r.code] = (name, [])
        elif r.league_code in leagues:
            leagues[r.league_code][1].append((r.code, f"{name} {r.code}"))
    return [("", "—")] + [(name, options) for name, options in leagues.values() if options]


def industry_choices(current: str = "") -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    choices = [("", "—"), *gbt4754.division_choices(english=english)]
    if current and current not in dict(choices):
        try:
            letter, division = gbt4754.parse(current)
            name = gbt4754.division_name(f"{division:02d}", english=english) if division is not None else ""
            choices.insert(1, (current, f"{current} {name}".strip()))
        except gbt4754.IndustryCodeError:
            pass  # the field reports it
    return choices


def _tsme_number(value: str) -> None:
    if value and (len(value) < 11 or not value[:10].isdigit() or value[10] not in "0AB"):
        raise ValidationError(_("科小入库登记编号：4 位年份 + 6 位地区代码 + 第 11 位 0、A 或 B"))


class CalculatorForm(PageForm):
    """The grid: enterprise fields, then one column per fiscal year Y-2..Y."""

    def __init__(self, data=None, *, year: int, initial_case: dict | None = None):
        self.year = year
        super().__init__(data)
        case = initial_case or {}
        ent = case.get("enterprise", {})
        current_industry = (data or {}).get("e_industry", "") if data is not None else (ent.get("industry") or "")
        self.fields["e_registered_on"] = forms.DateField(label=ENTERPRISE_FIELDS[0][1], required=False,
                                                         widget=forms.DateInput(attrs={"type": "date"}))
        self.fields["e_region"] = forms.ChoiceField(label=ENTERPRISE_FIELDS[1][1], required=False,
                                                    choices=county_choices())
        self.fields["e_industry"] = forms.ChoiceField(label=ENTERPRISE_FIELDS[2][1], required=False,
                                                      choices=industry_choices(current_industry))
        self.fields["e_hte_certificate_issued_on"] = forms.DateField(
            label=ENTERPRISE_FIELDS[3][1], required=False, widget=forms.DateInput(attrs={"type": "date"}))
        self.fields["e_tsme_registration_number"] = forms.CharField(
            label=ENTERPRISE_FIELDS[4][1], required=False, max_length=24, validators=[_tsme_number])
        self.fields["e_compliance_ok"] = forms.BooleanField(
            label=_("近两年无重大安全质量事故、严重环境违法、科研严重失信，未列入经营异常名录"), required=False)
        for k, y in enumerate(self.years):
            for name, label in YEAR_FIELDS:
                kw = {"label": f"{label} {y}", "required": False,
                      "widget": forms.TextInput(attrs={"inputmode": "decimal", "size": 9})}
                if name in COUNTS:
                    field = forms.IntegerField(min_value=0, **kw)
                else:
                    field = forms.DecimalField(min_value=None if name in SIGNED else 0, **kw)
                self.fields[f"y{k}_{name}"] = field
        if data is None:
            self.initial = self._initial_from(case)

    @property
    def years(self) -> list[int]:
        return [self.year - 2, self.year - 1, self.year]

    def _initial_from(self, case: dict) -> dict:
        ent = case.get("enterprise", {})
        out = {f"e_{n}": ent.get(n) or "" for n, _l in ENTERPRISE_FIELDS}
        out["e_compliance_ok"] = ent.get("compliance_ok", True)
        years = case.get("years", {})
        for k, y in enumerate(self.years):
            row = years.get(str(y), {})
            for n, _l in YEAR_FIELDS:
                if row.get(n) is not None:
                    out[f"y{k}_{n}"] = row[n]
        return out

    def clean(self):
        data = super().clean()
        for k, _y in enumerate(self.years):
            staff, employees = data.get(f"y{k}_tech_staff"), data.get(f"y{k}_employees")
            if staff is not None and employees is not None and staff > employees:
                self.add_error(f"y{k}_tech_staff", _("科技人员不能多于职工总数"))
        return data

    def case(self) -> dict:
        """The valid grid as an engine case (only what was filled in)."""
        d = self.cleaned_data
        ent: dict = {"compliance_ok": bool(d.get("e_compliance_ok"))}
        for name, _l in ENTERPRISE_FIELDS:
            value = d.get(f"e_{name}")
            if value not in (None, ""):
                ent[name] = value.isoformat() if hasattr(value, "isoformat") else value
        years: dict = {}
        for k, y in enumerate(self.years):
            row = {}
            for name, _l in YEAR_FIELDS:
                value = d.get(f"y{k}_{name}")
                if value is None:
                    continue
                row[name] = int(value) if value == int(value) else float(Decimal(value))
            if row:
                years[str(y)] = row
        return {"enterprise": ent, "years": years}

    def add_case_error(self, exc: CaseError) -> None:
        """An engine error next to the cell it names, in the page's words."""
        parts = exc.field.split(".")
        name = None
        if parts[0] == "enterprise" and len(parts) > 1:
            name = f"e_{parts[1]}"
        elif parts[0] == "years" and len(parts) > 2 and parts[1].isdigit() and int(parts[1]) in self.years:
            name = f"y{self.years.index(int(parts[1]))}_{parts[2]}"
        message = next((zh for en, zh in ENGINE_MESSAGES if en in exc.message), _("取值无效"))
        self.add_error(name if name in self.fields else None, message)

    def grid_rows(self):
        """(label, [bound field per year]) for the template's table."""
        return [(label, [self[f"y{k}_{name}"] for k in range(3)]) for name, label in YEAR_FIELDS]

    def enterprise_fields(self):
        return [self[f"e_{name}"] for name, _l in ENTERPRISE_FIELDS]


class EnterpriseFileForm(PageForm):
    """An enterprise's own file, entered by its user (services.enterprise_file_open checks it)."""

    def __init__(self, data=None, *, org=None):
        super().__init__(data, initial={"name": getattr(org, "name", ""),
                                        "credit_code": getattr(org, "credit_code", "")})  # fmt: skip
        self.fields["name"] = forms.CharField(label=_("企业名称"), max_length=200, required=False)
        self.fields["credit_code"] = forms.CharField(label=_("统一社会信用代码"), max_length=18,
                                                     validators=[validate_credit_code])  # fmt: skip
        self.fields["region"] = forms.ChoiceField(label=_("所在旗县区"), choices=county_choices())
        self.fields["industry"] = forms.ChoiceField(label=_("主营行业 (GB/T 4754)"), required=False,
                                                    choices=industry_choices())  # fmt: skip
        self.fields["registered_on"] = forms.DateField(label=_("成立日期"),
                                                       widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def add_service_errors(self, exc) -> None:
        for e in (getattr(exc, "data", None) or {}).get("errors", []):
            field = e.get("field")
            self.add_error(field if field in self.fields else None, e.get("message"))


class EnterpriseYearForm(ErrorsMixin, PageForm):
    """One year of an enterprise's file: the enterprise page's form and the API's check of
    ``PUT /api/v1/policy/enterprises/{id}/years/{year}`` (same fields, same messages, every problem
    at once). What only the calculator's engine knows (e.g. 科技人员 ≤ 职工总数) it checks next."""

    def __init__(self, data=None, *, year: int | None = None):
        super().__init__(data)
        if year is None:
            self.fields["year"] = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
        self.year = year
        for name, label in YEAR_FIELDS:
            if name in COUNTS:
                self.fields[name] = forms.IntegerField(label=label, required=False, min_value=0)
            else:
                self.fields[name] = forms.DecimalField(label=label, required=False,
                                                       min_value=None if name in SIGNED else 0)

    def clean(self):
        data = super().clean()
        staff, employees = data.get("tech_staff"), data.get("employees")
        if staff is not None and employees is not None and staff > employees:
            self.add_error("tech_staff", _("科技人员不能多于职工总数"))
        return data

    def values(self) -> dict:
        """The filled-in figures by the calculator's names (counts as int, amounts as numbers)."""
        out: dict = {}
        for name, _label in YEAR_FIELDS:
            value = self.cleaned_data.get(name)
            if value is not None:
                out[name] = int(value) if name in COUNTS else float(value)
        return out

    def add_service_errors(self, exc) -> None:
        """The service's errors (``years.YYYY.<field>``, the engine's words) beside their fields,
        in the page's words."""
        items = (getattr(exc, "data", None) or {}).get("errors") or [{"field": None, "message": str(exc)}]
        for e in items:
            name = str(e.get("field") or "").rsplit(".", 1)[-1]
            message = next((zh for en, zh in ENGINE_MESSAGES if en in str(e.get("message"))), e.get("message"))
            self.add_error(name if name in self.fields else None, message)

    def api_errors(self, year: int) -> list[dict]:
        """The errors as the API names them: ``years.YYYY.<field>``, as the engine does."""
        return [{**e, "field": e["field"] if e["field"] in ("year", "body") else f"years.{year}.{e['field']}"}
                for e in self.error_list()]


class ComplianceEventForm(ErrorsMixin, PageForm):
    """Recording a compliance event on an enterprise's file (department or the league bureau)."""

    kind = forms.ChoiceField(label=_("类型"))
    occurred_on = forms.DateField(label=_("发生日期"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ComplianceEvent

        self.fields["kind"].choices = ComplianceEvent.Kind.choices

    def clean_occurred_on(self):
        from django.utils import timezone

        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("日期晚于今天"))
        return day


RUN_YEARS = (2008, 2100)  # the fiscal years the rules cover
MSG_RUN_YEAR = _("须为 2008-2100 之间的会计年度")


class RunYearForm(ErrorsMixin, PageForm):
    """The year of a batch run (policy:runs; services.policy_run_start checks it with this form too,
    so the command line and the page refuse the same years in the same words)."""

    year = forms.CharField(label=_("年度"), required=False)

    def clean_year(self) -> int:
        from steppe.core.errors import ValidationFailed
        from steppe.core.validation import INT_MAX, parse_int

        try:  # not a whole number: core's words ("“abc” 不是整数"), as every year field says it
            year = parse_int(self.cleaned_data["year"], "year", lo=-INT_MAX, hi=INT_MAX)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.data["errors"][0]["message"]) from None
        if not RUN_YEARS[0] <= year <= RUN_YEARS[1]:
            raise forms.ValidationError(MSG_RUN_YEAR)
        return year


def _declare_write_paths() -> None:
    from steppe.core.validation import write_path

    write_path("policy.enterprise_year", EnterpriseYearForm,
               api=("PUT /policy/enterprises/{public_id}/years/{year}",), pages=("policy:enterprise",))  # fmt: skip
    write_path("policy.compliance_event", ComplianceEventForm, pages=("policy:enterprise",))
    write_path("policy.enterprise_file", EnterpriseFileForm, pages=("policy:enterprises",))
    write_path("policy.run_year", RunYearForm, pages=("policy:runs",))


_declare_write_paths()
