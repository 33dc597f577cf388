from ninja import Router, Schema

from steppe.core.errors import NotFound

from .auth import api_auth
from .models import Region

router = Router(tags=["core"])


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    name_mn: str
    level: str
    parent: str | None
    boundary: dict | None = None


def _region(r: Region, with_boundary: bool) -> dict:
    return {"code": r.code, "name": r.name, "name_en": r.name_en, "name_mn": r.name_mn, "level": r.level,
            "parent": r.parent.code if r.parent_id else None, "boundary": r.boundary if with_boundary else None}


@router.get("/regions", response=list[RegionOut], summary="Regions; `boundaries=true` adds GeoJSON geometries")
def list_regions(request, level: str | None = None, parent: str | None = None, boundaries: bool = False):
    qs = Region.objects.select_related("parent").order_by("code")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if not boundaries:
        qs = qs.defer("boundary")
    return [_region(r, boundaries) for r in qs]


@router.get("/regions/{code}", response=RegionOut, summary="One region with its boundary")
def get_region(request, code: str):
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise NotFound(f"未知地区代码 Unknown region code: {code}")
    return _region(region, True)


class MeOut(Schema):
    username: str
    role: str
    region: str | None
    unit: str | None


@router.get("/me", response=MeOut, auth=api_auth, summary="The authenticated account")
def me(request):
    u = request.auth
    return {"username": u.username, "role": u.role, "region": u.region.code if u.region_id else None,
            "unit": u.unit.name if u.unit_id else None}
