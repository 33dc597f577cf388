from datetime import date
from decimal import Decimal

from ninja import Router, Schema

from . import queries

router = Router(tags=["plans"])


class PlanSummaryOut(Schema):
    code: str
    title: str
    short_title: str
    issuers: list[str]
    document_number: str
    issued_on: date | None
    period_start: int
    period_end: int
    version: int | None


class UnitRefOut(Schema):
    name: str
    inferred: bool
    basis: str  # clause, lead_departments or inferred


class MeasureOut(Schema):
    code: str
    title: str
    title_en: str  # the plan file's English title; "" when it gives none
    clause: str
    due_on: date
    lead_units: list[UnitRefOut]
    cooperating_units: list[UnitRefOut]
    indicators: list[str]
    tags: list[str]
    type: str  # mechanism, project, register, recurring, one_off ("" for a plan loaded before format 2)
    frequency: str | None  # recurring measures only
    targets: list[str]


class ActionOut(Schema):
    code: str
    kind: str
    number: int
    title: str
    title_en: str  # the plan file's English title; "" when it gives none
    summary: str
    measures: list[MeasureOut]


class TargetOut(Schema):
    code: str
    name: str
    indicator: str
    kind: str
    region: str
    unit: str
    baseline_year: int | None
    baseline_value: Decimal | None
    baseline_from_statistics: bool
    target_year: int
    target_value: Decimal | None
    comparison: str
    statement: str
    clause: str
    measures: list[str]
    lead_units: list[str]
    peers: dict | None


class PlanOut(PlanSummaryOut):
    source_title: str
    source_url: str
    format: int
    lead_departments: list[str]
    lead_departments_clause: str
    targets: list[TargetOut]
    actions: list[ActionOut]


def _summary(plan) -> dict:
    version = plan.current_version
    return {
        "code": plan.code, "title": plan.title, "short_title": plan.short_title, "issuers": plan.issuers,
        "document_number": plan.document_number, "issued_on": plan.issued_on, "period_start": plan.period_start,
        "period_end": plan.period_end, "version": version.number if version else None,
    }


@router.get("/plans", response=list[PlanSummaryOut], summary="Every plan loaded, each with its code")
def list_plans(request):
    return [_summary(p) for p in queries.plan_list()]


@router.get("/plans/{code}", response=PlanOut, summary="One plan with its targets and its actions' measures")
def get_plan(request, code: str):
    plan = queries.plan_get(code)
    skip = {"region", "measures", "lead_units", "peers"}
    targets = [
        {**{f: getattr(t, f) for f in TargetOut.model_fields if f not in skip}, "region": t.region.code,
         "measures": [m.code for m in t.measures.all() if m.active],
         "lead_units": [u.name for u in t.lead_units.all()],
         "peers": {"scope": t.peer_scope, "reach": t.peer_reach} if t.peer_scope else None}
        for t in queries.plan_targets(plan).prefetch_related("measures", "lead_units")
    ]
    actions = []
    for a in queries.plan_actions(plan):
        measures = [
            {"code": m.code, "title": m.title, "title_en": m.title_en, "clause": m.clause, "due_on": m.due_on, "indicators": m.indicators,
             "tags": m.tags, "type": m.type, "frequency": m.frequency or None,
             "targets": [t.code for t in m.targets.all() if t.active], **queries.measure_units(m)}
            for m in a.measures.all()
        ]
        actions.append({"code": a.code, "kind": a.kind, "number": a.number, "title": a.title, "title_en": a.title_en,
                        "summary": a.summary,
                        "measures": measures})
    return {**_summary(plan), "source_title": plan.source_title, "source_url": plan.source_url,
            "format": plan.format, "lead_departments": plan.lead_departments,
            "lead_departments_clause": plan.lead_departments_clause, "targets": targets, "actions": actions}
