"""Import speed: 1,000,000 observation rows with full validation into a fresh SQLite database.

Usage: .venv/bin/python bench/stats_import.py [ROWS]
Prints the time of each stage (read, check, compare with the database, write) for a first import
(all rows added), the same file again (all unchanged, nothing written) and a dry run.
Goal (issue 3): under 15 s for 1,000,000 rows on SQLite.
"""

import os
import sys
import tempfile
import time
from pathlib import Path


def main():
    rows_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    tmp = Path(tempfile.mkdtemp(prefix="steppe-bench-import-"))
    os.environ["STEPPE_VAR_DIR"] = str(tmp)
    os.environ.setdefault("STEPPE_DEBUG", "1")
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    # the upload caps (core.tables) are for people's files; the benchmark's file is bigger on purpose
    os.environ.setdefault("STEPPE_UPLOAD_MAX_ROWS", str(rows_wanted))
    os.environ.setdefault("STEPPE_UPLOAD_MAX_MB", "1024")
    import django

    django.setup()
    import numpy as np
    import polars as pl
    from django.core.management import call_command

    from steppe.core.models import Region
    from steppe.core.regions import regions_load
    from steppe.stats.models import Indicator, Observation
    from steppe.stats.services import indicators_load, observation_import

    call_command("migrate", verbosity=0)
    regions_load()
    indicators_load()
    regions = list(Region.objects.values_list("code", flat=True))
    inds = list(Indicator.objects.values_list("code", "unit"))
    years = list(range(1950, 2026))
    per_source = len(regions) * len(inds) * len(years)
    n_sources = -(-rows_wanted // per_source)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    grid = pl.DataFrame({"region": regions}).join(
        pl.DataFrame({"indicator": [i[0] for i in inds], "unit": [i[1] for i in inds]}), how="cross"
    )
    grid = grid.join(pl.DataFrame({"year": [str(y) for y in years]}), how="cross")
    grid = grid.join(pl.DataFrame({"s": list(range(n_sources))}), how="cross").head(rows_wanted)
    n = grid.height
    df = grid.with_columns(
        pl.Series("value", np.round(rng.uniform(0.1, 5000, n), 2).astype(str)),
        pl.lit("final").alias("status"),
        ("统计公报 第" + pl.col("s").cast(pl.Utf8) + "号").alias("source_title"),
        pl.lit("https://example.org/bulletin").alias("source_url"),
        pl.lit("2024-09-30").alias("source_date"),
        pl.lit("").alias("note"),
    ).select(
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
    )
    path = tmp / "observations.csv"
    df.write_csv(path)
    data = path.read_bytes()
    print(
        f"generated {n:,} rows ({len(data) / 1e6:.0f} MB CSV) in {time.perf_counter() - t0:.1f} s; database {tmp / 'steppe.sqlite3'}"
    )

    def run(label, **kw):
        stages = {}
        last = [time.perf_counter()]

        def progress(stage, done, total):
            now = time.perf_counter()
            stages.setdefault(stage, 0.0)
            last[0] = now

        t = time.perf_counter()
        r = observation_import(data=data, file_name=path.name, progress=progress, **kw)
        secs = time.perf_counter() - t
        print(
            f"{label:<28} {secs:6.2f} s   rows {r.rows:,}: added {r.added:,}, revised {r.revised:,}, unchanged {r.unchanged:,}"
        )
        print("   stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.timings.items()))
        return secs

    first = run("first import (all added)")
    print(f"  observations in database: {Observation.objects.count():,}")
    run("dry run of the same file")
    run("same file again (no-op)")
    print(f"goal: < 15 s for 1,000,000 rows; first import took {first:.2f} s for {n:,} rows")


if __name__ == "__main__":
    main()
