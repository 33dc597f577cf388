"""Writes of the statistics app: the indicator dictionary and observation imports.

``observation_import`` is the one way observations come in (page, API, CLI and the published
statistics all call it). It parses CSV or XLSX with polars, checks every row with vectorised
expressions, and either refuses the whole file (errors naming row and column; nothing
changes) or writes all rows in one transaction with bulk inserts. A dry run reports what
would be added, revised and left unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml
from django.db import connection, transaction
from django.utils import timezone

from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.links import MSG_NOT_HTTP
from steppe.core.tables import read_frame, table_format, write_table, xlsx_workbook
from steppe.core.validation import parse_int

from . import derive
from .models import Import, Indicator, Observation, Source

DATA_DIR = Path(__file__).resolve().parent / "data"
INDICATORS_FILE = DATA_DIR / "indicators.yaml"
PUBLISHED_FILE = DATA_DIR / "published_statistics.csv"

COLUMNS = [
    "region",
    "indicator",
    "year",
    "value",
    "unit",
    "status",
    "source_title",
    "source_url",
    "source_date",
    "note",
]
REQUIRED_COLUMNS = ["region", "indicator", "year", "value", "unit", "source_title"]
MIN_YEAR = 1949
MAX_ERRORS_SHOWN = 200
STATUS_ALIASES = {
    "": "final",
    "final": "final",
    "正式": "final",
    "终核": "final",
    "最终": "final",
    "preliminary": "preliminary",
    "初步": "preliminary",
    "初步核算": "preliminary",
    "快报": "preliminary",
    "revised": "revised",
    "修订": "revised",
    "修正": "revised",
}

# Error messages (tests import these).
E_MISSING_COLUMN = "缺少必需的列 Missing required column"
E_UNKNOWN_REGION = "未知地区 Unknown region"
E_UNKNOWN_INDICATOR = "未知指标 Unknown indicator"
E_NOT_A_NUMBER = "数值不是数字 Value is not a number"
E_EMPTY_VALUE = "数值为空(缺失数据请不要填行,缺失不等于零) Value is empty"
E_UNIT_MISMATCH = "单位与指标不符 Unit does not match the indicator"
E_YEAR = "年份无效或超出范围 Year out of range"
E_STATUS = "状态无效(应为 final/preliminary/revised 或 正式/初步/修订) Invalid status"
E_DATE = "发布日期应为 YYYY-MM-DD Invalid source date"
E_NO_SOURCE = "缺少来源标题 Source title is required"
E_DUPLICATE = "同一地区、指标、年份和来源在文件中出现两次且数值不同 Same key twice with different values"
E_TOO_LONG = "文字过长 Text too long"
E_NOT_WEB_URL = MSG_NOT_HTTP
E_TOO_LARGE = "数值超出范围(绝对值须小于 10^14) Value out of range"
MAX_ABS_VALUE = 1e14
E_EMPTY_FILE = "文件没有数据行 The file has no data rows"
E_UNREADABLE = "无法读取文件 Cannot read the file"


# --------------------------------------------------------------------------- dictionary


def indicators_spec() -> list[dict]:
    return yaml.safe_load(INDICATORS_FILE.read_text(encoding="utf-8"))["indicators"]


@transaction.atomic
def indicators_load(*, path: Path | None = None) -> dict:
    """Creates or updates the indicator dictionary from YAML; checks every formula's units."""
    data = yaml.safe_load((path or INDICATORS_FILE).read_text(encoding="utf-8"))["indicators"]
    units = {d["code"]: d["unit"] for d in data}
    problems = []
    for i, d in enumerate(data):
        if not derive.known_unit(d["unit"]):
            problems.append({"path": f"indicators[{i}].unit", "message": f"unknown unit {d['unit']!r}"})
        if d.get("periodicity", "annual") not in Indicator.Periodicity.values:
            problems.append(
                {
                    "path": f"indicators[{i}].periodicity",
                    "message": f"unknown periodicity {d.get('periodicity')!r} (one of {', '.join(Indicator.Periodicity.values)})",
                }
            )
        try:  # +1 higher is better, -1 lower is better, 0 neither (the column's constraint)
            parse_int(d.get("direction", 1), "direction", lo=-1, hi=1)
        except ValidationFailed as exc:
            problems.append({"path": f"indicators[{i}].direction", "message": exc.data["errors"][0]["message"]})
        if d.get("formula"):
            try:
                derive.Formula.parse(d["formula"]).check(units, d["unit"])
            except derive.FormulaError as e:
                problems.append({"path": f"indicators[{i}].formula", "message": str(e)})
    if problems:
        raise DomainError(
            "indicator_dictionary_invalid",
            "指标字典有错误 Indicator dictionary invalid",
            data={"errors": problems},
        )
    existing = {i.code: i for i in Indicator.objects.all()}
    created = updated = 0
    for order, d in enumerate(data):
        values = {
            "name": d["name"],
            "name_en": d.get("name_en", ""),
            "unit": d["unit"],
            "category": d.get("category", ""),
            "definition": d.get("definition", ""),
            "definition_version": str(d.get("definition_version", "")),
            "direction": parse_int(d.get("direction", 1), "direction", lo=-1, hi=1),
            "periodicity": d.get("periodicity", "annual"),
            "formula": d.get("formula", "") or "",
            "plan_target": bool(d.get("plan_target", False)),
            "order": order,
        }
        ind = existing.get(d["code"])
        if ind is None:
            Indicator.objects.create(code=d["code"], **values)
            created += 1
        else:
            changed = [k for k, v in values.items() if getattr(ind, k) != v]
            if changed:
                for k in changed:
                    setattr(ind, k, values[k])
                ind.save(update_fields=changed)
                updated += 1
    return {"created": created, "updated": updated, "total": len(data)}


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    file_name: str
    rows: int = 0
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    dry_run: bool = True
    import_id: int | None = None
    samples: dict = field(default_factory=dict)  # {"added": [...], "revised": [...], "unchanged": [...]}
    timings: dict = field(default_factory=dict)  # seconds per stage, for the benchmark

    def as_dict(self) -> dict:
        return {
            "file_name": self.file_name,
            "rows": self.rows,
            "added": self.added,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "import_id": self.import_id,
            "samples": self.samples,
        }


def read_table(data: bytes, file_name: str) -> pl.DataFrame:
    """Every column as text, header names lower-cased, and a ``row`` column with each row's
    spreadsheet number (core.tables: encodings, caps, errors naming row and column)."""
    return read_frame(data, file_name)[1]


def _region_map() -> dict[str, int]:
    from steppe.core.models import Region

    m: dict[str, int] = {}
    for rid, code, name, level in Region.objects.values_list("id", "code", "name", "level"):
        m[code] = rid
        m[name] = rid
        for suffix in ("自治区", "市", "盟"):
            if level == "prefecture" and name.endswith(suffix) and len(name) > len(suffix) + 1:
                m.setdefault(name[: -len(suffix)], rid)
        if level == "province":
            for alias in ("内蒙古", "自治区", "全区"):
                m[alias] = rid
        if level == "country":
            m["中国"] = rid
    return m


def _err(
    df: pl.DataFrame, cond: pl.Expr, column: str, message: str, value_col: str | None = None
) -> pl.DataFrame:
    bad = df.filter(cond)
    if bad.height == 0:
        return pl.DataFrame(schema={"row": pl.UInt32, "column": pl.Utf8, "message": pl.Utf8})
    val = pl.col(value_col or column).fill_null("") if (value_col or column) in df.columns else pl.lit("")
    return bad.select(
        pl.col("row").cast(pl.UInt32),
        pl.lit(column).alias("column"),
        (pl.lit(message + ": ") + pl.lit("'") + val + pl.lit("'")).alias("message"),
    )


def check_table(df: pl.DataFrame) -> tuple[pl.DataFrame, list[dict], int]:
    """Validates every row. Returns (clean frame, first errors, error count).

    The clean frame has: row, region_id, indicator_id, year, value (in the indicator's unit),
    unit, status, source_title, source_url, source_date, note.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        errs = [{"row": 1, "column": c, "message": f"{E_MISSING_COLUMN}: {c}"} for c in missing]
        return df, errs, len(errs)
    if df.height == 0:
        return df, [{"row": 2, "column": "", "message": E_EMPTY_FILE}], 1
    for c in COLUMNS:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c))
    df = df.select(["row", *COLUMNS])
    df = df.with_columns([pl.col(c).str.strip_chars() for c in COLUMNS])

    regions = _region_map()
    inds = {code: (iid, unit) for iid, code, unit in Indicator.objects.values_list("id", "code", "unit")}
    ind_id = {k: v[0] for k, v in inds.items()}
    ind_unit = {k: v[1] for k, v in inds.items()}

    # unit conversion factors for every (row unit, indicator) pair present
    pairs = df.select("indicator", "unit").unique().drop_nulls()
    factors = {}
    for code, unit in pairs.iter_rows():
        if code not in ind_unit:
            continue
        target = ind_unit[code]
        if unit == target:
            factors[(code, unit)] = 1.0
        elif derive.known_unit(unit) and derive.same_dimension(unit, target):
            factors[(code, unit)] = float(derive.convert(1.0, unit, target))
    factor_df = pl.DataFrame(
        {
            "indicator": [k[0] for k in factors],
            "unit": [k[1] for k in factors],
            "factor": list(factors.values()),
        },
        schema={"indicator": pl.Utf8, "unit": pl.Utf8, "factor": pl.Float64},
    )

    num = pl.col("value").str.replace_all(",", "").str.replace_all(" ", "")
    df = df.with_columns(
        pl.col("region").replace_strict(regions, default=None, return_dtype=pl.Int64).alias("region_id"),
        pl.col("indicator").replace_strict(ind_id, default=None, return_dtype=pl.Int64).alias("indicator_id"),
        num.cast(pl.Float64, strict=False).alias("value_f"),
        pl.col("year").cast(pl.Int64, strict=False).alias("year_i"),
        pl.col("status")
        .fill_null("")
        .str.to_lowercase()
        .replace_strict(STATUS_ALIASES, default=None)
        .alias("status_c"),
        pl.col("source_date").str.to_date("%Y-%m-%d", strict=False).alias("source_date_d"),
    ).join(factor_df, on=["indicator", "unit"], how="left", maintain_order="left")

    max_year = dt.date.today().year
    err_frames = [
        _err(df, pl.col("region_id").is_null(), "region", E_UNKNOWN_REGION),
        _err(df, pl.col("indicator_id").is_null(), "indicator", E_UNKNOWN_INDICATOR),
        _err(df, pl.col("value").is_null() | (pl.col("value") == ""), "value", E_EMPTY_VALUE),
        _err(
            df,
            pl.col("value").is_not_null()
            & (pl.col("value") != "")
            & (pl.col("value_f").is_null() | ~pl.col("value_f").is_finite()),
            "value",
            E_NOT_A_NUMBER,
        ),
        _err(df, pl.col("indicator_id").is_not_null() & pl.col("factor").is_null(), "unit", E_UNIT_MISMATCH),
        _err(
            df,
            pl.col("year_i").is_null() | (pl.col("year_i") < MIN_YEAR) | (pl.col("year_i") > max_year),
            "year",
            f"{E_YEAR} ({MIN_YEAR}-{max_year})",
        ),
        _err(df, pl.col("status_c").is_null(), "status", E_STATUS),
        _err(
            df,
            pl.col("source_date").is_not_null()
            & (pl.col("source_date") != "")
            & pl.col("source_date_d").is_null(),
            "source_date",
            E_DATE,
        ),
        _err(
            df, pl.col("source_title").is_null() | (pl.col("source_title") == ""), "source_title", E_NO_SOURCE
        ),
        _err(df, pl.col("source_title").str.len_chars() > 400, "source_title", E_TOO_LONG + " (400)"),
        _err(df, pl.col("source_url").str.len_chars() > 600, "source_url", E_TOO_LONG + " (600)"),
        _err(
            df,
            (pl.col("source_url").fill_null("") != "")
            & ~pl.col("source_url").fill_null("").str.contains(r"^(?i)https?://[^\x00-\x20\x7f]+$"),
            "source_url",
            E_NOT_WEB_URL,
        ),
        _err(df, pl.col("value_f").abs() >= MAX_ABS_VALUE, "value", E_TOO_LARGE),
    ]
    # unit mismatch messages name the expected unit
    errors = pl.concat(err_frames)
    # the same key twice with different values
    key = ["region_id", "indicator_id", "year_i", "source_title", "source_url"]
    ok_keys = df.filter(
        pl.col("region_id").is_not_null()
        & pl.col("indicator_id").is_not_null()
        & pl.col("value_f").is_not_null()
    )
    dup = (
        ok_keys.with_columns((pl.col("value_f") * pl.col("factor").fill_null(1.0)).round(9).alias("v"))
        .group_by(key)
        .agg(pl.col("v").n_unique().alias("n"), pl.col("row").min().alias("first_row"), pl.col("row"))
        .filter(pl.col("n") > 1)
    )
    if dup.height:
        dup_rows = dup.explode("row").filter(pl.col("row") != pl.col("first_row"))
        errors = pl.concat(
            [
                errors,
                dup_rows.select(
                    pl.col("row").cast(pl.UInt32),
                    pl.lit("value").alias("column"),
                    (
                        pl.lit(E_DUPLICATE + ": 与第 ")
                        + pl.col("first_row").cast(pl.Utf8)
                        + pl.lit(" 行冲突")
                    ).alias("message"),
                ),
            ]
        )
    n_errors = errors.height
    if n_errors:
        errors = errors.sort("row", "column").head(MAX_ERRORS_SHOWN)
        out = []
        for row, column, message in errors.iter_rows():
            if column == "unit" and message.startswith(E_UNIT_MISMATCH):
                # name the expected unit: cheap, only for the shown rows
                code = df.row(row - 2, named=True)["indicator"]
                message += f"(指标 {code} 的单位是 {ind_unit.get(code, '?')})"
            out.append({"row": int(row), "column": column, "message": message})
        return df, out, n_errors

    clean = df.select(
        "row",
        "region_id",
        "indicator_id",
        pl.col("year_i").alias("year"),
        (pl.col("value_f") * pl.col("factor")).round(6).alias("value"),
        pl.col("indicator").replace_strict(ind_unit, default=None).alias("unit"),
        pl.col("status_c").alias("status"),
        "source_title",
        pl.col("source_url").fill_null(""),
        pl.col("source_date_d").alias("source_date"),
        pl.col("note").fill_null(""),
    ).unique(
        subset=["region_id", "indicator_id", "year", "source_title", "source_url"],
        keep="first",
        maintain_order=True,
    )
    return clean, [], 0


def _existing_sources(clean: pl.DataFrame) -> pl.DataFrame:
    titles = clean.get_column("source_title").unique().to_list()
    rows = []
    for i in range(0, len(titles), 500):
        rows += list(Source.objects.filter(title__in=titles[i : i + 500]).values_list("id", "title", "url"))
    return pl.DataFrame(
        rows, schema={"source_id": pl.Int64, "source_title": pl.Utf8, "source_url": pl.Utf8}, orient="row"
    )


def _existing_observations(clean: pl.DataFrame) -> pl.DataFrame:
    ind_ids = clean.get_column("indicator_id").unique().to_list()
    table = Observation._meta.db_table
    schema = {
        "old_id": pl.Int64,
        "region_id": pl.Int64,
        "indicator_id": pl.Int64,
        "year": pl.Int64,
        "source_id": pl.Int64,
        "old_value": pl.Float64,
        "old_status": pl.Utf8,
        "old_version": pl.Int64,
        "old_import": pl.Int64,
    }
    rows = []
    with connection.cursor() as cur:
        for i in range(0, len(ind_ids), 500):
            chunk = ind_ids[i : i + 500]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(
                f"SELECT id, region_id, indicator_id, year, source_id, CAST(value AS DOUBLE PRECISION), status, version, imported_by_id FROM {table} "
                f"WHERE is_current = %s AND indicator_id IN ({marks})",
                [True, *chunk],
            )
            rows += cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _withdrawn_versions(clean: pl.DataFrame) -> pl.DataFrame:
    """Highest version among the older (not current) versions of each key: a key whose values
    were all withdrawn continues its numbering when it comes back."""
    ind_ids = clean.get_column("indicator_id").unique().to_list()
    table = Observation._meta.db_table
    rows = []
    with connection.cursor() as cur:
        for i in range(0, len(ind_ids), 500):
            chunk = ind_ids[i : i + 500]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(
                f"SELECT region_id, indicator_id, year, source_id, MAX(version) FROM {table} "
                f"WHERE is_current = %s AND indicator_id IN ({marks}) "
                f"GROUP BY region_id, indicator_id, year, source_id",
                [False, *chunk],
            )
            rows += cur.fetchall()
    return pl.DataFrame(
        rows,
        schema={
            "region_id": pl.Int64,
            "indicator_id": pl.Int64,
            "year": pl.Int64,
            "source_id": pl.Int64,
            "gone_version": pl.Int64,
        },
        orient="row",
    )


def _plan_changes(clean: pl.DataFrame) -> pl.DataFrame:
    """Joins the file with the current observations: kind = added | revised | unchanged."""
    sources = _existing_sources(clean)
    f = clean.join(sources, on=["source_title", "source_url"], how="left", maintain_order="left")
    old = _existing_observations(clean)
    f = f.join(old, on=["region_id", "indicator_id", "year", "source_id"], how="left", maintain_order="left")
    same = (
        (pl.col("value") - pl.col("old_value")).abs()
        <= 1e-6 * pl.max_horizontal(pl.lit(1.0), pl.col("value").abs())
    ) & (pl.col("status") == pl.col("old_status"))
    # a key none of whose versions is current (withdrawn) continues its numbering
    new_keys = f.filter(pl.col("old_id").is_null())
    gone = _withdrawn_versions(new_keys) if new_keys.height else None
    if gone is not None and gone.height:
        f = f.join(
            gone, on=["region_id", "indicator_id", "year", "source_id"], how="left", maintain_order="left"
        )
        f = f.with_columns(pl.max_horizontal("old_version", "gone_version").alias("old_version")).drop(
            "gone_version"
        )
    return f.with_columns(
        pl.when(pl.col("old_id").is_null())
        .then(pl.lit("added"))
        .when(same)
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("revised"))
        .alias("kind"),
        (pl.col("old_version").fill_null(0) + 1).alias("version"),
    )


def _samples(f: pl.DataFrame, n: int = 50) -> dict:
    from steppe.core.models import Region

    out = {}
    names = dict(Region.objects.values_list("id", "name"))
    codes = dict(Indicator.objects.values_list("id", "code"))
    for kind in ("added", "revised", "unchanged"):
        part = f.filter(pl.col("kind") == kind).head(n)
        out[kind] = [
            {
                "row": r["row"],
                "region": names.get(r["region_id"]),
                "indicator": codes.get(r["indicator_id"]),
                "year": r["year"],
                "value": r["value"],
                "old_value": r["old_value"],
                "unit": r["unit"],
                "status": r["status"],
                "source_title": r["source_title"],
            }
            for r in part.iter_rows(named=True)
        ]
    return out


def observation_import(
    *,
    data: bytes,
    file_name: str,
    actor=None,
    via: str = "cli",
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Imports observations from a CSV or XLSX file (layout in docs/statistics.md).

    Raises DomainError('import_invalid', data={'errors': [{row, column, message}], 'count': N})
    when any row is wrong; then nothing is written.
    """
    import time

    say = progress or (lambda stage, done, total: None)
    clock = [time.perf_counter()]
    timings: dict[str, float] = {}

    def lap(name):
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now

    fmt = table_format(file_name, data)
    say("read", 0, 0)
    df = read_table(data, file_name)
    lap("read")
    say("check", 0, df.height)
    clean, errors, n_errors = check_table(df)
    lap("check")
    if n_errors:
        raise DomainError(
            "import_invalid",
            f"文件有 {n_errors} 处错误,未导入任何数据 The file has {n_errors} errors; nothing was imported",
            data={"errors": errors, "count": n_errors, "file_name": file_name},
        )
    changes = _plan_changes(clean)
    if via == "published":
        # Re-loading the repository copy never undoes a revision someone imported since: a key
        # whose current version came from another import is left as it is.
        later = list(Import.objects.exclude(via="published").values_list("id", flat=True))
        changes = changes.with_columns(
            pl.when((pl.col("kind") == "revised") & pl.col("old_import").is_in(later))
            .then(pl.lit("unchanged"))
            .otherwise(pl.col("kind"))
            .alias("kind")
        )
    lap("compare")
    counts = changes.group_by("kind").len()
    count = {k: n for k, n in counts.iter_rows()}
    result = ImportResult(
        file_name=file_name,
        rows=df.height,
        added=count.get("added", 0),
        revised=count.get("revised", 0),
        unchanged=count.get("unchanged", 0),
        dry_run=dry_run,
        samples=_samples(changes),
        timings=timings,
    )
    lap("samples")
    if dry_run:
        return result
    if result.added == 0 and result.revised == 0:
        return result  # nothing to change: no import recorded (loading the same file twice is a no-op)
    say("write", 0, result.added + result.revised)  # before the transaction: a job's page can show it
    with transaction.atomic(durable=not connection.in_atomic_block):
        imp = _write(
            changes, data=data, file_name=file_name, fmt=fmt, actor=actor, via=via, result=result, say=say
        )
    result.import_id = imp.id
    lap("write")
    from steppe.core.audit import audit_record

    audit_record(
        actor=actor,
        action="stats.import",
        obj=imp,
        after={
            "rows": result.rows,
            "added": result.added,
            "revised": result.revised,
            "unchanged": result.unchanged,
        },
        note=file_name,
    )
    return result


CHUNK = 100_000


def _write(
    changes: pl.DataFrame, *, data, file_name, fmt, actor, via, result: ImportResult, say, imp: Import | None = None
) -> Import:
    """Writes the added and revised rows; `imp` is an accepted submission (its record exists), else a new Import."""
    if imp is None:
        imp = Import.objects.create(
            file_name=file_name[:300],
            sha256=hashlib.sha256(data).hexdigest(),
            fmt=fmt,
            imported_by=actor if getattr(actor, "pk", None) else None,
            via=via,
            rows=result.rows,
            added=result.added,
            revised=result.revised,
            unchanged=result.unchanged,
        )
    else:
        imp.added, imp.revised, imp.unchanged = result.added, result.revised, result.unchanged
        imp.save(update_fields=["added", "revised", "unchanged"])
    # new sources
    new_src = (
        changes.filter(pl.col("source_id").is_null())
        .group_by("source_title", "source_url")
        .agg(pl.col("source_date").max())
    )
    if new_src.height:
        Source.objects.bulk_create(
            [Source(title=t[:400], url=u[:600], published_on=d) for t, u, d in new_src.iter_rows()],
            batch_size=500,
            ignore_conflicts=True,
        )
        got = _existing_sources(changes)
        changes = changes.drop("source_id").join(
            got, on=["source_title", "source_url"], how="left", maintain_order="left"
        )
    # older versions stop being current
    revised_ids = changes.filter(pl.col("kind") == "revised").get_column("old_id").to_list()
    table = Observation._meta.db_table
    with connection.cursor() as cur:
        for i in range(0, len(revised_ids), 500):
            chunk = revised_ids[i : i + 500]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(f"UPDATE {table} SET is_current = %s WHERE id IN ({marks})", [False, *chunk])
        rows = changes.filter(pl.col("kind") != "unchanged").select(
            "region_id",
            "indicator_id",
            "year",
            "value",
            "unit",
            "status",
            "source_id",
            "note",
            "version",
        )
        # in the order of the unique index: B-tree appends instead of random inserts (2-3x faster)
        rows = rows.sort("indicator_id", "region_id", "year", "source_id", "version")
        total = rows.height
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = (
            f"INSERT INTO {table} (region_id, indicator_id, year, value, unit, status, source_id, note, version, "
            f"is_current, imported_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        )
        done = 0
        # SQLite: the driver's own executemany (no per-call wrapper), '?' placeholders, and a page
        # cache big enough to hold the index pages of a large import (the default 2 MB spills to disk)
        raw = connection.connection if connection.vendor == "sqlite" else None
        if raw is not None and total > CHUNK:
            old_cache = raw.execute("PRAGMA cache_size").fetchone()[0]
            raw.execute("PRAGMA cache_size=-262144")
        for start in range(0, total, CHUNK):
            part = rows.slice(start, CHUNK).with_columns(
                pl.lit(True).alias("is_current"), pl.lit(imp.id).alias("imp"), pl.lit(now).alias("created_at")
            )
            if raw is not None:
                raw.executemany(sql.replace("%s", "?"), part.iter_rows())
            else:
                cur.executemany(sql, part.rows())
            done += part.height
            say("write", done, total)
        if raw is not None and total > CHUNK:
            raw.execute(f"PRAGMA cache_size={int(old_cache)}")
    return imp


def observation_import_file(path: str | Path, **kw) -> ImportResult:
    p = Path(path)
    if not p.exists():
        raise DomainError("not_found", f"文件不存在 File not found: {p}", status=404)
    return observation_import(data=p.read_bytes(), file_name=kw.pop("file_name", p.name), **kw)


def published_load(*, actor=None, progress=None, path: Path | None = None) -> ImportResult:
    """Loads the repository copy of the published statistics (idempotent: a second run adds nothing).

    A value loaded from an earlier copy of the file whose key (region, indicator, year, source) is
    no longer in it (e.g. a part-year figure re-filed under its own indicator) stops being current;
    it stays in the history. Values revised by other imports are never touched.
    """
    indicators_load()
    p = path or PUBLISHED_FILE
    result = observation_import_file(p, actor=actor, via="published", progress=progress)
    _withdraw_stale_published(p.read_bytes(), p.name, actor=actor)
    return result


def _withdraw_stale_published(data: bytes, file_name: str, *, actor=None) -> int:
    clean, _, n_errors = check_table(read_table(data, file_name))
    if n_errors:
        return 0
    src = {(t, u): i for i, t, u in Source.objects.values_list("id", "title", "url")}
    keys = {
        (r, ind, y, src.get((t, u)))
        for r, ind, y, t, u in clean.select(
            "region_id", "indicator_id", "year", "source_title", "source_url"
        ).iter_rows()
    }
    stale = [
        i
        for i, r, ind, y, s in Observation.objects.filter(
            is_current=True, imported_by__via="published"
        ).values_list("id", "region_id", "indicator_id", "year", "source_id")
        if (r, ind, y, s) not in keys
    ]
    if not stale:
        return 0
    with transaction.atomic():
        imp = Import.objects.create(
            file_name=file_name[:300],
            sha256=hashlib.sha256(data).hexdigest(),
            via="published",
            note=f"withdrawn: {len(stale)} value(s) no longer in the published file (kept in the history)",
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
        Observation.objects.filter(id__in=stale).update(is_current=False)
        from steppe.core.audit import audit_record

        audit_record(
            actor=actor, action="stats.withdraw", obj=imp, after={"observations": stale}, note=imp.note
        )
    return len(stale)


# --------------------------------------------------------------------------- template


TEMPLATE_ROWS = [
    [
        "内蒙古自治区",
        "rd_expenditure",
        "2022",
        "209.5",
        "亿元",
        "final",
        "2022年内蒙古自治区科技经费投入统计公报",
        "https://tj.nmg.gov.cn/",
        "2023-10-09",
        "示例行,导入前请删除",
    ],
    [
        "150200",
        "rd_expenditure",
        "2022",
        "77.5",
        "亿元",
        "",
        "2022年内蒙古自治区科技经费投入统计公报",
        "https://tj.nmg.gov.cn/",
        "2023-10-09",
        "地区可填代码或名称",
    ],
]


def template_csv() -> bytes:
    return write_table(COLUMNS, TEMPLATE_ROWS, "csv")


def template_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = xlsx_workbook(buf)
    ws = wb.add_worksheet("observations")
    bold = wb.add_format({"bold": True, "bg_color": "#e8eef7"})
    ws.write_row(0, 0, COLUMNS, bold)
    for i, r in enumerate(TEMPLATE_ROWS, start=1):
        ws.write_row(i, 0, r)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 24)
    ws.set_column(6, 6, 40)
    ws.set_column(7, 7, 30)
    ws.set_column(9, 9, 30)
    help_ws = wb.add_worksheet("说明")
    lines = [
        "一行一个数据:地区 × 指标 × 年份 × 来源。",
        "region: 地区代码(GB/T 2260,如 150200)或名称(包头市/包头)。",
        "indicator: 指标代码,见指标字典(/monitoring/indicators/)。",
        "year: 年份。value: 数值(不要写单位,不要用空值代替缺失)。",
        "unit: 单位,须与指标一致;同类单位(万元/亿元)会自动换算。",
        "status: final 正式 / preliminary 初步 / revised 修订,空白视为 final。",
        "source_title, source_url, source_date (YYYY-MM-DD): 来源。note: 备注。",
        "任何一行有错,整个文件都不会导入;错误会指出行号和列名。",
    ]
    for i, line in enumerate(lines):
        help_ws.write(i, 0, line)
    wb.close()
    return buf.getvalue()
