"""The plan file format: read a plan YAML file into plain, validated dataclasses.

Pure Python (no Django): the loader service turns a `PlanSpec` into rows; `steppe plan validate`
and the tests use it directly. The format is documented in docs/plan-format.md.

Contract: `parse_plan` either returns a complete `PlanSpec` or raises `PlanFormatError` carrying
*every* problem it found, each with the YAML path of the offending value
(`targets[2].target.year`) and a plain message. Nothing is partially returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

TARGET_KINDS = ("level", "amount", "threshold", "avg_growth", "multiple", "share", "qualitative")
ACTION_KINDS = ("action", "safeguard")
COMPARISONS = (">=", ">")
FROM_STATISTICS = "from_statistics"
FORMAT_VERSION = 1

# Storage limits of the plans tables, checked here so a valid file always loads.
MAX_DIGITS = 20
MAX_DECIMAL_PLACES = 6

# Kinds whose target is a plain value in the target's unit.
VALUE_KINDS = ("level", "amount", "threshold", "share")

# Messages that tests (and callers) may import instead of repeating the text.
MSG_NOT_A_PLAN = "not a plan file: expected YAML fields such as code, title, period, targets and actions"
MSG_REQUIRED = "is required"
MSG_UNKNOWN_FIELD = "unknown field (allowed: {allowed})"
MSG_NOT_TEXT = "must be text"
MSG_EMPTY_TEXT = "must not be empty"
MSG_NOT_INTEGER = "must be a whole number"
MSG_NOT_NUMBER = "must be a number"
MSG_NOT_YEAR = "must be a year such as 2025"
MSG_NOT_DATE = "must be a date written YYYY-MM-DD"
MSG_NOT_MAPPING = "must be a mapping (key: value lines)"
MSG_NOT_LIST = "must be a list"
MSG_NOT_BOOL = "must be true or false"
MSG_BAD_CODE = "must be a code made of letters, digits, '-' or '_' (e.g. A3-02)"
MSG_UNKNOWN_KIND = "unknown target kind {kind!r}; use one of " + ", ".join(TARGET_KINDS)
MSG_OUTSIDE_PERIOD = "must lie within the plan period {start}–{end}"
MSG_BASELINE_AFTER_TARGET = "must be before the target year {year}"
MSG_DUPLICATE_CODE = "duplicate code {code!r} (already used at {first})"
MSG_BAD_REGION = 'must be a 6-digit GB/T 2260 region code such as "150000"'
MSG_UNKNOWN_REGION = "unknown region code {code!r}"
MSG_BAD_INDICATOR = "must be an indicator code in lower_snake_case such as rd_intensity"
MSG_UNKNOWN_INDICATOR = "unknown indicator {code!r}"
MSG_NO_MEASURES = "must list at least one measure"
MSG_NO_LEAD_UNIT = (
    "must name at least one lead unit (牵头单位); when the text names none, record the unit it "
    "implies with inferred: true"
)
MSG_NOT_APPLICABLE = "does not apply to a target of kind {kind}"
MSG_KIND_NEEDS = "a target of kind {kind} needs {what}"
MSG_TOO_LONG = "is too long ({length} characters; at most {max})"
MSG_NUMBER_TOO_PRECISE = "has too many digits (at most 14 before and 6 after the decimal point)"
MSG_BAD_COMPARISON = "must be one of " + ", ".join(repr(c) for c in COMPARISONS)


@dataclass(frozen=True)
class PlanIssue:
    """One problem in a plan file: where (a YAML path, "$" for the whole file) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class PlanFormatError(Exception):
    """A plan file is not valid; `issues` lists every problem found, in file order."""

    def __init__(self, issues: list[PlanIssue]):
        self.issues = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)


@dataclass
class BaselineSpec:
    year: int
    value: Decimal | None  # None when from_statistics
    from_statistics: bool


@dataclass
class TargetSpec:
    code: str
    name: str
    indicator: str
    kind: str
    region: str  # GB/T 2260 code, e.g. "150000"
    unit: str  # unit of the indicator (baseline and observations), e.g. 亿元, %, 家
    baseline: BaselineSpec | None
    target_year: int
    # level/amount/threshold/share: the value in `unit`; avg_growth: the yearly growth rate in %;
    # multiple: the factor over the baseline; qualitative: an optional value, usually None.
    target_value: Decimal | None
    comparison: str  # ">=" or ">"
    statement: str  # qualitative/rank targets only; "" otherwise
    clause: str  # quoted from the plan

    @property
    def target_value_unit(self) -> str:
        """The unit in which `target_value` is expressed (for display)."""
        if self.kind == "avg_growth":
            return "%/年"
        if self.kind == "multiple":
            return "倍"
        return self.unit


@dataclass
class UnitRef:
    name: str
    inferred: bool  # True when the plan text does not name this unit for the measure


@dataclass
class MeasureSpec:
    code: str
    title: str
    clause: str
    lead_units: list[UnitRef]
    cooperating_units: list[UnitRef]
    due: date
    indicators: list[str]
    tags: list[str]


@dataclass
class ActionSpec:
    code: str
    kind: str  # "action" or "safeguard"
    number: int
    title: str
    summary: str
    clause: str
    measures: list[MeasureSpec]


@dataclass
class PlanSpec:
    code: str
    title: str
    short_title: str
    issuers: list[str]
    document_number: str
    issued_on: date
    published_on: date | None
    period_start: int
    period_end: int
    source_title: str
    source_url: str
    language: str
    targets: list[TargetSpec]
    actions: list[ActionSpec] = field(default_factory=list)  # actions then safeguards, in order

    def iter_measures(self) -> Iterator[tuple[ActionSpec, MeasureSpec]]:
        """Every measure with its action, in file order."""
        for action in self.actions:
            for measure in action.measures:
                yield action, measure


# --- YAML reading ---------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.get(key)
        except TypeError:  # unhashable key; construct_mapping reports it
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first given at line {first + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text until the checker parses them, so a bad date (2024-06-31) is reported with its
# YAML path instead of aborting the whole read.
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _read_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PlanFormatError([PlanIssue("$", f"not valid YAML{where}: {_one_line(problem)}")]) from exc
    except yaml.YAMLError as exc:
        raise PlanFormatError([PlanIssue("$", f"not valid YAML: {_one_line(str(exc))}")]) from exc


def _one_line(text: str) -> str:
    # Issues print one per line; PyYAML's reader errors span several.
    return " ".join(text.split())


# --- validation -----------------------------------------------------------------------------

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_INDICATOR_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_REGION_RE = re.compile(r"^\d{6}$")
_MISSING = object()

_PLAN_FIELDS = (
    "format",
    "code",
    "title",
    "short_title",
    "issuers",
    "document_number",
    "issued_on",
    "published_on",
    "period",
    "source",
    "language",
    "targets",
    "actions",
    "safeguards",
)
_TARGET_FIELDS = ("code", "name", "indicator", "kind", "region", "unit", "baseline", "target", "clause")
_TARGET_GOAL_FIELDS = ("year", "value", "rate", "factor", "comparison", "statement")
_BASELINE_FIELDS = ("year", "value")
_ACTION_FIELDS = ("code", "number", "title", "summary", "clause", "measures")
_MEASURE_FIELDS = (
    "code",
    "title",
    "clause",
    "lead_units",
    "cooperating_units",
    "due",
    "indicators",
    "tags",
)
_UNIT_FIELDS = ("name", "inferred")

# Which of value/rate/factor/statement each kind takes; the first listed is required.
_KIND_GOAL = {
    "level": ("value",),
    "amount": ("value",),
    "threshold": ("value",),
    "share": ("value",),
    "avg_growth": ("rate",),
    "multiple": ("factor",),
    "qualitative": ("statement", "value"),
}


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Checker:
    """Walks the parsed YAML, collecting every issue instead of stopping at the first."""

    def __init__(self, known_regions: set[str] | None, known_indicators: set[str] | None):
        self.issues: list[PlanIssue] = []
        self.known_regions = known_regions
        self.known_indicators = known_indicators
        self.period: tuple[int, int] | None = None
        self.codes: dict[str, dict[str, str]] = {"target": {}, "action": {}, "measure": {}}

    # small typed readers: each returns a value or _MISSING (after recording an issue)

    def issue(self, path: str, message: str) -> None:
        self.issues.append(PlanIssue(path or "$", message))

    def fields(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.issue(path, MSG_NOT_MAPPING)
            return None
        for key in value:
            if key not in allowed:
                self.issue(_key(path, str(key)), MSG_UNKNOWN_FIELD.format(allowed=", ".join(allowed)))
        return value

    def get(self, m: dict, key: str, path: str, required: bool) -> Any:
        if key not in m or m[key] is None:
            if required:
                self.issue(_key(path, key), MSG_REQUIRED)
            return _MISSING
        return m[key]

    def text(
        self, m: dict, key: str, path: str, *, required: bool = True, default: str = "", max_length: int = 0
    ) -> Any:
        value = self.get(m, key, path, required)
        if value is _MISSING:
            return _MISSING if required else default
        if not isinstance(value, str):
            self.issue(_key(path, key), MSG_NOT_TEXT)
            return _MISSING
        value = value.strip()
        if required and not value:
            self.issue(_key(path, key), MSG_EMPTY_TEXT)
            return _MISSING
        if max_length and len(value) > max_length:
            self.issue(_key(path, key), MSG_TOO_LONG.format(max=max_length, length=len(value)))
            return _MISSING
        return value

    def code(self, m: dict, key: str, path: str, scope: str | None = None, max_length: int = 20) -> Any:
        value = self.text(m, key, path, max_length=max_length)
        if value is _MISSING:
            return _MISSING
        if not _CODE_RE.match(value):
            self.issue(_key(path, key), MSG_BAD_CODE)
            return _MISSING
        if scope is not None:
            first = self.codes[scope].get(value)
            if first is not None:
                self.issue(_key(path, key), MSG_DUPLICATE_CODE.format(code=value, first=first))
                return _MISSING
            self.codes[scope][value] = path
        return value

    def integer(self, m: dict, key: str, path: str, *, required: bool = True) -> Any:
        value = self.get(m, key, path, required)
        if value is _MISSING:
            return _MISSING
        if isinstance(value, bool) or not isinstance(value, int):
            self.issue(_key(path, key), MSG_NOT_INTEGER)
            return _MISSING
        return value

    def year(self, m: dict, key: str, path: str, *, required: bool = True, in_period: bool = False) -> Any:
        value = self.get(m, key, path, required)
        if value is _MISSING:
            return _MISSING
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            self.issue(_key(path, key), MSG_NOT_YEAR)
            return _MISSING
        if in_period and self.period and not self.period[0] <= value <= self.period[1]:
            self.issue(_key(path, key), MSG_OUTSIDE_PERIOD.format(start=self.period[0], end=self.period[1]))
            return _MISSING
        return value

    def number(self, m: dict, key: str, path: str, *, required: bool = True) -> Any:
        value = self.get(m, key, path, required)
        if value is _MISSING:
            return _MISSING
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.issue(_key(path, key), MSG_NOT_NUMBER)
            return _MISSING
        try:
            number = Decimal(str(value))  # str() keeps 1.5 as 1.5, not its binary expansion
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.issue(_key(path, key), MSG_NOT_NUMBER)
            return _MISSING
        exponent = number.as_tuple().exponent
        if -exponent > MAX_DECIMAL_PLACES or number.adjusted() >= MAX_DIGITS - MAX_DECIMAL_PLACES:
            self.issue(_key(path, key), MSG_NUMBER_TOO_PRECISE)
            return _MISSING
        return number

    def date(self, m: dict, key: str, path: str, *, required: bool = True) -> Any:
        value = self.get(m, key, path, required)
        if value is _MISSING:
            return _MISSING
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                self.issue(_key(path, key), f"{value!r} is not a date; write YYYY-MM-DD")
                return _MISSING
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        self.issue(_key(path, key), MSG_NOT_DATE)
        return _MISSING

    def boolean(self, m: dict, key: str, path: str, default: bool) -> bool:
        value = m.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.issue(_key(path, key), MSG_NOT_BOOL)
            return default
        return value

    def items(self, m: dict, key: str, path: str, *, required: bool = True) -> list | None:
        value = self.get(m, key, path, required)
        if value is _MISSING:
            return None if required else []
        if not isinstance(value, list):
            self.issue(_key(path, key), MSG_NOT_LIST)
            return None
        return value

    def text_list(self, m: dict, key: str, path: str, *, required: bool = False) -> list[str]:
        values = self.items(m, key, path, required=required) or []
        out: list[str] = []
        for i, item in enumerate(values):
            if not isinstance(item, str) or not item.strip():
                self.issue(
                    f"{_key(path, key)}[{i}]", MSG_NOT_TEXT if not isinstance(item, str) else MSG_EMPTY_TEXT
                )
                continue
            out.append(item.strip())
        return out

    def region(self, m: dict, key: str, path: str) -> Any:
        value = self.get(m, key, path, True)
        if value is _MISSING:
            return _MISSING
        # An unquoted 150000 reads as an integer; accept it, a region code is still six digits.
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _REGION_RE.match(value.strip()):
            self.issue(_key(path, key), MSG_BAD_REGION)
            return _MISSING
        value = value.strip()
        if self.known_regions is not None and value not in self.known_regions:
            self.issue(_key(path, key), MSG_UNKNOWN_REGION.format(code=value))
            return _MISSING
        return value

    def indicator_code(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            self.issue(path, MSG_NOT_TEXT)
            return _MISSING
        value = value.strip()
        if not _INDICATOR_RE.match(value) or len(value) > 80:
            self.issue(path, MSG_BAD_INDICATOR)
            return _MISSING
        if self.known_indicators is not None and value not in self.known_indicators:
            self.issue(path, MSG_UNKNOWN_INDICATOR.format(code=value))
            return _MISSING
        return value

    # --- the document, top down

    def plan(self, data: Any) -> PlanSpec | None:
        if data is None:
            self.issue("$", "the file is empty; a plan starts with code, title, period, targets and actions")
            return None
        if not isinstance(data, dict):
            self.issue("$", MSG_NOT_A_PLAN)
            return None
        m = self.fields(data, "", _PLAN_FIELDS)
        fmt = self.integer(m, "format", "", required=False)
        if fmt is not _MISSING and fmt != FORMAT_VERSION:
            self.issue(
                "format", f"unsupported format version {fmt}; this Steppe reads format {FORMAT_VERSION}"
            )

        code = self.code(m, "code", "", max_length=80)
        title = self.text(m, "title", "", max_length=300)
        short_title = self.text(m, "short_title", "", required=False, max_length=120)
        issuers = self.text_list(m, "issuers", "", required=True)
        if "issuers" in m and isinstance(m["issuers"], list) and not m["issuers"]:
            self.issue("issuers", "must name at least one issuer")
        document_number = self.text(m, "document_number", "", required=False, max_length=120)
        issued_on = self.date(m, "issued_on", "")
        published_on = self.date(m, "published_on", "", required=False)
        language = self.text(m, "language", "", required=False, default="zh-hans", max_length=16)

        period_start = period_end = _MISSING
        period = self.get(m, "period", "", True)
        if period is not _MISSING and (pm := self.fields(period, "period", ("start", "end"))) is not None:
            period_start = self.year(pm, "start", "period")
            period_end = self.year(pm, "end", "period")
            if period_start is not _MISSING and period_end is not _MISSING:
                if period_end < period_start:
                    self.issue("period.end", f"must not be before period.start ({period_start})")
                else:
                    self.period = (period_start, period_end)

        source_title = source_url = _MISSING
        source = self.get(m, "source", "", True)
        if source is not _MISSING and (sm := self.fields(source, "source", ("title", "url"))) is not None:
            source_title = self.text(sm, "title", "source", max_length=300)
            source_url = self.text(sm, "url", "source", required=False, max_length=500)

        targets = []
        for i, item in enumerate(self.items(m, "targets", "") or []):
            targets.append(self.target(item, f"targets[{i}]"))

        actions = []
        action_items = self.items(m, "actions", "")
        if action_items is not None and not action_items:
            self.issue("actions", "must list at least one action")
        for i, item in enumerate(action_items or []):
            actions.append(self.action(item, f"actions[{i}]", "action", i))
        for i, item in enumerate(self.items(m, "safeguards", "", required=False) or []):
            actions.append(self.action(item, f"safeguards[{i}]", "safeguard", i))

        if self.issues:
            return None
        return PlanSpec(
            code=code,
            title=title,
            short_title=short_title or title,
            issuers=issuers,
            document_number=document_number,
            issued_on=issued_on,
            published_on=None if published_on is _MISSING else published_on,
            period_start=period_start,
            period_end=period_end,
            source_title=source_title,
            source_url=source_url,
            language=language,
            targets=targets,
            actions=actions,
        )

    def target(self, item: Any, path: str) -> TargetSpec | None:
        m = self.fields(item, path, _TARGET_FIELDS)
        if m is None:
            return None
        code = self.code(m, "code", path, scope="target", max_length=40)
        name = self.text(m, "name", path, max_length=200)
        indicator = self.get(m, "indicator", path, True)
        if indicator is not _MISSING:
            indicator = self.indicator_code(indicator, _key(path, "indicator"))
        kind = self.text(m, "kind", path)
        if kind is not _MISSING and kind not in TARGET_KINDS:
            self.issue(_key(path, "kind"), MSG_UNKNOWN_KIND.format(kind=kind))
            kind = _MISSING
        region = self.region(m, "region", path)
        unit = self.text(m, "unit", path, required=kind not in ("qualitative", _MISSING), max_length=20)
        clause = self.text(m, "clause", path)
        baseline = self.baseline(m, path)

        target_year = target_value = comparison = statement = _MISSING
        goal_path = _key(path, "target")
        goal = self.get(m, "target", path, True)
        if goal is not _MISSING and (g := self.fields(goal, goal_path, _TARGET_GOAL_FIELDS)) is not None:
            target_year = self.year(g, "year", goal_path, in_period=True)
            comparison = self.text(g, "comparison", goal_path, required=False, default=">=")
            if comparison is not _MISSING and comparison not in COMPARISONS:
                self.issue(_key(goal_path, "comparison"), MSG_BAD_COMPARISON)
            if kind is not _MISSING:
                target_value, statement = self.goal(g, goal_path, kind, unit)
            if (
                target_year is not _MISSING
                and isinstance(baseline, BaselineSpec)
                and baseline.year >= target_year
            ):
                self.issue(_key(path, "baseline.year"), MSG_BASELINE_AFTER_TARGET.format(year=target_year))

        if kind in ("avg_growth", "multiple") and baseline is None:
            what = (
                "a baseline year"
                if kind == "avg_growth"
                else "a baseline (year and value, or from_statistics)"
            )
            self.issue(_key(path, "baseline"), MSG_KIND_NEEDS.format(kind=kind, what=what))

        if self.issues:
            return None
        return TargetSpec(
            code=code,
            name=name,
            indicator=indicator,
            kind=kind,
            region=region,
            unit=unit,
            baseline=baseline,
            target_year=target_year,
            target_value=target_value,
            comparison=comparison,
            statement=statement,
            clause=clause,
        )

    def goal(self, g: dict, path: str, kind: str, unit: Any) -> tuple[Any, str]:
        takes = _KIND_GOAL[kind]
        for key in ("value", "rate", "factor", "statement"):
            if key not in takes and g.get(key) is not None:
                self.issue(_key(path, key), MSG_NOT_APPLICABLE.format(kind=kind))
        needed = takes[0]
        if kind == "qualitative":
            statement = self.text(g, "statement", path, required=False, max_length=300)
            if not statement:
                self.issue(_key(path, "statement"), MSG_KIND_NEEDS.format(kind=kind, what="a statement"))
            value = self.number(g, "value", path, required=False)
            return (None if value is _MISSING else value), statement or ""
        if g.get(needed) is None:
            what = {"value": "a value", "rate": "a rate (% a year)", "factor": "a factor"}[needed]
            self.issue(_key(path, needed), MSG_KIND_NEEDS.format(kind=kind, what=what))
            return _MISSING, ""
        value = self.number(g, needed, path)
        if value is _MISSING:
            return _MISSING, ""
        if kind == "multiple" and value <= 0:
            self.issue(_key(path, "factor"), "must be greater than 0")
        if kind == "share":
            if not Decimal(0) <= value <= Decimal(100):
                self.issue(_key(path, "value"), "a share must lie between 0 and 100 (%)")
            if unit is not _MISSING and unit != "%":
                self.issue(_key(path.rsplit(".", 1)[0], "unit"), 'a share target is measured in "%"')
        return value, ""

    def baseline(self, m: dict, path: str) -> BaselineSpec | None | object:
        value = m.get("baseline")
        bpath = _key(path, "baseline")
        if value is None:
            return None
        if value == FROM_STATISTICS:
            # Shorthand: the year before the plan period, read from the statistics.
            if self.period is None:
                return _MISSING
            return BaselineSpec(year=self.period[0] - 1, value=None, from_statistics=True)
        if isinstance(value, str):
            self.issue(bpath, f"must be a mapping with year and value, or the word {FROM_STATISTICS}")
            return _MISSING
        b = self.fields(value, bpath, _BASELINE_FIELDS)
        if b is None:
            return _MISSING
        year = self.year(b, "year", bpath)
        raw = b.get("value")
        if raw is None:
            self.issue(_key(bpath, "value"), f"is required: a number, or {FROM_STATISTICS}")
            return _MISSING
        if raw == FROM_STATISTICS:
            number, from_stats = None, True
        elif isinstance(raw, str):
            self.issue(_key(bpath, "value"), f"must be a number or the word {FROM_STATISTICS}")
            return _MISSING
        else:
            number, from_stats = self.number(b, "value", bpath), False
            if number is _MISSING:
                return _MISSING
        if year is _MISSING:
            return _MISSING
        return BaselineSpec(year=year, value=number, from_statistics=from_stats)

    def action(self, item: Any, path: str, kind: str, position: int) -> ActionSpec | None:
        m = self.fields(item, path, _ACTION_FIELDS)
        if m is None:
            return None
        code = self.code(m, "code", path, scope="action")
        number = self.integer(m, "number", path, required=False)
        if number is _MISSING:
            number = position + 1
        elif number < 1:
            self.issue(_key(path, "number"), "must be 1 or more")
        title = self.text(m, "title", path, max_length=200)
        summary = self.text(m, "summary", path, required=False)
        clause = self.text(m, "clause", path)
        measures = []
        items = self.items(m, "measures", path)
        if items is not None and not items:
            self.issue(_key(path, "measures"), MSG_NO_MEASURES)
        for i, entry in enumerate(items or []):
            measures.append(self.measure(entry, f"{path}.measures[{i}]", code))
        if self.issues:
            return None
        return ActionSpec(
            code=code,
            kind=kind,
            number=number,
            title=title,
            summary=summary,
            clause=clause,
            measures=measures,
        )

    def measure(self, item: Any, path: str, action_code: Any) -> MeasureSpec | None:
        m = self.fields(item, path, _MEASURE_FIELDS)
        if m is None:
            return None
        code = self.code(m, "code", path, scope="measure")
        if code is not _MISSING and action_code is not _MISSING and not code.startswith(f"{action_code}-"):
            self.issue(_key(path, "code"), f"must start with its action's code, e.g. {action_code}-01")
        title = self.text(m, "title", path, max_length=300)
        clause = self.text(m, "clause", path)
        lead = self.units(m, "lead_units", path, required=True)
        cooperating = self.units(m, "cooperating_units", path, required=False)
        lead_names = {u.name for u in lead}
        for i, unit in enumerate(cooperating):
            if unit.name in lead_names:
                self.issue(f"{path}.cooperating_units[{i}]", f"{unit.name} is already a lead unit")
        due = self.date(m, "due", path, required=False)
        if due is _MISSING:
            due = date(self.period[1], 12, 31) if self.period else date.min
        elif self.period and not date(self.period[0], 1, 1) <= due <= date(self.period[1], 12, 31):
            self.issue(_key(path, "due"), MSG_OUTSIDE_PERIOD.format(start=self.period[0], end=self.period[1]))
        indicators = []
        for i, value in enumerate(self.items(m, "indicators", path, required=False) or []):
            code_ = self.indicator_code(value, f"{path}.indicators[{i}]")
            if code_ is not _MISSING:
                indicators.append(code_)
        tags = self.text_list(m, "tags", path)
        if self.issues:
            return None
        return MeasureSpec(
            code=code,
            title=title,
            clause=clause,
            lead_units=lead,
            cooperating_units=cooperating,
            due=due,
            indicators=indicators,
            tags=tags,
        )

    def units(self, m: dict, key: str, path: str, *, required: bool) -> list[UnitRef]:
        lpath = _key(path, key)
        items = self.items(m, key, path, required=False)
        if items is None:
            return []
        if required and not items:
            self.issue(lpath, MSG_NO_LEAD_UNIT)
            return []
        out: list[UnitRef] = []
        for i, entry in enumerate(items):
            upath = f"{lpath}[{i}]"
            if isinstance(entry, str):
                name, inferred = entry.strip(), False
                if not name or len(name) > 200:
                    self.issue(
                        upath, MSG_EMPTY_TEXT if not name else MSG_TOO_LONG.format(max=200, length=len(name))
                    )
                    continue
            else:
                u = self.fields(entry, upath, _UNIT_FIELDS)
                if u is None:
                    continue
                name = self.text(u, "name", upath, max_length=200)
                inferred = self.boolean(u, "inferred", upath, default=False)
                if name is _MISSING:
                    continue
            if any(ref.name == name for ref in out):
                self.issue(upath, f"{name} is listed twice")
                continue
            out.append(UnitRef(name=name, inferred=inferred))
        return out


def parse_plan(
    text: str,
    *,
    known_regions: set[str] | None = None,
    known_indicators: set[str] | None = None,
) -> PlanSpec:
    """Parse and validate a plan file's text.

    `known_regions` / `known_indicators`, when given, are the codes that exist; any other code is
    an issue. Raises `PlanFormatError` listing every issue; returns the plan only if there is none.
    """
    data = _read_yaml(text)
    checker = _Checker(known_regions, known_indicators)
    spec = checker.plan(data)
    if checker.issues or spec is None:
        raise PlanFormatError(checker.issues or [PlanIssue("$", "not a plan")])
    return spec


def load_plan_file(
    path: str | Path,
    *,
    known_regions: set[str] | None = None,
    known_indicators: set[str] | None = None,
) -> PlanSpec:
    """Read a UTF-8 plan file and `parse_plan` it; an unreadable file is a `PlanFormatError` at "$"."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PlanFormatError([PlanIssue("$", f"cannot read {path}: {exc.strerror or exc}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFormatError(
            [PlanIssue("$", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from exc
    return parse_plan(text, known_regions=known_regions, known_indicators=known_indicators)
