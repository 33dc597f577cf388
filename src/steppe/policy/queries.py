"""Reads shared by pages, the API and the monitoring dashboard."""

from __future__ import annotations

import functools
from collections import defaultdict

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import ExtractYear, Length, Substr

from steppe.core.models import Region
from steppe.core.roles import Role

from . import permissions
from .cache import COUNTS
from .models import Enterprise, PolicyResult, PolicyRun


def enterprise_counts_by_region_year(years: list[int] | None = None) -> list[dict]:
    """Counts of high-tech enterprises and tech SMEs by league and year, for the doubling targets.

    Rows {region_code (league, GB/T 2260), year, high_tech_enterprises (certificates valid in
    the year), tech_smes (registration numbers of the year), hte_would_qualify (batch run: the
    pre-check for an application in year+1 says yes), tsme_would_qualify (batch run)}, plus
    hte_depends_on_expert_score (within reach: only the expert-judged score decides).

    Kept in the shared cache until what it reads changes (cache.py): ~140 ms at 100,000
    enterprises. Each call returns fresh dicts (callers may label them).
    """
    rows = COUNTS.remember(("enterprise_counts",), _enterprise_counts_by_region_year)
    return [dict(r) for r in rows if years is None or r["year"] in years]


def enterprises_visible_total(user) -> int:
    """The number of files ``permissions.enterprises_visible_to(user)`` holds. The department's (the
    register) and a bureau's (its league) are kept in the shared cache with the counts, which every
    write of an enterprise or a region retires: counting them reads every row (12-30 ms at 100,000).
    Others' (an enterprise's own file) are counted."""
    qs = permissions.enterprises_visible_to(user)
    if permissions.is_department(user):
        scope = "all"
    elif user.role == Role.BUREAU:
        scope = permissions._league_prefix(user) or ""  # what enterprises_visible_to filters by
    else:
        return qs.count()
    return COUNTS.remember(("enterprise_total", scope), qs.count)


def _enterprise_counts_by_region_year() -> list[dict]:
    """The counts of every year, computed from the database (``enterprise_counts_by_region_year``)."""
    counts: dict[tuple[str, int], dict] = defaultdict(
        lambda: {
            "high_tech_enterprises": 0,
            "tech_smes": 0,
            "hte_would_qualify": 0,
            "tsme_would_qualify": 0,
            "hte_depends_on_expert_score": 0,
        }
    )
    # counted in the database, grouped (a few thousand groups, not one Python step per enterprise:
    # 100,000 enterprises took 0.36 s a request); the league of each region code is asked once
    league_of = functools.cache(Region.league_or_self)
    hte = (Enterprise.objects.filter(hte_certificate_issued_on__isnull=False)
           .values("region__code", y=ExtractYear("hte_certificate_issued_on"),
                   jan1=Case(When(hte_certificate_issued_on__month=1, hte_certificate_issued_on__day=1,
                                  then=Value(True)), default=Value(False), output_field=BooleanField()))
           .annotate(n=Count("id")).order_by())
    for g in hte:
        last = g["y"] + 2 if g["jan1"] else g["y"] + 3  # valid to the end of the third year after issue
        for y in range(g["y"], last + 1):
            counts[(league_of(g["region__code"]), y)]["high_tech_enterprises"] += g["n"]
    tsme = (Enterprise.objects.annotate(tsme_len=Length("tsme_registration_number")).filter(tsme_len__gte=11)
            .values("region__code", prefix=Substr("tsme_registration_number", 1, 4))
            .annotate(n=Count("id")).order_by())
    for g in tsme:
        if g["prefix"].isdigit():  # 4-digit year + region + sequence (models.Enterprise checks the form)
            counts[(league_of(g["region__code"]), int(g["prefix"]))]["tech_smes"] += g["n"]
    results = (PolicyResult.objects.filter(run__status=PolicyRun.Status.DONE)
               .values("enterprise__region__code", "year")
               .annotate(tsme_ok=Count("id", filter=Q(tsme_eligible=True)),
                         hte_ok=Count("id", filter=Q(hte_eligibility=1)),
                         hte_expert=Count("id", filter=Q(hte_eligibility=-1)))
               .order_by())
    for g in results:
        row = counts[(league_of(g["enterprise__region__code"]), g["year"])]
        row["tsme_would_qualify"] += g["tsme_ok"]
        row["hte_would_qualify"] += g["hte_ok"]
        row["hte_depends_on_expert_score"] += g["hte_expert"]
    rows = [{"region_code": r, "year": y, **v} for (r, y), v in counts.items()]
    return sorted(rows, key=lambda r: (r["region_code"], r["year"]))


def latest_run(year: int | None = None) -> PolicyRun | None:
    qs = PolicyRun.objects.filter(status=PolicyRun.Status.DONE)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-finished_at").first()


def white_list(year: int | None = None, *, league: str | None = None, min_points: float | None = None):
    """The latest white-list results (innovation points ≥ threshold), best first; optionally
    of one league (GB/T 2260 code of the league) and at or above a score."""
    run = latest_run(year)
    if run is None:
        return PolicyResult.objects.none()
    qs = PolicyResult.objects.filter(run=run, white_list=True)
    if league:
        qs = qs.filter(enterprise__region__code__startswith=Region.prefix_of(league))
    if min_points is not None:
        qs = qs.filter(innovation_points__gte=min_points)
    return (
        qs.select_related("enterprise", "enterprise__region")
        .order_by("-innovation_points", "enterprise__name")
    )


def white_list_entry(public_id):
    """One enterprise's row on the latest white list, or None (not on it, or no such id)."""
    return white_list().filter(enterprise__public_id=public_id).first()
