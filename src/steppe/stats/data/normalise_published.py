"""Rebuilds published_statistics.csv (the import layout) from nmg_sti_indicators.csv (as collected).

Run: .venv/bin/python src/steppe/stats/data/normalise_published.py
What it does, row by row, and nothing else:
- status: 'revised' where the note says the row belongs to the REVISED series, 'preliminary'
  where it says preliminary / 初步; otherwise 'final';
- source_date: the YYYY-MM-DD date in the source title, where there is one;
- unit: rd_expenditure_per_fte is 万元 per person-year (万元/人年), as its note says;
- adds share_tsme_in_hightech_zones 2022 = 28.82%, the figure stated in the note of the
  tech_smes_in_hightech_zones row (same source), so the region's 2022 tech-SME count can be derived;
- PART_YEAR: a figure for part of a year is never filed as that year's value. Counts stated at a
  date within the year (e.g. "截至目前" on 2025-04-17) go to the *_interim indicators, first-half
  figures (e.g. 鄂尔多斯 2023年上半年, 研发费用口径) to the *_h1 indicators; the note says why;
- OTHER_SCOPE: a figure the collector marks as a different 口径 from the series it was filed under
  goes to an indicator of its own (the 2024 figure announced at the science work conference, the
  2023 economic-census figure), so a series never mixes 口径 silently.
"""

import re
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
DATE = re.compile(r"(20\d\d-\d\d-\d\d)")


# (region, indicator, year): (indicator it belongs to, why) - rows that describe part of a year
PART_YEAR = {
    ("内蒙古自治区", "high_tech_enterprises", "2025"): (
        "high_tech_enterprises_interim",
        "截至2025-04-17的时点数,不是2025年末数",
    ),
    ("内蒙古自治区", "tech_smes", "2025"): ("tech_smes_interim", "截至2025-04-17的时点数,不是2025年全年数"),
    ("巴彦淖尔市", "high_tech_enterprises", "2025"): (
        "high_tech_enterprises_interim",
        "截至2025年4月的时点数,不是2025年末数",
    ),
    ("巴彦淖尔市", "tech_smes", "2025"): ("tech_smes_interim", "截至2025年4月的时点数,不是2025年全年数"),
    ("锡林郭勒盟", "high_tech_enterprises", "2023"): (
        "high_tech_enterprises_interim",
        "截至2023年11月的时点数,不是2023年末数",
    ),
    ("锡林郭勒盟", "tech_smes", "2023"): ("tech_smes_interim", "截至2023年11月的时点数,不是2023年全年数"),
    ("鄂尔多斯市", "share_industrial_enterprises_with_rd", "2023"): (
        "share_industrial_enterprises_with_rd_h1",
        "上半年数,研发费用口径,不是年度R&D调查口径的全年数",
    ),
    ("鄂尔多斯市", "share_industrial_enterprises_with_rd", "2022"): (
        "share_industrial_enterprises_with_rd_h1",
        "上半年数,研发费用口径,不是年度R&D调查口径的全年数",
    ),
    ("鄂尔多斯市", "industrial_enterprises_with_rd", "2023"): (
        "industrial_enterprises_with_rd_h1",
        "上半年数,研发费用口径,不是年度R&D调查口径的全年数",
    ),
}


# (region, indicator, year): (indicator of its own 口径, why)
OTHER_SCOPE = {
    ("内蒙古自治区", "fiscal_st_expenditure", "2024"): (
        "fiscal_st_expenditure_announced",
        "科技工作会议通报数,口径可能与统计公报的财政科学技术支出不同",
    ),
    ("内蒙古自治区", "fiscal_st_expenditure_growth", "2024"): (
        "fiscal_st_expenditure_announced_growth",
        "科技工作会议通报数的增速,口径可能与统计公报不同",
    ),
    ("内蒙古自治区", "hightech_manufacturing_rd_expenditure", "2023"): (
        "hightech_manufacturing_rd_expenditure_census",
        "第五次全国经济普查口径,与年度R&D调查口径不同",
    ),
}


def status_of(note: str) -> str:
    n = note or ""
    if "REVISED" in n:
        return "revised"
    if "preliminary" in n.lower() or "初步" in n:
        return "preliminary"
    return "final"


def main():
    src = pl.read_csv(HERE / "nmg_sti_indicators.csv", infer_schema=False)
    rows = []
    for r in src.iter_rows(named=True):
        m = DATE.search(r["source_title"] or "")
        unit = r["unit"]
        if r["indicator"] == "rd_expenditure_per_fte":
            unit = "万元/人年"
        indicator, note = r["indicator"], r["note"] or ""
        key = (r["region"], r["indicator"], r["year"])
        moved = PART_YEAR.get(key) or OTHER_SCOPE.get(key)
        if moved:
            indicator, why = moved
            note = f"{why}(原记为 {r['indicator']} {r['year']}); {note}"
        rows.append(
            {
                "region": r["region"],
                "indicator": indicator,
                "year": r["year"],
                "value": r["value"],
                "unit": unit,
                "status": status_of(r["note"]),
                "source_title": r["source_title"],
                "source_url": r["source_url"] or "",
                "source_date": m.group(1) if m else "",
                "note": note,
            }
        )
        if r["indicator"] == "tech_smes_in_hightech_zones" and r["year"] == "2022":
            rows.append(
                {
                    **rows[-1],
                    "indicator": "share_tsme_in_hightech_zones",
                    "value": "28.82",
                    "unit": "%",
                    "note": "from the note of the tech_smes_in_hightech_zones row: = 28.82% of region total",
                }
            )
    pl.DataFrame(rows).write_csv(HERE / "published_statistics.csv")
    print(f"{len(rows)} rows written")


if __name__ == "__main__":
    main()
