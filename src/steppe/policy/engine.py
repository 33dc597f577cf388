"""Plain-data entry points of the policy engine (no Django).

- `evaluate(case, year)`: one enterprise as a plain dict (format in docs/policy-calculator.md),
  returns per policy: eligible or not, why, the value in 万元, the distance to qualifying and
  the trace (rule, parameter values with their dates and references).
- `evaluate_many(columns, year)`: the same rules vectorised over many enterprises; columns
  are numpy arrays named after the OpenFisca input variables (see `batch_columns`).

`year` is the accounting year Y whose data decide: the tech SME evaluation and the super
deduction use Y; the high-tech pre-check is for an application in Y+1 over Y−2, Y−1, Y.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
from openfisca_core.simulations import SimulationBuilder

from .rules import industry as gbt4754
from .rules import system
from .rules.variables.common import PARAMETERS_USED
from .rules.variables.hte import CONDITIONS as HTE_CONDITIONS
from .rules.variables.inputs import ENTERPRISE_INPUTS, YEARLY_INPUTS
from .rules.variables.tsme import ROUTES as TSME_ROUTES

__all__ = ["CaseError", "evaluate", "evaluate_many", "case_to_columns", "BATCH_OUTPUTS", "HTE_CONDITIONS"]

OUTSIDE_FIELDS = "其他"  # enterprise.hightech_field = "其他": core technology outside the 8 fields
HIGHTECH_FIELDS = {
    OUTSIDE_FIELDS,
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
}

# outputs computed by evaluate_many for the evaluation year
BATCH_OUTPUTS = [
    "tsme_eligible",
    "tsme_route",
    "tsme_score",
    "tsme_staff_points",
    "tsme_rd_points",
    "tsme_ip_points",
    "tsme_size_ok",
    "hte_eligibility",
    "hte_failed_mask",
    "hte_rd_ratio",
    "hte_rd_ratio_required",
    "hte_tech_staff_ratio",
    "hte_hightech_revenue_share",
    "hte_domestic_rd_share",
    "hte_growth_points_min",
    "hte_growth_points_max",
    "hte_growth_ambiguous",
    "hte_innovation_points_min",
    "hte_innovation_points_max",
    "hte_registration_age_days",
    "hte_certificate_valid",
    "hte_rate_status",
    "eit_rate",
    "hte_rate_value",
    "sd_excluded",
    "sd_negative_list_ratio",
    "sd_rate",
    "sd_effective_rate",
    "sd_other_cap",
    "sd_other_allowed",
    "sd_eligible_rd",
    "sd_amount",
    "sd_tax_value",
    "tt_exempt",
    "tt_halved",
    "tt_tax",
    "tt_relief_value",
    "preferential_status",
    "loss_extension_applies",
    "loss_carryforward_years",
    "reward_first_hte",
    "reward_first_hte_possible",
    "reward_baotou_rd_subsidy",
    "reward_baotou_tsme_two_years",
    "reward_baotou_hte",
    "reward_nmg_recognitions",
    "rewards_total",
]


# first accounting years the encoded rules cover: 国科发政〔2017〕115号 (2016 accounts, 2017 round)
# and 国科发火〔2016〕32号 (in force from 2016-01-01: applications from 2016 judge the 2015 accounts;
# earlier applications fall under 国科发火〔2008〕172号, which is not encoded)
FIRST_TSME_YEAR = 2016
FIRST_HTE_YEAR = 2015


# registration date assumed when a case does not give one
REGISTERED_LONG_AGO = date(1900, 1, 1)


class CaseError(ValueError):
    """A malformed case; `field` is the dotted path of the offending value."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# ---------------------------------------------------------------------------- batch


def evaluate_many(columns: dict, year: int, outputs: list[str] | None = None) -> dict[str, np.ndarray]:
    """Evaluate the rules for every enterprise at once.

    columns = {"enterprise": {var: array}, "years": {YYYY: {var: array}}}; var names are the
    OpenFisca input variables (rules.variables.inputs: ENTERPRISE_INPUTS, YEARLY_INPUTS; dates
    as numpy datetime64[D]). Every array has the same length N. Returns {output: array(N)}.
    """
    tbs = system()
    ent = columns.get("enterprise", {})
    yrs = columns.get("years", {})
    n = _length(columns)
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("enterprise", np.arange(n))
    sim = builder.build(tbs)
    for name, values in ent.items():
        if name not in ENTERPRISE_INPUTS:
            raise CaseError(f"enterprise.{name}", "unknown batch column")
        arr = np.asarray(values)
        if name in ("registered_on", "hte_certificate_issued_on"):
            arr = arr.astype("datetime64[D]")
        sim.set_input(name, "ETERNITY", arr)
    for y, cols in yrs.items():
        for name, values in cols.items():
            if name not in YEARLY_INPUTS and name != "hte_application_on":
                raise CaseError(f"years.{y}.{name}", "unknown batch column")
            sim.set_input(name, str(int(y)), np.asarray(values))
    names = outputs or BATCH_OUTPUTS
    return {name: sim.calculate(name, str(year)) for name in names}


def _length(columns: dict) -> int:
    for group in [columns.get("enterprise", {})] + list(columns.get("years", {}).values()):
        for values in group.values():
            return len(values)
    raise CaseError("columns", "no data")


# ---------------------------------------------------------------------- single case

_ENTERPRISE_FIELDS = {
    "registered_on": "date",
    "region": "region",
    "industry": "industry",
    "hte_certificate_issued_on": "date?",
    "compliance_ok": "bool",
    "tsme_registration_number": "tsme",
    "hightech_field": "field",
    "ic_or_machine_tool": "bool",
    "taxed_on_actual_accounts": "bool",
    "national_award_5y": "bool",
    "rd_institution": "bool",
    "led_standard_5y": "bool",
    "hte_application_on": "date?",
    "name": "str",
}

_NUMBER_FIELDS = [
    "employees",
    "tech_staff",
    "employees_short_term",
    "tech_staff_short_term",
    "revenue",
    "income_total",
    "non_taxable_income",
    "investment_income",
    "total_costs",
    "total_assets",
    "hightech_revenue",
    "rd_expense",
    "rd_expense_in_china",
    "ip_class_i",
    "ip_class_ii",
    "conversions",
    "rd_ia_amortization",
    "rd_special_income",
    "rd_entrusted_domestic",
    "rd_entrusted_overseas",
    "taxable_income",
]
_SIGNED_FIELDS = ["net_assets", "tech_transfer_income"]
_YEAR_FIELDS = set(_NUMBER_FIELDS + _SIGNED_FIELDS) | {
    "income_by_industry",
    "rd_projects",
    "compliance_ok",
    "rd_aux_ledger",
    "rd_q4_share",
    "expert_scores",
    "recognitions",
}
# years.YYYY.recognitions -> OpenFisca input
RECOGNITIONS = {
    "innovative_sme": "new_innovative_sme",
    "specialized_sme": "new_specialized_sme",
    "little_giant": "new_little_giant",
    "leading_enterprise": "new_leading_enterprise",
}
_EXPERT = {
    "ip_advancement": ("expert_ip_advancement", 8),
    "ip_core_support": ("expert_ip_core_support", 8),
    "ip_acquisition": ("expert_ip_acquisition", 6),
    "standard_bonus": ("expert_standard_bonus", 2),
    "rd_management": ("expert_rd_management", 20),
}


def _number(value, field: str, *, signed: bool = False, integer: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or (not signed and value < 0) or (integer and value != int(value)):
        what = "an integer" if integer else "a number"
        raise CaseError(field, f"must be {what}" + ("" if signed else " ≥ 0"))
    return float(value)


def _date(value, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise CaseError(field, "must be a date YYYY-MM-DD") from None


def _bool(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise CaseError(field, "must be true or false")
    return value


def parse_tsme_number(number: str, field: str) -> tuple[int, str, str]:
    """(year, region code, 11th character) of a 入库登记编号 (国科发火〔2018〕11号)."""
    text = str(number).strip().upper()
    if len(text) < 11 or not text[:10].isdigit() or text[10] not in "0AB":
        raise CaseError(
            field, "must be a registration number: 4-digit year, 6-digit region, 11th character 0, A or B"
        )
    return int(text[:4]), text[4:10], text[10]


def validate_case(case) -> dict:
    """Check a case and return it normalised; raise CaseError naming the first bad field."""
    if not isinstance(case, dict):
        raise CaseError("case", 'must be an object {"enterprise": {...}, "years": {...}}')
    for key in case:
        if key not in ("enterprise", "years"):
            raise CaseError(key, 'unknown field (expected "enterprise" and "years")')
    ent = case.get("enterprise", {})
    if not isinstance(ent, dict):
        raise CaseError("enterprise", "must be an object")
    out_ent: dict = {}
    for key, value in ent.items():
        kind = _ENTERPRISE_FIELDS.get(key)
        field = f"enterprise.{key}"
        if kind is None:
            raise CaseError(field, "unknown field; expected one of " + ", ".join(_ENTERPRISE_FIELDS))
        if kind == "date" or (kind == "date?" and value not in (None, "")):
            out_ent[key] = _date(value, field)
        elif kind == "date?":
            out_ent[key] = None
        elif kind == "bool":
            out_ent[key] = _bool(value, field)
        elif kind == "region":
            if value is not None and not (isinstance(value, str) and len(value) == 6 and value.isdigit()):
                raise CaseError(field, "must be a 6-digit GB/T 2260 code")
            out_ent[key] = value
        elif kind == "industry":
            if value is not None:
                try:
                    gbt4754.parse(value)
                except gbt4754.IndustryCodeError as exc:
                    raise CaseError(field, str(exc)) from None
            out_ent[key] = value
        elif kind == "field":
            if value is not None and value not in HIGHTECH_FIELDS:
                raise CaseError(field, "must be one of " + "、".join(sorted(HIGHTECH_FIELDS)))
            out_ent[key] = value
        elif kind == "tsme":
            numbers = value if isinstance(value, list) else ([] if value is None else [value])
            for i, num in enumerate(numbers):
                parse_tsme_number(num, field if not isinstance(value, list) else f"{field}[{i}]")
            out_ent[key] = numbers
        else:
            out_ent[key] = value
    years = case.get("years")
    if not isinstance(years, dict) or not years:
        raise CaseError("years", 'must be an object {"YYYY": {...}} with at least one year')
    out_years: dict[int, dict] = {}
    for ykey, data in years.items():
        if not (isinstance(ykey, str | int) and str(ykey).isdigit() and len(str(ykey)) == 4):
            raise CaseError(f"years.{ykey}", "year keys must be 4-digit years")
        base = f"years.{ykey}"
        if not isinstance(data, dict):
            raise CaseError(base, "must be an object")
        row: dict = {}
        for key, value in data.items():
            field = f"{base}.{key}"
            if key not in _YEAR_FIELDS:
                raise CaseError(field, "unknown field")
            if key in _NUMBER_FIELDS:
                row[key] = _number(value, field, integer=key in ("ip_class_i", "ip_class_ii"))
            elif key in _SIGNED_FIELDS:
                row[key] = _number(value, field, signed=True)
            elif key in ("compliance_ok", "rd_aux_ledger"):
                row[key] = _bool(value, field)
            elif key == "rd_q4_share":
                row[key] = _number(value, field)
                if row[key] > 1:
                    raise CaseError(field, "must be a share between 0 and 1")
            elif key == "income_by_industry":
                if not isinstance(value, dict):
                    raise CaseError(field, "must be an object {GB/T 4754 code: amount}")
                parsed = {}
                for code, amount in value.items():
                    try:
                        gbt4754.parse(code)
                    except gbt4754.IndustryCodeError as exc:
                        raise CaseError(f"{field}.{code}", str(exc)) from None
                    parsed[code] = _number(amount, f"{field}.{code}")
                row[key] = parsed
            elif key == "rd_projects":
                if not isinstance(value, list):
                    raise CaseError(field, "must be a list of projects")
                projects = []
                for i, proj in enumerate(value):
                    pf = f"{field}[{i}]"
                    if not isinstance(proj, dict):
                        raise CaseError(pf, "must be an object")
                    for k in proj:
                        if k not in ("name", "five_items", "other_related", "capitalized"):
                            raise CaseError(f"{pf}.{k}", "unknown field")
                    projects.append(
                        {
                            "name": str(proj.get("name", f"#{i + 1}")),
                            "five_items": _number(proj.get("five_items", 0), f"{pf}.five_items"),
                            "other_related": _number(proj.get("other_related", 0), f"{pf}.other_related"),
                            "capitalized": _bool(proj.get("capitalized", False), f"{pf}.capitalized"),
                        }
                    )
                row[key] = projects
            elif key == "recognitions":
                if not isinstance(value, list) or any(v not in RECOGNITIONS for v in value):
                    raise CaseError(field, "must be a list of " + ", ".join(RECOGNITIONS))
                row[key] = list(value)
            elif key == "expert_scores":
                if not isinstance(value, dict):
                    raise CaseError(field, "must be an object")
                scores = {}
                for k, v in value.items():
                    if k not in _EXPERT:
                        raise CaseError(
                            f"{field}.{k}", "unknown expert score; expected " + ", ".join(_EXPERT)
                        )
                    s = _number(v, f"{field}.{k}", integer=True)
                    if s > _EXPERT[k][1]:
                        raise CaseError(f"{field}.{k}", f"must be ≤ {_EXPERT[k][1]}")
                    scores[k] = s
                row[key] = scores
        if row.get("tech_staff", 0) > row.get("employees", math.inf):
            raise CaseError(f"{base}.tech_staff", "must not exceed employees")
        if row.get("rd_expense_in_china", 0) > row.get("rd_expense", math.inf):
            raise CaseError(f"{base}.rd_expense_in_china", "must not exceed rd_expense")
        out_years[int(ykey)] = row
    return {"enterprise": out_ent, "years": out_years}


def _param(path: str, instant: str):
    node = system().parameters
    for part in path.split("."):
        node = getattr(node, part)
    return node(instant)


def case_to_columns(case: dict, notes: list[str] | None = None) -> dict:
    """Normalised single case -> batch columns of length 1 (notes collects the assumptions made)."""
    notes = notes if notes is not None else []
    ent = case["enterprise"]
    if "registered_on" not in ent:
        notes.append(
            "enterprise.registered_on not given: assumed registered before the three accounting years "
            "(HTE registration age met, conversions averaged over 3 years)"
        )
    e: dict = {
        "registered_on": np.array([ent.get("registered_on", REGISTERED_LONG_AGO)], dtype="datetime64[D]"),
        "region_code": np.array([int(ent.get("region") or 0)]),
        "taxed_on_actual_accounts": np.array([ent.get("taxed_on_actual_accounts", True)]),
        "ic_or_machine_tool": np.array([ent.get("ic_or_machine_tool", False)]),
        "in_hightech_field": np.array([ent.get("hightech_field") != OUTSIDE_FIELDS]),
        "national_award_5y": np.array([ent.get("national_award_5y", False)]),
        "rd_institution": np.array([ent.get("rd_institution", False)]),
        "led_standard_5y": np.array([ent.get("led_standard_5y", False)]),
    }
    if ent.get("hightech_field") is None:
        notes.append("hightech_field not given: assumed within the 8 supported fields (高新技术领域)")
    cert = ent.get("hte_certificate_issued_on")
    e["hte_certificate_held"] = np.array([cert is not None])
    e["hte_certificate_issued_on"] = np.array([cert or date(1970, 1, 1)], dtype="datetime64[D]")
    if "compliance_ok" not in ent:
        notes.append("compliance_ok not given: assumed true (no accident, violation, misconduct or listing)")
    yrs: dict = {}
    tsme = {}
    for num in ent.get("tsme_registration_number") or []:
        y, _region, code = parse_tsme_number(num, "enterprise.tsme_registration_number")
        tsme[y] = code
    all_years = set(case["years"]) | set(tsme)
    for y in sorted(all_years):
        row = case["years"].get(y, {})
        cols = {k: np.array([row.get(k, 0.0)], dtype=float) for k in _NUMBER_FIELDS + _SIGNED_FIELDS}
        revenue = row.get("revenue", 0.0)
        if "income_total" not in row and "revenue" in row:
            cols["income_total"][0] = (
                revenue + row.get("investment_income", 0) + row.get("non_taxable_income", 0)
            )
            notes.append(
                f"years.{y}.income_total not given: assumed revenue + investment + non-taxable income"
            )
        if "rd_expense_in_china" not in row and row.get("rd_expense"):
            cols["rd_expense_in_china"][0] = row["rd_expense"]
            notes.append(f"years.{y}.rd_expense_in_china not given: assumed all R&D incurred in China")
        compliance = row.get("compliance_ok", ent.get("compliance_ok", True))
        cols["compliance_ok"] = np.array([compliance])
        cols["rd_aux_ledger"] = np.array([row.get("rd_aux_ledger", True)])
        cols["rd_q4_share"] = np.array([row.get("rd_q4_share", -1.0)])
        for rec, var in RECOGNITIONS.items():
            cols[var] = np.array([rec in row.get("recognitions", [])])
        cols["tsme_number_issued"] = np.array([y in tsme])
        cols["tsme_number_code_zero"] = np.array([tsme.get(y) == "0"])
        # industry split: negative list and manufacturing
        by_ind = row.get("income_by_industry")
        if by_ind is None and ent.get("industry") and revenue:
            by_ind = {ent["industry"]: revenue}
            if y in case["years"]:
                notes.append(
                    f"years.{y}.income_by_industry not given: all revenue assigned to {ent['industry']}"
                )
        by_ind = by_ind or {}
        neg = _param("super_deduction.scope.negative_list", f"{max(y, 2016)}-01-01")
        manuf = _param("super_deduction.scope.manufacturing_sections", f"{max(y, 2021)}-01-01")
        cols["negative_list_income"] = np.array([gbt4754.share_of(by_ind, list(neg))])
        cols["manufacturing_income"] = np.array([gbt4754.share_of(by_ind, list(manuf))])
        # R&D projects: five-item base and other related expenses
        projects = row.get("rd_projects")
        if projects is None:
            projects = [
                {
                    "name": "研发费用",
                    "five_items": row.get("rd_expense", 0.0),
                    "other_related": 0.0,
                    "capitalized": False,
                }
            ]
            if row.get("rd_expense") and y in case["years"]:
                notes.append(
                    f"years.{y}.rd_projects not given: rd_expense treated as one expensed project's five-item base"
                )
        r = _param("super_deduction.scope.other_related_cap_ratio", f"{y}-01-01")
        lim = [p["five_items"] * r / (1 - r) for p in projects]
        cols["rd_five_expensed"] = np.array([sum(p["five_items"] for p in projects if not p["capitalized"])])
        cols["rd_five_capitalized"] = np.array([sum(p["five_items"] for p in projects if p["capitalized"])])
        cols["rd_other_expensed"] = np.array(
            [sum(p["other_related"] for p in projects if not p["capitalized"])]
        )
        cols["rd_other_capitalized"] = np.array(
            [sum(p["other_related"] for p in projects if p["capitalized"])]
        )
        cols["rd_other_limit_by_project"] = np.array([sum(lim)])
        cols["rd_other_allowed_by_project"] = np.array(
            [sum(min(p["other_related"], m) for p, m in zip(projects, lim, strict=True))]
        )
        cols["rd_other_allowed_capitalized_by_project"] = np.array(
            [sum(min(p["other_related"], m) for p, m in zip(projects, lim, strict=True) if p["capitalized"])]
        )
        for k, (var, _mx) in _EXPERT.items():
            cols[var] = np.array([float(row.get("expert_scores", {}).get(k, -1.0))])
        if ent.get("hte_application_on"):
            cols["hte_application_on"] = np.array([ent["hte_application_on"]], dtype="datetime64[D]")
        yrs[y] = cols
    return {"enterprise": e, "years": yrs}


# rules that read their parameters at another instant than 1 January of the year
_TRACE_INSTANT = {
    "sd_effective_rate": "{y}-10-01",  # the 2022 Q4 rate took effect on 2022-10-01
    "reward_first_hte": "{y1}-01-01",  # paid on recognition in Y+1
    "reward_first_hte_possible": "{y1}-01-01",
}


def _trace_entry(name: str, year: int, value) -> dict:
    tbs = system()
    var = tbs.variables[name]
    formula = var.get_formula(str(year))
    instant = _TRACE_INSTANT.get(name, "{y}-01-01").format(y=year, y1=year + 1)
    params = []
    for path in PARAMETERS_USED.get(name, ()):
        node = tbs.parameters
        for part in path.split("."):
            node = getattr(node, part)
        at = next((v for v in node.values_list if v.instant_str <= instant), None)
        meta = dict(node.metadata)
        meta.update(getattr(at, "metadata", None) or {})
        params.append(
            {
                "name": path,
                "value": None if at is None else at.value,
                "since": None if at is None else at.instant_str,
                "reference": meta.get("reference"),
                "reliability": meta.get("reliability"),
            }
        )
    return {
        "rule": name,
        "label": var.label,
        "reference": var.reference[0] if isinstance(var.reference, list) and var.reference else var.reference,
        "formula": getattr(formula, "__name__", None),
        "period": year,
        "value": value,
        "parameters": params,
    }


def _py(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return round(v, 6)
    return v


def evaluate(case: dict, year: int) -> dict:
    """Evaluate one enterprise (plain dict, see module docstring) for accounting year `year`."""
    if not isinstance(year, int) or not 2008 <= year <= 2100:
        raise CaseError("year", "must be an accounting year between 2008 and 2100")
    norm = validate_case(case)
    notes: list[str] = []
    columns = case_to_columns(norm, notes)
    for y in (year - 2, year - 1, year):
        if y not in norm["years"]:
            notes.append(f"years.{y} not given: its amounts count as 0")
    res = {k: _py(v[0]) for k, v in evaluate_many(columns, year).items()}
    ent = norm["enterprise"]
    if ent.get("hightech_field") is None:
        pass
    rows = {y: norm["years"].get(y, {}) for y in (year - 2, year - 1, year)}
    out = assemble(res, year)
    if year < FIRST_HTE_YEAR:
        out["hte"]["eligible"] = None
        notes.append(
            "高新技术企业: applications before 2016 (国科发火〔2008〕172号, accounts before 2015) are not encoded; no pre-check"
        )
    if year < FIRST_TSME_YEAR:
        out["tsme"]["eligible"] = None
        notes.append("科技型中小企业: the evaluation exists from the 2016 accounts (国科发政〔2017〕115号)")
    out["distance"] = distance(res, rows, ent, year)
    trace = [_trace_entry(name, year, res[name]) for name in _TRACED if name in res]
    out["trace"] = trace
    out["notes"] = notes
    return out


_TRACED = [
    "tsme_size_ok",
    "tsme_staff_points",
    "tsme_rd_points",
    "tsme_ip_points",
    "tsme_route",
    "tsme_eligible",
    "hte_registration_age_days",
    "hte_tech_staff_ratio",
    "hte_rd_ratio",
    "hte_rd_ratio_required",
    "hte_domestic_rd_share",
    "hte_hightech_revenue_share",
    "hte_growth_points_min",
    "hte_growth_points_max",
    "hte_growth_ambiguous",
    "hte_innovation_points_min",
    "hte_innovation_points_max",
    "hte_failed_mask",
    "hte_eligibility",
    "hte_rate_status",
    "eit_rate",
    "sd_excluded",
    "sd_rate",
    "sd_effective_rate",
    "sd_other_cap",
    "sd_other_allowed",
    "sd_eligible_rd",
    "sd_amount",
    "tt_exempt",
    "tt_halved",
    "tt_tax",
    "loss_extension_applies",
    "loss_carryforward_years",
    "reward_first_hte",
    "reward_baotou_rd_subsidy",
    "reward_baotou_tsme_two_years",
    "reward_baotou_hte",
    "reward_nmg_recognitions",
]


def failed_conditions(mask: int) -> list[str]:
    return [name for bit, name in enumerate(HTE_CONDITIONS) if mask >> bit & 1]


def assemble(r: dict, year: int) -> dict:
    """The issue-6 §3 output from the flat results of one enterprise."""
    elig = {1: True, 0: False, -1: None}[int(r["hte_eligibility"])]
    value_tsme = r["reward_baotou_tsme_two_years"]
    return {
        "year": year,
        "tsme": {
            "eligible": bool(r["tsme_eligible"]),
            "score": int(r["tsme_score"]),
            "staff_points": int(r["tsme_staff_points"]),
            "rd_points": int(r["tsme_rd_points"]),
            "ip_points": int(r["tsme_ip_points"]),
            "route": None if r["tsme_route"] == 0 else TSME_ROUTES[int(r["tsme_route"])],
            "size_ok": bool(r["tsme_size_ok"]),
            "value": value_tsme,
        },
        "hte": {
            "eligible": elig,
            "application_year": year + 1,
            "accounting_years": [year - 2, year - 1, year],
            "rd_ratio": r["hte_rd_ratio"],
            "rd_ratio_required": r["hte_rd_ratio_required"],
            "tech_staff_ratio": r["hte_tech_staff_ratio"],
            "hightech_revenue_share": r["hte_hightech_revenue_share"],
            "domestic_rd_share": r["hte_domestic_rd_share"],
            "registration_age_days": r["hte_registration_age_days"],
            "growth_points": [int(r["hte_growth_points_min"]), int(r["hte_growth_points_max"])],
            "growth_ambiguous": bool(r["hte_growth_ambiguous"]),
            "innovation_points": [int(r["hte_innovation_points_min"]), int(r["hte_innovation_points_max"])],
            "failed": failed_conditions(int(r["hte_failed_mask"])),
            "certificate_valid": bool(r["hte_certificate_valid"]),
            "rewards": {
                "nmg_first_hte": r["reward_first_hte"],
                "nmg_first_hte_possible": r["reward_first_hte_possible"],
                "baotou_hte": r["reward_baotou_hte"],
            },
            "value": r["hte_rate_value"] + r["reward_first_hte"] + r["reward_baotou_hte"],
        },
        "super_deduction": {
            "excluded": bool(r["sd_excluded"]),
            "negative_list_share": r["sd_negative_list_ratio"],
            "rate": r["sd_rate"],
            "effective_rate": r["sd_effective_rate"],
            "other_cap": r["sd_other_cap"],
            "other_allowed": r["sd_other_allowed"],
            "eligible_rd": r["sd_eligible_rd"],
            "amount": r["sd_amount"],
            "value": r["sd_tax_value"],
            "baotou_rd_subsidy": r["reward_baotou_rd_subsidy"],
        },
        "tech_transfer": {
            "exempt": r["tt_exempt"],
            "halved": r["tt_halved"],
            "tax": r["tt_tax"],
            "value": r["tt_relief_value"],
        },
        "rewards": {
            "nmg_first_hte": r["reward_first_hte"],
            "nmg_recognitions": r["reward_nmg_recognitions"],
            "baotou_rd_subsidy": r["reward_baotou_rd_subsidy"],
            "baotou_tsme_two_years": r["reward_baotou_tsme_two_years"],
            "baotou_hte": r["reward_baotou_hte"],
            "total": r["rewards_total"],
        },
        "tax_rate": {
            "hte_rate_status": ["none", "expiry_year", "applies"][int(r["hte_rate_status"])],
            "rate": r["eit_rate"],
            "value": r["hte_rate_value"],
        },
        "loss_carryforward": {
            "qualified": bool(r["preferential_status"]),
            "years_for_this_years_loss": int(r["loss_carryforward_years"]),
            "extended_loss_years": list(range(year - 5, year)) if r["loss_extension_applies"] else [],
        },
        "value_total": round(
            r["sd_tax_value"] + r["tt_relief_value"] + r["hte_rate_value"] + r["rewards_total"],
            4,
        ),
    }


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _staff_to_add(staff: float, employees: float, target: float) -> int:
    """New tech staff (hired, so they also count in employees) to reach `target` share."""
    need = (target * employees - staff) / (1 - target)
    n = max(0, math.ceil(round(need, 9)))
    if n == 0 and (employees <= 0 or staff / employees < target):
        n = 1  # nobody declared yet, or a ratio a hair under the line
    return n


def distance(r: dict, rows: dict, ent: dict, year: int) -> list[dict]:
    """What an enterprise lacks, per policy, as structured items with a Chinese message."""
    items: list[dict] = []
    tbs = system()
    inst = f"{year}-01-01"

    def add(policy, condition, message, gap=None, message_en=None):
        items.append(
            {
                "policy": policy,
                "condition": condition,
                "message": message,
                "message_en": message_en,
                "gap": gap,
            }
        )

    cur = rows[year]
    if year < FIRST_TSME_YEAR and year < FIRST_HTE_YEAR:
        return items
    emp = max(0.0, cur.get("employees", 0) - cur.get("employees_short_term", 0))
    staff = max(0.0, cur.get("tech_staff", 0) - cur.get("tech_staff_short_term", 0))
    # --- tech SME
    if year >= FIRST_TSME_YEAR and not r["tsme_eligible"]:
        size = tbs.parameters.tsme.size(inst)
        if not r["tsme_size_ok"]:
            add(
                "tsme",
                "size",
                f"规模超过科技型中小企业上限 (职工 ≤ {size.employees_max}, 销售收入与资产 ≤ {size.revenue_max} 万元)",
                message_en="above the TSME size limits",
            )
        sc = tbs.parameters.tsme.scoring(inst)
        if r["tsme_staff_points"] == 0:
            n = _staff_to_add(staff, emp, sc.staff_thresholds[0])
            add(
                "tsme",
                "staff_points",
                f"科技人员占比 {_pct(staff / emp if emp else 0)}，需 ≥ {_pct(sc.staff_thresholds[0])}：增加 {n} 名科技人员",
                n,
                f"add {n} tech staff",
            )
        if r["tsme_score"] < sc.pass_score:
            gap = sc.pass_score - r["tsme_score"]
            rd = cur.get("rd_expense", 0)
            th = list(sc.rd_revenue_thresholds)
            nxt = next(
                (t for t in th if t > (rd / cur["revenue"] if cur.get("revenue") else 0) + 1e-12), None
            )
            msg = f"综合得分 {r['tsme_score']:.0f}，需 ≥ {sc.pass_score}（差 {gap:.0f} 分）"
            if nxt is not None and cur.get("revenue"):
                more = nxt * cur["revenue"] - rd
                msg += f"；研发费用再增加 {more:.1f} 万元可升一档（研发/收入 ≥ {_pct(nxt)}）"
            if r["tsme_ip_points"] < sc.ip_class_i_points:
                msg += "；获得 1 项Ⅰ类知识产权可得 30 分"
            add("tsme", "score", msg, gap, f"score {r['tsme_score']:.0f}, need {sc.pass_score}")
    # --- high-tech enterprise
    if year < FIRST_HTE_YEAR:
        return items
    hc = tbs.parameters.hte.conditions(inst)
    failed = failed_conditions(int(r["hte_failed_mask"]))
    for cond in failed:
        if cond == "registration_age":
            when = ent.get("registered_on", REGISTERED_LONG_AGO) + timedelta(
                days=int(hc.registration_min_days)
            )
            add(
                "hte",
                cond,
                f"注册成立未满 {hc.registration_min_days} 天（申请日 {r['hte_registration_age_days']} 天）；{when.isoformat()} 起满足",
                int(hc.registration_min_days) - r["hte_registration_age_days"],
                f"registered for {hc.registration_min_days} days from {when}",
            )
        elif cond == "owns_ip":
            add("hte", cond, "没有知识产权：至少需要 1 项Ⅰ类或Ⅱ类知识产权", 1, "obtain at least one IP right")
        elif cond == "hightech_field":
            add(
                "hte",
                cond,
                "主要产品核心技术不在《国家重点支持的高新技术领域》内",
                message_en="outside the supported fields",
            )
        elif cond == "tech_staff_ratio":
            n = _staff_to_add(staff, emp, hc.tech_staff_ratio_min)
            add(
                "hte",
                cond,
                f"科技人员占比 {_pct(r['hte_tech_staff_ratio'])}，需 ≥ {_pct(hc.tech_staff_ratio_min)}：增加 {n} 名科技人员",
                n,
                f"add {n} tech staff",
            )
        elif cond == "rd_ratio":
            rev = sum(rows[y].get("revenue", 0) for y in rows)
            rd = sum(rows[y].get("rd_expense", 0) for y in rows)
            more = r["hte_rd_ratio_required"] * rev - rd
            add(
                "hte",
                cond,
                f"研发费用占比 {_pct(r['hte_rd_ratio'])}，需 {_pct(r['hte_rd_ratio_required'])}：近三年研发费用还差 {more:.1f} 万元",
                round(more, 2),
                f"R&D ratio {_pct(r['hte_rd_ratio'])}, need {_pct(r['hte_rd_ratio_required'])}",
            )
        elif cond == "domestic_rd_share":
            add(
                "hte",
                cond,
                f"境内研发费用占比 {_pct(r['hte_domestic_rd_share'])}，需 ≥ {_pct(hc.domestic_rd_share_min)}",
                message_en=f"domestic R&D share {_pct(r['hte_domestic_rd_share'])}, need {_pct(hc.domestic_rd_share_min)}",
            )
        elif cond == "hightech_revenue_share":
            inc = cur.get("income_total", cur.get("revenue", 0)) - cur.get("non_taxable_income", 0)
            more = hc.hightech_revenue_share_min * inc - cur.get("hightech_revenue", 0)
            add(
                "hte",
                cond,
                f"高新技术产品(服务)收入占比 {_pct(r['hte_hightech_revenue_share'])}，需 ≥ {_pct(hc.hightech_revenue_share_min)}：还差 {more:.1f} 万元",
                round(more, 2),
                f"high-tech revenue share {_pct(r['hte_hightech_revenue_share'])}, need 60%",
            )
        elif cond == "innovation_score":
            add(
                "hte",
                cond,
                f"创新能力评价最高只能得 {r['hte_innovation_points_max']:.0f} 分，需 ≥ {hc.innovation_pass_min}",
                hc.innovation_pass_min - r["hte_innovation_points_max"],
                "innovation score cannot reach 71",
            )
        elif cond == "compliance":
            add(
                "hte",
                cond,
                "申请前一年内有重大安全、质量事故或严重环境违法行为",
                message_en="compliance event in the year before applying",
            )
    if r["hte_eligibility"] == -1:
        lo, hi = r["hte_innovation_points_min"], r["hte_innovation_points_max"]
        add(
            "hte",
            "expert_score",
            f"定量条件均满足；创新能力评价区间 [{lo:.0f}, {hi:.0f}]，需 ≥ {hc.innovation_pass_min}，取决于专家评分",
            hc.innovation_pass_min - lo,
            "depends on the expert score",
        )
    if r["hte_growth_ambiguous"]:
        add(
            "hte",
            "growth_ambiguous",
            "增长率恰为 5%：正文为 D 档 (≥5%)，附件4 为 E 档 (>5%)，口径不一致，按区间计",
            message_en="growth exactly 5%: ambiguous band",
        )
    # --- super deduction
    if r["sd_excluded"]:
        add(
            "super_deduction",
            "excluded",
            f"负面清单行业收入占比 {_pct(r['sd_negative_list_ratio'])} > 50%，或非查账征收，不适用加计扣除",
            message_en="negative-list industry share above 50% or not taxed on actual accounts",
        )
    return items
