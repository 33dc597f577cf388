"""Charts: Vega-Lite specs built with Altair, drawn in the page by the offline vega-embed bundle
(static/stats/vega-embed.js, from vl-convert) and as PNG for reports by vl-convert.

One library for both. In PNG/PDF, Chinese text needs a CJK font: Debian's fonts-noto-cjk is used
where installed; without it, report charts fall back to English labels (the report text stays Chinese).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import altair as alt

from .attainment import STATUS_COLOURS, STATUS_LABELS, fmt_figure

CJK_FONT_DIRS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto-cjk"),
    Path("/usr/share/fonts/truetype/wqy"),
]
CJK_FONT = "Noto Sans CJK SC"
PAGE_FONT = '"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif'


@lru_cache(maxsize=1)
def cjk_font_available() -> bool:
    """Registers a CJK font directory with vl-convert, if one is installed; True when it did."""
    import vl_convert as vlc

    for d in CJK_FONT_DIRS:
        if d.is_dir() and any(p.suffix.lower() in (".ttc", ".otf", ".ttf") for p in d.iterdir()):
            try:
                vlc.register_font_directory(str(d))
            except Exception:  # noqa: BLE001 - a broken font dir only means ASCII labels
                continue
            return True
    return False


def _cfg(chart: alt.TopLevelMixin, *, font: str | None) -> dict:
    spec = chart.to_dict(validate=False)  # our specs are fixed shapes; schema validation costs ~20 ms each
    if font:
        spec.setdefault("config", {})["font"] = font
    spec["$schema"] = (
        "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier only; nothing is fetched
    )
    return spec


def series_spec(
    points: list[dict],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    target_year: int | None = None,
    projection: dict | None = None,
    width: int | str = "container",
    height: int = 260,
    font: str | None = PAGE_FONT,
    year_label: str = "年份",
    value_label: str | None = None,
    target_label: str = "目标",
) -> dict:
    """Time series: points [{year, value, kind}] (kind: 统计值 / 计算值), the target as a rule and
    the trend projection (estimate) as a dashed line with its interval band."""
    data = [{"year": int(p["year"]), "value": p["value"], "kind": p.get("kind", "统计值")} for p in points]
    value_label = value_label or unit
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("year:Q", title=year_label, axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("value:Q", title=value_label, scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("year:Q", format="d", title=year_label),
            alt.Tooltip("value:Q", title=value_label),
            "kind:N",
        ],
    )
    layers = [
        base.mark_line(point=True, color="#1f6f8b"),
        base.mark_point(filled=True, size=60).encode(
            shape=alt.Shape("kind:N", legend=alt.Legend(title=None, orient="bottom"))
        ),
    ]
    if projection and data:
        last = max(data, key=lambda d: d["year"])
        pdata = [
            {"year": last["year"], "value": last["value"], "low": last["value"], "high": last["value"]},
            {
                "year": projection["year"],
                "value": projection["value"],
                "low": projection.get("low") or projection["value"],
                "high": projection.get("high") or projection["value"],
            },
        ]
        pc = alt.Chart(alt.Data(values=pdata))
        layers.append(pc.mark_area(opacity=0.15, color="#888").encode(x="year:Q", y="low:Q", y2="high:Q"))
        layers.append(pc.mark_line(strokeDash=[4, 4], color="#888").encode(x="year:Q", y="value:Q"))
    if target is not None:
        tdata = [
            {
                "value": target,
                "label": f"{target_label} {fmt_figure(target)}{unit if unit not in ('rank', 'index') else ''}",
                "year": target_year or (max(d["year"] for d in data) if data else 2025),
            }
        ]
        tc = alt.Chart(alt.Data(values=tdata))
        layers.append(tc.mark_rule(color="#c62828", strokeDash=[6, 3]).encode(y="value:Q"))
        layers.append(
            tc.mark_text(align="right", dy=-6, color="#c62828").encode(
                x="year:Q", y="value:Q", text="label:N"
            )
        )
    chart = alt.layer(*layers).properties(title=title, width=width, height=height)
    return _cfg(chart, font=font)


def sparkline_spec(points: list[dict], *, target: float | None = None, colour: str = "#1f6f8b") -> dict:
    data = [{"year": int(p["year"]), "value": p["value"]} for p in points]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("year:Q", axis=None),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("year:Q", format="d"), "value:Q"],
    )
    layers = [base.mark_line(color=colour), base.mark_point(filled=True, size=18, color=colour)]
    if target is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"t": target}]))
            .mark_rule(color="#c62828", strokeDash=[3, 2])
            .encode(y="t:Q")
        )
    chart = alt.layer(*layers).properties(width="container", height=40).configure_view(stroke=None)
    return _cfg(chart, font=None)


def league_bar_spec(
    rows: list[dict],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    font: str | None = PAGE_FONT,
    width: int | str = "container",
    derived_word: str = ",计算值",
) -> dict:
    """rows [{region, value, year, status}] — leagues without data are absent, never drawn as zero."""
    data = [
        {
            **r,
            "label": f"{_short(r['value'])}({r['year']}{derived_word if r.get('derived') else ''})"
            if r.get("year")
            else _short(r["value"]),
        }
        for r in rows
        if r.get("value") is not None
    ]
    colours = alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("region:N", sort="-x", title=None),
        x=alt.X("value:Q", title=unit),
        tooltip=["region:N", "value:Q", alt.Tooltip("year:Q", format="d"), "status_label:N"],
    )
    layers = [
        base.mark_bar().encode(color=alt.Color("status:N", scale=colours, legend=None)),
        base.mark_text(align="left", dx=3, fontSize=10, color="#37474f").encode(
            text="label:N"
        ),  # value (year)
    ]
    if target is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"t": target}]))
            .mark_rule(color="#c62828", strokeDash=[6, 3])
            .encode(x="t:Q")
        )
    chart = alt.layer(*layers).properties(title=title, width=width, height=max(60, 22 * len(data)))
    return _cfg(chart, font=font)


def choropleth_spec(
    features: list[dict],
    *,
    title: str,
    unit: str,
    font: str | None = PAGE_FONT,
    width: int | str = "container",
    height: int = 380,
    missing_label: str = "无数据",
    region_label: str = "地区",
) -> dict:
    """features: GeoJSON features with properties {name, value (None = missing), year}.
    Missing leagues are drawn grey with the word for 'no data', never as zero."""
    fc = {"type": "FeatureCollection", "features": features}
    data = alt.Data(values=fc, format=alt.DataFormat(property="features", type="json"))
    base = alt.Chart(data).project(type="mercator")
    has = alt.Chart(data).project(type="mercator").transform_filter("datum.properties.value != null")
    layers = [
        base.mark_geoshape(fill="#e0e0e0", stroke="#fff", strokeWidth=0.8).encode(
            tooltip=[
                alt.Tooltip("properties.name:N", title=region_label),
                alt.Tooltip("properties.label:N", title=unit),
            ]
        ),
        has.mark_geoshape(stroke="#fff", strokeWidth=0.8).encode(
            color=alt.Color("properties.value:Q", title=unit, scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("properties.name:N", title=region_label),
                alt.Tooltip("properties.label:N", title=unit),
            ],
        ),
    ]
    # the leagues' names on the map, so a printed map reads without hovering; the label points
    # ride on the features (one copy of the boundaries for every layer)
    for f in features:
        c = _label_point(f.get("geometry"))
        if c:
            f.setdefault("properties", {}).update(lon=c[0], lat=c[1])
    if any("lon" in (f.get("properties") or {}) for f in features):
        named = base.transform_filter("isValid(datum.properties.lon)")
        enc = {"longitude": "properties.lon:Q", "latitude": "properties.lat:Q", "text": "properties.name:N"}
        layers.append(
            named.mark_text(
                fontSize=9, color="#222", stroke="#fff", strokeWidth=2.5, strokeOpacity=0.8
            ).encode(**enc)
        )
        layers.append(named.mark_text(fontSize=9, color="#222").encode(**enc))
    chart = alt.layer(*layers).properties(title=title, width=width, height=height)
    return _cfg(chart, font=font)


def _label_point(geom: dict | None) -> tuple[float, float] | None:
    """A point inside-ish a (Multi)Polygon for its label: the area centroid of its largest ring."""
    if not geom or geom.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    best = None
    for poly in polys:
        ring = poly[0] if poly else []
        if len(ring) < 3:
            continue
        a = cx = cy = 0.0
        for p0, p1 in zip(ring, [*ring[1:], ring[0]], strict=True):
            x0, y0, x1, y1 = p0[0], p0[1], p1[0], p1[1]
            cross = x0 * y1 - x1 * y0
            a += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if a == 0:
            continue
        cand = (abs(a), cx / (3 * a), cy / (3 * a))
        if best is None or cand[0] > best[0]:
            best = cand
    return None if best is None else (round(best[1], 4), round(best[2], 4))


def _short(v: float) -> str:
    """A bar label: at most 4 significant decimals (1.92312 -> 1.923), counts without '.0'."""
    return f"{int(v)}" if float(v).is_integer() else f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"


def status_legend() -> list[dict]:
    return [{"status": s, "label": STATUS_LABELS[s][0], "colour": c} for s, c in STATUS_COLOURS.items()]


def to_png(spec: dict, *, scale: float = 2.0, width: int = 640) -> bytes:
    """Renders a spec to PNG with vl-convert (for reports). 'container' widths become `width`."""
    import vl_convert as vlc

    spec = json.loads(json.dumps(spec))

    def fix(node):
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for v in node.values():
                fix(v)
        elif isinstance(node, list):
            for v in node:
                fix(v)

    fix(spec)
    if cjk_font_available():
        spec.setdefault("config", {})["font"] = CJK_FONT
    return vlc.vegalite_to_png(spec, scale=scale)
