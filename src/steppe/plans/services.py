"""Loading a plan file: validate everything first, then write in one transaction.

Loading the same file twice changes nothing; an edited file updates the plan in place (matched
by the codes of targets, actions and measures), retires what it no longer has, and keeps every
file loaded as a PlanVersion.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from steppe.core.audit import audit_record, snapshot
from steppe.core.errors import DomainError
from steppe.core.models import Region
from steppe.core.roles import OrgKind
from steppe.core.services import unit_get_or_create

from .convert import upgrade
from .extensions import known_indicators
from .models import Action, LeagueTarget, Measure, MeasureUnit, Plan, PlanVersion, Target
from .schema import PlanFormatError, PlanSpec, parse_plan

BUILTIN_DIR = Path(__file__).resolve().parent / "data"

ERROR_INVALID_PLAN = "invalid_plan"


@dataclass
class LoadResult:
    plan: Plan | None
    version: int
    status: str  # "created", "updated", "unchanged", "valid" (dry run)
    changes: dict = field(default_factory=dict)


def plan_validate_text(text: str) -> PlanSpec:
    """Parses and checks a plan file against the regions and indicators in the database; raises
    DomainError listing every issue."""
    known_regions = set(Region.objects.values_list("code", flat=True))
    try:
        return parse_plan(text, known_regions=known_regions or None, known_indicators=known_indicators())
    except PlanFormatError as exc:
        errors = [{"path": i.path, "message": i.message} for i in exc.issues]
        lines = "\n".join(f"  {e['path']}: {e['message']}" for e in errors)
        raise DomainError(
            ERROR_INVALID_PLAN, f"规划文件有 {len(errors)} 处错误 The plan file has {len(errors)} error(s):\n{lines}",
            data={"errors": errors},
        ) from exc


def _read(path: str | Path) -> str:
    p = Path(path)
    if not p.is_file():
        raise DomainError("file_not_found", f"文件不存在 No such file: {p}")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DomainError(ERROR_INVALID_PLAN, f"$: 文件不是 UTF-8 文本 The file is not UTF-8 text ({exc.reason})",
                          data={"errors": [{"path": "$", "message": "not UTF-8 text"}]}) from exc


def plan_load(*, text: str | None = None, path: str | Path | None = None, actor=None, dry_run: bool = False) -> LoadResult:
    if text is None:
        if path is None:
            raise DomainError("invalid_call", "plan_load needs text or path")
        text = _read(path)
    spec = upgrade(plan_validate_text(text))  # a format 1 file is read as format 2 (plans/convert.py)
    if dry_run:
        return LoadResult(plan=None, version=0, status="valid")
    return _write(spec, text=text, source_path=str(path or ""), actor=actor)


def plan_load_builtin(*, actor=None) -> list[LoadResult]:
    return [plan_load(path=p, actor=actor) for p in sorted(BUILTIN_DIR.glob("*.yaml"))]


@transaction.atomic
def _write(spec: PlanSpec, *, text: str, source_path: str, actor) -> LoadResult:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    plan = Plan.objects.select_for_update().filter(code=spec.code).first()
    latest = plan.versions.order_by("-number").first() if plan else None
    if latest is not None and latest.sha256 == digest:
        return LoadResult(plan=plan, version=latest.number, status="unchanged")

    now = timezone.now()
    plan_fields = {
        "title": spec.title, "short_title": spec.short_title, "issuers": list(spec.issuers),
        "document_number": spec.document_number, "issued_on": spec.issued_on, "published_on": spec.published_on,
        "period_start": spec.period_start, "period_end": spec.period_end, "source_title": spec.source_title,
        "source_url": spec.source_url, "language": spec.language or "zh-hans", "format": spec.format,
        "lead_departments": list(spec.lead_departments.units) if spec.lead_departments else [],
        "lead_departments_clause": spec.lead_departments.clause if spec.lead_departments else "",
    }
    created = plan is None
    if plan is None:
        plan = Plan.objects.create(code=spec.code, created_at=now, updated_at=now, **plan_fields)
    else:
        for k, v in plan_fields.items():
            setattr(plan, k, v)
        plan.updated_at = now
        plan.save()

    changes = {"targets": _sync_targets(plan, spec, actor), "actions": {}, "measures": {}}
    changes["actions"], changes["measures"] = _sync_actions(plan, spec, actor)
    number = (latest.number + 1) if latest else 1
    PlanVersion.objects.create(plan=plan, number=number, sha256=digest, content=text, source_path=source_path,
                               loaded_at=now, loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                               changes=changes)
    return LoadResult(plan=plan, version=number, status="created" if created else "updated", changes=changes)


def _apply(obj, values: dict) -> bool:
    changed = False
    for k, v in values.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    return changed


def _summary(added, changed, retired):
    return {"added": sorted(added), "changed": sorted(changed), "retired": sorted(retired)}


def _sync_targets(plan: Plan, spec: PlanSpec, actor) -> dict:
    regions = {r.code: r for r in Region.objects.filter(code__in={t.region for t in spec.targets})}
    existing = {t.code: t for t in plan.targets.all()}
    added, changed = [], []
    for order, t in enumerate(spec.targets):
        values = {
            "name": t.name, "indicator": t.indicator, "kind": t.kind, "region": regions[t.region], "unit": t.unit,
            "baseline_year": t.baseline.year if t.baseline else None,
            "baseline_value": t.baseline.value if t.baseline else None,
            "baseline_from_statistics": bool(t.baseline and t.baseline.from_statistics),
            "target_year": t.target_year, "target_value": t.target_value, "comparison": t.comparison,
            "statement": t.statement or "", "clause": t.clause or "", "order": order, "active": True,
            "peer_scope": t.peers.scope if t.peers else "", "peer_reach": t.peers.reach if t.peers else "",
        }
        obj = existing.get(t.code)
        if obj is None:
            obj = Target.objects.create(plan=plan, code=t.code, **values)
            _sync_target_units(obj, t)
            added.append(t.code)
        else:
            before = {**snapshot(obj), "lead_units": sorted(u.name for u in obj.lead_units.all())}
            fields_changed = _apply(obj, values)
            if fields_changed:
                obj.full_clean()
                obj.save()
            if _sync_target_units(obj, t) or fields_changed:
                changed.append(t.code)
                after = {**snapshot(obj), "lead_units": sorted(u.name for u in obj.lead_units.all())}
                audit_record(actor=actor, action="plan.target_changed", obj=obj, before=before, after=after,
                             note="loaded from an edited plan file")
    retired = [c for c, o in existing.items() if o.active and c not in {t.code for t in spec.targets}]
    plan.targets.filter(code__in=retired).update(active=False)
    return _summary(added, changed, retired)


def _unit_kind(name: str) -> str:
    """Lead and cooperating units named by a plan are government units (bureaus, departments)."""
    return OrgKind.GOVERNMENT


def _sync_target_units(target: Target, t) -> bool:
    wanted = sorted(u.name for u in t.lead_units)
    if sorted(u.name for u in target.lead_units.all()) == wanted:
        return False
    target.lead_units.set([unit_get_or_create(name=name, kind=_unit_kind(name)) for name in wanted])
    return True


def _sync_actions(plan: Plan, spec: PlanSpec, actor) -> tuple[dict, dict]:
    existing_actions = {a.code: a for a in plan.actions.all()}
    existing_measures = {m.code: m for m in plan.measures.prefetch_related("unit_links__unit", "targets")}
    targets = {t.code: t for t in plan.targets.filter(active=True)}
    a_added, a_changed, m_added, m_changed = [], [], [], []
    m_order = 0
    seen_measures = set()
    for order, a in enumerate(spec.actions):
        values = {"kind": a.kind, "number": a.number, "title": a.title, "title_en": a.title_en, "summary": a.summary or "",
                  "clause": a.clause or "", "order": order, "active": True}
        action = existing_actions.get(a.code)
        if action is None:
            action = Action.objects.create(plan=plan, code=a.code, **values)
            a_added.append(a.code)
        elif _apply(action, values):
            action.save()
            a_changed.append(a.code)
        for m in a.measures:
            seen_measures.add(m.code)
            values = {"action": action, "title": m.title, "title_en": m.title_en, "clause": m.clause or "", "due_on": m.due,
                      "indicators": list(m.indicators), "tags": list(m.tags), "order": m_order, "active": True,
                      "type": m.type, "frequency": m.frequency}
            m_order += 1
            measure = existing_measures.get(m.code)
            if measure is None:
                measure = Measure.objects.create(plan=plan, code=m.code, **values)
                m_added.append(m.code)
                _sync_units(measure, m)
                _sync_measure_targets(measure, m, targets)
            else:
                before = {**snapshot(measure), "units": _unit_list(measure), "targets": _target_list(measure)}
                fields_changed = _apply(measure, values)
                if fields_changed:
                    measure.save()
                units_changed = _sync_units(measure, m)
                links_changed = _sync_measure_targets(measure, m, targets)
                if fields_changed or units_changed or links_changed:
                    m_changed.append(m.code)
                    audit_record(actor=actor, action="plan.measure_changed", obj=measure, before=before,
                                 after={**snapshot(measure), "units": _unit_list(measure),
                                        "targets": _target_list(measure)},
                                 note="loaded from an edited plan file")
    a_retired = [c for c, o in existing_actions.items() if o.active and c not in {a.code for a in spec.actions}]
    plan.actions.filter(code__in=a_retired).update(active=False)
    m_retired = [c for c, o in existing_measures.items() if o.active and c not in seen_measures]
    plan.measures.filter(code__in=m_retired).update(active=False)
    for code in m_retired:
        audit_record(actor=actor, action="plan.measure_retired", obj=existing_measures[code],
                     before={"active": True}, after={"active": False}, note="no longer in the plan file")
    return _summary(a_added, a_changed, a_retired), _summary(m_added, m_changed, m_retired)


def _unit_list(measure: Measure) -> list[list]:
    return sorted([mu.unit.name, mu.role, mu.basis] for mu in measure.unit_links.select_related("unit"))


def _target_list(measure: Measure) -> list[str]:
    return sorted(t.code for t in measure.targets.all())


def _sync_measure_targets(measure: Measure, m, targets: dict) -> bool:
    if _target_list(measure) == sorted(m.targets):
        return False
    measure.targets.set([targets[code] for code in m.targets])
    return True


def _sync_units(measure: Measure, m) -> bool:
    wanted = []
    for role, refs in ((MeasureUnit.Role.LEAD, m.lead_units), (MeasureUnit.Role.COOPERATING, m.cooperating_units)):
        for ref in refs:
            wanted.append((ref.name, role, bool(ref.inferred), ref.basis))
    current = sorted(
        (mu.unit.name, mu.role, mu.inferred, mu.basis) for mu in measure.unit_links.select_related("unit")
    )
    if sorted(wanted) == current:
        return False
    measure.unit_links.all().delete()
    for name, role, inferred, basis in wanted:
        unit = unit_get_or_create(name=name, kind=_unit_kind(name))
        MeasureUnit.objects.get_or_create(measure=measure, unit=unit, role=role,
                                          defaults={"inferred": inferred, "basis": basis})
    return True


# --------------------------------------------------------------------------- 分解下达

E_LEAGUE_TARGET_KIND = "只有定量目标可以分解到盟市 Only a quantitative target is broken down by league"
E_NOT_A_LEAGUE = "不是盟市 Not a league or city"
E_LEAGUE_VALUE = "目标值须为非负数 The target value must be a number, 0 or more"
CASCADE_KINDS = ("amount", "threshold", "multiple", "avg_growth", "level", "share")


def league_target_set(*, target: Target, region_code: str, value, source: str = "", actor) -> LeagueTarget | None:
    """The department sets (or, with value None, removes) a league's share of a regional target.

    `value` is in the unit of the regional target's value: 亿元, %, % a year (avg_growth), or the
    count to reach (家) for a doubling. Every change is in the audit trail.
    """
    from decimal import Decimal, InvalidOperation

    from steppe.core.errors import Forbidden
    from steppe.core.permissions import is_department

    if not is_department(actor):
        raise Forbidden("只有自治区科技厅可以分解下达目标 Only the department sets league targets")
    if target.kind not in CASCADE_KINDS:
        raise DomainError("invalid_league_target", E_LEAGUE_TARGET_KIND)
    region = Region.objects.filter(code=region_code, level=Region.Level.PREFECTURE).first()
    if region is None:
        raise DomainError("invalid_league_target", f"{E_NOT_A_LEAGUE}: {region_code}",
                          data={"errors": [{"field": "region", "message": E_NOT_A_LEAGUE}]})
    existing = LeagueTarget.objects.filter(target=target, region=region).first()
    before = {"value": str(existing.value), "source": existing.source} if existing else None
    with transaction.atomic():
        if value is None or value == "":
            if existing:
                existing.delete()
                audit_record(actor=actor, action="plan.league_target_removed", obj=target, before=before,
                             after=None, note=region.code)
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0 or number.adjusted() >= 14:
            raise DomainError("invalid_league_target", f"{E_LEAGUE_VALUE}: {region.name} {value!r}",
                              data={"errors": [{"field": region.code, "message": E_LEAGUE_VALUE}]})
        obj, _ = LeagueTarget.objects.update_or_create(
            target=target, region=region,
            defaults={"value": number, "source": (source or "").strip()[:300], "set_by": actor,
                      "set_at": timezone.now()},
        )
        audit_record(actor=actor, action="plan.league_target_set", obj=target, before=before,
                     after={"value": str(number), "source": obj.source}, note=region.code)
    return obj
