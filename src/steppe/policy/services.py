"""Writes of the policy app: the register (save, import, export, generate) and the batch run.

Every entry point that writes runs in one transaction; bad input raises a DomainError naming
the row and column, and changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DecimalField
from django.utils import timezone
from django.utils.translation import gettext_noop

from steppe.core.audit import audit_record
from steppe.core.credit_code import CREDIT_CODE_CHARS, credit_code_check_char, validate_credit_code
from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.models import Notification, Region
from steppe.core.tables import read_records, read_upload, table_format, write_records
from steppe.core.validation import MAX_AMOUNT

from . import engine, innovation
from .cache import counts_changed
from .models import (
    ComplianceEvent,
    Enterprise,
    EnterpriseYear,
    InnovationModel,
    PolicyResult,
    PolicyRun,
    RdProject,
    enterprise_subject,
)
from .rules import industry as gbt4754

ENTERPRISE_COLUMNS = [
    "credit_code",
    "name",
    "region",
    "industry",
    "registered_on",
    "hte_certificate_issued_on",
    "tsme_registration_number",
]
YEAR_AMOUNTS = [
    "employees",
    "tech_staff",
    "revenue",
    "income_total",
    "non_taxable_income",
    "investment_income",
    "total_costs",
    "total_assets",
    "net_assets",
    "hightech_revenue",
    "rd_expense",
    "rd_expense_in_china",
    "tech_transfer_income",
    "taxable_income",
]
YEAR_COUNTS = ["ip_class_i", "ip_class_ii", "conversions"]
SIGNED = {"net_assets", "tech_transfer_income", "taxable_income"}
IMPORT_COLUMNS = ENTERPRISE_COLUMNS + ["year"] + YEAR_AMOUNTS + YEAR_COUNTS + ["income_by_industry"]
REQUIRED_COLUMNS = ["credit_code", "name", "region", "registered_on", "year"]


# ------------------------------------------------------------------------------ import


def _read_rows(path_or_file, filename: str | None = None):
    """``(table, [(row number, {column: text})])`` through core.tables (encodings, caps, errors
    naming row and column)."""
    name = filename or str(getattr(path_or_file, "name", "") or path_or_file)
    if hasattr(path_or_file, "read"):
        data = read_upload(path_or_file)
    else:
        p = Path(path_or_file)
        if not p.is_file():
            raise DomainError("not_found", f"文件不存在 File not found: {p}", status=404)
        with p.open("rb") as fh:
            data = read_upload(fh)
    return read_records(data, name)


def _dec(value, col, row_no, errors, *, signed=False, integer=False):
    text = str(value).strip() if value is not None else ""
    if text == "":
        return Decimal(0)
    try:
        d = Decimal(text)
    except InvalidOperation:
        errors.append({"row": row_no, "column": col, "message": "须为数字 must be a number"})
        return None
    if not d.is_finite() or (not signed and d < 0):
        errors.append({"row": row_no, "column": col, "message": "须为 ≥ 0 的数字 must be a number ≥ 0"})
        return None
    if integer and d != d.to_integral_value():
        errors.append({"row": row_no, "column": col, "message": "须为整数 must be an integer"})
        return None
    if abs(d) >= MAX_AMOUNT:  # above any enterprise's figure, and beyond what the columns hold
        errors.append({"row": row_no, "column": col, "message": f"数值超出范围 out of range (< {MAX_AMOUNT:,.0f})"})
        return None
    return d


def _date_cell(value, col, row_no, errors, *, required=False):
    if isinstance(value, date):
        return value
    text = str(value or "").strip()[:10]
    if not text:
        if required:
            errors.append({"row": row_no, "column": col, "message": "必填 required"})
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append({"row": row_no, "column": col, "message": "日期格式应为 YYYY-MM-DD"})
        return None


def parse_income_by_industry(text: str) -> dict[str, float]:
    """ "C3911:1000;F51:20" -> {"C3911": 1000.0, "F51": 20.0}; raises ValueError."""
    out: dict[str, float] = {}
    for part in str(text or "").replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, amount = part.partition(":")
        gbt4754.parse(code)
        value = float(amount)
        if value < 0:
            raise ValueError(f"{code}: amount must be ≥ 0")
        out[code.strip().upper()] = value
    return out


def register_import(
    path_or_file,
    *,
    actor=None,
    filename: str | None = None,
    dry_run: bool = False,
    region_prefix: str | None = None,
) -> dict:
    """Import enterprise-years from CSV/XLSX (one row per enterprise and year): all or nothing.

    Raises ValidationFailed with data["errors"] = [{row, column, message}] (row 2 is the first
    data row, as in a spreadsheet). Returns counts {enterprises_created, enterprises_updated,
    years_created, years_updated}.
    """
    table, rows = _read_rows(path_or_file, filename)
    errors: list[dict] = []
    if not rows:
        raise ValidationFailed(
            "文件没有数据行 The file has no data rows",
            [{"row": table.header_row + 1, "column": "", "message": "empty"}],
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    unknown = [c for c in table.header if c and c not in IMPORT_COLUMNS]
    for c in missing:
        errors.append({"row": table.header_row, "column": c, "message": "缺少必需列 missing required column"})
    for c in unknown:
        errors.append({"row": table.header_row, "column": c, "message": "未知列 unknown column"})
    if errors:
        raise ValidationFailed("导入文件表头有误 Bad header", errors)
    regions = {r.code: r for r in Region.objects.all()}
    by_name = {r.name: r for r in regions.values()}
    ents: dict[str, dict] = {}
    years: dict[tuple[str, int], dict] = {}
    for i, row in rows:
        code = str(row.get("credit_code", "")).strip().upper()
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            errors.append({"row": i, "column": "credit_code", "message": exc.messages[0]})
            continue
        region_text = str(row.get("region", "")).strip()
        region = regions.get(region_text) or by_name.get(region_text)
        if region is None or not Region.is_in_region(region.code):
            errors.append(
                {"row": i, "column": "region", "message": f"未知的内蒙古地区 unknown region: {region_text!r}"}
            )
        elif region.level != "county":
            errors.append(
                {
                    "row": i,
                    "column": "region",
                    "message": f"须为旗县区代码 must be a county code: {region.code}",
                }
            )
        elif region_prefix and not region.code.startswith(region_prefix):
            errors.append(
                {"row": i, "column": "region", "message": f"不在本盟市 outside your league: {region.code}"}
            )
        industry = str(row.get("industry", "") or "").strip().upper()
        if industry:
            try:
                gbt4754.parse(industry)
            except gbt4754.IndustryCodeError as exc:
                errors.append({"row": i, "column": "industry", "message": str(exc)})
        tsme = str(row.get("tsme_registration_number", "") or "").strip().upper()
        if tsme:
            try:
                engine.parse_tsme_number(tsme, "tsme_registration_number")
            except engine.CaseError as exc:
                errors.append({"row": i, "column": "tsme_registration_number", "message": exc.message})
        ent = {
            "name": str(row.get("name", "")).strip(),
            "region": region,
            "industry": industry,
            "registered_on": _date_cell(row.get("registered_on"), "registered_on", i, errors, required=True),
            "hte_certificate_issued_on": _date_cell(
                row.get("hte_certificate_issued_on"), "hte_certificate_issued_on", i, errors
            ),
            "tsme_registration_number": tsme,
        }
        if not ent["name"]:
            errors.append({"row": i, "column": "name", "message": "必填 required"})
        prev = ents.get(code)
        if prev is not None and (prev["name"], prev["registered_on"]) != (ent["name"], ent["registered_on"]):
            errors.append(
                {
                    "row": i,
                    "column": "name",
                    "message": "同一信用代码的企业信息前后不一致 differs from an earlier row",
                }
            )
        ents[code] = ent
        yval = row.get("year", "")
        ytext = str(int(yval)) if isinstance(yval, float) and yval.is_integer() else str(yval).strip()
        if not (ytext.isdigit() and len(ytext) == 4):
            errors.append({"row": i, "column": "year", "message": "须为四位年份 must be a 4-digit year"})
            continue
        year = int(ytext)
        if (code, year) in years:
            errors.append({"row": i, "column": "year", "message": "重复的企业年度 duplicate enterprise-year"})
            continue
        data: dict = {}
        for col in YEAR_AMOUNTS + YEAR_COUNTS:
            if col in row:
                data[col] = _dec(row[col], col, i, errors, signed=col in SIGNED, integer=col in YEAR_COUNTS)
        if (
            data.get("tech_staff") is not None
            and data.get("employees") is not None
            and data.get("tech_staff", 0) > data.get("employees", 0)
        ):
            errors.append(
                {
                    "row": i,
                    "column": "tech_staff",
                    "message": "科技人员不能多于职工总数 must not exceed employees",
                }
            )
        if (
            data.get("rd_expense_in_china")
            and data.get("rd_expense") is not None
            and data["rd_expense_in_china"] > data["rd_expense"]
        ):
            errors.append(
                {
                    "row": i,
                    "column": "rd_expense_in_china",
                    "message": "不能多于研发费用 must not exceed rd_expense",
                }
            )
        try:
            data["income_by_industry"] = parse_income_by_industry(row.get("income_by_industry", ""))
        except (ValueError, gbt4754.IndustryCodeError) as exc:
            errors.append(
                {"row": i, "column": "income_by_industry", "message": f"格式应为 C3911:1000;F51:20 ({exc})"}
            )
        years[(code, year)] = data
    if errors:
        raise ValidationFailed(
            f"导入失败：{len(errors)} 处错误，未做任何修改 Import refused, nothing changed", errors
        )
    counts = {"enterprises_created": 0, "enterprises_updated": 0, "years_created": 0, "years_updated": 0}
    with transaction.atomic(durable=not dry_run and not transaction.get_connection().in_atomic_block):
        existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=list(ents))}
        saved: dict[str, Enterprise] = {}
        for code, ent in ents.items():
            obj = existing.get(code)
            counts["enterprises_updated" if obj else "enterprises_created"] += 1
            obj = obj or Enterprise(credit_code=code)
            for k, v in ent.items():
                setattr(obj, k, v)
            obj.save()
            saved[code] = obj
        for (code, year), data in years.items():
            _obj, created = EnterpriseYear.objects.update_or_create(
                enterprise=saved[code], year=year, defaults=data
            )
            counts["years_created" if created else "years_updated"] += 1
        if actor is not None:
            for code, obj in saved.items():
                n_years = sum(1 for c, _y in years if c == code)
                audit_record(
                    actor=actor,
                    action="policy.register_import",
                    obj=obj,
                    after={"years": n_years},
                    note=str(filename or ""),
                )
        if dry_run:
            transaction.set_rollback(True)
    return counts


def register_export_rows(*, enterprises=None) -> list[dict]:
    """The register, one row per enterprise-year, in the import's columns (amounts as numbers)."""
    qs = (
        EnterpriseYear.objects.select_related("enterprise", "enterprise__region")
        .order_by("enterprise__credit_code", "year")
    )
    if enterprises is not None:
        qs = qs.filter(enterprise__in=enterprises)
    rows = []
    for y in qs:
        e = y.enterprise
        row = {
            "credit_code": e.credit_code,
            "name": e.name,
            "region": e.region.code,
            "industry": e.industry,
            "registered_on": e.registered_on.isoformat(),
            "hte_certificate_issued_on": e.hte_certificate_issued_on.isoformat()
            if e.hte_certificate_issued_on
            else "",
            "tsme_registration_number": e.tsme_registration_number,
            "year": y.year,
        }
        for col in YEAR_AMOUNTS + YEAR_COUNTS:
            row[col] = getattr(y, col)
        row["income_by_industry"] = ";".join(f"{k}:{v:g}" for k, v in (y.income_by_industry or {}).items())
        rows.append(row)
    return rows


def register_export_bytes(fmt: str, *, enterprises=None) -> tuple[bytes, int]:
    """The register as CSV or XLSX through the one table writer (formula guard); ``(bytes, rows)``."""
    rows = register_export_rows(enterprises=enterprises)
    return write_records([(c, c) for c in IMPORT_COLUMNS], rows, fmt, sheet="register"), len(rows)


def register_export(path_or_file, *, enterprises=None, filename: str | None = None) -> int:
    """Write the register (one row per enterprise-year) as CSV or XLSX; returns the row count."""
    name = filename or str(getattr(path_or_file, "name", "") or path_or_file)
    data, n = register_export_bytes(table_format(name), enterprises=enterprises)
    if hasattr(path_or_file, "write"):
        path_or_file.write(data)
    else:
        Path(path_or_file).write_bytes(data)
    return n


# ------------------------------------------------------------------ case from the register


def compliance_event_record(
    *, actor, enterprise: Enterprise, kind: str, occurred_on: date, note: str = ""
) -> ComplianceEvent:
    """Record an accident, violation, misconduct or listing (department or the league bureau only)."""
    from . import permissions

    if not (
        permissions.is_department(actor)
        or (actor.role == "bureau" and permissions.can_write(actor, enterprise))
    ):
        raise DomainError(
            "forbidden", "仅科技厅或本盟市科技局可登记 Only the department or the league bureau", status=403
        )
    if kind not in ComplianceEvent.Kind.values:
        raise ValidationFailed(f"kind: 未知类型 {kind!r}", [{"field": "kind", "message": f"未知类型 {kind!r}"}])
    with transaction.atomic(durable=not transaction.get_connection().in_atomic_block):
        event = ComplianceEvent.objects.create(
            enterprise=enterprise, kind=kind, occurred_on=occurred_on, note=note
        )
        audit_record(
            actor=actor,
            action="policy.compliance_event",
            obj=enterprise,
            after={"kind": kind, "occurred_on": occurred_on},
        )
    return event


ERR_FILE_EXISTS = "本单位已有企业档案"
ERR_CODE_MISMATCH = "须与本单位登记的统一社会信用代码一致（{code}）"
ERR_CODE_TAKEN = "该统一社会信用代码的企业档案属于其他单位"


@transaction.atomic
def enterprise_file_open(*, actor, data: dict) -> tuple[Enterprise, bool]:
    """An enterprise user's own file: the register's row under their organisation's credit code
    when one is waiting (not yet anyone's), otherwise a new file from what they enter.

    Returns (file, from_register). Every bad field is reported at once (ValidationFailed, fields
    name, credit_code, region, industry, registered_on) and nothing is written."""
    from steppe.core.errors import NotFound
    from steppe.core.roles import Role

    org = getattr(actor, "unit", None)
    if getattr(actor, "role", None) != Role.ENTERPRISE or org is None:
        raise NotFound()
    if Enterprise.objects.filter(unit=org).exists():
        raise DomainError("file_exists", ERR_FILE_EXISTS, status=409)
    errors: list[dict] = []
    code = str(data.get("credit_code") or org.credit_code or "").strip().upper()
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        errors.append({"field": "credit_code", "message": exc.messages[0]})
    if not errors and org.credit_code and code != org.credit_code:
        errors.append({"field": "credit_code", "message": ERR_CODE_MISMATCH.format(code=org.credit_code)})
    existing = Enterprise.objects.filter(credit_code=code).first() if not errors else None
    if existing is not None:
        if existing.unit_id is not None or not org.credit_code:
            # only an organisation confirmed under this credit code takes the register's row
            errors.append({"field": "credit_code", "message": ERR_CODE_TAKEN})
            raise ValidationFailed(errors[0]["message"], errors)
        before = {"unit": None}
        existing.unit = org
        existing.save(update_fields=["unit"])
        audit_record(actor=actor, action="policy.enterprise.claim", obj=existing, before=before,
                     after={"unit": org.name})  # fmt: skip
        return existing, True
    name = str(data.get("name") or "").strip() or org.name
    region = Region.objects.filter(code=str(data.get("region") or "").strip(), level="county").first()
    if region is None:
        errors.append({"field": "region", "message": "请选择所在旗县区"})
    industry = str(data.get("industry") or "").strip().upper()
    if industry:
        try:
            gbt4754.parse(industry)
        except gbt4754.IndustryCodeError:
            errors.append({"field": "industry", "message": "不是有效的 GB/T 4754-2017 行业代码"})
    given = data.get("registered_on")
    registered: date | None = None
    try:
        registered = given if isinstance(given, date) else date.fromisoformat(str(given or ""))
        if registered > timezone.localdate():
            errors.append({"field": "registered_on", "message": "成立日期不能晚于今天"})
    except ValueError:
        errors.append({"field": "registered_on", "message": "请填写成立日期（YYYY-MM-DD）"})
    if errors or region is None or registered is None:  # (both are errors above when missing)
        raise ValidationFailed("；".join(e["message"] for e in errors), errors)
    ent = Enterprise.objects.create(
        name=name, credit_code=code, region=region, industry=industry, registered_on=registered, unit=org
    )
    audit_record(actor=actor, action="policy.enterprise.create", obj=ent,
                 after={"name": name, "credit_code": code, "region": region.code})  # fmt: skip
    return ent, False


def enterprise_year_save(*, actor, enterprise: Enterprise, year: int, data: dict) -> EnterpriseYear:
    """Create or replace one year of an enterprise's file (its own user, its bureau or the department).

    `data` uses the calculator's names (docs/policy-calculator.md, years.YYYY); a bad value raises
    ValidationFailed naming the field (e.g. years.2024.tech_staff) and nothing is written.
    """
    from . import permissions

    permissions.require_write(actor, enterprise)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed(
            "年度无效 Invalid year", [{"field": "year", "message": "应为 2000–2100 的四位年份"}]
        )
    unsupported = set(data) - set(YEAR_AMOUNTS) - set(YEAR_COUNTS) - {"income_by_industry", "rd_projects"}
    if unsupported:
        key = sorted(unsupported)[0]
        raise ValidationFailed(
            f"years.{year}.{key}: 档案不保存此字段 not stored in the file",
            [{"field": f"years.{year}.{key}", "message": "档案不保存此字段 not stored in the enterprise file"}],
        )
    try:
        norm = engine.validate_case(
            {
                "enterprise": {"registered_on": enterprise.registered_on.isoformat()},
                "years": {str(year): data},
            }
        )
    except engine.CaseError as exc:
        raise ValidationFailed(str(exc), [{"field": exc.field, "message": exc.message}]) from None
    row = norm["years"][year]
    values: dict = {}
    for c in YEAR_AMOUNTS:
        field = EnterpriseYear._meta.get_field(c)
        assert isinstance(field, DecimalField), c
        places = field.decimal_places
        values[c] = Decimal(str(row.get(c, 0))).quantize(Decimal(1).scaleb(-places))
    values.update({c: int(row.get(c, 0)) for c in YEAR_COUNTS})
    values["income_by_industry"] = row.get("income_by_industry", {})
    with transaction.atomic(durable=not transaction.get_connection().in_atomic_block):
        obj = EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()
        before = {c: str(getattr(obj, c)) for c in YEAR_AMOUNTS + YEAR_COUNTS} if obj else None
        obj = obj or EnterpriseYear(enterprise=enterprise, year=year)
        for k, v in values.items():
            setattr(obj, k, v)
        try:
            obj.full_clean()
        except ValidationError as exc:
            errors = [
                {"field": f"years.{year}.{k}", "message": "; ".join(v)} for k, v in exc.message_dict.items()
            ]
            raise ValidationFailed(f"{errors[0]['path']}: {errors[0]['message']}", errors) from None
        obj.save()
        if "rd_projects" in row:
            obj.rd_projects.all().delete()
            RdProject.objects.bulk_create(
                [
                    RdProject(
                        enterprise_year=obj,
                        name=p["name"],
                        five_items=Decimal(str(p["five_items"])),
                        other_related=Decimal(str(p["other_related"])),
                        capitalized=p["capitalized"],
                    )
                    for p in row["rd_projects"]
                ]
            )
        audit_record(
            actor=actor,
            action="policy.enterprise_year_save",
            obj=enterprise,
            before=before,
            after={c: str(values[c]) for c in YEAR_AMOUNTS + YEAR_COUNTS} | {"year": year},
        )
    return obj


def enterprise_case(enterprise: Enterprise, year: int) -> dict:
    """The evaluate() case of a registered enterprise (years Y−2..Y)."""
    ent = {
        "registered_on": enterprise.registered_on.isoformat(),
        "region": enterprise.region.code,
        "compliance_ok": True,  # per year below, from the compliance events
        "ic_or_machine_tool": enterprise.ic_or_machine_tool,
        "taxed_on_actual_accounts": enterprise.taxed_on_actual_accounts,
    }
    if enterprise.industry:
        ent["industry"] = enterprise.industry
    if enterprise.hte_certificate_issued_on:
        ent["hte_certificate_issued_on"] = enterprise.hte_certificate_issued_on.isoformat()
    if enterprise.tsme_registration_number:
        ent["tsme_registration_number"] = enterprise.tsme_registration_number
    if enterprise.hightech_field:
        ent["hightech_field"] = enterprise.hightech_field
    years = {}
    for y in enterprise.years.filter(year__in=[year - 2, year - 1, year]).prefetch_related("rd_projects"):
        row: dict[str, Any] = {c: float(getattr(y, c)) for c in YEAR_AMOUNTS}
        row.update({c: int(getattr(y, c)) for c in YEAR_COUNTS})
        # the file stores 0 for what was never filled in; a total income of 0 beside sales revenue,
        # or no R&D in China beside R&D expense, cannot be true: leave them to the engine's stated
        # assumptions (income = revenue + investment + non-taxable; all R&D in China)
        if row.get("income_total") == 0 and row.get("revenue", 0) > 0:
            del row["income_total"]
        if row.get("rd_expense_in_china") == 0 and row.get("rd_expense", 0) > 0:
            del row["rd_expense_in_china"]
        if y.income_by_industry:
            row["income_by_industry"] = y.income_by_industry
        projects = list(y.rd_projects.all())
        if projects:
            row["rd_projects"] = [
                {
                    "name": p.name,
                    "five_items": float(p.five_items),
                    "other_related": float(p.other_related),
                    "capitalized": p.capitalized,
                }
                for p in projects
            ]
        years[str(y.year)] = row
    for ev in enterprise.compliance_events.all():
        last = (
            (ev.ended_on.year if ev.ended_on else year + 1)
            if ev.kind == ComplianceEvent.Kind.ABNORMAL
            else ev.occurred_on.year
        )
        for yr in range(max(ev.occurred_on.year, year - 2), min(last, year + 1) + 1):
            years.setdefault(str(yr), {})["compliance_ok"] = False
    return {"enterprise": ent, "years": years}


# ------------------------------------------------------------------------ batch columns


def register_columns(year: int, enterprise_ids=None) -> tuple[np.ndarray, dict, dict]:
    """Batch columns for every registered enterprise (years Y−2..Y+1): (ids, columns, meta)."""
    eqs = Enterprise.objects.order_by("id")
    if enterprise_ids is not None:
        eqs = eqs.filter(id__in=enterprise_ids)
    erows = list(
        eqs.values_list(
            "id", "registered_on", "region__code", "hte_certificate_issued_on", "tsme_registration_number",
            "ic_or_machine_tool", "taxed_on_actual_accounts", "industry", "innovation_score_official",
        )
    )  # fmt: skip
    n = len(erows)
    ids = np.array([r[0] for r in erows], dtype=np.int64)
    pos = {int(i): k for k, i in enumerate(ids)}
    cert = [r[3] for r in erows]
    ent = {
        "registered_on": np.array([r[1] for r in erows], dtype="datetime64[D]"),
        "region_code": np.array([int(r[2]) for r in erows], dtype=np.int64),
        "hte_certificate_held": np.array([c is not None for c in cert]),
        "hte_certificate_issued_on": np.array([c or date(1970, 1, 1) for c in cert], dtype="datetime64[D]"),
        "ic_or_machine_tool": np.array([r[5] for r in erows], dtype=bool),
        "taxed_on_actual_accounts": np.array([r[6] for r in erows], dtype=bool),
    }
    industries = [r[7] for r in erows]
    official = np.array([np.nan if r[8] is None else float(r[8]) for r in erows])
    span = [year - 2, year - 1, year, year + 1]
    cols = {y: {c: np.zeros(n) for c in YEAR_AMOUNTS + YEAR_COUNTS} for y in span}
    for y in span:
        for extra in (
            "negative_list_income",
            "manufacturing_income",
            "rd_five_expensed",
            "rd_five_capitalized",
            "rd_other_expensed",
            "rd_other_capitalized",
            "rd_other_allowed_by_project",
            "rd_other_limit_by_project",
            "rd_other_allowed_capitalized_by_project",
        ):
            cols[y][extra] = np.zeros(n)
        cols[y]["compliance_ok"] = np.ones(n, dtype=bool)
        cols[y]["tsme_number_issued"] = np.zeros(n, dtype=bool)
        cols[y]["tsme_number_code_zero"] = np.zeros(n, dtype=bool)
    # TSME numbers: the year on the number
    for i, r in enumerate(erows):
        num = r[4]
        if num and len(num) >= 11 and num[:4].isdigit() and int(num[:4]) in cols:
            cols[int(num[:4])]["tsme_number_issued"][i] = True
            cols[int(num[:4])]["tsme_number_code_zero"][i] = num[10] == "0"
    # compliance events
    for eid, occurred, ended, kind in ComplianceEvent.objects.filter(
        enterprise_id__in=ids.tolist() if enterprise_ids is not None else Enterprise.objects.values_list("id", flat=True)
    ).values_list("enterprise_id", "occurred_on", "ended_on", "kind"):
        k = pos.get(eid)
        if k is None:
            continue
        last = (ended.year if ended else span[-1]) if kind == ComplianceEvent.Kind.ABNORMAL else occurred.year
        for y in span:
            if occurred.year <= y <= last:
                cols[y]["compliance_ok"][k] = False
    # industry classification cache
    cls_cache: dict[tuple[str, int], tuple[bool, bool]] = {}

    def classify(code: str, y: int) -> tuple[bool, bool]:
        key = (code, y)
        if key not in cls_cache:
            neg = engine._param("super_deduction.scope.negative_list", f"{max(y, 2016)}-01-01")
            man = engine._param("super_deduction.scope.manufacturing_sections", f"{max(y, 2021)}-01-01")
            try:
                cls_cache[key] = (
                    any(gbt4754.matches(code, e) for e in neg),
                    any(gbt4754.matches(code, e) for e in man),
                )
            except gbt4754.IndustryCodeError:
                cls_cache[key] = (False, False)
        return cls_cache[key]

    fields = ["enterprise_id", "year", "id", "income_by_industry"] + YEAR_AMOUNTS + YEAR_COUNTS
    yqs = EnterpriseYear.objects.filter(year__in=span)
    if enterprise_ids is not None:
        yqs = yqs.filter(enterprise_id__in=enterprise_ids)
    year_ids = {}
    # raw rows (no per-value Decimal converters: 300,000 rows × 20 amounts); see bench/policy_batch.py
    sql, params = yqs.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw_rows = cursor.fetchall()
    for row in raw_rows:
        k = pos.get(row[0])
        if k is None:
            continue
        y = row[1]
        c = cols[y]
        year_ids[row[2]] = (y, k)
        for j, name in enumerate(YEAR_AMOUNTS + YEAR_COUNTS, start=4):
            c[name][k] = float(row[j])
        by_ind = json.loads(row[3]) if isinstance(row[3], str) else row[3]
        by_ind = by_ind or (
            {industries[k]: float(row[4 + YEAR_AMOUNTS.index("revenue")])} if industries[k] else {}
        )
        for code, amount in by_ind.items():
            neg, man = classify(code, y)
            if neg:
                c["negative_list_income"][k] += amount
            if man:
                c["manufacturing_income"][k] += amount
    for y in span:
        c = cols[y]
        c["rd_five_expensed"] = c["rd_expense"].copy()
        c["income_total"] = np.where(
            c["income_total"] > 0,
            c["income_total"],
            c["revenue"] + c["investment_income"] + c["non_taxable_income"],
        )
        c["rd_expense_in_china"] = np.where(
            c["rd_expense_in_china"] > 0, c["rd_expense_in_china"], c["rd_expense"]
        )
    # R&D projects replace the single-project default where given
    projects = defaultdict(list)
    for ey_id, five, other, cap in (
        RdProject.objects.filter(enterprise_year_id__in=list(year_ids)).values_list(
            "enterprise_year_id", "five_items", "other_related", "capitalized"
        )
        if year_ids and len(year_ids) < 50000
        else RdProject.objects.filter(enterprise_year__year__in=span).values_list(
            "enterprise_year_id", "five_items", "other_related", "capitalized"
        )
    ):
        if ey_id in year_ids:
            projects[ey_id].append((float(five), float(other), cap))
    for ey_id, plist in projects.items():
        y, k = year_ids[ey_id]
        c = cols[y]
        r = engine._param("super_deduction.scope.other_related_cap_ratio", f"{y}-01-01")
        c["rd_five_expensed"][k] = sum(f for f, _o, cap in plist if not cap)
        c["rd_five_capitalized"][k] = sum(f for f, _o, cap in plist if cap)
        c["rd_other_expensed"][k] = sum(o for _f, o, cap in plist if not cap)
        c["rd_other_capitalized"][k] = sum(o for _f, o, cap in plist if cap)
        c["rd_other_limit_by_project"][k] = sum(f * r / (1 - r) for f, _o, _c in plist)
        c["rd_other_allowed_by_project"][k] = sum(min(o, f * r / (1 - r)) for f, o, _c in plist)
        c["rd_other_allowed_capitalized_by_project"][k] = sum(
            min(o, f * r / (1 - r)) for f, o, cap in plist if cap
        )
    return ids, {"enterprise": ent, "years": cols}, {"official_score": official}


# ----------------------------------------------------------------------------- batch run


def _condition_names(codes: list[str]) -> str:
    """The HTE conditions an enterprise misses, by their names (a notice never shows rd_ratio)."""
    from django.utils import translation

    from .templatetags.policy_extras import CONDITION_LABELS

    with translation.override("zh-hans"):
        return "、".join(str(CONDITION_LABELS.get(c, c)) for c in codes)


def active_innovation_model() -> tuple[dict, float]:
    m = InnovationModel.objects.filter(active=True).first()
    if m is None:
        return dict(innovation.DEFAULT_WEIGHTS), innovation.DEFAULT_THRESHOLD
    return innovation.check_weights(dict(m.weights)), float(m.white_list_threshold)


_TRACE_KEYS = [
    "tsme_score", "tsme_staff_points", "tsme_rd_points", "tsme_ip_points", "tsme_route",
    "hte_eligibility", "hte_failed_mask", "hte_rd_ratio", "hte_rd_ratio_required", "hte_tech_staff_ratio",
    "hte_hightech_revenue_share", "hte_innovation_points_min", "hte_innovation_points_max", "hte_growth_ambiguous",
    "sd_excluded", "sd_rate", "sd_eligible_rd", "sd_amount", "sd_tax_value", "tt_tax", "tt_relief_value",
    "hte_rate_status", "hte_rate_value", "loss_carryforward_years", "rewards_total",
]  # fmt: skip


_RESULT_COLUMNS = [
    "run_id", "enterprise_id", "year", "tsme_eligible", "tsme_score", "hte_eligibility", "hte_failed",
    "sd_amount", "value_total", "innovation_points", "white_list", "trace",
]  # fmt: skip
# core.Notification (the one inbox): to the enterprise's organisation, about the enterprise
_NOTE_COLUMNS = ["organisation_id", "kind", "title", "body", "url", "subject", "data", "created_at"]
NOTE_TITLES = {
    ("newly_qualifies", "tsme"): "科技型中小企业：新符合条件",
    ("about_to_lose", "tsme"): "科技型中小企业：即将失去资格",
    ("newly_qualifies", "hte"): "高新技术企业：新符合条件",
    ("about_to_lose", "hte"): "高新技术企业：即将失去资格",
}


def _note_rows(notes: list[tuple]) -> list[tuple]:
    """The batch run's notices as core.Notification rows: to the enterprise's organisation (its
    members read them in their inbox), about the enterprise (its file lists them), with the run's
    trace."""
    if not notes:
        return []
    ops = connection.ops
    ents = {pk: (unit, public) for pk, unit, public in Enterprise.objects.values_list("pk", "unit_id", "public_id")}
    rows = []
    for eid, run_id, kind, policy, msg, trace, created in notes:
        unit, public = ents[eid]
        data = ops.adapt_json_value({"policy": policy, "run": run_id, "trace": trace}, None)
        url = f"/policy/enterprises/{public}/"
        rows.append((unit, kind, NOTE_TITLES[(kind, policy)], msg, url, enterprise_subject(eid), data, created))
    return rows


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain executemany INSERT: the batch run writes 100,000 rows; bulk_create's SQL assembly
    was most of the run's time. Values are already adapted (connection.ops) for the backend."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
    if model is PolicyResult:  # no queryset sees this write
        counts_changed()


def run_parameters(year: int) -> list[dict]:
    """The parameter trace (rule, formula, parameter values with dates and references) for a year."""
    return [engine._trace_entry(name, year, None) for name in engine._TRACED]


def policy_run(year: int, *, progress=None, chunk: int = 5000, run: PolicyRun | None = None) -> PolicyRun:
    """Evaluate every registered enterprise for accounting year `year` and store the results.

    Compares with the previous results of the same year (or else the previous year) to notify
    each enterprise that newly qualifies or is about to lose a status. Re-running a year
    replaces its results (idempotent). Results are written in committed chunks so that
    PolicyRun.done shows the progress to other processes; readers only use results of runs
    whose status is done, and the switch (old results out, notifications in, status done) is
    one transaction. A failed run removes its partial results.
    """
    say = progress or (lambda msg: None)
    if run is None:
        run = PolicyRun.objects.create(year=year)
    elif run.status != PolicyRun.Status.QUEUED or run.year != year:
        raise DomainError("invalid", f"run {run.pk} is not a queued run for {year}")
    else:
        PolicyRun.objects.filter(pk=run.pk).update(status=PolicyRun.Status.RUNNING, started_at=timezone.now())
    try:
        ids, columns, meta = register_columns(year)
        n = len(ids)
        run.total = n
        run.save(update_fields=["total"])
        say(f"loaded {n:,} enterprises (years {year - 2}-{year + 1})")
        res = engine.evaluate_many(columns, year)
        weights, threshold = active_innovation_model()
        parts = innovation.breakdown(columns, year, res, weights)
        points = innovation.score(columns, year, res, weights)
        part_cols = {k: np.round(v, 2).astype(float).tolist() for k, v in parts.items()}
        official = meta["official_score"]
        points = np.where(np.isnan(official), points, official)
        white = points >= threshold
        say("rules evaluated")
        prev = {}
        for eid, t, h in (
            PolicyResult.objects.filter(year=year)
            .exclude(run=run)
            .values_list("enterprise_id", "tsme_eligible", "hte_eligibility")
        ):
            prev[eid] = (t, h)
        if not prev:
            for eid, t, h in PolicyResult.objects.filter(year=year - 1).values_list(
                "enterprise_id", "tsme_eligible", "hte_eligibility"
            ):
                prev[eid] = (t, h)
        value = res["sd_tax_value"] + res["tt_relief_value"] + res["hte_rate_value"] + res["rewards_total"]
        cur = columns["years"]
        tsme_held = cur[year]["tsme_number_issued"] | cur[year + 1]["tsme_number_issued"]
        cert_valid = res["hte_certificate_valid"]
        issue_year = (
            columns["enterprise"]["hte_certificate_issued_on"].astype("datetime64[Y]").astype(int) + 1970
        )
        expiring = columns["enterprise"]["hte_certificate_held"] & (issue_year + 3 == year + 1)
        notes: list[tuple] = []
        # plain Python lists: indexing numpy scalars 100,000 × 30 times is the slow part otherwise
        trace_cols = [res[key].astype(float).round(4).tolist() for key in _TRACE_KEYS]
        pts = points.astype(float).tolist()
        official_list = [None if np.isnan(x) else float(x) for x in official.tolist()]
        tsme_ok = res["tsme_eligible"].tolist()
        tsme_score = res["tsme_score"].astype(int).tolist()
        hte = res["hte_eligibility"].astype(int).tolist()
        masks = res["hte_failed_mask"].astype(int).tolist()
        sd_amount = res["sd_amount"].astype(float).tolist()
        values = np.round(value, 4).tolist()
        whites = white.tolist()
        held = tsme_held.tolist()
        valid = cert_valid.tolist()
        expires = expiring.tolist()
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        ids_list = ids.tolist()
        if True:  # chunks commit one by one (progress); see the docstring
            rows: list[tuple] = []
            for k in range(n):
                eid = ids_list[k]
                trace = dict(zip(_TRACE_KEYS, (c[k] for c in trace_cols), strict=True))
                trace["innovation_points"] = pts[k]
                # the points by indicator behind the score (the white list's breakdown); an officially
                # issued score prevails and has none of ours
                if official_list[k] is None:
                    trace["innovation"] = {name: col[k] for name, col in part_cols.items()}
                else:
                    trace["innovation_official"] = True
                failed = engine.failed_conditions(masks[k]) if masks[k] else []
                t_ok = tsme_ok[k]
                h = hte[k]
                trace_json = ops.adapt_json_value(trace, None)
                rows.append(
                    (run.pk, eid, year, t_ok, tsme_score[k], h, ops.adapt_json_value(failed, None), sd_amount[k],
                     values[k], pts[k], whites[k], trace_json)
                )  # fmt: skip
                p = prev.get(eid)
                if t_ok and not held[k] and not (p and p[0]):
                    msg = f"按 {year} 年数据，贵企业符合科技型中小企业评价条件（得分 {tsme_score[k]}），可申请入库登记。"
                    notes.append((eid, run.pk, "newly_qualifies", "tsme", msg, trace, now))
                if not t_ok and held[k]:
                    msg = f"按 {year} 年数据，贵企业不再符合科技型中小企业评价条件，下一年度可能无法入库。"
                    notes.append((eid, run.pk, "about_to_lose", "tsme", msg, trace, now))
                if h != 0 and not valid[k] and not (p and p[1] != 0):
                    word = "符合" if h == 1 else "定量条件均满足，取决于专家评分，可能符合"
                    msg = f"按 {year - 2}-{year} 年数据，贵企业{word}高新技术企业认定条件，可于 {year + 1} 年申报。"
                    notes.append((eid, run.pk, "newly_qualifies", "hte", msg, trace, now))
                if h == 0 and expires[k]:
                    msg = f"贵企业高新技术企业证书将于 {year + 1} 年到期，按现有数据重新认定未通过：{_condition_names(failed)}。"
                    notes.append((eid, run.pk, "about_to_lose", "hte", msg, trace, now))
                if len(rows) >= chunk or k == n - 1:
                    with transaction.atomic():
                        _insert(PolicyResult, _RESULT_COLUMNS, rows)
                        PolicyRun.objects.filter(pk=run.pk).update(done=k + 1)
                    rows = []
                    say(f"stored {k + 1:,}/{n:,}")
        summary = _summary(columns, res, points, white, value, notes)
        parameters = run_parameters(year)
        with transaction.atomic():
            PolicyResult.objects.filter(year=year).exclude(run=run).delete()
            _insert(Notification, _NOTE_COLUMNS, _note_rows(notes))
            run.done = n
            run.summary = summary
            run.parameters = parameters
            run.status = PolicyRun.Status.DONE
            run.finished_at = timezone.now()
            run.save()
        say(f"stored {n:,}/{n:,}; {len(notes):,} notifications")
        return run
    except Exception:
        PolicyResult.objects.filter(run=run).delete()
        PolicyRun.objects.filter(pk=run.pk).update(status=PolicyRun.Status.FAILED, finished_at=timezone.now())
        raise


def policy_run_start(year: int, *, actor=None) -> PolicyRun:
    """Queue a batch run as a background job (core.jobs), run by a worker.

    The page polls PolicyRun.done / total for progress; the job says why a run failed.
    """
    from steppe.core.jobs import service as jobs

    from .forms import RunYearForm  # the runs page's form: one check of the year

    form = RunYearForm({"year": str(year)})
    if not form.is_valid():
        errors = form.error_list()
        raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    year = form.cleaned_data["year"]
    settle_lost_runs()
    if PolicyRun.objects.filter(status__in=[PolicyRun.Status.QUEUED, PolicyRun.Status.RUNNING]).exists():
        raise DomainError("busy", "已有批量测算在运行 A batch run is already running", status=409)
    run = PolicyRun.objects.create(year=year, status=PolicyRun.Status.QUEUED)
    if actor is not None:
        audit_record(actor=actor, action="policy.run_start", obj=run, after={"year": year})
    jobs.start(RUN_KIND, params={"year": year, "run": run.pk}, user=actor, subject=("policy.PolicyRun", run.pk),
               page="/policy/runs/")
    return run


# ---------------------------------------------------------------- the batch run as a job (core.jobs)

RUN_KIND = "policy.run"
RUNNING = gettext_noop("正在测算并保存结果")


def policy_run_job(ctx, *, year: int, run: int) -> dict:
    pr = PolicyRun.objects.get(pk=run)
    if pr.status != PolicyRun.Status.QUEUED:  # a retry after a failure or a dead worker: start afresh
        PolicyResult.objects.filter(run=pr).delete()
        PolicyRun.objects.filter(pk=pr.pk).update(status=PolicyRun.Status.QUEUED, done=0, finished_at=None)
        pr.refresh_from_db()

    def progress(_message):
        done, total = PolicyRun.objects.filter(pk=pr.pk).values_list("done", "total").get()
        ctx.progress(done, total, RUNNING)

    pr = policy_run(year, run=pr, progress=progress)
    total = (pr.summary or {}).get("total") or {}
    return {"run": pr.pk, "year": year, "enterprises": pr.total,
            "tsme_eligible": total.get("tsme_eligible"), "hte_yes": total.get("hte_yes"),
            "notifications": (pr.summary or {}).get("notifications")}


def settle_lost_runs() -> None:
    """A queued or running PolicyRun whose job has ended without finishing it (its worker died, it
    was cancelled) is failed, so it no longer blocks a new run."""
    from steppe.core.jobs import service
    from steppe.core.jobs.models import Job

    for pr in PolicyRun.objects.filter(status__in=[PolicyRun.Status.QUEUED, PolicyRun.Status.RUNNING]):
        job = Job.objects.filter(kind=RUN_KIND, subject_id=str(pr.pk)).order_by("-pk").first()
        if job is not None and not service.refresh(job).is_active:
            PolicyRun.objects.filter(pk=pr.pk).update(status=PolicyRun.Status.FAILED, finished_at=timezone.now())


def _summary(columns, res, points, white, value, notes) -> dict:
    leagues = (columns["enterprise"]["region_code"] // 100) * 100
    out: dict = {"leagues": {}, "notifications": {"newly_qualifies": 0, "about_to_lose": 0}}
    for note in notes:
        out["notifications"][note[2]] += 1

    def agg(mask):
        return {
            "enterprises": int(mask.sum()),
            "tsme_eligible": int((res["tsme_eligible"] & mask).sum()),
            "hte_yes": int(((res["hte_eligibility"] == 1) & mask).sum()),
            "hte_depends": int(((res["hte_eligibility"] == -1) & mask).sum()),
            "white_list": int((white & mask).sum()),
            "value": {
                "super_deduction": round(float(res["sd_tax_value"][mask].sum()), 2),
                "tech_transfer": round(float(res["tt_relief_value"][mask].sum()), 2),
                "hte_rate": round(float(res["hte_rate_value"][mask].sum()), 2),
                "rewards": round(float(res["rewards_total"][mask].sum()), 2),
                "total": round(float(value[mask].sum()), 2),
            },
        }

    for code in np.unique(leagues):
        out["leagues"][str(int(code))] = agg(leagues == code)
    out["total"] = agg(np.ones(len(leagues), dtype=bool))
    return out


# ------------------------------------------------------------------------------ generate


def _credit_code(rng, region_code: str) -> str:
    body = "91" + region_code + "".join(rng.choice(list(CREDIT_CODE_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY"), 9))
    return body + credit_code_check_char(body)


def enterprises_generate(count: int, *, year: int = 2024, seed: int = 0, progress=None) -> int:
    """Create `count` synthetic enterprises (flagged synthetic) with data for year−2..year."""
    from . import synthetic

    if count <= 0:
        raise DomainError("invalid", "--count 须为正整数 must be a positive integer")
    say = progress or (lambda msg: None)
    rng = np.random.default_rng(seed)
    counties = list(Region.objects.filter(level="county", code__startswith=Region.PROVINCE_PREFIX).values_list("id", "code"))
    if not counties:
        raise DomainError(
            "invalid", "没有内蒙古旗县区数据 No Inner Mongolia counties loaded (run the region load first)"
        )
    cols = synthetic.generate_columns(count, year, seed=seed)
    pick = rng.integers(0, len(counties), count)
    ent = cols["enterprise"]
    objs = []
    seen = (
        set(Enterprise.objects.values_list("credit_code", flat=True))
        if Enterprise.objects.exists()
        else set()
    )
    for k in range(count):
        rid, rcode = counties[pick[k]]
        code = _credit_code(rng, rcode)
        while code in seen:
            code = _credit_code(rng, rcode)
        seen.add(code)
        issued = (
            ent["hte_certificate_issued_on"][k].astype(object) if ent["hte_certificate_held"][k] else None
        )
        objs.append(
            Enterprise(
                name=f"合成企业{seed}-{k + 1:06d}", credit_code=code, region_id=rid, industry="C3985" if k % 3 else "I6510",
                registered_on=ent["registered_on"][k].astype(object), hte_certificate_issued_on=issued,
                tsme_registration_number=(f"{year}{rcode}0{k % 100000:05d}" if cols["years"][year]["tsme_number_issued"][k] else ""),
                ic_or_machine_tool=bool(ent["ic_or_machine_tool"][k]), synthetic=True,
            )
        )  # fmt: skip
    with transaction.atomic():
        created = Enterprise.objects.bulk_create(objs, batch_size=5000)
        say(f"created {len(created):,} enterprises")
        if created[0].pk is None:
            codes = [o.credit_code for o in objs]
            idmap = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id"))
            pks = [idmap[c] for c in codes]
        else:
            pks = [o.pk for o in created]
        amounts = ["revenue", "income_total", "total_costs", "total_assets", "net_assets", "hightech_revenue",
                   "rd_expense", "rd_expense_in_china", "tech_transfer_income", "taxable_income"]  # fmt: skip
        counts = ["ip_class_i", "ip_class_ii", "conversions"]
        columns = [
            "enterprise_id",
            "year",
            "employees",
            "tech_staff",
            *amounts,
            *counts,
            "income_by_industry",
            "non_taxable_income",
            "investment_income",
        ]
        empty = connection.ops.adapt_json_value({}, None)
        years: list[tuple] = []
        for y, c in cols["years"].items():
            # rounded to 0.01 万元 like the DecimalField; plain values for executemany (see _insert)
            data = [np.floor(c["employees"]).tolist(), np.floor(c["tech_staff"]).tolist()]
            data += [np.minimum(np.round(c[a], 2), 1e11).tolist() for a in amounts]
            data += [c[k].astype(int).tolist() for k in counts]
            for k in range(count):
                years.append((pks[k], y, *(d[k] for d in data), empty, 0, 0))
            say(f"prepared year {y}")
        for i in range(0, len(years), 20000):
            _insert(EnterpriseYear, columns, years[i : i + 20000])
        say(f"created {len(years):,} enterprise-years")
    return count


# ---------------------------------------------------------------- an approved organisation claims its file


def enterprise_join(organisation, *, apply: bool) -> list[str]:
    """On approval (core.services.organisation_joiners): the register row with the organisation's
    credit code becomes its file; an organisation without a credit code that held the row (made by
    an import) is merged into it, with whatever it owned."""
    from steppe.core.services import organisation_merge

    if not organisation.credit_code:
        return []
    ent = Enterprise.objects.select_related("unit").filter(credit_code=organisation.credit_code).first()
    if ent is None or ent.unit_id == organisation.pk:
        return []
    line = f"企业档案“{ent.name}”（{ent.credit_code}）"
    if apply:
        previous = ent.unit
        Enterprise.objects.filter(pk=ent.pk).update(unit=organisation)
        if previous is not None and not previous.credit_code:
            organisation_merge(source=previous, into=organisation)
        audit_record(actor=None, action="policy.enterprise.join", obj=ent,
                     before={"unit": previous.pk if previous else None}, after={"unit": organisation.pk})
    return [line]
