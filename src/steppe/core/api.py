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


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    credit_code: str
    region: str | None


class MeOut(Schema):
    id: int
    username: str
    email: str
    role: str
    region: str | None
    unit: str | None
    org_role: str | None
    organisation: OrganisationOut | None


def organisation_out(org) -> dict:
    return {"id": org.pk, "name": org.name, "kind": org.kind, "status": org.status,
            "credit_code": org.credit_code, "region": org.region.code if org.region_id else None}


@router.get("/me", response=MeOut, auth=api_auth,
            summary="The authenticated account and its organisation (kind, status, credit code, region)")
def me(request):
    u = request.auth
    org = u.unit
    return {"id": u.pk, "username": u.username, "email": u.email, "role": u.role,
            "region": u.region.code if u.region_id else None, "unit": org.name if org else None,
            "org_role": u.org_role if org else None, "organisation": organisation_out(org) if org else None}
