"""Preloads the registers with what the plan names (data/plan_seed.yaml): idempotent, all or nothing.

A seeded record is verified (its source is the plan itself), keyed by ``seed_key``, and never
overwritten by a later run: once the department edits it (a later status, with its source), the
seed leaves it alone.
"""

from __future__ import annotations

import importlib.resources

import yaml
from django.db import transaction
from django.utils import timezone

from steppe.core.audit import audit_record
from steppe.core.errors import DomainError
from steppe.core.models import Region
from steppe.plans.models import Measure, Plan

from .models import Cooperation, Platform, Review, TalentProgramme

SEED_NOTE = "方案原文"


def seed_data() -> dict:
    text = importlib.resources.files("steppe.registers").joinpath("data/plan_seed.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _measures(plan: Plan, codes: list[str], where: str) -> list[Measure]:
    found = {m.code: m for m in Measure.objects.filter(plan=plan, code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise DomainError("seed_measure", f"{where}: 规划中没有举措 {'、'.join(missing)}")
    return [found[c] for c in codes]


def _region(code: str, where: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError("seed_region", f"{where}: 未知地区代码 {code}（请先 steppe regions load）")
    return region


RECORD_FIELDS = {
    Platform: ("name", "kind", "level", "field", "status", "plan_status", "host"),
    Cooperation: ("name", "kind", "partner_area", "partners", "scope", "status", "plan_status"),
}


@transaction.atomic
def seed_from_plan(data: dict | None = None) -> dict:
    """Creates the seeded records that do not exist yet; returns counts of created and kept ones."""
    data = data or seed_data()
    plan = Plan.objects.filter(code=data["plan"]).first()
    if plan is None:
        raise DomainError("seed_plan", f"规划 {data['plan']} 尚未加载（请先 steppe plan load-builtin）")
    created = kept = 0
    now = timezone.now()
    for section, model in (("platforms", Platform), ("cooperation", Cooperation)):
        existing = set(model.objects.filter(seed_key__isnull=False).values_list("seed_key", flat=True))
        for i, entry in enumerate(data.get(section) or []):
            where = f"{section}[{i}] ({entry.get('key')})"
            if entry["key"] in existing:
                kept += 1
                continue
            obj = model(
                seed_key=entry["key"], region=_region(entry["region"], where), source=entry["source"],
                review=Review.VERIFIED, review_note=SEED_NOTE, reviewed_at=now,
                **{f: entry.get(f) or "" for f in RECORD_FIELDS[model]},
            )
            obj.full_clean(exclude=["measures"])
            obj.save()
            obj.measures.set(_measures(plan, entry.get("measures") or [], where))
            audit_record(actor=None, action=f"registers.{section}.seed", obj=obj,
                         after={"seed_key": obj.seed_key, "status": obj.status}, note=SEED_NOTE)
            created += 1
    for i, entry in enumerate(data.get("programmes") or []):
        where = f"programmes[{i}] ({entry.get('code')})"
        if TalentProgramme.objects.filter(code=entry["code"]).exists():
            kept += 1
            continue
        programme = TalentProgramme(
            code=entry["code"], name=entry["name"], kind=entry["kind"], level=entry["level"],
            region=_region(entry["region"], where) if entry.get("region") else None,
            source=entry["source"], plan_status=entry.get("plan_status", ""),
        )
        programme.full_clean(exclude=["measures"])
        programme.save()
        programme.measures.set(_measures(plan, entry.get("measures") or [], where))
        created += 1
    return {"created": created, "kept": kept}
