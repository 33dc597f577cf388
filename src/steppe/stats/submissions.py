"""Figures that bureaus report and the department accepts (旗县报 → 盟市审 → 自治区核): the writes.

A bureau (a league's or a county's) submits a CSV/XLSX file in the import layout for its own
regions only. The file is checked exactly as an import is (``services.check_table``), every row's
region must lie in the bureau's region, and nothing is written as an observation yet: the
submission is an ``Import`` with ``status = submitted``, its bytes kept.

- A county's submission is reviewed by its league's bureau (accept → ``league_accepted``, or
  return with a comment), then accepted by the department.
- A league's own submission goes to the department.
- The department's acceptance writes the observations (``services._write`` with the submission as
  their import), so only accepted figures ever count in attainment, the scorecard, the report and
  the evaluation. Returning needs a comment; every step is an ``ImportDecision`` (history kept).
- An accepted figure is locked: a later submission touching the same region, indicator and year
  must give a ``reason``; once accepted it is a new version, the older one stays in the history.
- The department's own imports and the published statistics do not pass through here: they are
  official when written.

Docs: docs/statistics.md ("Figures from the bureaus").
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
from django.db import transaction
from django.utils import timezone

from steppe.core.audit import audit_record
from steppe.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from steppe.core.models import Region
from steppe.core.permissions import is_department
from steppe.core.roles import Role

from . import services
from .models import Import, ImportDecision, Indicator, Observation, ReportingPeriod

E_NOT_A_BUREAU = "只有盟市或旗县科技局可以报送统计数据 Only a league or county bureau submits figures"
E_OUTSIDE = "地区不在本单位辖区内 Region outside your jurisdiction"
E_LOCKED = (
    "该数据已核定并锁定;更正请在“更正理由”中说明理由 "
    "Accepted and locked: a correction needs a reason"
)
E_AWAITING_LEAGUE = "旗县报送须先经盟市科技局审核 A county's submission is reviewed by its league first"
E_NOT_PENDING = "该报送不在待审核状态 This submission is not awaiting review"
E_OWN_COUNTIES_ONLY = (
    "盟市科技局只能审核本盟市所辖旗县的报送 A bureau approves only its own counties' submissions"
)
E_REASON_TOO_LONG = "更正理由过长(至多 1000 字) Reason too long (1000 characters at most)"

PENDING = (Import.Status.SUBMITTED, Import.Status.LEAGUE_ACCEPTED)


def bureau_region(user) -> Region:
    """The region a bureau reports for (its league or its county); Forbidden for anyone else."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.BUREAU or not user.region_id:
        raise Forbidden(E_NOT_A_BUREAU)
    return user.region


def _regions_within(region: Region) -> dict[int, tuple[str, str]]:
    qs = Region.objects.filter(code__startswith=region.prefix) if region.level == Region.Level.PREFECTURE else (
        Region.objects.filter(pk=region.pk)
    )
    return {pk: (code, name) for pk, code, name in qs.values_list("pk", "code", "name")}


def _checked(data: bytes, file_name: str) -> tuple[pl.DataFrame, str]:
    fmt = "xlsx" if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK" else "csv"
    clean, errors, n_errors = services.check_table(services.read_table(data, file_name))
    if n_errors:
        raise DomainError(
            "import_invalid",
            f"文件有 {n_errors} 处错误,未报送任何数据 The file has {n_errors} errors; nothing was submitted",
            data={"errors": errors, "count": n_errors, "file_name": file_name},
        )
    return clean, fmt


def _outside_rows(clean: pl.DataFrame, region: Region) -> list[dict]:
    allowed = _regions_within(region)
    names = {pk: (code, name) for pk, code, name in Region.objects.values_list("pk", "code", "name")}
    out = []
    for row, region_id in clean.filter(~pl.col("region_id").is_in(list(allowed))).select("row", "region_id").iter_rows():
        code, name = names.get(region_id, ("?", "?"))
        out.append({
            "row": int(row), "column": "region",
            "message": f"{E_OUTSIDE}: 第 {row} 行 row {row}: {name} ({code}) 不属于 is not in {region.name} ({region.code})",
        })
    return out


def locked_keys(clean: pl.DataFrame) -> set[tuple[int, int, int]]:
    """(region, indicator, year) keys of the file that already hold an accepted bureau figure."""
    keys = set(clean.select("region_id", "indicator_id", "year").iter_rows())
    if not keys:
        return set()
    regions = {k[0] for k in keys}
    inds = {k[1] for k in keys}
    years = {k[2] for k in keys}
    have = Observation.objects.filter(
        is_current=True, imported_by__region__isnull=False, imported_by__status=Import.Status.ACCEPTED,
        region_id__in=regions, indicator_id__in=inds, year__in=years,
    ).values_list("region_id", "indicator_id", "year")
    return keys & set(have)


def _locked_rows(clean: pl.DataFrame) -> list[dict]:
    locked = locked_keys(clean)
    out = []
    for row, r, i, y in clean.select("row", "region_id", "indicator_id", "year").iter_rows():
        if (r, i, y) in locked:
            out.append({"row": int(row), "column": "reason", "message": f"{E_LOCKED}: 第 {row} 行 row {row} ({y})"})
    return out


def submission_check(*, data: bytes, file_name: str, actor, reason: str = "") -> tuple[pl.DataFrame, str, Region]:
    """Every check of a submission, writing nothing: the import checks, the bureau's regions, the locks."""
    region = bureau_region(actor)
    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise DomainError("import_invalid", E_REASON_TOO_LONG, data={"errors": [
            {"row": 0, "column": "reason", "message": E_REASON_TOO_LONG}]})
    clean, fmt = _checked(data, file_name)
    errors = _outside_rows(clean, region)
    if not reason:
        errors += _locked_rows(clean)
    if errors:
        errors.sort(key=lambda e: e["row"])
        first = errors[0]
        raise DomainError(
            "import_invalid",
            f"{first['message']};共 {len(errors)} 处错误,未报送任何数据 ({len(errors)} errors; nothing was submitted)",
            data={"errors": errors[: services.MAX_ERRORS_SHOWN], "count": len(errors), "file_name": file_name},
        )
    return clean, fmt, region


def submission_create(*, data: bytes, file_name: str, actor, via: str = "api", reason: str = "") -> Import:
    """A bureau's figures, checked and kept for review; raises DomainError naming each bad row, writing nothing."""
    reason = (reason or "").strip()
    clean, fmt, region = submission_check(data=data, file_name=file_name, actor=actor, reason=reason)
    with transaction.atomic(durable=True):
        imp = Import.objects.create(
            file_name=file_name[:300], sha256=hashlib.sha256(data).hexdigest(), fmt=fmt, imported_by=actor,
            via=via, rows=clean.height, status=Import.Status.SUBMITTED, region=region, content=data,
            reason=reason, years=sorted({int(y) for y in clean.get_column("year").to_list()}),
        )
        ImportDecision.objects.create(submission=imp, action=ImportDecision.Action.SUBMIT, actor=actor,
                                      comment=reason)
        audit_record(actor=actor, action="stats.submit", obj=imp,
                     after={"rows": imp.rows, "region": region.code, "reason": reason}, note=file_name)
    return imp


def submission_get(user, submission_id: int) -> Import:
    """A submission the user may see (the department: all; a bureau: its region's); NotFound otherwise."""
    imp = Import.objects.select_related("region", "imported_by").filter(pk=submission_id, region__isnull=False).first()
    if imp is None or not _can_see(user, imp):
        raise NotFound(f"未找到报送 {submission_id} Submission {submission_id} not found")
    return imp


def _can_see(user, imp: Import) -> bool:
    if is_department(user):
        return True
    if getattr(user, "is_authenticated", False) and user.role == Role.BUREAU and user.region_id:
        return user.region.contains(imp.region)
    return False


def _league_reviews(user, imp: Import) -> bool:
    """True when `user` is the bureau of the league whose county submitted `imp`."""
    return (
        user.role == Role.BUREAU and user.region.level == Region.Level.PREFECTURE
        and imp.region.level == Region.Level.COUNTY and user.region.contains(imp.region)
    )


def _comment(data: dict, *, returning: bool) -> str:
    """The decision's comment, checked by the page's and the API's one form (forms.DecisionForm);
    every error at once, nothing written. A missing comment on a return keeps its code."""
    from .forms import DecisionForm

    form = DecisionForm(data, returning=returning)
    if form.is_valid():
        return form.cleaned_data["comment"]
    errors = form.error_list()
    exc = ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    if form.has_error("comment", "required"):
        exc.code = "comment_required"
    if form.malformed:  # a JSON value of the wrong kind: 422, as the other writes answer it
        exc.status = 422
    raise exc


def submission_approve(*, submission_id: int, actor, comment: str = "", data: dict | None = None) -> Import:
    """The department accepts (writes the observations); a league bureau accepts its counties' ones for review.
    ``data``: the decision's fields as sent (else ``comment``)."""
    imp = submission_get(actor, submission_id)
    comment = _comment(data if data is not None else {"comment": comment}, returning=False)
    if is_department(actor):
        if imp.status == Import.Status.SUBMITTED and imp.region.level == Region.Level.COUNTY:
            raise DomainError("awaiting_league", E_AWAITING_LEAGUE, status=409)
        if imp.status not in PENDING:
            raise DomainError("not_pending", E_NOT_PENDING, status=409)
        return _accept(imp, actor, comment)
    if not _league_reviews(actor, imp):
        raise Forbidden(E_OWN_COUNTIES_ONLY)
    if imp.status != Import.Status.SUBMITTED:
        raise DomainError("not_pending", E_NOT_PENDING, status=409)
    with transaction.atomic(durable=True):
        _decide(imp, Import.Status.LEAGUE_ACCEPTED, ImportDecision.Action.LEAGUE_ACCEPT, actor, comment)
    return imp


def submission_return(*, submission_id: int, actor, comment: str = "", data: dict | None = None) -> Import:
    """Back to the bureau with a comment: the department for any pending one, a league for its counties'.
    ``data``: the decision's fields as sent (else ``comment``)."""
    imp = submission_get(actor, submission_id)
    comment = _comment(data if data is not None else {"comment": comment}, returning=True)
    if is_department(actor):
        if imp.status not in PENDING:
            raise DomainError("not_pending", E_NOT_PENDING, status=409)
    else:
        if not _league_reviews(actor, imp):
            raise Forbidden(E_OWN_COUNTIES_ONLY)
        if imp.status != Import.Status.SUBMITTED:
            raise DomainError("not_pending", E_NOT_PENDING, status=409)
    with transaction.atomic(durable=True):
        _decide(imp, Import.Status.RETURNED, ImportDecision.Action.RETURN, actor, comment)
    return imp


def _decide(imp: Import, status: str, action: str, actor, comment: str) -> None:
    # conditional move: two reviewers acting at once cannot both succeed
    moved = Import.objects.filter(pk=imp.pk, status=imp.status).update(status=status, decided_at=timezone.now())
    if moved != 1:
        raise DomainError("not_pending", E_NOT_PENDING, status=409)
    before = imp.status
    imp.status = status
    ImportDecision.objects.create(submission=imp, action=action, actor=actor, comment=comment)
    audit_record(actor=actor, action=f"stats.submission_{action}", obj=imp, before={"status": before},
                 after={"status": status}, note=comment)


def _accept(imp: Import, actor, comment: str) -> Import:
    data = bytes(imp.content)
    clean, _fmt = _checked(data, imp.file_name)  # the dictionary may have changed since submission
    with transaction.atomic(durable=True):
        changes = services._plan_changes(clean)
        counts = {k: n for k, n in changes.group_by("kind").len().iter_rows()}
        result = services.ImportResult(file_name=imp.file_name, rows=imp.rows, added=counts.get("added", 0),
                                       revised=counts.get("revised", 0), unchanged=counts.get("unchanged", 0),
                                       dry_run=False)
        _decide(imp, Import.Status.ACCEPTED, ImportDecision.Action.ACCEPT, actor, comment)
        if result.added or result.revised:
            services._write(changes, data=data, file_name=imp.file_name, fmt=imp.fmt, actor=actor, via=imp.via,
                            result=result, say=lambda *a: None, imp=imp)
        else:
            imp.unchanged = result.unchanged
            imp.save(update_fields=["unchanged"])
    return imp


# ----------------------------------------------------------------- reporting periods (completeness)

E_PERIOD_INDICATORS = "须列出至少一个已知指标 List at least one known indicator"


def reporting_period_open(*, year: int, due_on: dt.date, indicators: list[str], actor) -> ReportingPeriod:
    """The department says which indicators every league owes for `year`, by `due_on` (re-opening updates it)."""
    if not is_department(actor):
        raise Forbidden("只有自治区科技厅可以设置报送期 Only the department opens a reporting period")
    known = set(Indicator.objects.filter(code__in=indicators).values_list("code", flat=True))
    unknown = [c for c in indicators if c not in known]
    if not indicators or unknown:
        raise DomainError("invalid_period", E_PERIOD_INDICATORS + (f": {', '.join(unknown)}" if unknown else ""),
                          data={"errors": [{"field": "indicators", "message": E_PERIOD_INDICATORS}]})
    with transaction.atomic(durable=True):
        period, _ = ReportingPeriod.objects.update_or_create(
            year=year, defaults={"due_on": due_on, "indicators": list(dict.fromkeys(indicators)), "opened_by": actor},
        )
        audit_record(actor=actor, action="stats.reporting_period", obj=period,
                     after={"year": year, "due_on": due_on.isoformat(), "indicators": period.indicators})
    return period
