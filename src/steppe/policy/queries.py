"""Reads shared by pages, the API and the monitoring dashboard."""

from __future__ import annotations

from collections import defaultdict

from steppe.core.models import Region

from .models import Enterprise, PolicyResult, PolicyRun


def enterprise_counts_by_region_year(years: list[int] | None = None) -> list[dict]:
    """Counts of high-tech enterprises and tech SMEs by league and year, for the doubling targets.

    Rows {region_code (league, GB/T 2260), year, high_tech_enterprises (certificates valid in
    the year), tech_smes (registration numbers of the year), hte_would_qualify (batch run: the
    pre-check for an application in year+1 says yes), tsme_would_qualify (batch run)}, plus
    hte_depends_on_expert_score (within reach: only the expert-judged score decides).
    """
    counts: dict[tuple[str, int], dict] = defaultdict(
        lambda: {
            "high_tech_enterprises": 0,
            "tech_smes": 0,
            "hte_would_qualify": 0,
            "tsme_would_qualify": 0,
            "hte_depends_on_expert_score": 0,
        }
    )
    for region, issued, tsme in Enterprise.objects.values_list(
        "region__code", "hte_certificate_issued_on", "tsme_registration_number"
    ):
        league = Region.league_or_self(region)
        if issued:
            last = issued.year + 3 if (issued.month, issued.day) != (1, 1) else issued.year + 2
            for y in range(issued.year, last + 1):
                counts[(league, y)]["high_tech_enterprises"] += 1
        if tsme and len(tsme) >= 11 and tsme[:4].isdigit():
            counts[(league, int(tsme[:4]))]["tech_smes"] += 1
    for region, year, tsme_ok, hte in PolicyResult.objects.filter(
        run__status=PolicyRun.Status.DONE
    ).values_list("enterprise__region__code", "year", "tsme_eligible", "hte_eligibility"):
        row = counts[(Region.league_or_self(region), year)]
        row["tsme_would_qualify"] += int(tsme_ok)
        row["hte_would_qualify"] += int(hte == 1)
        row["hte_depends_on_expert_score"] += int(hte == -1)
    rows = [{"region_code": r, "year": y, **v} for (r, y), v in counts.items() if years is None or y in years]
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
        .defer(*Region.without_boundary("enterprise__region"))
        .order_by("-innovation_points", "enterprise__name")
    )


def white_list_entry(public_id):
    """One enterprise's row on the latest white list, or None (not on it, or no such id)."""
    return white_list().filter(enterprise__public_id=public_id).first()
