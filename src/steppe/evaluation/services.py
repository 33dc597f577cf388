"""Writes of the evaluation app: indicator definitions into the statistics dictionary, index runs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .framework import Framework

INDICATORS_FILE = Path(__file__).parent / "data" / "indicators.yaml"


def evaluation_indicators_load() -> dict:
    """Adds (or updates) the indicator definitions the frameworks need to the statistics
    dictionary, through the statistics app's own loader (same checks of units and fields)."""
    from steppe.stats.services import indicators_load

    return indicators_load(path=INDICATORS_FILE)


def data_template(fw: Framework, *, year: int | None = None) -> str:
    """The empty data template of a framework.

    Leagues and counties: rows in the statistics import layout (region, indicator, year, value, unit,
    source_title, ...), one per unit and indicator, value empty, for `steppe stats import`.
    Parks: the framework's data file layout, one row per registered park.
    """
    buf = io.StringIO()
    if "stats" in fw.data:
        from steppe.stats.services import COLUMNS

        from .queries import units_of

        w = csv.writer(buf)
        w.writerow(COLUMNS)
        for _code, name in units_of(fw):
            for ind in fw.indicators:
                row = {
                    "region": name,
                    "indicator": ind.stats_code or ind.code,
                    "year": year or "",
                    "value": "",
                    "unit": ind.unit,
                }
                w.writerow([row.get(c, "") for c in COLUMNS])
        return buf.getvalue()
    base = fw.path.parent if fw.path else Path.cwd()
    reg = fw.data.get("register")
    ucol = fw.data.get("unit_code", "uCode")
    ncol = fw.data.get("unit_name", "uName")
    groups = list(fw.data.get("groups") or [])
    w = csv.writer(buf)
    w.writerow([ucol, ncol, *groups, "year", *fw.indicator_codes])
    if reg:
        with (base / reg).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                w.writerow(
                    [
                        r[ucol],
                        r[ncol],
                        *[r.get(g, "") for g in groups],
                        year or "",
                        *[""] * len(fw.indicators),
                    ]
                )
    return buf.getvalue()
