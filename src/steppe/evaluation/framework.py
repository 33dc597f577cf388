"""A composite-index framework as data: the tree, the indicators' attributes, the steps.

Pure Python (no Django). A framework is a YAML file:

    code: asem-coinr-example
    name: ...
    levels: [Indicator, Pillar, Sub-index, Index]       # bottom to top
    data: {file: asem/ASEM_iData.csv, unit_code: uCode, unit_name: uName,
           groups: [EurAsia_group], denominators: [GDP, Population]}
    aggregates:                                          # every node above the indicators
      - {code: Index, name: ...}
      - {code: Conn, name: ..., parent: Index, weight: 1}
    indicators:
      - {code: LPI, name: ..., parent: Physical, direction: 1, weight: 1, unit: Score,
         denominator: Population, target: 4.1, standard: 4.0, goalposts: [0, 5]}
    steps:
      - denominate: {}
      - impute: {method: group_mean, group: EurAsia_group}
      - screen: {min_availability: 0.9}
      - treat: {winmax: 5, skew_thresh: 2, kurt_thresh: 3.5}
      - normalise: {method: minmax, range: [0, 100]}
      - weights: {method: given}
      - aggregate: {method: arithmetic}                  # or {methods: {Pillar: geometric, ...}}

Every error names the YAML path (``indicators[3].direction``) and the file, and nothing is
guessed: an unknown key, a missing parent, a direction other than 1/-1 is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

import numpy as np
import yaml

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"

STEP_NAMES = ("denominate", "impute", "screen", "treat", "normalise", "weights", "aggregate")
IMPUTE_METHODS = ("none", "group_mean", "group_median", "mean", "median")
NORMALISE_METHODS = ("minmax", "zscore", "rank", "distance_to_target", "goalposts", "standard")
WEIGHT_METHODS = ("equal", "given", "pca")
AGGREGATE_METHODS = ("arithmetic", "geometric", "harmonic")

_INDICATOR_KEYS = {
    "code",
    "name",
    "name_en",
    "parent",
    "direction",
    "weight",
    "unit",
    "denominator",
    "target",
    "standard",
    "goalposts",
    "definition",
    "source",
    "substitute",
    "note",
    "stats_code",
    "normalise",
}
_AGGREGATE_KEYS = {"code", "name", "name_en", "parent", "weight", "definition", "note"}
_TOP_KEYS = {
    "methods",
    "code",
    "name",
    "name_en",
    "version",
    "unit_kind",
    "levels",
    "source",
    "references",
    "data",
    "aggregates",
    "indicators",
    "steps",
    "uncertainty",
    "note",
    "coverage",
}


class FrameworkError(ValueError):
    """A framework or its data cannot be used; the message names the YAML path or the indicator."""

    def __init__(self, message: str, *, path: str = ""):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    parent: str
    direction: int = 1
    weight: float = 1.0
    unit: str = ""
    denominator: str | None = None
    target: float | None = None
    standard: float | None = None
    goalposts: tuple[float, float] | None = None
    definition: str = ""
    source: str = ""
    name_en: str = ""
    substitute: str = ""
    note: str = ""
    stats_code: str = ""
    normalise: dict | None = None  # per-indicator override of the normalise step


@dataclass(frozen=True)
class AggregateSpec:
    code: str
    name: str
    parent: str | None
    weight: float = 1.0
    level: int = 0  # 1 = indicators, so aggregates are 2..top
    name_en: str = ""
    definition: str = ""
    note: str = ""


@dataclass
class Framework:
    code: str
    name: str
    levels: list[str]
    indicators: list[IndicatorSpec]
    aggregates: list[AggregateSpec]
    steps: list[tuple[str, dict]]
    data: dict = field(default_factory=dict)
    uncertainty: dict = field(default_factory=dict)
    methods: dict = field(default_factory=dict)  # named alternatives, e.g. official: {normalise: {...}}
    name_en: str = ""
    source: str = ""
    references: list = field(default_factory=list)
    unit_kind: str = ""
    version: str = ""
    path: Path | None = None
    raw: dict = field(default_factory=dict)

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @property
    def aggregate_codes(self) -> list[str]:
        return [a.code for a in self.aggregates]

    def aggregates_at(self, level: int) -> list[AggregateSpec]:
        return [a for a in self.aggregates if a.level == level]

    @property
    def top(self) -> AggregateSpec:
        return next(a for a in self.aggregates if a.parent is None)

    @property
    def n_levels(self) -> int:
        return len(self.levels)

    def children(self, code: str) -> list[str]:
        kids = [a.code for a in self.aggregates if a.parent == code]
        return kids or [i.code for i in self.indicators if i.parent == code]

    def step(self, name: str) -> dict | None:
        for n, p in self.steps:
            if n == name:
                return p
        return None

    def output_columns(self) -> list[str]:
        """Aggregate codes from the top level down (COINr's results order)."""
        out: list[str] = []
        for lev in range(self.n_levels, 1, -1):
            out.extend(a.code for a in self.aggregates_at(lev))
        return out

    def with_steps(self, **changes) -> Framework:
        """A copy whose named steps take the given parameters (used by the Monte Carlo)."""
        steps = [(n, dict(changes[n]) if n in changes else dict(p)) for n, p in self.steps]
        f = Framework(**{**self.__dict__, "steps": steps})
        return f


@dataclass
class Dataset:
    """Units × indicators (NaN = missing, never zero), with groups and denominators."""

    units: list[str]
    unit_names: list[str]
    indicators: list[str]
    values: np.ndarray  # float, shape (n_units, n_indicators)
    groups: dict[str, list[str | None]] = field(default_factory=dict)
    denominators: dict[str, np.ndarray] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self):
        if self.values.shape != (len(self.units), len(self.indicators)):
            raise FrameworkError(
                f"data have shape {self.values.shape}, expected {len(self.units)} units × "
                f"{len(self.indicators)} indicators"
            )
        if len(set(self.units)) != len(self.units):
            dup = sorted({u for u in self.units if self.units.count(u) > 1})
            raise FrameworkError(f"unit codes repeated in the data: {', '.join(dup)}")


@overload
def _num(value, path: str, *, allow_none: Literal[False]) -> float: ...
@overload
def _num(value, path: str, *, allow_none: bool = True) -> float | None: ...
def _num(value, path: str, *, allow_none: bool = True) -> float | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise FrameworkError("a number is required", path=path)
    if isinstance(value, bool):
        raise FrameworkError(f"expected a number, got {value!r}", path=path)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise FrameworkError(f"expected a number, got {value!r}", path=path) from None
    if not math.isfinite(x):
        raise FrameworkError(f"expected a finite number, got {value!r}", path=path)
    return x


def _unknown(d: dict, allowed: set, path: str):
    extra = sorted(set(d) - allowed)
    if extra:
        raise FrameworkError(f"unknown key(s): {', '.join(map(str, extra))}", path=path)


def parse_framework(raw: dict, *, path: Path | None = None) -> Framework:
    """Check a framework's dictionary and return a Framework. Raises FrameworkError."""
    where = f"{path.name}: " if path else ""

    def err(msg, p):
        return FrameworkError(msg, path=f"{where}{p}")

    if not isinstance(raw, dict):
        raise err("a framework is a mapping (code, name, levels, aggregates, indicators, steps)", "")
    try:
        _unknown(raw, _TOP_KEYS, "")
    except FrameworkError as exc:
        raise err(str(exc).lstrip(": "), "(top)") from None
    for key in ("code", "name", "levels", "aggregates", "indicators", "steps"):
        if key not in raw:
            raise err("is required", key)
    levels = raw["levels"]
    if not isinstance(levels, list) or len(levels) < 2 or not all(isinstance(x, str) for x in levels):
        raise err("a list of at least two level names, bottom (indicators) first", "levels")

    aggs_raw = raw["aggregates"]
    if not isinstance(aggs_raw, list) or not aggs_raw:
        raise err("a non-empty list", "aggregates")
    agg_parent: dict[str, str | None] = {}
    agg_rows = []
    for k, a in enumerate(aggs_raw):
        p = f"aggregates[{k}]"
        if not isinstance(a, dict):
            raise err("each aggregate is a mapping", p)
        extra = sorted(set(a) - _AGGREGATE_KEYS)
        if extra:
            raise err(f"unknown key(s): {', '.join(extra)}", p)
        code = a.get("code")
        if not code or not isinstance(code, str):
            raise err("is required", f"{p}.code")
        if code in agg_parent:
            raise err(f"aggregate code {code!r} repeated", f"{p}.code")
        agg_parent[code] = a.get("parent")
        weight = _num(a.get("weight", 1), f"{where}{p}.weight", allow_none=False)
        if weight < 0:
            raise err(f"weight of {code} is negative", f"{p}.weight")
        agg_rows.append((p, a, code, weight))
    tops = [c for c, par in agg_parent.items() if par is None]
    if len(tops) != 1:
        raise err(f"exactly one aggregate has no parent (the index); found {tops or 'none'}", "aggregates")
    for p, a, code, _w in agg_rows:
        par = a.get("parent")
        if par is not None and par not in agg_parent:
            raise err(f"parent {par!r} of {code} is not an aggregate", f"{p}.parent")

    # depth of each aggregate: the top is level n_levels, its children n_levels-1, ...
    n_levels = len(levels)
    depth: dict[str, int] = {}

    def level_of(code, seen=()):
        if code in depth:
            return depth[code]
        if code in seen:
            raise err(f"the tree has a cycle through {code}", "aggregates")
        par = agg_parent[code]
        lev = n_levels if par is None else level_of(par, (*seen, code)) - 1
        depth[code] = lev
        return lev

    aggregates = []
    for p, a, code, weight in agg_rows:
        lev = level_of(code)
        if lev < 2:
            raise err(f"{code} sits below the pillar level; the tree is deeper than `levels`", p)
        aggregates.append(
            AggregateSpec(
                code=code,
                name=str(a.get("name") or code),
                parent=a.get("parent"),
                weight=weight,
                level=lev,
                name_en=str(a.get("name_en") or ""),
                definition=str(a.get("definition") or ""),
                note=str(a.get("note") or ""),
            )
        )

    inds_raw = raw["indicators"]
    if not isinstance(inds_raw, list) or not inds_raw:
        raise err("a non-empty list", "indicators")
    indicators = []
    seen_codes = set(agg_parent)
    for k, d in enumerate(inds_raw):
        p = f"indicators[{k}]"
        if not isinstance(d, dict):
            raise err("each indicator is a mapping", p)
        extra = sorted(set(d) - _INDICATOR_KEYS)
        if extra:
            raise err(f"unknown key(s): {', '.join(extra)}", p)
        code = d.get("code")
        if not code or not isinstance(code, str):
            raise err("is required", f"{p}.code")
        if code in seen_codes:
            raise err(f"code {code!r} is used twice", f"{p}.code")
        seen_codes.add(code)
        par = d.get("parent")
        if par not in agg_parent:
            raise err(f"parent {par!r} of indicator {code} is not an aggregate", f"{p}.parent")
        if depth[par] != 2:
            raise err(
                f"indicator {code} hangs under {par} (level {depth[par]}); indicators hang under "
                f"level-2 aggregates ({levels[1]})",
                f"{p}.parent",
            )
        direction = d.get("direction", 1)
        if direction not in (1, -1):
            raise err(f"direction of {code} must be 1 or -1, got {direction!r}", f"{p}.direction")
        weight = _num(d.get("weight", 1), f"{where}{p}.weight", allow_none=False)
        if weight < 0:
            raise err(f"weight of {code} is negative", f"{p}.weight")
        gp = d.get("goalposts")
        if gp is not None:
            if not isinstance(gp, list) or len(gp) != 2:
                raise err(f"goalposts of {code} are [low, high]", f"{p}.goalposts")
            gp = (
                _num(gp[0], f"{where}{p}.goalposts[0]", allow_none=False),
                _num(gp[1], f"{where}{p}.goalposts[1]", allow_none=False),
            )
            if gp[0] == gp[1]:
                raise err(f"goalposts of {code} are equal", f"{p}.goalposts")
        standard = _num(d.get("standard"), f"{where}{p}.standard")
        if standard is not None and standard <= 0:
            raise err(f"the standard (监测标准) of {code} must be positive", f"{p}.standard")
        norm = d.get("normalise")
        if norm is not None and not isinstance(norm, dict):
            raise err("a mapping like {method: goalposts}", f"{p}.normalise")
        indicators.append(
            IndicatorSpec(
                code=code,
                name=str(d.get("name") or code),
                parent=par,
                direction=direction,
                weight=weight,
                unit=str(d.get("unit") or ""),
                denominator=d.get("denominator") or None,
                target=_num(d.get("target"), f"{where}{p}.target"),
                standard=standard,
                goalposts=gp,
                definition=str(d.get("definition") or ""),
                source=str(d.get("source") or ""),
                name_en=str(d.get("name_en") or ""),
                substitute=str(d.get("substitute") or ""),
                note=str(d.get("note") or ""),
                stats_code=str(d.get("stats_code") or ""),
                normalise=norm,
            )
        )
    for a in aggregates:
        if a.level == 2 and not any(i.parent == a.code for i in indicators):
            raise err(f"pillar {a.code} has no indicators", "indicators")
        if a.level > 2 and not any(b.parent == a.code for b in aggregates):
            raise err(f"aggregate {a.code} (level {a.level}) has no children", "aggregates")

    steps_raw = raw["steps"]
    if not isinstance(steps_raw, list):
        raise err("a list of steps", "steps")
    steps: list[tuple[str, dict]] = []
    for k, s in enumerate(steps_raw):
        p = f"steps[{k}]"
        if not isinstance(s, dict) or len(s) != 1:
            raise err("each step is a mapping with one key, e.g. {impute: {method: group_mean}}", p)
        name, params = next(iter(s.items()))
        if name not in STEP_NAMES:
            raise err(f"unknown step {name!r}; steps are {', '.join(STEP_NAMES)}", p)
        params = params or {}
        if not isinstance(params, dict):
            raise err("the step's parameters are a mapping", f"{p}.{name}")
        _check_step(name, params, f"{where}{p}.{name}", levels)
        steps.append((name, params))
    names = [n for n, _ in steps]
    for needed in ("normalise", "aggregate"):
        if needed not in names:
            raise err(f"a framework needs a {needed} step", "steps")
    if len(set(names)) != len(names):
        raise err("each step appears once", "steps")

    methods = raw.get("methods") or {}
    if not isinstance(methods, dict):
        raise err(
            "a mapping of named alternatives, e.g. {official: {normalise: {method: standard}}}", "methods"
        )
    for mname, ov in methods.items():
        if not isinstance(ov, dict) or not set(ov) <= set(STEP_NAMES):
            raise err(f"each alternative overrides steps ({', '.join(STEP_NAMES)})", f"methods.{mname}")
        for sname, sp in ov.items():
            _check_step(sname, sp or {}, f"{where}methods.{mname}.{sname}", levels)
    data = raw.get("data") or {}
    if not isinstance(data, dict) or (data and not ({"file", "stats"} & set(data))):
        raise err("names a data file (file: ...) or the statistics (stats: {level: league|county})", "data")
    if "stats" in data and (data["stats"] or {}).get("level") not in ("league", "county"):
        raise err("level is league or county", "data.stats.level")
    return Framework(
        code=str(raw["code"]),
        name=str(raw["name"]),
        levels=levels,
        indicators=indicators,
        aggregates=aggregates,
        steps=steps,
        data=data,
        uncertainty=raw.get("uncertainty") or {},
        methods=methods,
        name_en=str(raw.get("name_en") or ""),
        source=str(raw.get("source") or ""),
        references=list(raw.get("references") or []),
        unit_kind=str(raw.get("unit_kind") or ""),
        version=str(raw.get("version") or ""),
        path=path,
        raw=raw,
    )


def _check_step(name: str, params: dict, path: str, levels: list[str]):
    def choice(key, allowed, default=None):
        v = params.get(key, default)
        if v not in allowed:
            raise FrameworkError(f"{key} must be one of {', '.join(map(str, allowed))}, got {v!r}", path=path)
        return v

    if name == "impute":
        m = choice("method", IMPUTE_METHODS)
        if m.startswith("group_") and not params.get("group"):
            raise FrameworkError(f"method {m} needs `group` (a group column of the data)", path=path)
    elif name == "screen":
        v = _num(params.get("min_availability"), f"{path}.min_availability", allow_none=False)
        if not 0 <= v <= 1:
            raise FrameworkError(
                "min_availability is a share between 0 and 1", path=f"{path}.min_availability"
            )
    elif name == "treat":
        for key in ("winmax", "skew_thresh", "kurt_thresh"):
            if key in params:
                v = _num(params[key], f"{path}.{key}", allow_none=False)
                if v < 0:
                    raise FrameworkError("must not be negative", path=f"{path}.{key}")
    elif name == "normalise":
        choice("method", NORMALISE_METHODS)
        if "range" in params:
            r = params["range"]
            if not isinstance(r, list) or len(r) != 2 or r[0] >= r[1]:
                raise FrameworkError("range is [low, high] with low < high", path=f"{path}.range")
    elif name == "weights":
        choice("method", WEIGHT_METHODS)
    elif name == "aggregate":
        if "methods" in params:
            ms = params["methods"]
            if not isinstance(ms, dict):
                raise FrameworkError("methods maps a level name to a method", path=f"{path}.methods")
            for lev, m in ms.items():
                if lev not in levels[1:]:
                    raise FrameworkError(
                        f"{lev!r} is not an aggregate level ({', '.join(levels[1:])})", path=f"{path}.methods"
                    )
                if m not in AGGREGATE_METHODS:
                    raise FrameworkError(
                        f"{m!r} is not one of {', '.join(AGGREGATE_METHODS)}", path=f"{path}.methods.{lev}"
                    )
        else:
            choice("method", AGGREGATE_METHODS, "arithmetic")


def load_framework(path: str | Path) -> Framework:
    """Read and check a framework YAML file."""
    path = Path(path)
    if not path.is_file():
        raise FrameworkError(f"no framework file at {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_framework(raw, path=path)


def builtin_frameworks() -> dict[str, Path]:
    return {p.stem: p for p in sorted(FRAMEWORKS_DIR.glob("*.yaml"))}


def load_dataset(fw: Framework) -> Dataset:
    """Read the data file the framework names (relative to the YAML file).

    Empty cells are missing (NaN), never zero. A column the framework needs and the file lacks is
    refused by name; a cell that is not a number names its row and column.
    """
    spec = fw.data or {}
    if "file" not in spec:
        raise FrameworkError("the framework names no data file", path="data.file")
    base = fw.path.parent if fw.path else Path.cwd()
    file = (base / spec["file"]).resolve()
    if not file.is_file():
        raise FrameworkError(f"data file not found: {spec['file']}", path="data.file")
    from steppe.core.tables import read_records  # the one table reader (encodings, caps, row numbers)

    rows = [row for _, row in read_records(file.read_bytes(), file.name)[1]]
    return dataset_from_rows(fw, rows, source=spec["file"])


def dataset_from_rows(fw: Framework, rows: list[dict], *, source: str = "") -> Dataset:
    spec = fw.data or {}
    ucol = spec.get("unit_code", "uCode")
    ncol = spec.get("unit_name", "uName")
    groups = list(spec.get("groups") or [])
    denoms = sorted(
        {i.denominator for i in fw.indicators if i.denominator} | set(spec.get("denominators") or [])
    )
    header = set(rows[0]) if rows else set()
    needed = [ucol, *groups, *denoms, *fw.indicator_codes]
    missing = [c for c in needed if c not in header]
    if missing:
        raise FrameworkError(f"{source}: column(s) missing: {', '.join(missing)}", path="data.file")

    def cell(r, k, col):
        v = (r.get(col) or "").strip()
        if v == "" or v.upper() in {"NA", "NAN"}:
            return math.nan
        try:
            x = float(v.replace(",", ""))
        except ValueError:
            raise FrameworkError(f"{source}: row {k + 2}, column {col}: {v!r} is not a number") from None
        if not math.isfinite(x):
            raise FrameworkError(f"{source}: row {k + 2}, column {col}: {v!r} is not a finite number")
        return x

    units = [(r.get(ucol) or "").strip() for r in rows]
    for k, u in enumerate(units):
        if not u:
            raise FrameworkError(f"{source}: row {k + 2}: empty unit code ({ucol})")
    values = np.array([[cell(r, k, c) for c in fw.indicator_codes] for k, r in enumerate(rows)], dtype=float)
    values = values.reshape(len(rows), len(fw.indicator_codes))
    return Dataset(
        units=units,
        unit_names=[(r.get(ncol) or r.get(ucol) or "").strip() for r in rows],
        indicators=fw.indicator_codes,
        values=values,
        groups={g: [(r.get(g) or "").strip() or None for r in rows] for g in groups},
        denominators={d: np.array([cell(r, k, d) for k, r in enumerate(rows)], dtype=float) for d in denoms},
        source=source,
    )
