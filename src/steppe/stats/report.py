"""The monitoring report (目标监测报告): HTML, PDF (reportlab, with a subset of WenQuanYi Micro Hei
embedded, so the Chinese reads the same on any reader) and XLSX.

Everything in it comes from ``queries.plan_attainment``; charts are the same Vega-Lite specs the
pages draw, rendered to PNG by vl-convert.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re

from django.template.loader import render_to_string

from . import charts, queries
from .attainment import STATUS_COLOURS, STATUS_LABELS, STATUS_RULES, STATUSES, describe_projection, fmt_figure
from .presentation import KIND_LABELS, attainment_table, fmt, goal_text, pct

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_data(plan, *, as_of: int, with_charts: bool = True) -> dict:
    items = []
    sources: dict[tuple, dict] = {}
    for ta in queries.plan_attainment(plan, as_of=as_of):
        r = ta.result
        unit = r.target.unit
        leagues = []
        for lg, lr, _series in ta.leagues:
            leagues.append(
                {
                    "region": lg.name,
                    "region_en": lg.name_en,
                    "status": lr.status,
                    "label": STATUS_LABELS[lr.status][0],
                    "latest": fmt(lr.latest_value, unit),
                    "year": lr.latest_year,
                    "rule": lr.rule_zh,
                    "value": lr.latest_value,
                }
            )
        for y, c in sorted(ta.series.items()):
            key = (c.source_title, c.source_url)
            if not c.derived and key not in sources:
                sources[key] = {
                    "title": c.source_title,
                    "url": c.source_url,
                    "date": c.source_date.isoformat() if c.source_date else "",
                    "used_for": set(),
                }
            if key in sources:
                sources[key]["used_for"].add(f"{ta.target.code} {y}")
        png = None
        if with_charts and ta.target.kind != "qualitative" and len(ta.series) >= 1:
            ind_name = ta.indicator.name if ta.indicator else ta.target.indicator
            cjk = charts.cjk_font_available()
            points = [
                {
                    "year": y,
                    "value": c.value,
                    "kind": ("计算值" if c.derived else "统计值")
                    if cjk
                    else ("derived" if c.derived else "published"),
                }
                for y, c in sorted(ta.series.items())
            ]
            spec = charts.series_spec(
                points,
                title=f"{ta.target.code} {ind_name}"
                if cjk
                else f"{ta.target.code} {ta.indicator.name_en if ta.indicator else ''}",
                unit=unit if cjk else unit.replace("亿元", "100m CNY").replace("家", "firms"),
                target=r.needed_value,
                target_year=ta.target.target_year,
                projection=r.as_dict()["projection"],
                width=560,
                height=220,
                font=None,
                year_label="年份" if cjk else "year",
                target_label="目标" if cjk else "target",
            )
            try:
                png = charts.to_png(spec, width=560)
            except Exception:  # noqa: BLE001 - a chart that cannot render must not lose the report
                png = None
        items.append(
            {
                "code": ta.target.code,
                "name": ta.target.name,
                "kind": KIND_LABELS.get(ta.target.kind, ""),
                "clause": ta.target.clause,
                "region": ta.region.name,
                "status": r.status,
                "label": STATUS_LABELS[r.status][0],
                "colour": STATUS_COLOURS[r.status],
                "goal": goal_text(ta.target, r),
                "latest": fmt(r.latest_value, unit),
                "latest_year": r.latest_year,
                "baseline": fmt(r.baseline_value, unit),
                "baseline_year": ta.target.baseline_year,
                "needed": fmt(r.needed_value, unit),
                "gap": fmt(r.gap, unit),
                "observed": pct(r.observed_growth),
                "required": pct(r.required_growth),
                "ratio": "—"
                if r.ratio is None
                else (f"{r.ratio * 100:.1f}%" if r.ratio < 1 else f"{r.ratio * 100:.0f}%"),
                "rule": r.rule_zh,
                "projection": describe_projection(r) if ta.target.kind != "qualitative" else "",
                "baseline_note": ta.baseline_note,
                "part_year": ta.part_year_texts,
                "leagues": leagues,
                "png": png,
                "png_b64": base64.b64encode(png).decode() if png else None,
                "cell": ta.latest_cell,
            }
        )
    map_png = None
    if with_charts:
        map_png = _map_png(items)
    map_rows = _map_rows(as_of)
    counts = {}
    for it in items:
        counts[it["status"]] = counts.get(it["status"], 0) + 1
    return {
        "plan": plan,
        "as_of": as_of,
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "items": items,
        "summary": [
            {"label": STATUS_LABELS[s][0], "n": counts.get(s, 0), "colour": STATUS_COLOURS[s]}
            for s in STATUSES
        ],
        "rules": [
            {"label": STATUS_LABELS[s][0], "rule": STATUS_RULES[s][0], "colour": STATUS_COLOURS[s]}
            for s in STATUSES
        ],
        "sources": sorted(
            ({**v, "used_for": "、".join(sorted(v["used_for"]))} for v in sources.values()),
            key=lambda s: s["title"],
        ),
        "preference_rule": queries.PREFERENCE_RULE,
        "map_png": map_png,
        "map_rows": map_rows,
        "map_b64": base64.b64encode(map_png).decode() if map_png else None,
        "sections": _extra_sections(as_of),
    }


def _extra_sections(as_of: int) -> list:
    """Sections other apps declare through core.registry.report_sections (e.g. the composite indices)."""
    from steppe.core.registry import report_sections

    return [s for provider in report_sections if (s := provider(as_of)) is not None]


MAP_INDICATOR = "rd_expenditure"


def _map_rows(as_of: int) -> list[dict]:
    """The map's figures as a table (12 leagues; missing stays missing)."""
    table = queries.cells(indicators=[MAP_INDICATOR], year_to=as_of)
    out = []
    for lg in queries.leagues():
        mine = [c for (r, _i, _y), c in table.items() if r == lg.code]
        c = max(mine, key=lambda c: c.year) if mine else None
        out.append(
            {
                "region": lg.name,
                "value": None if c is None else fmt(c.value, c.unit),
                "year": None if c is None else c.year,
                "source": "" if c is None else c.source_title,
            }
        )
    return out


def _map_png(items) -> bytes | None:
    """The 12 leagues coloured by their latest R&D expenditure (grey: no data)."""
    from .models import Indicator

    ind = Indicator.objects.filter(code=MAP_INDICATOR).first()
    if ind is None:
        return None
    table = queries.cells(indicators=[MAP_INDICATOR])
    latest = {}
    for (r, _i, y), c in table.items():
        if r not in latest or y > latest[r][1]:
            latest[r] = (c.value, y, c.unit)
    cjk = charts.cjk_font_available()
    feats = []
    for lg in queries.leagues(with_boundary=True):
        if not lg.boundary:
            continue
        v = latest.get(lg.code)
        name = lg.name if cjk else lg.name_en
        feats.append(
            {
                "type": "Feature",
                "geometry": lg.boundary,
                "properties": {
                    "name": name,
                    "value": None if v is None else v[0],
                    "label": ("无数据" if cjk else "no data") if v is None else f"{fmt_figure(v[0])} ({v[1]})",
                },
            }
        )
    spec = charts.choropleth_spec(
        feats,
        title=f"12个盟市 · {ind.name}(最新年份,灰色为无数据)"
        if cjk
        else "12 leagues: R&D expenditure, latest year (grey: no data)",
        unit=ind.unit if cjk else "100m CNY",
        font=None,
        width=560,
        height=360,
    )
    try:
        return charts.to_png(spec, width=560)
    except Exception:  # noqa: BLE001
        return None


def build_report(plan, *, as_of: int, fmt: str) -> tuple[bytes, str]:
    from steppe.core.errors import DomainError

    if fmt not in FORMATS:
        raise DomainError("bad_format", f"报告格式应为 html、pdf 或 xlsx,不是 {fmt}", status=404)
    data = report_data(plan, as_of=as_of, with_charts=True)
    if fmt == "html":
        return render_to_string("stats/report.html", data).encode("utf-8"), FORMATS[fmt]
    if fmt == "pdf":
        return report_pdf(data), FORMATS[fmt]
    return report_xlsx(data), FORMATS[fmt]


# --------------------------------------------------------------------------- PDF


PDF_FONT = "WenQuanYiMicroHei"


def _cjk_font(pdfmetrics) -> str:
    """Register the TrueType CJK font once; reportlab embeds the subset of glyphs a report uses.

    The font is WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 or GPL-3.0 with the font exception),
    shipped as a file by the PyPI package paperang-p2-fonts-cjk. A built-in CID font such as
    STSong-Light is never embedded: readers without it substitute another font or show boxes."""
    from importlib.resources import files

    from reportlab.pdfbase.ttfonts import TTFont

    try:
        pdfmetrics.getFont(PDF_FONT)
    except KeyError:
        path = files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
        pdfmetrics.registerFont(TTFont(PDF_FONT, str(path), subfontIndex=0))
    return PDF_FONT


def report_pdf(data: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import (
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _cjk_font(pdfmetrics)
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=11)
    h1 = ParagraphStyle("h1", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=base, fontSize=13, leading=19, spaceBefore=10, spaceAfter=4)
    h3 = ParagraphStyle("h3", parent=base, fontSize=11, leading=16, spaceBefore=8, spaceAfter=2)

    def p(text, style=base):
        # STSong-Light has no U+00B7 (middle dot): use the ideographic full stop's neighbour '・'-free form
        return Paragraph(html.escape(str(text).replace("·", " | ")).replace("\n", "<br/>"), style)

    plan = data["plan"]
    story = [
        p("目标监测报告", h1),
        p(f"{plan.title}", ParagraphStyle("t", parent=base, alignment=TA_CENTER)),
        p(
            f"统计数据截至 {data['as_of']} 年 · 生成于 {data['generated']} · Steppe",
            ParagraphStyle("m", parent=small, alignment=TA_CENTER),
        ),
        Spacer(1, 6 * mm),
        p("一、总体情况", h2),
    ]
    summ = [[p("状态", small), p("目标数", small)]] + [
        [p(s["label"], small), p(str(s["n"]), small)] for s in data["summary"]
    ]
    t = Table(summ, colWidths=[40 * mm, 25 * mm])
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
            ]
            + [
                ("BACKGROUND", (0, i + 1), (0, i + 1), colors.HexColor(s["colour"]))
                for i, s in enumerate(data["summary"])
            ]
            + [("TEXTCOLOR", (0, i + 1), (0, i + 1), colors.white) for i in range(len(data["summary"]))]
        )
    )
    story += [t, Spacer(1, 3 * mm)]
    rows = [[p(h, small) for h in ("目标", "最新值", "目标值", "状态")]]
    styles = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for i, it in enumerate(data["items"], start=1):
        latest = f"{it['latest']}({it['latest_year']}年)" if it["latest_year"] else "无数据"
        rows.append(
            [
                p(f"{it['code']} {it['name']}", small),
                p(latest, small),
                p(it["goal"], small),
                p(it["label"], small),
            ]
        )
        styles.append(("BACKGROUND", (3, i), (3, i), colors.HexColor(it["colour"])))
        styles.append(("TEXTCOLOR", (3, i), (3, i), colors.white))
    t = Table(rows, colWidths=[55 * mm, 35 * mm, 60 * mm, 25 * mm], repeatRows=1)
    t.setStyle(TableStyle(styles))
    story += [t, p("状态判定规则", h3)]
    for r in data["rules"]:
        story.append(p(f"【{r['label']}】{r['rule']}", small))
    story.append(
        p(
            "增速为复合年均增速;“趋势外推”按已有年份的对数线性趋势计算并附90%区间,只是估算,不是统计数据。"
            + data["preference_rule"],
            small,
        )
    )
    if data.get("map_png"):
        story.append(
            KeepTogether(
                [
                    p("各盟市研发经费(最新年份)", h3),
                    Image(io.BytesIO(data["map_png"]), width=150 * mm, height=150 * mm * 0.68),
                ]
            )
        )
    if data.get("map_rows"):
        mrows = [[p(h, small) for h in ("盟市", "最新值", "年份", "来源")]] + [
            [
                p(r["region"], small),
                p(r["value"] or "无数据", small),
                p(r["year"] or "—", small),
                p(r["source"][:70], small),
            ]
            for r in data["map_rows"]
        ]
        mt = Table(mrows, colWidths=[28 * mm, 25 * mm, 15 * mm, 107 * mm], repeatRows=1)
        mt.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [Spacer(1, 2 * mm), mt]
    story += [PageBreak(), p("二、各项目标", h2)]
    for it in data["items"]:
        story.append(p(f"{it['code']} {it['name']}({it['kind']} · {it['region']})", h3))
        story.append(p(f"规划原文:{it['clause']}", small))
        story.append(p(f"目标:{it['goal']}  状态:{it['label']}", base))
        if it["kind"] != "定性":
            facts = [
                [
                    "基期",
                    f"{it['baseline']}({it['baseline_year'] or '—'}年)",
                    "最新值",
                    f"{it['latest']}({it['latest_year'] or '—'}年)",
                ],
                ["目标年应达", it["needed"], "差距", it["gap"]],
                ["实际年均增速", it["observed"], "所需年均增速", it["required"]],
            ]
            ft = Table(
                [[p(c, small) for c in row] for row in facts], colWidths=[30 * mm, 55 * mm, 30 * mm, 55 * mm]
            )
            ft.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
            story.append(ft)
        story.append(p(f"判定依据:{it['rule']}", base))
        if it["baseline_note"]:
            story.append(p(it["baseline_note"], small))
        for text in it.get("part_year", []):
            story.append(p(text, small))
        if it["projection"]:
            story.append(p(it["projection"], small))
        if it["cell"] is not None:
            c = it["cell"]
            story.append(p(f"来源:{c.source_title} {c.source_url}", small))
        if it["png"]:
            story.append(Image(io.BytesIO(it["png"]), width=140 * mm, height=140 * mm * 0.5))
        if it["leagues"]:
            lrows = [[p(h, small) for h in ("盟市", "最新值", "年份", "状态")]]
            for lg in it["leagues"]:
                lrows.append(
                    [
                        p(lg["region"], small),
                        p(lg["latest"], small),
                        p(str(lg["year"] or "—"), small),
                        p(lg["label"], small),
                    ]
                )
            lt = Table(lrows, colWidths=[40 * mm, 35 * mm, 20 * mm, 35 * mm], repeatRows=1)
            lt.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                    ]
                )
            )
            story += [p("盟市情况(只列有数据的盟市)", small), lt]
    for sec in data.get("sections", []):
        story += [PageBreak(), p(sec.title, h2), *[p(t, base) for t in sec.paragraphs]]
        if sec.rows:
            st = Table([list(sec.columns)] + [["" if v is None else str(v) for v in r] for r in sec.rows],
                       repeatRows=1)
            st.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7)]))
            story.append(st)
    story += [PageBreak(), p("三、数据来源", h2)]
    for s in data["sources"]:
        story.append(
            p(
                f"· {s['title']}{('(' + s['date'] + ')') if s['date'] else ''} {s['url']}  用于:{s['used_for']}",
                small,
            )
        )
    buf = io.BytesIO()

    def page_no(canvas, doc):
        canvas.setFont(font, 8)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"目标监测报告  第 {doc.page} 页")

    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="目标监测报告",
        author="Steppe",
        initialFontName=font,
    )
    doc.build(story, onFirstPage=page_no, onLaterPages=page_no)
    return buf.getvalue()


# --------------------------------------------------------------------------- XLSX


def report_xlsx(data: dict) -> bytes:
    from steppe.core.tables import write_cell, xlsx_workbook

    def write_row(ws, i, cells, fmt=None):
        for j, v in enumerate(cells):
            write_cell(ws, i, j, v, text_format=fmt)

    buf = io.BytesIO()
    wb = xlsx_workbook(buf)
    bold = wb.add_format({"bold": True, "bg_color": "#eef1f4", "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet("目标")
    cols, rows = attainment_table(data["plan"], data["as_of"])
    write_row(ws, 0, cols, bold)
    for i, r in enumerate(rows, start=1):
        write_row(ws, i, r, wrap)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 24)
    ws.set_column(17, 17, 60)
    ws.set_column(19, 19, 50)
    ws.freeze_panes(1, 2)
    cs = wb.add_worksheet("图表")
    row = 0
    for it in data["items"]:
        if it["png"]:
            write_cell(cs, row, 0, f"{it['code']} {it['name']}", text_format=bold)
            cs.insert_image(
                row + 1,
                0,
                f"{it['code']}.png",
                {"image_data": io.BytesIO(it["png"]), "x_scale": 0.5, "y_scale": 0.5},
            )
            row += 18
    if data.get("map_png"):
        write_cell(cs, row, 0, "12个盟市", text_format=bold)
        cs.insert_image(
            row + 1, 0, "map.png", {"image_data": io.BytesIO(data["map_png"]), "x_scale": 0.5, "y_scale": 0.5}
        )
    ss = wb.add_worksheet("来源")
    write_row(ss, 0, ["来源", "网址", "发布日期", "用于"], bold)
    for i, s in enumerate(data["sources"], start=1):
        write_row(ss, i, [s["title"], s["url"], s["date"], s["used_for"]])
    ss.set_column(0, 0, 70)
    ss.set_column(1, 1, 50)
    for sec in data.get("sections", []):
        xs = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", sec.title)[:31])
        for i, text in enumerate(sec.paragraphs):
            xs.write(i, 0, text)
        top = len(sec.paragraphs) + 1
        xs.write_row(top, 0, list(sec.columns), bold)
        for i, r in enumerate(sec.rows, start=top + 1):
            for j, v in enumerate(r):
                if v is None:
                    xs.write_blank(i, j, None)
                elif isinstance(v, int | float):
                    xs.write_number(i, j, v)
                else:
                    xs.write_string(i, j, str(v))
    rs = wb.add_worksheet("判定规则")
    for i, r in enumerate(data["rules"]):
        write_row(rs, i, [r["label"], r["rule"]])
    write_row(rs, len(data["rules"]) + 1, ["取值规则", data["preference_rule"]])
    rs.set_column(1, 1, 100)
    wb.close()
    return buf.getvalue()
