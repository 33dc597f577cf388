"""Reads of the statistics app, shared by pages, the API and the report.

Which value a page uses when several exist for one region, indicator and year is decided
here and only here (``choose``); the rule is ``PREFERENCE_RULE`` and docs/statistics.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import numpy as np

from steppe.core.models import Region
from steppe.core.regions import PROVINCE_CODE
from steppe.core.registry import platform_figures

from . import attainment as att
from . import cache as stats_cache
from . import derive
from .i18n import DERIVED_NOTE, local_name
from .models import Import, Indicator, Observation

STATUS_RANK = {"revised": 3, "final": 2, "preliminary": 1}
PREFERENCE_RULE = (
    "同一地区、指标、年份有多个来源时,按以下顺序取用一个值:① 修订值优先于正式值,正式值优先于初步值"
    "(例如研发投入强度在GDP修订后的年鉴修订值优先于首次发布值);② 状态相同时,取发布日期最新的来源;"
    "③ 仍相同时,取最后导入的。其余来源的数值都保留,并在页面上列出。"
)
PREFERENCE_RULE_EN = (
    "Where several sources give a value for the same region, indicator and year: a revised value beats a final one, "
    "a final one beats a preliminary one; then the most recently published source; then the latest import. "
    "The other values are kept and listed."
)


@dataclass
class Cell:
    """The value a page shows for one region, indicator and year, and where it comes from."""

    value: float
    unit: str
    year: int
    status: str = "final"
    source_title: str = ""
    source_url: str = ""
    source_date: dt.date | None = None
    note: str = ""
    observation_id: int | None = None
    version: int = 1
    derived: bool = False
    formula: str = ""
    alternatives: list[dict] = field(default_factory=list)
    reason: str = ""
    # for a published value of a derived indicator: the same figure computed by its formula from
    # the published inputs (a check a statistician can read: 209.5 / 23,159 x 100 = 0.905 -> 0.90)
    check_value: float | None = None

    @property
    def status_label(self) -> str:
        return {"final": "正式", "preliminary": "初步", "revised": "修订", "derived": "计算值"}.get(
            self.status, self.status
        )

    @property
    def revised(self) -> bool:
        return self.version > 1 or self.status == "revised"

    @property
    def disputed(self) -> bool:
        return any(abs(a["value"] - self.value) > 1e-9 for a in self.alternatives)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": {
                "title": self.source_title,
                "url": self.source_url,
                "date": self.source_date.isoformat() if self.source_date else None,
            },
            "revised": self.revised,
            "derived": self.derived,
            "formula": self.formula or None,
            "alternatives": self.alternatives,
            "reason": self.reason or None,
            "formula_check": self.check_value,
        }


def _sort_key(o: dict):
    d = o["source__published_on"] or dt.date.min
    return (STATUS_RANK.get(o["status"], 0), d, o["imported_by_id"], o["id"])


def choose(group: list[dict]) -> Cell:
    """The preferred observation of one (region, indicator, year) group, with the others listed."""
    ranked = sorted(group, key=_sort_key, reverse=True)
    best = ranked[0]
    alts = [
        {
            "value": float(o["value"]),
            "status": o["status"],
            "source": o["source__title"],
            "url": o["source__url"],
            "date": o["source__published_on"].isoformat() if o["source__published_on"] else None,
        }
        for o in ranked[1:]
    ]
    reason = ""
    if alts:
        second = ranked[1]
        if STATUS_RANK.get(best["status"], 0) > STATUS_RANK.get(second["status"], 0):
            reason = f"取{Observation.Status(best['status']).label}值(修订 > 正式 > 初步)"
        elif best["source__published_on"] and not second["source__published_on"]:
            reason = (
                f"状态相同,取有发布日期的来源({best['source__published_on']:%Y-%m-%d}发布;另一来源未注明日期)"
            )
        elif (best["source__published_on"] or dt.date.min) > (second["source__published_on"] or dt.date.min):
            reason = f"状态相同,取发布日期最新的来源({best['source__published_on']:%Y-%m-%d}发布)"
        else:
            reason = "状态和发布日期相同,取最后导入的"
    return Cell(
        value=float(best["value"]),
        unit=best["unit"],
        year=best["year"],
        status=best["status"],
        source_title=best["source__title"],
        source_url=best["source__url"],
        source_date=best["source__published_on"],
        note=best["note"],
        observation_id=best["id"],
        version=best["version"],
        alternatives=alts,
        reason=reason,
    )


_FIELDS = (
    "id",
    "region__code",
    "indicator__code",
    "year",
    "value",
    "unit",
    "status",
    "version",
    "note",
    "source__title",
    "source__url",
    "source__published_on",
    "imported_by_id",
)
_SHARED_FIELDS = ("source__title", "source__url", "unit", "status")


def cells(
    *,
    indicators: list[str] | None = None,
    regions: list[str] | None = None,
    year_from=None,
    year_to=None,
    with_derived: bool = True,
) -> dict[tuple[str, str, int], Cell]:
    """{(region_code, indicator_code, year): Cell} for the current observations, plus derived values."""
    qs = Observation.objects.filter(is_current=True)
    wanted = set(indicators or [])
    formulas = {}
    if with_derived:
        fq = Indicator.objects.exclude(formula="")
        if indicators:
            fq = fq.filter(code__in=indicators)
        formulas = {i.code: (i.formula, i.unit) for i in fq}
        for f, _ in formulas.values():
            wanted |= set(derive.Formula.parse(f).inputs)
    if indicators:
        qs = qs.filter(indicator__code__in=sorted(wanted))
    if regions:
        qs = qs.filter(region__code__in=regions)
    if year_from:
        qs = qs.filter(year__gte=year_from)
    if year_to:
        qs = qs.filter(year__lte=year_to)
    groups: dict[tuple, list] = {}
    # one string object per distinct source title, URL and unit: cells kept in the shared cache
    # pickle each of them once instead of once per cell
    shared: dict[str, str] = {}
    for o in qs.values(*_FIELDS):
        for f in _SHARED_FIELDS:
            o[f] = shared.setdefault(o[f], o[f])
        groups.setdefault((o["region__code"], o["indicator__code"], o["year"]), []).append(o)
    out = {k: choose(g) for k, g in groups.items()}
    if formulas:
        _add_derived(out, formulas)
    if indicators:
        out = {k: v for k, v in out.items() if k[1] in set(indicators)}
    return out


def _add_derived(out: dict, formulas: dict[str, tuple[str, str]]) -> None:
    units = dict(Indicator.objects.values_list("code", "unit"))
    for code, (text, unit) in formulas.items():
        f = derive.Formula.parse(text)
        regs = sorted({k[0] for k in out if k[1] in f.inputs})
        yrs = sorted({k[2] for k in out if k[1] in f.inputs})
        if not regs or not yrs:
            continue
        years = list(range(yrs[0], yrs[-1] + 1))
        env = {}
        for name in f.inputs:
            m = np.full((len(regs), len(years)), np.nan)
            for i, r in enumerate(regs):
                for j, y in enumerate(years):
                    c = out.get((r, name, y))
                    if c is not None and not c.derived:
                        m[i, j] = c.value
            env[name] = (m, units.get(name, ""))
        try:
            vals = f.evaluate(env, unit)
        except derive.FormulaError:
            continue
        for i, r in enumerate(regs):
            for j, y in enumerate(years):
                v = vals[i, j]
                have = out.get((r, code, y))
                if have is not None and not have.derived and np.isfinite(v):
                    have.check_value = float(round(v, 6))
                if np.isfinite(v) and have is None:
                    out[(r, code, y)] = Cell(
                        value=float(round(v, 6)),
                        unit=unit,
                        year=y,
                        status="derived",
                        derived=True,
                        formula=text,
                        source_title=DERIVED_NOTE + f" {code} = {text}",
                        note="",
                    )


def _table_order(key: tuple[str, int]) -> tuple:
    return (key[0] != PROVINCE_CODE, key[0], key[1])


def cell_keys(indicator: str, *, gen: int | None = None) -> list[tuple[str, int]]:
    """Every (region code, year) of one indicator's cells, published or computed, in the indicator
    page's order (the autonomous region first, then by region code, then by year).

    Computing them needs every cell of the indicator once; the keys (not the cells) are kept in the
    shared cache until the data change (stats/cache.py), so a page of the table computes only the
    cells of the regions it shows (``cells(indicators=[code], regions=...)``: a formula reads only
    its own region's inputs, so those cells are the same)."""
    return stats_cache.remember(("cell_keys", indicator), lambda: _cell_keys(indicator), gen=gen)


def _cell_keys(indicator: str) -> list[tuple[str, int]]:
    """``cell_keys`` computed without choosing every value: an indicator has a published cell
    wherever it has a current observation, and a computed one (a formula) only where each input
    has a published cell that year or, for ``lag``, the year before (a missing input gives a missing
    result): only the regions holding such a year without a published cell are computed."""
    formula = Indicator.objects.filter(code=indicator).values_list("formula", flat=True).first()
    inputs = sorted(derive.Formula.parse(formula).inputs) if formula else []
    published: dict[str, set[tuple[str, int]]] = {code: set() for code in [indicator, *inputs]}
    for code, r, y in (
        Observation.objects.filter(is_current=True, indicator__code__in=list(published))
        .values_list("indicator__code", "region__code", "year")
        .distinct()
    ):
        published[code].add((r, y))
    keys = published[indicator]
    if inputs:
        # (input, how many years back): `lag(x)` reads x a year back; the result is missing wherever
        # one of them is, so a computed cell can only be where every one has a published cell
        reads = sorted(_lagged_names(derive.Formula.parse(formula).tree.body, 0))
        first, back = reads[0]
        candidates = {(r, y + back) for r, y in published[first]} - keys
        computed = sorted({r for r, y in candidates if all((r, y - n) in published[c] for c, n in reads)})
        if computed:  # a formula reads only its own region's inputs: these regions' cells are the same
            keys = keys | {(r, y) for (r, _i, y) in cells(indicators=[indicator], regions=computed)}
    return sorted(keys, key=_table_order)


def region_cells(indicator: str, regions: list[str], *, gen: int | None = None) -> dict[tuple[str, str, int], Cell]:
    """``cells(indicators=[indicator], regions=regions)``, kept in the shared cache until the data
    change: the indicator page's and the observations API's window of one indicator (a few regions'
    cells, computed again by every request before)."""
    return stats_cache.remember(
        ("region_cells", indicator, tuple(regions)),
        lambda: cells(indicators=[indicator], regions=list(regions)),
        gen=gen,
    )


def _lagged_names(node, back: int) -> set[tuple[str, int]]:
    """The indicator codes a formula's expression reads, each with its years back (``lag`` nesting)."""
    import ast

    if isinstance(node, ast.Name):
        return {(node.id, back)}
    if isinstance(node, ast.Call):  # lag(x): Formula.parse allows no other call
        return _lagged_names(node.args[0], back + 1)
    out: set[tuple[str, int]] = set()
    for child in ast.iter_child_nodes(node):
        out |= _lagged_names(child, back)
    return out


def cells_window(
    *,
    indicators: list[str] | None = None,
    regions: list[str] | None = None,
    year_from=None,
    year_to=None,
    with_derived: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> list[tuple[tuple[str, str, int], Cell]]:
    """``sorted(cells(...).items())[offset:offset + limit]`` without computing every cell.

    How many cells each region has under these filters is kept in the shared cache until the data
    change (computing it needs every cell once); a window then computes only the cells of the
    regions it reaches. A formula reads only its own region's inputs (``lag`` is the previous year
    of the same region), so a region's cells are the same whichever other regions are asked."""
    filters = {
        "indicators": indicators,
        "regions": regions,
        "year_from": year_from,
        "year_to": year_to,
        "with_derived": with_derived,
    }
    if indicators and with_derived and not year_from and not year_to:
        # the indicators' cells are the indicator page's (``cell_keys``, kept in the shared cache):
        # counted from them, the page and the API compute them once between them
        counts = _key_counts(indicators, regions)
    else:
        counts = stats_cache.remember(
            ("cell_counts", tuple(indicators or ()), tuple(sorted(set(regions or ()))), year_from, year_to,
             with_derived),
            lambda: _region_counts(cells(**filters)),
        )
    reached, start, skipped = [], 0, 0
    for region, n in counts:
        if skipped + n <= offset:
            skipped += n
            continue
        if not reached:
            start = offset - skipped
        reached.append(region)
        if skipped + n >= offset + limit:
            break
        skipped += n
    if not reached or limit <= 0:
        return []
    if indicators and len(set(indicators)) == 1 and with_derived and not year_from and not year_to:
        table = region_cells(indicators[0], reached)  # one indicator's window: the cache's
    else:
        table = cells(**{**filters, "regions": reached})
    return sorted(table.items())[start : start + limit]


def _key_counts(indicators: list[str], regions: list[str] | None) -> list[tuple[str, int]]:
    """How many cells each region has of these indicators (all years, computed ones too), from
    each indicator's ``cell_keys``: ``cells(indicators=[a, b])`` holds the cells of ``[a]`` and of
    ``[b]`` (a formula reads only its own region's inputs, whatever else is asked)."""
    gen = stats_cache.generation()
    wanted = set(regions) if regions else None
    counts: dict[str, int] = {}
    for code in sorted(set(indicators)):
        for r, _y in cell_keys(code, gen=gen):
            if wanted is None or r in wanted:
                counts[r] = counts.get(r, 0) + 1
    return sorted(counts.items())


def _region_counts(table: dict) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for r, _i, _y in table:
        counts[r] = counts.get(r, 0) + 1
    return sorted(counts.items())


def observation_history(region_code: str, indicator_code: str, year: int) -> list[Observation]:
    """Every version from every source, newest first (revisions are never overwritten)."""
    return list(
        Observation.objects.filter(region__code=region_code, indicator__code=indicator_code, year=year)
        .select_related("source", "imported_by")
        .order_by("-is_current", "-version", "-id")
    )


def leagues(*, with_boundary: bool = False) -> list[Region]:
    """The 12 leagues in code order; their map outlines (tens of KB each) only for a map."""
    qs = Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code")
    return list(qs.select_related("outline") if with_boundary else qs)


# --------------------------------------------------------------------------- attainment


@dataclass
class TargetAttainment:
    target: object  # plans.Target
    indicator: Indicator | None
    region: Region
    result: att.Attainment
    series: dict[int, Cell]
    leagues: list[tuple[Region, att.Attainment, dict[int, Cell]]] = field(default_factory=list)
    # the latest part-year figure (a count at a date within the year, a first-half figure) of the
    # target's indicator: shown beside the status, never used as a full-year value
    part_year: list[tuple[Indicator, Cell, str]] = field(default_factory=list)
    # format 2 `peers`: the value placed among the other provinces' (全国中游水平)
    peer: att.PeerCheck | None = None

    @property
    def baseline_note(self) -> str:
        """Says so when the baseline value is computed by formula, not published."""
        y = self.target.baseline_year
        c = self.series.get(y) if y is not None else None
        if c is not None and c.derived and self.target.baseline_from_statistics:
            return f"{y}年基期值 {att.fmt_figure(c.value)} 为计算值(统计部门未发布):{self.target.indicator} = {c.formula}"
        return ""

    @property
    def part_year_texts(self) -> list[str]:
        """Part-year figures of the target's indicator, said to be part-year and not scored."""
        out = []
        for ind, c, why in self.part_year:
            v = f"{int(c.value)}" if float(c.value).is_integer() else f"{c.value:g}"
            out.append(f"非全年数:{ind.name} {v}{c.unit}({why}),不参与判定。")
        return out

    @property
    def latest_cell(self) -> Cell | None:
        y = self.result.latest_year
        return self.series.get(y) if y is not None else None


def _num(x):
    return None if x is None else float(x)


def target_spec(t, indicator: Indicator | None) -> att.TargetSpec:
    ind_unit = indicator.unit if indicator else t.unit
    tv = _num(t.target_value)
    bv = None if t.baseline_from_statistics else _num(t.baseline_value)
    if (
        t.kind in ("level", "amount", "threshold", "share")
        and tv is not None
        and t.unit
        and ind_unit
        and t.unit != ind_unit
    ):
        if (
            derive.known_unit(t.unit)
            and derive.known_unit(ind_unit)
            and derive.same_dimension(t.unit, ind_unit)
        ):
            tv = float(derive.convert(tv, t.unit, ind_unit))
            bv = None if bv is None else float(derive.convert(bv, t.unit, ind_unit))
    if t.kind == "qualitative":
        return att.TargetSpec(
            code=t.code,
            kind="qualitative",
            indicator=t.indicator,
            unit=ind_unit,
            target_year=t.target_year,
            statement=t.statement or t.name,
        )
    return att.TargetSpec(
        code=t.code,
        kind=t.kind,
        indicator=t.indicator,
        unit=ind_unit,
        target_year=t.target_year,
        target_value=tv,
        baseline_year=t.baseline_year,
        baseline_value=bv,
        comparison=t.comparison or ">=",
        direction=(indicator.direction or 1) if indicator else 1,
        statement=t.statement,
    )


def league_spec(spec: att.TargetSpec, region_baseline: float | None) -> att.TargetSpec | None:
    """A region-wide target read for one league.

    Relative targets (level, share, growth, doubling) apply as they are. Totals (amount,
    threshold) are shared out in proportion: the league must grow by the same factor the
    region needs (target / region's baseline), i.e. a 'multiple' of the league's own baseline.
    """
    if spec.kind in ("level", "share", "avg_growth", "multiple", "qualitative"):
        return spec
    if region_baseline and spec.target_value:
        return att.TargetSpec(
            code=spec.code,
            kind="multiple",
            indicator=spec.indicator,
            unit=spec.unit,
            target_year=spec.target_year,
            target_value=spec.target_value / region_baseline,
            baseline_year=spec.baseline_year,
            comparison=spec.comparison,
            direction=spec.direction,
            statement="按全区目标同比例分解到盟市(规划未给盟市定目标,仅供对照)",
        )
    return None


def own_league_spec(t, spec: att.TargetSpec, value: float, league_code: str) -> att.TargetSpec:
    """A league's own target (分解下达, plans.LeagueTarget) as an attainment spec: a doubling's league
    target is the count to reach, so it is read as an amount."""
    kind = "amount" if t.kind == "multiple" else t.kind
    return att.TargetSpec(
        code=f"{t.code}-{league_code}", kind=kind, indicator=t.indicator, unit=spec.unit,
        target_year=t.target_year, target_value=value,
        baseline_year=t.baseline_year if kind == "avg_growth" else None,
        comparison=t.comparison or ">=", direction=spec.direction,
        statement="盟市分解目标(自治区科技厅下达)",
    )


# indicators holding part-year figures of an indicator X are named X + one of these
PART_YEAR_SUFFIXES = ("_interim", "_h1", "_ytd")

def plan_attainment(plan, *, as_of: int | None = None, with_leagues: bool = True) -> list[TargetAttainment]:
    """Attainment of every active target of a plan, for its region and (where data exist) each league.

    Cached in the shared cache until the data or the plan change (stats/cache.py).
    """
    as_of = as_of or dt.date.today().year
    return stats_cache.remember(
        ("plan_attainment", plan.pk, as_of, with_leagues),
        lambda: _plan_attainment(plan, as_of=as_of, with_leagues=with_leagues),
    )


def indicator_attainment(plan, indicator: str, *, as_of: int, gen: int | None = None) -> TargetAttainment | None:
    """The attainment (with the leagues) of the plan's first active quantitative target on
    ``indicator``, or None: what the indicator page shows of the plan. Taken from the whole plan's
    (``plan_attainment``) when that is in the cache; else only this indicator's targets are
    assessed (a target's result does not depend on the other targets), and kept in the cache."""
    from django.core.cache import cache

    whole = cache.get(stats_cache.key("plan_attainment", plan.pk, as_of, True, gen=gen))
    if whole is None:
        whole = stats_cache.remember(
            ("indicator_attainment", plan.pk, as_of, indicator),
            lambda: _plan_attainment(plan, as_of=as_of, with_leagues=True, indicator=indicator),
            gen=gen,
        )
    return next((ta for ta in whole if ta.target.indicator == indicator and ta.target.kind != "qualitative"), None)


def _plan_attainment(plan, *, as_of: int, with_leagues: bool, indicator: str | None = None) -> list[TargetAttainment]:
    targets = plan.targets.filter(active=True)
    if indicator is not None:  # only the quantitative targets on one indicator
        targets = targets.filter(indicator=indicator).exclude(kind="qualitative")
    targets = list(targets.select_related("region").order_by("order"))
    inds = {i.code: i for i in Indicator.objects.filter(code__in=[t.indicator for t in targets])}
    league_list = leagues() if with_leagues else []
    from steppe.plans.models import LeagueTarget

    own = {(t_id, code): float(v) for t_id, code, v in LeagueTarget.objects.filter(
        target__in=targets).values_list("target_id", "region__code", "value")} if with_leagues else {}
    # only the regions read below: the targets' own, the leagues and the provinces (for a peer
    # comparison); the counties' cells (most of the table at province scale) are never used
    wanted = sorted(
        {t.region.code for t in targets}
        | set(
            Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.PREFECTURE]).values_list(
                "code", flat=True
            )
        )
    )
    table = cells(indicators=sorted(inds), regions=wanted, year_to=as_of)
    part_inds = {
        i.code: i
        for i in Indicator.objects.filter(
            code__in=[t.indicator + sfx for t in targets for sfx in PART_YEAR_SUFFIXES]
        )
    }
    part_table = (
        cells(indicators=sorted(part_inds), regions=wanted, year_to=as_of, with_derived=False) if part_inds else {}
    )
    out = []
    specs, rows, owners = [], [], []
    all_years = sorted(
        {k[2] for k in table}
        | {t.target_year for t in targets}
        | {t.baseline_year for t in targets if t.baseline_year}
    )
    if not all_years:
        all_years = [as_of]
    years = list(range(all_years[0], all_years[-1] + 1))

    # (region, indicator) -> {year: cell}, built once: looking each series up by scanning the
    # whole table cost targets x leagues passes over every region's cells
    by_series: dict[tuple[str, str], dict[int, Cell]] = {}
    for (r, i, y), c in table.items():
        by_series.setdefault((r, i), {})[y] = c
    part_by_series: dict[tuple[str, str], list[Cell]] = {}
    for (r, i, _y), c in part_table.items():
        part_by_series.setdefault((r, i), []).append(c)

    def series_of(region_code, code):
        return dict(by_series.get((region_code, code), {}))

    for t in targets:
        ind = inds.get(t.indicator)
        spec = target_spec(t, ind)
        ser = series_of(t.region.code, t.indicator)
        ta = TargetAttainment(target=t, indicator=ind, region=t.region, result=None, series=ser)  # type: ignore[arg-type]
        for sfx in PART_YEAR_SUFFIXES:
            pi = part_inds.get(t.indicator + sfx)
            pc = part_by_series.get((t.region.code, pi.code), []) if pi else []
            if pc:
                last = max(pc, key=lambda c: c.year)
                note = last.note or ""
                if "(原记为" in note:  # re-filed by normalise_published.py: its note says why
                    why = note.split("(原记为")[0].strip()
                else:  # the indicator's own definition, and the period the note names
                    first = note.replace(":", ";").replace(",", ";").split(";")[0].strip()
                    why = pi.definition + (f";{first}" if first else "")
                ta.part_year.append((pi, last, why))
        out.append(ta)
        specs.append(spec)
        rows.append([ser[y].value if y in ser else np.nan for y in years])
        owners.append((ta, None, ser))
        if with_leagues and t.kind != "qualitative":
            rb = ser.get(t.baseline_year).value if t.baseline_year in ser else _num(t.baseline_value)
            for lg in league_list:
                lser = series_of(lg.code, t.indicator)
                if not lser:
                    continue
                own_value = own.get((t.pk, lg.code))
                ls = own_league_spec(t, spec, own_value, lg.code) if own_value is not None else league_spec(spec, rb)
                if ls is None:
                    continue
                specs.append(ls)
                rows.append([lser[y].value if y in lser else np.nan for y in years])
                owners.append((ta, lg, lser))
    if specs:
        results = att.assess_many(specs, years, np.array(rows, dtype=np.float64), as_of=as_of)
        for (ta, lg, lser), res in zip(owners, results, strict=True):
            if lg is None:
                ta.result = res
            else:
                ta.leagues.append((lg, res, lser))
    for ta in out:  # a part-year figure is worth showing only when it is newer than the latest year
        ly = ta.result.latest_year if ta.result is not None else None
        ta.part_year = [p for p in ta.part_year if ly is None or p[1].year > ly]
        if getattr(ta.target, "peer_scope", "") == "provinces" and ta.result is not None:
            _place_among_provinces(ta, table)
    return out


def _place_among_provinces(ta: TargetAttainment, table: dict) -> None:
    """全国中游水平 is part of the target: an achieved value below the provinces' median is not achieved;
    with too few provinces' figures the peer part is named as not judged, never guessed."""
    provinces = set(Region.objects.filter(level=Region.Level.PROVINCE).exclude(pk=ta.region.pk)
                    .values_list("code", flat=True))
    year = ta.result.latest_year
    peers = [c.value for (r, i, y), c in table.items() if r in provinces and i == ta.target.indicator and y == year]
    ta.peer = att.peer_check(ta.result.latest_value, year, peers)
    ta.result.notes.append(ta.peer.note_zh)
    ta.result.rule_zh = f"{ta.result.rule_zh} {ta.peer.note_zh}".strip()
    ta.result.rule_en = f"{ta.result.rule_en} {ta.peer.note_en}".strip()
    if ta.peer.reaches is False and ta.result.status == att.ACHIEVED:
        ta.result.status = att.ACCELERATION_NEEDED


PLATFORM_LABELS = {
    "region_code": "地区",
    "region": "地区",
    "year": "年份",
    "turnover_wan": "成交额(万元)",
    "output_wan": "输出(万元)",
    "inflow_wan": "吸纳(万元)",
    "count": "合同数",
    "high_tech_enterprises": "高新技术企业",
    "tech_smes": "科技型中小企业",
    "hte_would_qualify": "预审可认定高企",
    "tsme_would_qualify": "预审可入库科小",
    "hte_depends_on_expert_score": "取决于专家评分",
    "value": "数值",
}
PLATFORM_KEY = "stats:platform-figures"
PLATFORM_TTL = 60  # seconds: the registers change all day; the dashboard may lag them by a minute


def dashboard_platform_figures() -> dict:
    """Figures registered on the platform itself (technology contracts, enterprise counts), from the
    registers that offer them (``core.registry.platform_figures``). Shown beside, never mixed with,
    the published statistics. Cached (shared) for PLATFORM_TTL seconds.

    Returns {"stamp": str, "tables": {key: table}}; the stamp changes whenever the tables are
    recomputed, so what is rendered from them can be cached under it.
    """
    from django.core.cache import cache

    hit = cache.get(PLATFORM_KEY)
    if hit is None:
        tables = {}
        for figures in platform_figures:  # the registers that declare theirs (core.registry); a failure shows
            table = _platform_table(figures.rows(), labels=dict(figures.labels))
            if table["rows"]:
                if figures.title:
                    table["title"] = figures.title
                tables[figures.key] = table
        hit = {"stamp": uuid.uuid4().hex, "tables": tables}
        cache.set(PLATFORM_KEY, hit, PLATFORM_TTL)
    return hit


def _platform_table(data, limit: int = 60, labels: dict | None = None) -> dict:
    """Rows (dicts) -> {columns: [labels], rows: [[...]]}, region codes as names, newest years first."""
    rows = [dict(r) for r in list(data or [])]
    if not rows:
        return {"columns": [], "rows": []}
    names = dict(Region.objects.values_list("code", "name"))
    keys = [k for k in rows[0] if not isinstance(rows[0][k], dict | list)]
    rows.sort(key=lambda r: (-(r.get("year") or 0), str(r.get("region_code", r.get("region", "")))))
    body = []
    for r in rows[:limit]:
        line = []
        for k in keys:
            v = r.get(k)
            if k in ("region_code", "region"):
                v = names.get(str(v), v)
            elif v is not None and not isinstance(v, int | str):
                v = float(v)
            line.append(v)
        body.append(line)
    named = {**PLATFORM_LABELS, **(labels or {})}
    return {"columns": [named.get(k, k) for k in keys], "rows": body, "total": len(rows)}


def province() -> Region:
    """The autonomous region, without its outline (no page maps it)."""
    return Region.objects.get(code=PROVINCE_CODE)


def indicator_names(codes) -> dict[str, str]:
    """code -> the indicator's name in the page's language (one query); unknown codes are left out."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    indicators = Indicator.objects.filter(code__in=codes).only("code", "name", "name_en")
    return {ind.code: local_name(ind) for ind in indicators}


def indicator_codes() -> set[str]:
    """Every indicator code of the dictionary (empty before ``steppe stats load-published``)."""
    return set(Indicator.objects.values_list("code", flat=True))


# --------------------------------------------------------------------------- bureau submissions


@dataclass
class PendingFigure:
    """A figure a bureau submitted that is not accepted yet: shown apart, marked pending, never counted."""

    region_code: str
    region_name: str
    indicator: str
    year: int
    value: float
    unit: str
    submission_id: int
    status: str  # Import.Status: submitted or league_accepted


def submissions_visible(user, *, statuses=None):
    """Submissions the user may see: the department all, a bureau its league's (or county's) own."""
    from steppe.core.permissions import is_department, region_code_prefix

    qs = Import.objects.filter(region__isnull=False).select_related("region", "imported_by")
    if statuses:
        qs = qs.filter(status__in=statuses)
    if is_department(user):
        return qs
    prefix = region_code_prefix(user)
    if prefix is None:
        return qs.none()
    if user.region.level == Region.Level.COUNTY:
        return qs.filter(region=user.region)
    return qs.filter(region__code__startswith=prefix)


def pending_figures(submissions) -> list[PendingFigure]:
    """The rows of pending submissions (read again from their files; a file that no longer checks is skipped)."""
    from steppe.core.errors import DomainError

    from . import services

    regions = {pk: (code, name) for pk, code, name in Region.objects.values_list("pk", "code", "name")}
    inds = dict(Indicator.objects.values_list("pk", "code"))
    out = []
    for imp in submissions:
        if imp.status not in (Import.Status.SUBMITTED, Import.Status.LEAGUE_ACCEPTED):
            continue
        try:
            clean, errors, _n = services.check_table(services.read_table(bytes(imp.content), imp.file_name))
        except DomainError:
            continue
        if errors:
            continue
        for r, i, y, v, u in clean.select("region_id", "indicator_id", "year", "value", "unit").iter_rows():
            code, name = regions.get(r, ("", ""))
            out.append(PendingFigure(code, name, inds.get(i, ""), int(y), float(v), u, imp.pk, imp.status))
    return out


@dataclass
class Completeness:
    league: Region
    expected: list[str]  # indicator codes owed
    accepted: list[str]
    pending: list[str]
    missing: list[str]
    first_submitted: dt.date | None
    due_on: dt.date
    on_time: bool | None  # None while nothing has arrived and the due date has not passed
    overdue: bool


def completeness(year: int, *, today: dt.date | None = None) -> list[Completeness]:
    """Per league, for a reporting period: what is expected, what has arrived (accepted or pending), on time or not."""
    from django.utils import timezone

    from .models import ReportingPeriod

    today = today or timezone.localdate()
    period = ReportingPeriod.objects.filter(year=year).first()
    if period is None:
        return []
    league_list = leagues()
    by_code = {lg.code: lg for lg in league_list}
    accepted: dict[str, set[str]] = {lg.code: set() for lg in league_list}
    for rcode, icode in Observation.objects.filter(
        is_current=True, year=year, indicator__code__in=period.indicators, region__code__in=list(by_code)
    ).values_list("region__code", "indicator__code"):
        accepted[rcode].add(icode)
    pending: dict[str, set[str]] = {lg.code: set() for lg in league_list}
    first: dict[str, dt.date] = {}
    # submissions are few (a file per league and year): filtered here rather than by a JSON lookup
    subs = [s for s in Import.objects.filter(region__isnull=False).select_related("region") if year in (s.years or [])]
    for s in subs:
        league = s.region.league_code
        day = timezone.localdate(s.imported_at)
        if league in by_code and s.status != Import.Status.RETURNED:
            first[league] = min(day, first.get(league, day))
    for f in pending_figures([s for s in subs if s.status in (Import.Status.SUBMITTED, Import.Status.LEAGUE_ACCEPTED)]):
        if f.year == year and f.region_code in pending and f.indicator in period.indicators:
            pending[f.region_code].add(f.indicator)
    out = []
    for lg in league_list:
        acc = [c for c in period.indicators if c in accepted[lg.code]]
        pen = [c for c in period.indicators if c in pending[lg.code] and c not in accepted[lg.code]]
        miss = [c for c in period.indicators if c not in acc and c not in pen]
        arrived = first.get(lg.code)
        on_time = (arrived <= period.due_on) if arrived else (False if today > period.due_on else None)
        out.append(Completeness(lg, list(period.indicators), acc, pen, miss, arrived, period.due_on, on_time,
                                bool(miss) and today > period.due_on))
    return out



# --------------------------------------------------------------------------- 分解下达 (cascade)

CASCADE_KINDS = ("amount", "threshold", "multiple", "avg_growth", "level", "share")
# what weighs the leagues against the regional target: GDP (a level), above-scale firms (a share)
CASCADE_WEIGHTS = frozenset({"gdp", "industrial_enterprises_with_rd"})


@dataclass
class LeagueCascade:
    region: Region
    target: float | None  # the league's own target (plans.LeagueTarget), None when not set
    target_source: str
    attainment: att.Attainment | None  # against its own target; None without one
    latest: Cell | None  # the latest accepted figure
    pending: list[PendingFigure] = field(default_factory=list)  # submitted, not accepted: not counted


@dataclass
class TargetCascade:
    target: object  # plans.Target
    unit: str  # unit of the league targets' values
    leagues: list[LeagueCascade]
    consistency: object  # cascade.Consistency
    weight_note: str = ""


def _league_target_unit(t) -> str:
    return {"avg_growth": "%/年", "multiple": t.unit}.get(t.kind, t.unit)


def _latest(series: dict[int, Cell], up_to: int) -> Cell | None:
    ys = [y for y in series if y <= up_to]
    return series[max(ys)] if ys else None


def target_cascade(plan, code: str, *, as_of: int | None = None, user=None) -> TargetCascade:
    """The league breakdown of one quantitative target: each league's own target, its latest accepted
    figure and status against its target, pending figures apart, and the consistency check."""
    from steppe.core.errors import NotFound

    if not plan.targets.filter(code=code, active=True, kind__in=CASCADE_KINDS).exists():
        raise NotFound(f"规划 {plan.code} 中没有可分解的目标 {code} No quantitative target {code} in plan {plan.code}")
    return target_cascades(plan, as_of=as_of, user=user, codes=[code])[0]


def target_cascades(plan, *, as_of: int | None = None, user=None, codes: list[str] | None = None) -> list[TargetCascade]:
    """Every quantitative target's league breakdown (``target_cascade``), in the plan's order, or those
    named by ``codes``. The figures are read and judged once for all targets and kept in the stats cache
    (a new generation retires them: an import, a plan or a league target changes it); what the
    ``user`` may see pending is added per call, from one reading of the pending submissions."""
    as_of = as_of or dt.date.today().year
    computed = stats_cache.remember(("cascades", plan.pk, as_of), lambda: _cascades(plan, as_of))
    out = [c for c in computed if codes is None or c.target.code in codes]
    subs = submissions_visible(user, statuses=[Import.Status.SUBMITTED, Import.Status.LEAGUE_ACCEPTED]) if user \
        else Import.objects.none()
    figures = pending_figures(subs) if out else []
    for c in out:
        by_league = {lc.region.code: lc for lc in c.leagues}
        for f in figures:
            if f.indicator == c.target.indicator and f.region_code in by_league:
                by_league[f.region_code].pending.append(f)
    return out


def _cascades(plan, as_of: int) -> list[TargetCascade]:
    """The user-independent part of every cascade of ``plan``: one reading of the figures for all targets."""
    from steppe.plans.models import LeagueTarget

    from . import cascade

    targets = list(plan.targets.filter(active=True, kind__in=CASCADE_KINDS).select_related("region")
                   .order_by("order"))
    if not targets:
        return []
    league_list = leagues()
    codes = [lg.code for lg in league_list]
    own: dict[int, dict[str, LeagueTarget]] = {}
    for lt in LeagueTarget.objects.filter(target__in=targets).select_related("region"):
        own.setdefault(lt.target_id, {})[lt.region.code] = lt
    table = cells(indicators=sorted({t.indicator for t in targets} | CASCADE_WEIGHTS),
                  regions=sorted({*codes, *(t.region.code for t in targets)}), year_to=as_of)
    by_series: dict[tuple[str, str], dict[int, Cell]] = {}
    for (r, i, y), c in table.items():
        by_series.setdefault((r, i), {})[y] = c
    indicator_rows = {i.code: i for i in Indicator.objects.filter(code__in={t.indicator for t in targets})}
    return [_cascade(t, as_of, league_list, own.get(t.pk, {}), by_series, indicator_rows.get(t.indicator), cascade)
            for t in targets]


def _cascade(t, as_of, league_list, own, by_series, indicator, cascade) -> TargetCascade:
    def series(region_code, indicator_code):
        return by_series.get((region_code, indicator_code), {})

    region_series = series(t.region.code, t.indicator)
    regional_baseline = (region_series[t.baseline_year].value if t.baseline_year in region_series
                         else _num(t.baseline_value))
    entries, specs, rows, owners = [], [], [], []
    # the years this target's figures span (its own indicator and weights, in its leagues and its region)
    read = {t.indicator, *CASCADE_WEIGHTS}
    regions = {lg.code for lg in league_list} | {t.region.code}
    seen = [y for (r, i), ser in by_series.items() if i in read and r in regions for y in ser]
    years = list(range(min([*seen, t.target_year, as_of]), max(t.target_year, as_of) + 1))
    base_spec = target_spec(t, indicator)
    out_leagues = []
    for lg in league_list:
        ser = series(lg.code, t.indicator)
        lt = own.get(lg.code)
        value = float(lt.value) if lt else None
        weight = None
        if t.kind == "level":
            c = _latest(series(lg.code, "gdp"), as_of)
            weight = c.value if c else None
        elif t.kind == "share":
            counts, shares = series(lg.code, "industrial_enterprises_with_rd"), ser
            both = [y for y in counts if y in shares and shares[y].value]
            if both:
                y = max(both)
                weight = counts[y].value / shares[y].value * 100  # above-scale industrial enterprises
        baseline = ser[t.baseline_year].value if t.baseline_year in ser else None
        entries.append(cascade.LeagueEntry(lg.code, lg.name, value, baseline, weight))
        lc = LeagueCascade(lg, value, lt.source if lt else "", None, _latest(ser, as_of))
        out_leagues.append(lc)
        if value is not None:
            specs.append(own_league_spec(t, base_spec, value, lg.code))
            rows.append([ser[y].value if y in ser else np.nan for y in years])
            owners.append(lc)
    if specs:
        for lc, res in zip(owners, att.assess_many(specs, years, np.array(rows, dtype=np.float64), as_of=as_of),
                           strict=True):
            lc.attainment = res
    consistency = cascade.check(
        t.kind, regional_target=_num(t.target_value), leagues=entries, regional_baseline=regional_baseline,
        years=(t.target_year - t.baseline_year) if t.baseline_year else None, strict=t.comparison == ">",
    )
    note = {"level": "按各盟市最新GDP加权", "share": "按各盟市规上工业企业数加权(有研发活动企业数/占比)"}.get(t.kind, "")
    return TargetCascade(t, _league_target_unit(t), out_leagues, consistency, note)
