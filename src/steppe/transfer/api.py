"""The one network's JSON API: registers, matching, negotiation, contracts, figures.

Reads of published records are public; writes need a user (``api_auth``). Every write calls the
service the pages call; errors come back in the API's one envelope.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import Count, Q
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from steppe.core.auth import api_auth
from steppe.core.errors import DomainError, NotFound
from steppe.core.inputs import Id, Limit, Offset, StoredDecimal, Year, declare_conflict
from steppe.core.pagination import API_LIMIT, window
from steppe.core.tables import read_upload
from steppe.core.validation import JsonInput, invalid, parse_choice

from . import permissions as perms
from . import queries, services
from .models import Achievement, Broker, ContractStatus, Demand, Expert, Scenario
from .validation import (
    BrokerBody,
    BrokerProfileBody,
    ContractAmendBody,
    ContractBody,
    ExpertBody,
    InterestBody,
    ListingBody,
    MessageBody,
    PromoteBody,
    PublishBody,
    ReasonBody,
    ReviewBody,
    RoundBody,
    ScenarioBody,
)

router = Router(tags=["transfer"])


# ---------------------------------------------------------------- schemas


class ListingOut(Schema):
    id: UUID
    kind: str
    title: str
    description: str
    field: str
    region: str
    region_name: str
    unit: str | None
    status: str
    review_note: str
    expires_on: dt.date | None
    views: int
    readiness: int | None = None
    ip_type: str | None = None
    transfer_modes: list[str] | None = None
    price_min: StoredDecimal = None
    price_max: StoredDecimal = None
    budget: StoredDecimal = None
    deadline: dt.date | None = None


class MatchOut(Schema):
    id: UUID
    kind: str
    title: str
    rank: int
    score: float
    field: str
    same_field: bool
    shared_terms: list[str]
    region: str
    readiness: int | None
    explanation: str


class SearchOut(Schema):
    query_field: str
    query_field_source: str
    # "index": ranked by the matching index; "database": the index is still being built, so the
    # records holding every query word, newest first; "pending": no matches until it is built
    source: str
    results: list[MatchOut]


class InterestOut(Schema):
    id: UUID
    listing_kind: str
    listing_id: UUID
    listing_title: str
    status: str
    broker: str | None
    created_at: dt.datetime


class MessageOut(Schema):
    author: str
    body: str
    created_at: dt.datetime


class ContractOut(Schema):
    id: UUID
    number: str
    title: str
    type: str
    seller: str
    seller_region: str
    buyer: str
    buyer_region: str
    amount: StoredDecimal
    tech_amount: StoredDecimal
    signed_on: dt.date
    registered_on: dt.date
    authority: str
    rules_version: str
    channel: str
    status: str
    version: int = 1
    supersedes: UUID | None = None
    reviewed_at: dt.datetime | None = None
    review_note: str = ""


class ImportOut(Schema):
    rows: int
    created: int
    dry_run: bool


class TurnoverRow(Schema):
    region_code: str
    year: int
    turnover_wan: StoredDecimal
    output_wan: StoredDecimal
    inflow_wan: StoredDecimal
    count: int


class FunnelRow(Schema):
    key: str
    listings: int
    views: int
    interests: int
    negotiations: int
    contracts: int


class ScenarioOut(Schema):
    id: UUID
    round: int
    seq: int
    title: str
    owner: str
    needs: str
    field: str
    deadline: dt.date | None
    demand_id: UUID | None


class RoundOut(Schema):
    number: int
    title: str
    published_on: dt.date | None


class ExpertOut(Schema):
    id: UUID
    name: str
    fields: list[str]
    institution: str
    region: str | None


class BrokerOut(Schema):
    id: UUID
    name: str
    certificate_no: str
    fields: list[str] = Field(..., description="服务领域, the broker's service fields")
    region: str | None = Field(None, description="the league or city it serves (GB/T 2260 code)")
    deals: int


# ---------------------------------------------------------------- helpers


def _listing_out(obj) -> dict:
    out = {
        "id": obj.public_id,
        "kind": obj.kind,
        "title": obj.title,
        "description": obj.description,
        "field": obj.field,
        "region": obj.region.code,
        "region_name": obj.region.name,
        "unit": obj.unit.name if obj.unit_id else None,
        "status": obj.status,
        "review_note": obj.review_note,
        "expires_on": obj.expires_on,
        "views": obj.views,
    }
    if obj.kind == "achievement":
        out.update(
            readiness=obj.readiness,
            ip_type=obj.ip_type,
            transfer_modes=obj.transfer_modes,
            price_min=obj.price_min,
            price_max=obj.price_max,
        )
    else:
        out.update(budget=obj.budget, deadline=obj.deadline)
    return out


def _contract_out(c) -> dict:
    return {
        "id": c.public_id,
        **{
            k: getattr(c, k)
            for k in (
                "number",
                "title",
                "type",
                "seller",
                "buyer",
                "amount",
                "tech_amount",
                "signed_on",
                "registered_on",
                "authority",
                "rules_version",
                "channel",
                "status",
                "version",
                "reviewed_at",
                "review_note",
            )
        },
        "supersedes": c.supersedes.public_id if c.supersedes_id else None,
        "seller_region": c.seller_region.code,
        "buyer_region": c.buyer_region.code,
    }


def _interest_out(i) -> dict:
    listing = i.listing
    return {
        "id": i.public_id,
        "listing_kind": listing.kind,
        "listing_id": listing.public_id,
        "listing_title": listing.title,
        "status": i.status,
        "broker": i.broker.name if i.broker_id else None,
        "created_at": i.created_at,
    }


def _hits_out(hits) -> list[dict]:
    return [
        {
            "id": h.obj.public_id,
            "kind": h.kind,
            "title": h.obj.name if h.kind == "expert" else h.obj.title,
            "rank": h.match.rank,
            "score": h.match.score,
            "field": h.match.field,
            "same_field": h.match.same_field,
            "shared_terms": list(h.terms),
            "region": h.match.region,
            "readiness": h.match.readiness,
            "explanation": h.explanation,
        }
        for h in hits
    ]


def _search_out(result, hits) -> dict:
    return {
        "query_field": result.field,
        "query_field_source": result.field_source,
        "source": result.source,
        "results": _hits_out(hits),
    }


MODELS = {"achievements": Achievement, "demands": Demand}


# ---------------------------------------------------------------- registers


def _register_listing_routes(plural: str, model):
    kind = model.kind

    @router.post(
        f"/transfer/{plural}/import",
        response=ImportOut,
        auth=api_auth,
        summary=f"Import {plural}",
        operation_id=f"transfer_{kind}_import",
    )
    def listing_import(request, file: UploadedFile = File(...), dry_run: bool = False):
        return services.listing_import(
            actor=request.auth, kind=kind, filename=file.name, content=read_upload(file), dry_run=dry_run
        )

    @router.get(
        f"/transfer/{plural}",
        response=list[ListingOut],
        summary=f"Published {plural}",
        operation_id=f"transfer_{kind}_list",
    )
    def listing_list(
        request,
        field: str = "",
        region: str = "",
        limit: Limit = 100,
        offset: Offset = 0,
    ):
        qs = window(queries.published_listings(kind, field=field, region=region), limit=limit, offset=offset)
        return [_listing_out(o) for o in qs]

    @router.post(
        f"/transfer/{plural}",
        response={201: ListingOut},
        auth=api_auth,
        summary=f"Submit a {kind}",
        operation_id=f"transfer_{kind}_create",
    )
    def listing_create(request, payload: ListingBody):
        """Checked by transfer.validation.ListingValidator, the page's validator: every bad field at once."""
        obj = services.listing_submit(actor=request.auth, kind=kind, data=JsonInput(payload.dict()))
        return Status(201, _listing_out(obj))

    @router.get(
        f"/transfer/{plural}/{{public_id}}",
        response=ListingOut,
        summary=f"One {kind}",
        operation_id=f"transfer_{kind}_get",
    )
    def listing_get(request, public_id: UUID):
        obj = perms.get_listing_for_user(request.user, model, public_id)
        return _listing_out(obj)

    @router.patch(
        f"/transfer/{plural}/{{public_id}}",
        response=ListingOut,
        auth=api_auth,
        summary=f"Edit a {kind} (a returned one goes back to review)",
        operation_id=f"transfer_{kind}_update",
    )
    def listing_update(request, public_id: UUID, payload: ListingBody):
        """Checked by transfer.validation.ListingValidator (the fields sent, over the record's own)."""
        obj = perms.get_listing_for_user(request.auth, model, public_id)
        services.listing_update(actor=request.auth, listing=obj, data=JsonInput(payload.dict(exclude_unset=True)))
        return _listing_out(obj)

    @router.post(
        f"/transfer/{plural}/{{public_id}}/review",
        response=ListingOut,
        auth=api_auth,
        operation_id=f"transfer_{kind}_review",
    )
    def listing_review(request, public_id: UUID, payload: ReviewBody):
        """`decision`: accept or return (with a `reason`); checked by transfer.validation.ReviewDecisionValidator."""
        obj = perms.get_listing_for_user(request.auth, model, public_id)
        services.listing_review(actor=request.auth, listing=obj, data=JsonInput(payload.dict()))
        return _listing_out(obj)

    @router.post(
        f"/transfer/{plural}/{{public_id}}/publish",
        response=ListingOut,
        auth=api_auth,
        operation_id=f"transfer_{kind}_publish",
    )
    def listing_publish(request, public_id: UUID, payload: PublishBody):
        """`expires_on` (optional, after today); checked by transfer.validation.PublishValidator."""
        obj = perms.get_listing_for_user(request.auth, model, public_id)
        services.listing_publish(actor=request.auth, listing=obj, data=JsonInput(payload.dict()))
        return _listing_out(obj)

    @router.post(
        f"/transfer/{plural}/{{public_id}}/withdraw",
        response=ListingOut,
        auth=api_auth,
        operation_id=f"transfer_{kind}_withdraw",
    )
    def listing_withdraw(request, public_id: UUID, payload: ReasonBody):
        """`reason` (optional); checked by transfer.validation.ReasonValidator."""
        obj = perms.get_listing_for_user(request.auth, model, public_id)
        services.listing_withdraw(actor=request.auth, listing=obj, data=JsonInput(payload.dict()))
        return _listing_out(obj)

    @router.get(
        f"/transfer/{plural}/{{public_id}}/matches",
        response=dict[str, SearchOut],
        summary="Ranked matches",
        operation_id=f"transfer_{kind}_matches",
    )
    def listing_matches(request, public_id: UUID, k: int = Query(10, ge=1, le=50)):
        obj = perms.get_listing_for_user(request.user, model, public_id)
        found = queries.matches_for_listing(obj, k=k)
        return {kind: _search_out(*pair) for kind, pair in found.items()}

    @router.post(
        f"/transfer/{plural}/{{public_id}}/interests",
        response={201: InterestOut},
        auth=api_auth,
        summary="Express interest",
        operation_id=f"transfer_{kind}_interest",
    )
    def listing_interest(request, public_id: UUID, payload: InterestBody):
        """`note`, and the broker by `broker_certificate` (or `broker`, its id); checked by
        transfer.validation.InterestValidator, as on the record page."""
        obj = perms.get_listing_for_user(request.auth, model, public_id)
        interest = services.interest_express(actor=request.auth, listing=obj, data=JsonInput(payload.dict()))
        return Status(201, _interest_out(interest))


# fixed paths (…/import) are declared before …/{public_id} so they win the URL match
for _plural, _model in MODELS.items():
    _register_listing_routes(_plural, _model)


@router.get("/transfer/search", response=SearchOut, summary="Search published records")
def search(
    request,
    q: str,
    kind: str = "",
    region: str = "",
    field: str = "",
    min_readiness: int | None = Query(None, ge=1, le=9),
    max_price: float | None = Query(None, ge=0, allow_inf_nan=False),
    k: int = Query(20, ge=1, le=100),
):
    if kind:
        parse_choice(kind, "kind", ("achievement", "demand", "expert"))
    filters = {
        "region": region or None,
        "field": field or None,
        "min_readiness": min_readiness,
        "max_price": max_price,
    }
    try:
        result, hits = queries.search(q, kind=kind or None, filters=filters, k=k)
    except ValueError as exc:
        raise DomainError("invalid", str(exc)) from exc
    return _search_out(result, hits)


def _scenario_out(s) -> dict:
    return {
        "id": s.public_id,
        "round": s.round.number,
        "seq": s.seq,
        "title": s.title,
        "owner": s.owner,
        "needs": s.needs,
        "field": s.field,
        "deadline": s.deadline,
        "demand_id": s.demand.public_id if s.demand_id else None,
    }


@router.get("/transfer/scenarios", response=list[ScenarioOut], summary="Scenario lists (场景清单)")
def scenario_list(request, round: Id | None = None, limit: Limit = API_LIMIT, offset: Offset = 0):
    qs = Scenario.objects.select_related("round", "demand").order_by("-round__number", "seq")
    if round is not None:
        qs = qs.filter(round__number=round)
    return [_scenario_out(s) for s in window(qs, limit=limit, offset=offset)]


@router.post(
    "/transfer/scenarios/rounds", response={201: RoundOut}, auth=api_auth, summary="Open a numbered round"
)
def scenario_round_create(request, payload: RoundBody):
    """Checked by transfer.validation.RoundValidator, as on the scenarios page."""
    r = services.scenario_round_create(actor=request.auth, data=JsonInput(payload.dict()))
    return Status(201, {"number": r.number, "title": r.title, "published_on": r.published_on})


@router.post(
    "/transfer/scenarios", response={201: ScenarioOut}, auth=api_auth, summary="Add a scenario to a round"
)
def scenario_create(request, payload: ScenarioBody):
    """`round`: the round's number. Checked by transfer.validation.ScenarioValidator, as on the scenarios page."""
    data = JsonInput(payload.dict())
    return Status(201, _scenario_out(services.scenario_add(actor=request.auth, data=data)))


@router.post(
    "/transfer/demands/{public_id}/promote",
    response={201: ScenarioOut},
    auth=api_auth,
    summary="Promote a published demand into a scenario of a round",
    operation_id="transfer_demand_promote",
)
def demand_promote(request, public_id: UUID, payload: PromoteBody):
    """`round`: the round's number. Checked by transfer.validation.PromoteValidator, as on the record page."""
    demand = perms.get_listing_for_user(request.auth, Demand, public_id)
    s = services.demand_promote(actor=request.auth, demand=demand, data=JsonInput(payload.dict()))
    return Status(201, _scenario_out(s))


@router.get("/transfer/experts", response=list[ExpertOut])
def expert_list(request, limit: Limit = API_LIMIT, offset: Offset = 0):
    return [
        {
            "id": e.public_id,
            "name": e.name,
            "fields": e.fields,
            "institution": e.institution,
            "region": e.region.code if e.region_id else None,
        }
        for e in window(
            Expert.objects.filter(active=True).select_related("region"),
            limit=limit,
            offset=offset,
        )
    ]


@router.post("/transfer/experts", response={201: ExpertOut}, auth=api_auth)
def expert_create(request, payload: ExpertBody):
    """Checked by transfer.validation.ExpertValidator, as on the experts page."""
    e = services.expert_save(actor=request.auth, data=JsonInput(payload.dict()))
    return Status(
        201,
        {
            "id": e.public_id,
            "name": e.name,
            "fields": e.fields,
            "institution": e.institution,
            "region": e.region.code if e.region_id else None,
        },
    )


def _broker_out(b) -> dict:
    deals = getattr(b, "deals", None)
    return {
        "id": b.public_id,
        "name": b.name,
        "certificate_no": b.certificate_no,
        "fields": b.fields,
        "region": b.region.code if b.region_id else None,
        "deals": b.contracts.filter(status="registered").count() if deals is None else deals,
    }


@router.get("/transfer/brokers", response=list[BrokerOut])
def broker_list(request, limit: Limit = API_LIMIT, offset: Offset = 0):
    """Brokers with the number of registered contracts they brought (one query)."""
    qs = (
        Broker.objects.select_related("region")
        .annotate(deals=Count("contracts", filter=Q(contracts__status="registered")))
    )
    return [_broker_out(b) for b in window(qs.order_by("name", "id"), limit=limit, offset=offset)]


@router.post("/transfer/brokers", response={201: BrokerOut}, auth=api_auth)
def broker_create(request, payload: BrokerBody):
    """Checked by transfer.validation.BrokerValidator, as on the experts and broker pages."""
    user = request.auth if request.auth.role == "broker" else None
    data = JsonInput(payload.dict())
    return Status(201, _broker_out(services.broker_register(actor=request.auth, data=data, user=user)))


@router.patch(
    "/transfer/brokers/me",
    response=BrokerOut,
    auth=api_auth,
    summary="A broker changes its 服务领域 (fields: a list of texts) and its league or city (region: a code "
    "or a name, \"\" for none); only the fields sent change, every bad one is named at once, a change is audited",
)
def broker_update_mine(request, payload: BrokerProfileBody):
    broker = Broker.objects.filter(user=request.auth).first()
    if broker is None:
        raise NotFound("尚未登记技术经纪人信息 No broker profile for this account")
    data = JsonInput({k: v for k, v in payload.dict().items() if k in payload.model_fields_set})
    return _broker_out(services.broker_update(actor=request.auth, broker=broker, data=data))


# ---------------------------------------------------------------- negotiation


@router.get("/transfer/interests", response=list[InterestOut], auth=api_auth, summary="My negotiations")
def interest_list(request, limit: Limit = API_LIMIT, offset: Offset = 0):
    return [_interest_out(i) for i in window(queries.interests_for_user(request.auth), limit=limit, offset=offset)]


@router.get("/transfer/interests/{public_id}/messages", response=list[MessageOut], auth=api_auth)
def message_list(request, public_id: UUID, limit: Limit = API_LIMIT, offset: Offset = 0):
    interest = perms.get_interest_for_user(request.auth, public_id)
    return [
        {"author": m.author.username, "body": m.body, "created_at": m.created_at}
        for m in window(interest.messages.select_related("author"), limit=limit, offset=offset)
    ]


@router.post("/transfer/interests/{public_id}/messages", response={201: MessageOut}, auth=api_auth)
def message_post(request, public_id: UUID, payload: MessageBody):
    """`body`; checked by transfer.validation.MessageValidator, as on the negotiation page."""
    interest = perms.get_interest_for_user(request.auth, public_id)
    m = services.message_post(actor=request.auth, interest=interest, data=JsonInput(payload.dict()))
    return Status(201, {"author": m.author.username, "body": m.body, "created_at": m.created_at})


# ---------------------------------------------------------------- contracts and figures


@router.get("/transfer/contracts", response=list[ContractOut], auth=api_auth)
def contract_list(
    request, year: Year | None = None, status: str | None = None, limit: Limit = API_LIMIT, offset: Offset = 0
):
    """Contracts this user may see; `status=submitted` is an operator's 认定登记 review queue."""
    qs = queries.contracts_for_user(request.auth)
    if status:
        qs = qs.filter(status=parse_choice(status, "status", ContractStatus.values))
    if year:
        qs = qs.filter(registered_on__year=year)
    return [_contract_out(c) for c in window(qs, limit=limit, offset=offset)]


@router.post("/transfer/contracts", response={201: ContractOut}, auth=api_auth, summary="Register a contract")
def contract_create(request, payload: ContractBody):
    """Checked by transfer.validation.ContractValidator, the contract pages' validator."""
    data = JsonInput(payload.dict())
    interest = None
    interest_id = data.pop("interest_id", None)
    if interest_id not in (None, ""):
        try:
            interest_id = UUID(str(interest_id))
        except ValueError:
            failed = invalid("interest_id", "不是洽谈编号 Not a negotiation id")
            failed.status = 422
            raise failed from None
        interest = perms.get_interest_for_user(request.auth, interest_id)
    c = services.contract_register(actor=request.auth, data=data, interest=interest, channel="api")
    return Status(201, _contract_out(c))


@router.post("/transfer/contracts/import", response=ImportOut, auth=api_auth)
def contract_import(request, file: UploadedFile = File(...), dry_run: bool = False):
    return services.contract_import(
        actor=request.auth, filename=file.name, content=read_upload(file), dry_run=dry_run
    )


@router.get("/transfer/contracts/{public_id}", response=ContractOut, auth=api_auth)
def contract_get(request, public_id: UUID):
    return _contract_out(perms.get_contract_for_user(request.auth, public_id))


@router.post(
    "/transfer/contracts/{public_id}/review",
    response=ContractOut,
    auth=api_auth,
    summary="Operator: 认定登记 review of a submitted contract (approve: it counts in the turnover)",
)
def contract_review(request, public_id: UUID, payload: ReviewBody):
    """`decision`: approve (认定登记: it counts in the turnover) or return (with a `reason`); checked by
    transfer.validation.ReviewDecisionValidator, as on the contracts page."""
    c = perms.get_contract_for_user(request.auth, public_id)
    services.contract_review(actor=request.auth, contract=c, data=JsonInput(payload.dict()))
    return _contract_out(c)


@router.post(
    "/transfer/contracts/{public_id}/amend",
    response={201: ContractOut},
    auth=api_auth,
    summary="Submit an amendment: the next version of the negotiation's contract, reviewed like the first",
)
def contract_amend(request, public_id: UUID, payload: ContractAmendBody):
    """The fields that change in the new version (the others are the current one's), checked by
    transfer.validation.ContractValidator like a first registration."""
    c = perms.get_contract_for_user(request.auth, public_id)
    new = services.contract_amend(actor=request.auth, contract=c, data=JsonInput(payload.dict(exclude_none=True)))
    return Status(201, _contract_out(new))


@router.post("/transfer/contracts/{public_id}/void", response=ContractOut, auth=api_auth)
def contract_void(request, public_id: UUID, payload: ReasonBody):
    """Void a registered contract (with a reason); it leaves the technology-market figures."""
    c = perms.get_contract_for_user(request.auth, public_id)
    services.contract_void(actor=request.auth, contract=c, data=JsonInput(payload.dict()))
    return _contract_out(c)


@router.get("/transfer/figures/turnover", response=list[TurnoverRow], summary="Technology-market figures")
def turnover(request):
    """Platform-registered contracts by league and year (成交额, 输出, 吸纳; 万元)."""
    return queries.contract_turnover_by_region_year()


@router.get("/transfer/funnel", response=list[FunnelRow], auth=api_auth)
def funnel(request, by: str = "league"):
    perms.require(perms.is_operator(request.auth))
    if by not in ("league", "field", "broker"):
        raise DomainError("invalid", "by: league | field | broker")
    return queries.funnel(by)


# ---------------------------------------------------------------- operations that may answer 409

for _plural in MODELS:
    for _action in ("review", "publish", "withdraw"):
        declare_conflict(f"POST /transfer/{_plural}/{{public_id}}/{_action}",
                         "someone else reviewed, published or withdrew the record meanwhile")  # fmt: skip
declare_conflict("POST /transfer/contracts/{public_id}/review",
                 "the contract's number, or its parties, amount and date, were registered through another channel meanwhile")  # fmt: skip
