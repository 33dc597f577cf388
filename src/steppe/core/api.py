from datetime import datetime

from django.db.models import Count
from ninja import Router, Schema, Status

from steppe.core.errors import NotFound, ValidationFailed
from steppe.core.inputs import Limit, Offset, declare_conflict
from steppe.core.pagination import API_LIMIT, window

from . import services
from .auth import api_auth
from .models import Organisation, Region
from .notifications import inbox_for, notification_read
from .roles import OrgKind
from .validation import parse_choice

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
def list_regions(request, level: str | None = None, parent: str | None = None, boundaries: bool = False,
                 limit: Limit = 500, offset: Offset = 0):
    qs = Region.objects.select_related("parent").order_by("code")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if boundaries:
        qs = qs.select_related("outline")
    return [_region(r, boundaries) for r in window(qs, limit=limit, offset=offset)]


@router.get("/regions/{code}", response=RegionOut, summary="One region with its boundary")
def get_region(request, code: str):
    region = Region.objects.select_related("parent", "outline").filter(code=code).first()
    if region is None:
        raise NotFound(f"未知地区代码 {code} Unknown region code: {code}")
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


# ---------------------------------------------------------------- sign-up, tokens, organisations (issue 11)


class SignupIn(Schema):
    """Every field is checked by the sign-up form (all problems at once, 400 naming the fields)."""

    kind: str = ""
    name: str = ""
    credit_code: str = ""
    region: str = ""
    email: str = ""
    password: str = ""
    # a service agency (kind agency) may name its broker at once (both, or neither: then later)
    broker_name: str = ""
    certificate_no: str = ""


class SignupOut(Schema):
    id: int
    status: str


declare_conflict("POST /signup", "the credit code (or e-mail) is registered already")
declare_conflict("POST /organisations/{org_id}/approve", "the organisation has been decided already")
declare_conflict("POST /organisations/{org_id}/refuse", "the organisation has been decided already")


@router.post("/signup", response={201: SignupOut}, auth=None,
             summary="Self sign-up (kind enterprise|institution|agency|bank): a pending organisation; "
                     "400 names each bad field and writes nothing; 409 when the credit code is registered")
def signup(request, payload: SignupIn):
    org, _user = services.organisation_signup(data=payload.dict())
    return Status(201, {"id": org.pk, "status": org.status})


class TokenIn(Schema):
    email: str = ""
    password: str = ""


class TokenOut(Schema):
    token: str


@router.post("/auth/token", response=TokenOut, auth=None,
             summary="An API token for e-mail and password; 403 while the organisation is pending "
                     "or the e-mail unconfirmed, 401 for wrong credentials, 429 when throttled")
def auth_token(request, payload: TokenIn):
    return {"token": services.token_issue(request=request, email=payload.email, password=payload.password)}


class OrganisationDetailOut(OrganisationOut):
    refusal_reason: str
    created_at: str
    members: int


def _organisation_detail(org) -> dict:
    return {**organisation_out(org), "refusal_reason": org.refusal_reason, "created_at": org.created_at.isoformat(),
            "members": org.n_members if hasattr(org, "n_members") else org.users.count()}


@router.get("/organisations", response=list[OrganisationDetailOut], auth=api_auth,
            summary="Organisations this account may see (a bureau: its league's; the department: all); "
                    "`status=pending` is the approval queue")
def list_organisations(request, status: str | None = None, kind: str | None = None,
                       limit: Limit = API_LIMIT, offset: Offset = 0):
    qs = services.organisations_visible_to(request.auth).annotate(n_members=Count("users"))
    if status:
        if status not in Organisation.Status.values:
            raise ValidationFailed(f"未知状态 Unknown status: {status}",
                                   [{"field": "status", "message": f"one of {', '.join(Organisation.Status.values)}"}])
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=parse_choice(kind, "kind", OrgKind.values))
    return [_organisation_detail(o) for o in window(qs.order_by("created_at", "pk"), limit=limit, offset=offset)]


@router.get("/organisations/{org_id}", response=OrganisationDetailOut, auth=api_auth, summary="One organisation")
def get_organisation(request, org_id: int):
    return _organisation_detail(services.get_organisation_for_user(request.auth, org_id))


class ApproveOut(OrganisationDetailOut):
    joined: list[str]


@router.post("/organisations/{org_id}/approve", response=ApproveOut, auth=api_auth,
             summary="Confirm a pending organisation (its league's bureau or the department; 404 for anyone else); "
                     "what exists under its credit code joins it")
def approve_organisation(request, org_id: int):
    org = services.get_organisation_to_decide(request.auth, org_id)
    joined = services.organisation_approve(actor=request.auth, organisation=org)
    return {**_organisation_detail(org), "joined": joined}


class RefuseIn(Schema):
    reason: str = ""


@router.post("/organisations/{org_id}/refuse", response=OrganisationDetailOut, auth=api_auth,
             summary="Refuse a pending organisation with a reason (400 naming `reason` when it is empty)")
def refuse_organisation(request, org_id: int, payload: RefuseIn):
    org = services.get_organisation_to_decide(request.auth, org_id)
    services.organisation_refuse(actor=request.auth, organisation=org, reason=payload.reason)
    return _organisation_detail(org)


# ---------------------------------------------------------------- the inbox (every app's notices)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


@router.get("/notifications", response=list[NotificationOut], auth=api_auth, summary="The caller's inbox")
def list_notifications(request, unread: bool = False, limit: Limit = API_LIMIT, offset: Offset = 0):
    qs = inbox_for(request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in window(qs, limit=limit, offset=offset)
    ]


@router.post("/notifications/{pk}/read", auth=api_auth, summary="Mark one of the caller's notices read")
def read_notification(request, pk: int):
    notification_read(user=request.auth, pk=pk)  # 404 when not the caller's
    return {"read": True}
