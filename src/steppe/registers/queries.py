"""Reads shared by the pages, the API, the plan's register-type measures and the monitoring
dashboard. What counts (docs/registers.md):

- a record counts once the department verified it; a bank's loans and claims count as soon as
  the bank records them (the bank is the lender of record) and stop counting if returned or
  withdrawn;
- a record's year is the year of its date (approved_on, started_on, lent_on, ...) or its ``year``;
- a record's league is its region's league; region-wide records are counted under 150000.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import get_language

from steppe.core.models import Region
from steppe.core.registry import MeasureRecords
from steppe.plans.models import Measure

from . import permissions as perms
from .kinds import KINDS, RegisterKind
from .models import PlatformStatus, Review

COUNTED_REVIEWS = {"loans": (Review.SUBMITTED, Review.VERIFIED), "claims": (Review.SUBMITTED, Review.VERIFIED)}


def counted(kind: RegisterKind):
    """The records of ``kind`` that count in figures (whoever asks: figures are aggregates)."""
    return kind.model.objects.filter(review__in=COUNTED_REVIEWS.get(kind.slug, (Review.VERIFIED,)))


def record_year(kind: RegisterKind, obj) -> int | None:
    if kind.date_field:
        value = getattr(obj, kind.date_field)
        return value.year if value else None
    return getattr(obj, "year", None)


def _related(kind: RegisterKind, qs):
    names = ["region"] + [n for n in ("programme", "enterprise", "bank", "loan", "loan__enterprise")
                          if _has(kind, n.split("__")[0])]
    return qs.select_related(*names).prefetch_related(Prefetch("measures", queryset=Measure.objects.only("code")))


def _has(kind: RegisterKind, name: str) -> bool:
    return any(f.name == name for f in kind.model._meta.get_fields())


def records(user, kind: RegisterKind, filters: dict | None = None):
    """The records this user may see, filtered by the kind's choice fields, region (a league or
    county code: its records and its counties'), review status, year and a text search."""
    filters = filters or {}
    qs = perms.visible(user, kind)
    for name in kind.filters:
        value = filters.get(name)
        if value:
            qs = qs.filter(**({f"{name}__code": value} if name == "programme" else {name: value}))
    region = (filters.get("region") or "").strip()
    if region:
        qs = qs.filter(region__code__startswith=_code_prefix(region))
    if filters.get("review"):
        qs = qs.filter(review=filters["review"])
    if filters.get("measure"):
        qs = qs.filter(measures__code=filters["measure"])
    year = filters.get("year")
    if year:
        qs = qs.filter(**({f"{kind.date_field}__year": year} if kind.date_field else {"year": year}))
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(**{f"{kind.name_field}__icontains": text}) if kind.name_field not in
                       ("enterprise", "loan", "investee") else Q(source__icontains=text))
    return _related(kind, qs).distinct()


_code_prefix = Region.prefix_of  # 150000 -> '15', 150200 -> '1502' (a league covers its counties)
_league = Region.league_or_self


def platform_counts(year: int) -> list[dict]:
    """Per league, level and kind: platforms approved in ``year``; platforms established at its end
    (approved, running or evaluated: approved by then or without a date, not closed by then); and
    platforms in preparation (培育建设, 重组). Verified records only."""
    out: dict[tuple, dict] = defaultdict(lambda: {"approved": 0, "total": 0, "in_preparation": 0})
    qs = counted(KINDS["platforms"]).exclude(status=PlatformStatus.PLANNED)
    for code, level, kind, status, approved, closed in qs.values_list(
        "region__code", "level", "kind", "status", "approved_on", "closed_on"
    ):
        key = (_league(code), level, kind)
        if status == PlatformStatus.IN_PREPARATION:
            out[key]["in_preparation"] += 1
            continue
        if approved and approved.year == year:
            out[key]["approved"] += 1
        if (approved is None or approved.year <= year) and (closed is None or closed.year > year):
            out[key]["total"] += 1
    return [{"league": k[0], "level": k[1], "kind": k[2], **v} for k, v in sorted(out.items())]


def counts_by_league(kind: RegisterKind, year: int | None = None) -> list[dict]:
    """Per league: records counted (in ``year`` when given) and their amount (万元) where the
    register has one. For the API's /counts of every register but platforms, and the map."""
    out: dict[str, dict] = defaultdict(lambda: {"count": 0, "amount_wan": Decimal(0)})
    qs = counted(kind)
    if year is not None:
        qs = qs.filter(**({f"{kind.date_field}__year": year} if kind.date_field else {"year": year}))
    fields = ["region__code"] + ([kind.amount_field] if kind.amount_field else [])
    for row in qs.values_list(*fields):
        entry = out[_league(row[0])]
        entry["count"] += 1
        if kind.amount_field and row[1] is not None:
            entry["amount_wan"] += row[1]
    rows = []
    for league, v in sorted(out.items()):
        rows.append({"league": league, "count": v["count"],
                     **({"amount_wan": v["amount_wan"]} if kind.amount_field else {})})
    return rows


def league_year_figures(kind: RegisterKind) -> list[dict]:
    """Rows {region_code (league), year, count[, amount_wan]} of counted records: the platform
    figures the monitoring dashboard shows beside the published statistics."""
    out: dict[tuple, dict] = defaultdict(lambda: {"count": 0, "amount_wan": Decimal(0)})
    year_field = kind.date_field or "year"
    fields = ["region__code", year_field] + ([kind.amount_field] if kind.amount_field else [])
    for row in counted(kind).values_list(*fields):
        if row[1] is None:
            continue
        year = row[1] if isinstance(row[1], int) else row[1].year
        entry = out[(_league(row[0]), year)]
        entry["count"] += 1
        if kind.amount_field and row[2] is not None:
            entry["amount_wan"] += row[2]
    return [{"region_code": r, "year": y, "count": v["count"],
             **({"amount_wan": v["amount_wan"]} if kind.amount_field else {})}
            for (r, y), v in sorted(out.items())]


def soe_coverage(year: int) -> dict:
    """三个全覆盖 in ``year``: per league the enterprises and those with all three, and the list of
    enterprises that still lack one (with what they lack)."""
    leagues: dict[str, dict] = defaultdict(lambda: {"enterprises": 0, "covered": 0})
    lacking = []
    for obj in counted(KINDS["soe"]).filter(year=year).select_related("region").order_by("region__code", "name"):
        entry = leagues[_league(obj.region.code)]
        entry["enterprises"] += 1
        if obj.fully_covered:
            entry["covered"] += 1
        else:
            lacking.append(obj)
    return {"leagues": [{"league": k, **v} for k, v in sorted(leagues.items())], "lacking": lacking}


# ---------------------------------------------------------------- measures


def _group_fields(kind: RegisterKind, fk: str) -> list[str]:
    """The columns (through the measures' link table) that say what a record is."""
    if kind.slug == "platforms":
        return [f"{fk}__level", f"{fk}__kind"]
    if kind.slug == "talent":
        return [f"{fk}__programme"]
    return []


def _group_label(kind: RegisterKind, values: tuple, programmes: dict) -> str:
    """What a record is, in the page's language: 自治区级重点实验室, 科技合作, 创新积分贷 ..."""
    if kind.slug == "platforms":
        level, what = values
        sep = " " if (get_language() or "").startswith("en") else ""
        model = kind.model._meta
        return f"{dict(model.get_field('level').choices)[level]}{sep}{dict(model.get_field('kind').choices)[what]}"
    if kind.slug == "talent":
        return str(programmes[values[0]])
    return str(kind.label)


def measure_records(codes: list[str]) -> dict[str, list[MeasureRecords]]:
    """For each measure code: what each register holds for it (counted records only), grouped by
    what the record is and its year ("3 个自治区级重点实验室，2024 年"). Counted in the database: one
    grouped query per register (the records themselves are never loaded)."""
    from .models import TalentProgramme

    out: dict[str, list[MeasureRecords]] = {}
    for kind in KINDS.values():
        through = kind.model.measures.through
        fk = next(f.name for f in through._meta.fields if f.related_model is kind.model)
        groups = _group_fields(kind, fk)
        if kind.date_field:
            year = {"y": ExtractYear(f"{fk}__{kind.date_field}")}
        elif _has(kind, "year"):
            year = {"y": F(f"{fk}__year")}
        else:
            year = {}
        aggregates = {"n": Count("pk")}
        if kind.amount_field:
            aggregates["amount"] = Sum(f"{fk}__{kind.amount_field}")
        rows = list(through.objects.filter(**{f"{fk}__in": counted(kind).values("pk"), "measure__code__in": list(codes)})
                    .annotate(**year).values("measure__code", *groups, *year).annotate(**aggregates)
                    .order_by())  # fmt: skip
        if not rows:
            continue
        programmes = (TalentProgramme.objects.in_bulk({r[groups[0]] for r in rows})
                      if kind.slug == "talent" else {})  # fmt: skip
        by_measure: dict[str, dict[tuple[str, int | None], int]] = defaultdict(lambda: defaultdict(int))
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for r in rows:
            label = _group_label(kind, tuple(r[g] for g in groups), programmes)
            by_measure[r["measure__code"]][(label, r.get("y"))] += r["n"]
            amounts[r["measure__code"]] += r.get("amount") or Decimal(0)
        for code, counts in sorted(by_measure.items()):
            ordered = sorted(counts.items(), key=lambda g: (g[0][0], g[0][1] or 0))
            out.setdefault(code, []).append(MeasureRecords(
                register=kind.slug, label=str(kind.label), count=sum(counts.values()),
                groups=tuple((n, what, year) for (what, year), n in ordered),
                amount=amounts[code] if kind.amount_field else None, unit="万元" if kind.amount_field else "",
                url=reverse("registers:list", args=[kind.slug]) + f"?measure={code}",
            ))
    return out


def regions_named(codes) -> list[Region]:
    return list(Region.objects.filter(code__in=set(codes)))


# ---------------------------------------------------------------- the dashboard's platform figures


def dashboard_rows() -> list[dict]:
    """Per league and year, what the registers hold (counted records only): rows {region_code,
    year, platforms_approved, talent, talent_funding_wan, cooperation_started, loans,
    loan_amount_wan, investment_amount_wan}, for the monitoring dashboard's platform figures."""
    columns = (("platforms", "platforms_approved", None), ("talent", "talent", "talent_funding_wan"),
               ("cooperation", "cooperation_started", None), ("loans", "loans", "loan_amount_wan"),
               ("investments", None, "investment_amount_wan"))
    out: dict[tuple[str, int], dict] = {}
    for slug, count_key, amount_key in columns:
        for row in league_year_figures(KINDS[slug]):
            entry = out.setdefault((row["region_code"], row["year"]), {
                "platforms_approved": 0, "talent": 0, "talent_funding_wan": Decimal(0), "cooperation_started": 0,
                "loans": 0, "loan_amount_wan": Decimal(0), "investment_amount_wan": Decimal(0)})
            if count_key:
                entry[count_key] += row["count"]
            if amount_key:
                entry[amount_key] += row["amount_wan"]
    return [{"region_code": r, "year": y, **v} for (r, y), v in sorted(out.items())]
