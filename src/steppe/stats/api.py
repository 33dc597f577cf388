"""Statistics API: indicators, observations, imports, and the attainment of a plan's targets.

Published statistics are public: reading needs no account. Importing needs the department role.
"""

from __future__ import annotations

import datetime as dt

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from steppe.core.auth import api_auth
from steppe.core.errors import DomainError, Forbidden, NotFound
from steppe.core.inputs import Limit, Offset, Year, declare_conflict
from steppe.core.jobs.api import JobOut, job_out
from steppe.core.pagination import API_LIMIT, window
from steppe.core.permissions import is_department
from steppe.core.validation import JsonInput, body_schema, parse_choice

from . import queries, submissions
from .forms import DecisionForm
from .jobs import BACKGROUND_ROWS
from .models import Import, Indicator

router = Router(tags=["stats"])


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    category: str
    definition: str
    definition_version: str
    direction: int
    periodicity: str
    formula: str | None
    plan_target: bool


class SourceOut(Schema):
    title: str
    url: str
    date: dt.date | None


class AlternativeOut(Schema):
    value: float
    status: str
    source: str
    url: str
    date: str | None


class ObservationOut(Schema):
    region: str
    region_name: str
    indicator: str
    year: int
    value: float
    unit: str
    status: str
    revised: bool
    derived: bool
    formula: str | None
    source: SourceOut
    alternatives: list[AlternativeOut]
    choice_reason: str | None
    formula_check: float | None = None  # a published value of a derived indicator, recomputed by its formula


class YearValue(Schema):
    year: int
    value: float


class ProjectionOut(Schema):
    year: int
    value: float
    low: float | None
    high: float | None
    level: float
    meets_target: bool | None
    method: str
    estimate: bool = True


class AttainmentOut(Schema):
    target: str
    target_name: str
    kind: str
    indicator: str
    unit: str
    region: str
    region_name: str
    latest: YearValue | None
    baseline: YearValue | None
    needed: YearValue | None
    gap: float | None
    required_growth: float | None
    observed_growth: float | None
    ratio: float | None
    status: str
    status_label: str
    rule: str
    rule_en: str
    projection: ProjectionOut | None
    source: SourceOut | None


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ChangeOut(Schema):
    row: int
    region: str | None
    indicator: str | None
    year: int
    value: float
    old_value: float | None
    unit: str
    status: str
    source_title: str


class ImportOut(Schema):
    file_name: str
    rows: int
    added: int
    revised: int
    unchanged: int
    dry_run: bool
    import_id: int | None
    # what would be (dry run) or was added, revised and left unchanged: the first 50 rows of each
    changes: dict[str, list[ChangeOut]] = {}


class DecisionOut(Schema):
    action: str
    actor: str
    comment: str
    at: dt.datetime


class SubmissionOut(Schema):
    id: int
    status: str
    region: str
    file_name: str
    rows: int
    years: list[int]
    reason: str
    submitted_by: str
    submitted_at: dt.datetime
    decisions: list[DecisionOut]


# a decision's body, made from the page's form: the form judges the comment (its JSON kind too)
DecisionBody = body_schema(DecisionForm, {"comment": DecisionForm.base_fields["comment"].label},
                           name="SubmissionDecisionBody")


def _submission_out(imp) -> dict:
    return {
        "id": imp.pk, "status": imp.status, "region": imp.region.code, "file_name": imp.file_name,
        "rows": imp.rows, "years": imp.years or [], "reason": imp.reason,
        "submitted_by": imp.imported_by.username if imp.imported_by else "", "submitted_at": imp.imported_at,
        "decisions": [
            {"action": d.action, "actor": d.actor.username if d.actor else "", "comment": d.comment, "at": d.at}
            # the list prefetches them with their actors (a query per row otherwise)
            for d in (imp.decisions.all() if "decisions" in getattr(imp, "_prefetched_objects_cache", {})
                      else imp.decisions.select_related("actor"))
        ],
    }


def _indicator_out(i: Indicator) -> dict:
    return {
        "code": i.code,
        "name": i.name,
        "name_en": i.name_en,
        "unit": i.unit,
        "category": i.category,
        "definition": i.definition,
        "definition_version": i.definition_version,
        "direction": i.direction,
        "periodicity": i.periodicity,
        "formula": i.formula or None,
        "plan_target": i.plan_target,
    }


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator dictionary")
def indicator_list(request, limit: Limit = 500, offset: Offset = 0):
    return [_indicator_out(i) for i in window(Indicator.objects.all(), limit=limit, offset=offset)]


@router.get("/indicators/{code}", response=IndicatorOut)
def indicator_detail(request, code: str):
    i = Indicator.objects.filter(code=code).first()
    if i is None:
        raise NotFound(f"未知指标 Unknown indicator: {code}")
    return _indicator_out(i)


@router.get(
    "/observations",
    response=list[ObservationOut],
    summary="Observations (the value used per year, with its source)",
)
def observation_list(
    request,
    region: str | None = None,
    indicator: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    derived: bool = True,
    limit: Limit = API_LIMIT,
    offset: Offset = 0,
):
    """Filters: `region` (code or name; comma-separated for several), `indicator` (codes, comma-separated),
    `year_from`, `year_to`. One entry per region, indicator and year: the preferred value (see
    `choice_reason`), the other sources under `alternatives`, computed values marked `derived`."""
    from steppe.core.models import Region
    from steppe.core.regions import resolve_region

    region_codes = None
    if region:
        region_codes = [resolve_region(r).code for r in region.split(",") if r.strip()]
    ind_codes = None
    if indicator:
        ind_codes = [c.strip() for c in indicator.split(",") if c.strip()]
        unknown = set(ind_codes) - set(
            Indicator.objects.filter(code__in=ind_codes).values_list("code", flat=True)
        )
        if unknown:
            raise DomainError(
                "unknown_indicator", f"未知指标 Unknown indicator: {', '.join(sorted(unknown))}"
            )
    # a stable order (region, indicator, year: the key) and one window of it, computing only the
    # regions the window reaches
    window = queries.cells_window(
        indicators=ind_codes, regions=region_codes, year_from=year_from, year_to=year_to, with_derived=derived,
        offset=offset, limit=limit,
    )
    names = dict(Region.objects.filter(code__in={r for (r, _i, _y), _c in window}).values_list("code", "name"))
    out = []
    for (r, i, y), c in window:
        out.append(
            {
                "region": r,
                "region_name": names.get(r, r),
                "indicator": i,
                "year": y,
                "value": c.value,
                "unit": c.unit,
                "status": c.status,
                "revised": c.revised,
                "derived": c.derived,
                "formula": c.formula or None,
                "source": {"title": c.source_title, "url": c.source_url, "date": c.source_date},
                "alternatives": c.alternatives,
                "choice_reason": c.reason or None,
                "formula_check": c.check_value,
            }
        )
    return out


def attainment_entries(plan, as_of: int | None) -> list[dict]:
    out = []
    for ta in queries.plan_attainment(plan, as_of=as_of):
        rows = [(ta.region, ta.result, ta.series)] + list(ta.leagues)
        for region, res, series in rows:
            d = res.as_dict()
            cell = series.get(res.latest_year) if res.latest_year is not None else None
            out.append(
                {
                    "target": ta.target.code,
                    "target_name": ta.target.name,
                    "kind": ta.target.kind,
                    "indicator": ta.target.indicator,
                    "unit": res.target.unit,
                    "region": region.code,
                    "region_name": region.name,
                    "latest": d["latest"],
                    "baseline": d["baseline"],
                    "needed": d["needed"],
                    "gap": d["gap"],
                    "required_growth": d["required_growth"],
                    "observed_growth": d["observed_growth"],
                    "ratio": d["ratio"],
                    "status": d["status"],
                    "status_label": d["status_label"],
                    "rule": d["rule_zh"],
                    "rule_en": d["rule_en"],
                    "projection": d["projection"],
                    "source": None
                    if cell is None
                    else {"title": cell.source_title, "url": cell.source_url, "date": cell.source_date},
                }
            )
    return out


@router.get(
    "/plans/{code}/attainment",
    response=list[AttainmentOut],
    summary="Attainment of every target (region and leagues)",
)
def plan_attainment(request, code: str, as_of: Year | None = None):
    """One entry per target for the plan's region, and one per league where the league has data.
    Growth rates are fractions (0.12 = 12%); `projection` is a trend estimate, not a statistic."""
    from steppe.plans.models import Plan

    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise NotFound(f"未知规划 Unknown plan: {code}")
    return attainment_entries(plan, as_of)


@router.post(
    "/observations/import",
    response={200: ImportOut, 201: SubmissionOut, 202: JobOut},
    auth=api_auth,
    summary="Import observations (CSV or XLSX); a bureau's file is a submission for review",
)
def observation_import_api(
    request, file: File[UploadedFile], dry_run: Form[bool] = False, reason: Form[str] = "",
    background: Form[bool] = False,
):
    """All or nothing: any bad row refuses the file with `error.data.errors` = [{row, column, message}].
    With `dry_run` nothing is written and the counts say what would change.

    The department's file is written at once (200). A bureau's file is a submission (201, `status:
    "submitted"`): rows for its own league or counties only, not counted until the department accepts
    it; `reason` is required to correct a figure already accepted (locked).

    A department file of more than 50,000 rows (or any with `background`) is imported by a
    background job: 202 with the job, followed at `GET /api/v1/jobs/{id}`."""
    from steppe.core.tables import read_upload

    from .services import observation_import
    from .submissions import submission_check, submission_create

    if not is_department(request.auth):
        if getattr(request.auth, "role", None) != "bureau":
            raise Forbidden("只有自治区科技厅和盟市、旗县科技局可以导入统计数据 Only the department and bureaus import")
        data = read_upload(file)
        if dry_run:  # the bureau's checks, then what acceptance would add and revise
            submission_check(data=data, file_name=file.name or "upload", actor=request.auth, reason=reason)
            r = observation_import(data=data, file_name=file.name or "upload", actor=request.auth, dry_run=True)
            return Status(200, {**r.as_dict(), "changes": r.samples})
        imp = submission_create(data=data, file_name=file.name or "upload", actor=request.auth, via="api",
                                reason=reason)
        return Status(201, _submission_out(imp))
    data = read_upload(file)
    rows = data.count(b"\n")
    if not dry_run and (background or rows > BACKGROUND_ROWS):
        # a large file: a background job (core.jobs); GET /api/v1/jobs/{id} follows it
        from .jobs import save_upload, start_import

        job = start_import(path=save_upload(data, file.name or "upload"), name=file.name or "upload",
                           rows=rows, user=request.auth, via="api")
        return Status(202, job_out(job))
    if dry_run:
        r = observation_import(data=data, file_name=file.name or "upload", actor=request.auth, via="api", dry_run=True)
        return {**r.as_dict(), "changes": r.samples}
    # a small file: imported now, through the background job's own code (stats.jobs.import_here)
    from .jobs import import_here

    done = import_here(data, file.name or "upload", user=request.auth, via="api", rows=rows, samples=True)
    return {**done, "changes": done["samples"]}


@router.get("/observations/imports", response=list[SubmissionOut], auth=api_auth,
            summary="Bureau submissions the caller may see (the department: all), newest first")
def submission_list(request, status: str | None = None, limit: Limit = API_LIMIT, offset: Offset = 0):
    if status:
        parse_choice(status, "status", Import.Status.values)
    qs = queries.submissions_visible(request.auth, statuses=[status] if status else None)
    return [_submission_out(imp) for imp in window(qs.prefetch_related("decisions__actor"), limit=limit, offset=offset)]


@router.get("/observations/imports/{submission_id}", response=SubmissionOut, auth=api_auth)
def submission_detail(request, submission_id: int):
    from .submissions import submission_get

    return _submission_out(submission_get(request.auth, submission_id))


declare_conflict("POST /observations/imports/{submission_id}/approve",
                 "the submission is no longer pending, or a county's awaits its league's review")
declare_conflict("POST /observations/imports/{submission_id}/return", "the submission is no longer pending")


@router.post("/observations/imports/{submission_id}/approve", response=SubmissionOut, auth=api_auth,
             summary="Accept a submission: the department (counted from then on), or a league bureau for its counties")
def submission_approve_api(request, submission_id: int, payload: DecisionBody | None = None):
    data = JsonInput(payload.model_dump(exclude_unset=True) if payload is not None else {})
    return _submission_out(submissions.submission_approve(submission_id=submission_id, actor=request.auth, data=data))


@router.post("/observations/imports/{submission_id}/return", response=SubmissionOut, auth=api_auth,
             summary="Return a submission to its bureau with a comment")
def submission_return_api(request, submission_id: int, payload: DecisionBody):
    data = JsonInput(payload.model_dump(exclude_unset=True))
    return _submission_out(submissions.submission_return(submission_id=submission_id, actor=request.auth, data=data))


class CascadeLeagueOut(Schema):
    region: str
    region_name: str
    target: float | None
    target_source: str
    latest: float | None
    latest_year: int | None
    status: str  # the league's attainment against its own target; "no_target" when it has none
    pending: list[dict]


class ShortfallOut(Schema):
    kind: str
    regions: list[str]
    value: float | None
    needed: float | None
    message: str


class ConsistencyOut(Schema):
    ok: bool | None
    aggregate: float | None
    needed: float | None
    shortfalls: list[ShortfallOut]


class CascadeOut(Schema):
    target: str
    kind: str
    unit: str
    leagues: list[CascadeLeagueOut]
    consistency: ConsistencyOut


def cascade_out(c) -> dict:
    return {
        "target": c.target.code, "kind": c.target.kind, "unit": c.unit,
        "leagues": [
            {
                "region": lc.region.code, "region_name": lc.region.name, "target": lc.target,
                "target_source": lc.target_source,
                "latest": lc.latest.value if lc.latest else None, "latest_year": lc.latest.year if lc.latest else None,
                "status": lc.attainment.status if lc.attainment else "no_target",
                "pending": [{"value": f.value, "year": f.year, "submission": f.submission_id, "status": f.status}
                            for f in lc.pending],
            }
            for lc in c.leagues
        ],
        "consistency": {
            "ok": c.consistency.ok, "aggregate": c.consistency.aggregate, "needed": c.consistency.needed,
            "shortfalls": [{"kind": s.kind, "regions": s.regions, "value": s.value, "needed": s.needed,
                            "message": s.message} for s in c.consistency.shortfalls],
        },
    }


@router.get("/plans/{code}/targets/{target}/cascade", response=CascadeOut,
            summary="A target broken down by league: own targets, latest accepted figures, status, consistency")
def target_cascade_api(request, code: str, target: str, as_of: int | None = None):
    from steppe.plans.models import Plan

    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise NotFound(f"未知规划 Unknown plan: {code}")
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    return cascade_out(queries.target_cascade(plan, target, as_of=as_of, user=user))
