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
FORMAT_VERSION = 2  # the newest format; files in any of FORMAT_VERSIONS load
FORMAT_VERSIONS = (1, 2)
# Format 2: what kind of work a measure is (docs/plan-format.md, "Measure types").
MEASURE_TYPES = ("mechanism", "project", "register", "recurring", "one_off")
# How often a recurring measure is done; per_round: once in each progress round (the text says 定期).
FREQUENCIES = ("per_round", "monthly", "quarterly", "half_yearly", "yearly")
# Whom a target's status is compared with (全国中游水平: the region's value against the provinces').
PEER_SCOPES = ("provinces",)
PEER_REACH = ("median",)
# How a unit came to be recorded for a measure.
UNIT_BASIS = ("clause", "lead_departments", "inferred")

# Storage limits of the plans tables, checked here so a valid file always loads.
MAX_DIGITS = 20
MAX_DECIMAL_PLACES = 6

# Kinds whose target is a plain value in the target's unit.
VALUE_KINDS = ("level", "amount", "threshold", "share")

# Messages that tests (and callers) may import instead of repeating the text.
MSG_NOT_ENGLISH = "must be English: it is what English pages show (the Chinese title stays in title)"
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
MSG_UNKNOWN_TYPE = "unknown measure type {type!r}; use one of " + ", ".join(MEASURE_TYPES)
MSG_TYPE_REQUIRED = "is required in format 2: one of " + ", ".join(MEASURE_TYPES)
MSG_FREQUENCY_NEEDED = "a recurring measure needs a frequency: one of " + ", ".join(FREQUENCIES)
MSG_UNKNOWN_FREQUENCY = "unknown frequency {frequency!r}; use one of " + ", ".join(FREQUENCIES)
MSG_FREQUENCY_NOT_RECURRING = "only a recurring measure has a frequency (this one is {type})"
MSG_UNKNOWN_TARGET = "unknown target {code!r} (the plan's targets are {known})"
MSG_TARGET_UNDRIVEN = "no measure names this target in its targets; link the measures that drive it"
MSG_NOT_LEAD_DEPARTMENT = "{name} is not one of the plan's lead_departments ({known})"
MSG_QUALITATIVE_LEAD = "a qualitative target needs lead_units: the unit that reports on it in each round"
MSG_FORMAT2_ONLY = "belongs to format 2; write format: 2 at the top of the file"


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
    # format 2: who reports on a (qualitative) target in each round
    lead_units: list[UnitRef] = field(default_factory=list)
    # format 2: whom the value is also compared with, e.g. PeerSpec("provinces", "median")
    peers: PeerSpec | None = None
    # the measures that name this target (filled from the measures' `targets`)
    measures: list[str] = field(default_factory=list)

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
    # "clause": the measure's words name it; "lead_departments": the plan names it lead department
    # for the whole plan (三(二)); "inferred": implied by its remit
    basis: str = ""

    def __post_init__(self):
        if not self.basis:
            self.basis = "inferred" if self.inferred else "clause"


@dataclass
class PeerSpec:
    scope: str  # "provinces"
    reach: str  # "median": at least the middle of the peers' values (全国中游水平)


@dataclass
class LeadDepartments:
    units: list[str]
    clause: str


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
    type: str = ""  # one of MEASURE_TYPES ("" only while a format 1 file is being read)
    frequency: str = ""  # recurring measures only
    targets: list[str] = field(default_factory=list)  # codes of the targets this measure drives
    title_en: str = ""  # the English title English pages show (optional: the Chinese title otherwise)


@dataclass
class ActionSpec:
    code: str
    kind: str  # "action" or "safeguard"
    number: int
    title: str
    summary: str
    clause: str
    measures: list[MeasureSpec]
    title_en: str = ""  # the English title English pages show (optional: the Chinese title otherwise)


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
    format: int = FORMAT_VERSION  # the format the file was written in
    lead_departments: LeadDepartments | None = None

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
_CJK_RE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")

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
    "lead_departments",
)
_TARGET_FIELDS = (
    "code", "name", "indicator", "kind", "region", "unit", "baseline", "target", "clause", "lead_units", "peers",
)
_FORMAT2_TARGET_FIELDS = ("lead_units", "peers")
_FORMAT2_MEASURE_FIELDS = ("type", "frequency", "targets")
_TARGET_GOAL_FIELDS = ("year", "value", "rate", "factor", "comparison", "statement")
_BASELINE_FIELDS = ("year", "value")
_ACTION_FIELDS = ("code", "number", "title", "title_en", "summary", "clause", "measures")
_MEASURE_FIELDS = (
    "code",
    "title",
    "title_en",
    "clause",
    "lead_units",
    "cooperating_units",
    "due",
    "indicators",
    "tags",
    "type",
    "frequency",
    "targets",
)
_UNIT_FIELDS = ("name", "inferred", "via")

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
        self.format = 1
        self.lead_department_names: set[str] = set()
        # (YAML path of the item, target code, measure code) of every measure -> target link
        self.links: list[tuple[str, str, str]] = []
        self.via_lead_departments: list[tuple[str, str]] = []  # (path, unit name)

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

    def english(self, m: dict, key: str, path: str, *, max_length: int) -> str:
        """An optional English text (``title_en``): what English pages show instead of the Chinese one."""
        value = self.text(m, key, path, required=False, max_length=max_length)
        if value is _MISSING:
            return ""
        if _CJK_RE.search(value):
            self.issue(_key(path, key), MSG_NOT_ENGLISH)
            return ""
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
        if fmt is not _MISSING and fmt not in FORMAT_VERSIONS:
            self.issue(
                "format",
                f"unsupported format version {fmt}; this Steppe reads formats "
                + ", ".join(str(v) for v in FORMAT_VERSIONS),
            )
        elif fmt is not _MISSING:
            self.format = fmt
        lead_departments = self.lead_departments(m)

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
        self.check_links(targets, actions)

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
            format=self.format,
            lead_departments=lead_departments,
        )

    def lead_departments(self, m: dict) -> LeadDepartments | None:
        """Format 2: the plan's lead departments (牵头部门) and the words that name them."""
        value = m.get("lead_departments")
        if value is None:
            return None
        if self.format < 2:
            self.issue("lead_departments", MSG_FORMAT2_ONLY)
            return None
        ld = self.fields(value, "lead_departments", ("units", "clause"))
        if ld is None:
            return None
        units = self.text_list(ld, "units", "lead_departments", required=True)
        if "units" in ld and isinstance(ld["units"], list) and not ld["units"]:
            self.issue("lead_departments.units", "must name at least one unit")
        clause = self.text(ld, "clause", "lead_departments")
        if clause is _MISSING:
            return None
        self.lead_department_names = set(units)
        return LeadDepartments(units=units, clause=clause)

    def check_links(self, targets: list, actions: list) -> None:
        """Measures name their targets; in format 2 every target is named by at least one measure."""
        by_code = {t.code: t for t in targets if t is not None}
        for path, code, measure_code in self.links:
            target = by_code.get(code)
            if target is None:
                if code not in self.codes["target"]:  # a target with issues of its own is not unknown
                    known = list(self.codes["target"])
                    self.issue(path, MSG_UNKNOWN_TARGET.format(code=code, known=", ".join(known) or "none"))
            elif measure_code not in target.measures:
                target.measures.append(measure_code)
        for path, name in self.via_lead_departments:
            if name not in self.lead_department_names:
                self.issue(
                    path,
                    MSG_NOT_LEAD_DEPARTMENT.format(
                        name=name, known=", ".join(sorted(self.lead_department_names)) or "none given"
                    ),
                )
        if self.format >= 2 and not self.issues:
            for i, t in enumerate(targets):
                if t is not None and not t.measures:
                    self.issue(f"targets[{i}].code", f"{t.code}: {MSG_TARGET_UNDRIVEN}")

    def target(self, item: Any, path: str) -> TargetSpec | None:
        m = self.fields(item, path, _TARGET_FIELDS)
        if m is None:
            return None
        code = self.code(m, "code", path, scope="target", max_length=40)
        name = self.text(m, "name", path, max_length=200)
        kind = self.text(m, "kind", path)
        if kind is not _MISSING and kind not in TARGET_KINDS:
            self.issue(_key(path, "kind"), MSG_UNKNOWN_KIND.format(kind=kind))
            kind = _MISSING
        # format 2: a qualitative goal may have no indicator (区域科技创新体系全面完善); its lead unit reports
        indicator_optional = self.format >= 2 and kind == "qualitative"
        indicator = self.get(m, "indicator", path, not indicator_optional)
        if indicator is not _MISSING:
            indicator = self.indicator_code(indicator, _key(path, "indicator"))
        elif indicator_optional:
            indicator = ""
        for key in _FORMAT2_TARGET_FIELDS:
            if self.format < 2 and m.get(key) is not None:
                self.issue(_key(path, key), MSG_FORMAT2_ONLY)
        lead_units = self.units(m, "lead_units", path, required=False) if self.format >= 2 else []
        if self.format >= 2 and kind == "qualitative" and not lead_units and "lead_units" not in m:
            self.issue(_key(path, "lead_units"), MSG_QUALITATIVE_LEAD)
        peers = self.peers(m, path, kind) if self.format >= 2 else None
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
            lead_units=lead_units,
            peers=peers,
        )

    def peers(self, m: dict, path: str, kind: Any) -> PeerSpec | None:
        value = m.get("peers")
        if value is None:
            return None
        ppath = _key(path, "peers")
        p = self.fields(value, ppath, ("scope", "reach"))
        if p is None:
            return None
        scope = self.text(p, "scope", ppath)
        reach = self.text(p, "reach", ppath, required=False, default="median")
        if scope is not _MISSING and scope not in PEER_SCOPES:
            self.issue(_key(ppath, "scope"), "must be one of " + ", ".join(PEER_SCOPES))
            return None
        if reach not in PEER_REACH:
            self.issue(_key(ppath, "reach"), "must be one of " + ", ".join(PEER_REACH))
            return None
        if kind not in ("level", "share", _MISSING):
            self.issue(ppath, "a peer comparison applies to a level or share target")
            return None
        if scope is _MISSING:
            return None
        return PeerSpec(scope=scope, reach=reach)

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
        title_en = self.english(m, "title_en", path, max_length=200)
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
            title_en=title_en,
        )

    def measure(self, item: Any, path: str, action_code: Any) -> MeasureSpec | None:
        m = self.fields(item, path, _MEASURE_FIELDS)
        if m is None:
            return None
        code = self.code(m, "code", path, scope="measure")
        if code is not _MISSING and action_code is not _MISSING and not code.startswith(f"{action_code}-"):
            self.issue(_key(path, "code"), f"must start with its action's code, e.g. {action_code}-01")
        title = self.text(m, "title", path, max_length=300)
        title_en = self.english(m, "title_en", path, max_length=300)
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
        mtype, frequency, targets = self.measure_kind(m, path, code)
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
            type=mtype,
            frequency=frequency,
            targets=targets,
            title_en=title_en,
        )

    def measure_kind(self, m: dict, path: str, code: Any) -> tuple[str, str, list[str]]:
        """Format 2: the measure's type, its frequency (recurring only) and the targets it drives."""
        if self.format < 2:
            for key in _FORMAT2_MEASURE_FIELDS:
                if m.get(key) is not None:
                    self.issue(_key(path, key), MSG_FORMAT2_ONLY)
            return "", "", []
        mtype = self.get(m, "type", path, False)
        if mtype is _MISSING:
            self.issue(_key(path, "type"), MSG_TYPE_REQUIRED)
            mtype = ""
        elif mtype not in MEASURE_TYPES:
            self.issue(_key(path, "type"), MSG_UNKNOWN_TYPE.format(type=mtype))
            mtype = ""
        frequency = self.get(m, "frequency", path, False)
        if frequency is _MISSING:
            frequency = ""
            if mtype == "recurring":
                self.issue(_key(path, "frequency"), MSG_FREQUENCY_NEEDED)
        elif frequency not in FREQUENCIES:
            self.issue(_key(path, "frequency"), MSG_UNKNOWN_FREQUENCY.format(frequency=frequency))
        elif mtype and mtype != "recurring":
            self.issue(_key(path, "frequency"), MSG_FREQUENCY_NOT_RECURRING.format(type=mtype))
        targets = []
        for i, value in enumerate(self.items(m, "targets", path, required=False) or []):
            tpath = f"{path}.targets[{i}]"
            if not isinstance(value, str) or not _CODE_RE.match(value.strip()):
                self.issue(tpath, MSG_BAD_CODE)
                continue
            value = value.strip()
            if value in targets:
                self.issue(tpath, f"{value} is listed twice")
                continue
            targets.append(value)
            if code is not _MISSING:
                self.links.append((tpath, value, code))
        return mtype, frequency, targets

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
                via = u.get("via")
                if name is _MISSING:
                    continue
                if via is not None:
                    if self.format < 2:
                        self.issue(_key(upath, "via"), MSG_FORMAT2_ONLY)
                    elif via != "lead_departments":
                        self.issue(_key(upath, "via"), "must be lead_departments (the plan's lead departments)")
                    elif inferred:
                        self.issue(upath, "a unit named by the plan's lead_departments is not inferred")
                    else:
                        self.via_lead_departments.append((upath, name))
                        if any(ref.name == name for ref in out):
                            self.issue(upath, f"{name} is listed twice")
                            continue
                        out.append(UnitRef(name=name, inferred=False, basis="lead_departments"))
                        continue
            if any(ref.name == name for ref in out):
                self.issue(upath, f"{name} is listed twice")
                continue
            out.append(UnitRef(name=name, inferred=inferred, basis="inferred" if inferred else "clause"))
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
