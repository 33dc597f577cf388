"""Pages of the one network (Simplified Chinese, htmx). Reads from queries, writes through services,
permissions from permissions; a refused write shows its message and changes nothing."""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steppe.core.bilingual import in_language
from steppe.core.errors import DomainError, NotFound, ValidationFailed
from steppe.core.models import Region
from steppe.core.pages import form_page
from steppe.core.pagination import paginate
from steppe.core.roles import Role
from steppe.core.tables import file_response, read_upload, write_records
from steppe.core.validation import parse_choice, parse_decimal, parse_int

from . import permissions as perms
from . import queries, services
from .cache import FIGURES
from .models import (
    Achievement,
    Broker,
    ContractType,
    Demand,
    Expert,
    InterestStatus,
    IpType,
    ListingStatus,
    Scenario,
    ScenarioRound,
    TransferMode,
)
from .validation import (
    BrokerValidator,
    ContractValidator,
    ExpertValidator,
    InterestValidator,
    ListingValidator,
    PromoteValidator,
    ReviewDecisionValidator,
    RoundValidator,
    ScenarioValidator,
    page_errors,
    page_summary,
)

KIND_MODELS = {"achievement": Achievement, "demand": Demand}
KIND_LABELS = {"achievement": _("科技成果"), "demand": _("技术需求"), "expert": _("专家")}


# what the forms call the fields a service names in its errors (a page never shows the code): the
# validators' own labels (transfer.validation), then the fields of the writes they do not cover yet
FIELD_LABELS = {
    **ListingValidator.labels(), **ContractValidator.labels(), **ReviewDecisionValidator.labels(),
    **InterestValidator.labels(),
    "needs": _("需求内容"), "owner": _("场景提供方"), "name": _("姓名"), "certificate_no": _("证书编号"),
    "institution": pgettext_lazy("organisation field", "单位"), "profile": _("研究方向与简介"), "round": _("场景清单批次"), "expires_on": _("有效期至"),
    "broker": _("技术经纪人"), "reason": _("理由"), "note": _("留言"), "body": _("消息"),
}  # fmt: skip


def _field_label(field) -> str:
    return str(FIELD_LABELS[field]) if field in FIELD_LABELS else gettext("取值")




def _attempt(request, fn, ok: str = "", labels: dict[str, str] | None = None):
    """Run a service call; on a DomainError show its message (with the fields) and return None."""
    try:
        result = fn()
    except DomainError as exc:
        if exc.status == 404:
            raise
        errors = exc.data.get("errors") if isinstance(exc.data, dict) else None
        detail = (
            gettext("；").join(
                (gettext("第 %(row)s 行 ") % {"row": e["row"]} if "row" in e else "")
                + f"{str((labels or {})[e['field']]) if e.get('field') in (labels or {}) else _field_label(e.get('field'))}"
                + f"{gettext('：')}{in_language(e.get('message'))}"
                for e in errors[:30]
            )
            if errors
            else ""
        )
        # with the fields: every one by its label (the service's own message names their codes)
        messages.error(request, gettext("有 %(n)s 处需要修改：") % {"n": len(errors)} + detail if detail else in_language(exc.message))
        return None
    if ok:
        messages.success(request, ok)
    return result if result is not None else True


def _contract_attempt(**kwargs):
    """Register a contract from a page form, checked by ContractValidator (as the API's body is):
    the contract, or every error beside its field (nothing written)."""
    try:
        return services.contract_register(**kwargs), {}
    except DomainError as exc:
        if exc.status == 404:
            raise
        return None, page_errors(exc, ContractValidator.labels() | {"broker": FIELD_LABELS["broker"]})


def _listing_attempt(request, kind: str, save) -> tuple[object | None, dict]:
    """Submit or save a record from the page's form, checked by ListingValidator (as the API's
    body is): the record, or every error beside its field (nothing written); a refusal that names
    no field (not allowed, wrong state) is the page's message."""
    try:
        return save(), {}
    except ValidationFailed as exc:
        return None, page_errors(exc, ListingValidator.labels(kind))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return None, {"general": in_language(exc.message)}


def _round(value) -> ScenarioRound | None:
    """The scenario round a form's drop-down names (its number), or None when none is chosen."""
    try:
        pk = parse_int(value, "round", lo=1, hi=2**31 - 1)
    except ValidationFailed:
        return None
    return ScenarioRound.objects.filter(pk=pk).first()


def _uuid(value):
    """A public id from a form field, or None when it is not one (never a 500)."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _broker_from(data) -> Broker | None:
    """The broker a contract form names (the drop-down sends a public id), or None."""
    pid = _uuid(data.get("broker"))
    return Broker.objects.filter(public_id=pid).first() if pid else None


# ---------------------------------------------------------------- search


def index(request):
    return redirect("transfer:search")


def search(request):
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind:  # an unknown kind is a 400 naming it, not a search of every kind
        parse_choice(kind, "kind", KIND_LABELS)
    filters = {
        "region": request.GET.get("region") or None,
        "field": request.GET.get("field") or None,
        # a bad filter is a 400 naming it, not a filter silently dropped
        "min_readiness": parse_int(request.GET.get("min_readiness"), "min_readiness", lo=1, hi=9, default=0) or None,
        "max_price": float(parse_decimal(request.GET["max_price"], "max_price"))
        if request.GET.get("max_price")
        else None,
    }
    result, hits, error = None, [], ""
    if q:
        try:
            result, hits = queries.search(q, kind=kind or None, filters=filters, k=20)
        except DomainError as exc:
            error = exc.message
        except ValueError as exc:
            error = str(exc)
    context = {
        "q": q,
        "kind": kind,
        "filters": filters,
        "result": result,
        "hits": hits,
        "error": error,
        "kinds": KIND_LABELS,
        "leagues": queries.league_choices(),
        "fields": queries.field_choices(),
        "latest_achievements": queries.published_listings("achievement")[:8] if not q else [],
        "latest_demands": queries.published_listings("demand")[:8] if not q else [],
    }
    template = "transfer/_results.html" if getattr(request, "htmx", False) else "transfer/search.html"
    return render(request, template, context)


# ---------------------------------------------------------------- records


def _record(request, kind: str, public_id):
    model = KIND_MODELS[kind]
    obj = perms.get_listing_for_user(request.user, model, public_id)
    services.listing_record_view(listing=obj, user=request.user)
    user = request.user
    matches = queries.matches_for_listing(obj, k=8) if obj.status == ListingStatus.PUBLISHED else {}
    context = {
        "obj": obj,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "matches": [(KIND_LABELS[k], result, hits) for k, (result, hits) in matches.items()],
        "can_review": perms.can_review(user, obj),
        "can_edit": perms.can_edit_listing(user, obj)
        and obj.status in (ListingStatus.SUBMITTED, ListingStatus.RETURNED, ListingStatus.ACCEPTED),
        "can_withdraw": perms.can_withdraw(user, obj) and obj.status != ListingStatus.WITHDRAWN,
        "can_interest": perms.can_express_interest(user, obj),
        "my_interest": obj.interests.filter(user=user).first() if user.is_authenticated else None,
        "brokers": Broker.objects.all()[:100],
        "interests": obj.interests.select_related("user__unit", "broker")
        if perms.is_owner(user, obj) or perms.can_review(user, obj)
        else [],
        "rounds": ScenarioRound.objects.all()[:10]
        if kind == "demand" and perms.can_review(user, obj)
        else [],
        "scenario": Scenario.objects.filter(demand=obj).select_related("round").first()
        if kind == "demand"
        else None,
    }
    return render(request, "transfer/record.html", context)


def achievement_detail(request, public_id):
    return _record(request, "achievement", public_id)


def demand_detail(request, public_id):
    return _record(request, "demand", public_id)


@login_required
def listing_new(request, kind: str):
    if kind not in KIND_MODELS:
        raise NotFound()
    if not perms.can_submit(request.user, kind):
        raise NotFound(gettext("当前角色不能提交此类记录"))
    data: dict = {}
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        data["transfer_modes"] = request.POST.getlist("transfer_modes")
        obj, errors = _listing_attempt(
            request, kind, lambda: services.listing_submit(actor=request.user, kind=kind, data=data)
        )
        if obj:
            messages.success(request, gettext("已提交，等待平台审核"))
            return redirect(f"transfer:{kind}", public_id=obj.public_id)
    return render(
        request,
        "transfer/listing_form.html",
        {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "data": data,
            "leagues": queries.league_choices(),
            "ip_types": IpType.values,
            "modes": TransferMode.values,
            "errors": errors,
            "summary": page_summary(errors, ListingValidator.labels(kind)),
        },
        status=400 if errors else 200,
    )


@login_required
def listing_edit(request, kind: str, public_id):
    """The owner fixes a returned (or not yet reviewed) record; saving resubmits it."""
    model = KIND_MODELS.get(kind)
    if model is None:
        raise NotFound()
    obj = perms.get_listing_for_user(request.user, model, public_id)
    if not perms.can_edit_listing(request.user, obj):
        raise NotFound(gettext("只能修改本单位未发布的记录"))
    data = services.listing_form_data(obj)
    errors: dict = {}
    if request.method == "POST":
        data = request.POST.dict()
        data["transfer_modes"] = request.POST.getlist("transfer_modes")
        saved, errors = _listing_attempt(
            request, kind, lambda: services.listing_update(actor=request.user, listing=obj, data=data)
        )
        if saved:
            messages.success(request, gettext("已保存"))
            return redirect(f"transfer:{kind}", public_id=obj.public_id)
    regions = list(queries.league_choices())
    if obj.region not in regions:  # a county: keep it selectable so saving does not move the record
        regions.insert(0, obj.region)
    return render(
        request,
        "transfer/listing_form.html",
        {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "data": data,
            "leagues": regions,
            "ip_types": IpType.values,
            "modes": TransferMode.values,
            "obj": obj,
            "errors": errors,
            "summary": page_summary(errors, ListingValidator.labels(kind)),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def listing_action(request, kind: str, public_id, action: str):
    model = KIND_MODELS.get(kind)
    if model is None:
        raise NotFound()
    obj = perms.get_listing_for_user(request.user, model, public_id)
    user, post = request.user, request.POST
    if action in ("accept", "return"):  # checked by ReviewDecisionValidator, as the API's body is
        data = {"decision": action, "reason": post.get("reason", "")}
        _attempt(
            request,
            lambda: services.listing_review(actor=user, listing=obj, data=data),
            gettext("已审核通过") if action == "accept" else gettext("已退回"),
        )
    elif action == "publish":  # checked by PublishValidator, as the API's body is
        data = {"expires_on": post.get("expires_on", "")}
        _attempt(request, lambda: services.listing_publish(actor=user, listing=obj, data=data), gettext("已发布"))
    elif action == "withdraw":  # checked by ReasonValidator, as the API's body is
        data = {"reason": post.get("reason", "")}
        _attempt(request, lambda: services.listing_withdraw(actor=user, listing=obj, data=data), gettext("已撤回"))
    elif action == "interest":  # checked by InterestValidator, as the API's body is
        data = {k: post.get(k, "") for k in ("note", "broker")}
        interest = _attempt(
            request,
            lambda: services.interest_express(actor=user, listing=obj, data=data),
            gettext("已表达合作意向"),
        )
        if interest:
            return redirect("transfer:interest", public_id=interest.public_id)
    elif action == "promote":  # checked by PromoteValidator (the drop-down's round, or none), as the API's body is
        data = {"round": _round(post.get("round")), "owner": post.get("owner", ""), "deadline": post.get("deadline", "")}
        _attempt(request, lambda: services.demand_promote(actor=user, demand=obj, data=data), gettext("已列入场景清单"),
                 labels=PromoteValidator.labels())  # fmt: skip
    else:
        raise NotFound()
    return redirect(_next(request, f"/transfer/{kind}s/{public_id}/"))


def _next(request, default: str) -> str:
    """Where to go after a form: the page's own ``next`` when it stays on this site."""
    target = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and ok else default


# ---------------------------------------------------------------- mine, scenarios, review, broker


MINE_MATCHES = 3  # five gave 55 hits of ~1.3 kB each: most of the page's 88 kB, and of its rendering


@login_required
def mine(request):
    user = request.user
    statuses = {value: gettext(label) for value, label in (*ListingStatus.choices, *InterestStatus.choices)}
    # the records' table: the four columns it shows (no model instances), links reversed once a page
    pages, records = {}, []
    for kind in ("achievement", "demand"):
        qs = queries.listings_for_user(user, kind).values("public_id", "title", "status", "review_note")
        pages[kind] = page = paginate(request, qs, param=f"{kind}_page")
        label, url = str(KIND_LABELS[kind]), _row_url(f"transfer:{kind}", _ID)
        records += [
            {**r, "kind_label": label, "url": url(r["public_id"]), "status_label": statuses.get(r["status"], r["status"])}
            for r in page
        ]
    interests = paginate(request, queries.interests_for_user(user), param="interest_page")
    url = _row_url("transfer:interest", _ID)
    return render(
        request,
        "transfer/mine.html",
        {
            "pairs": [
                (listing, [(KIND_LABELS[k], r, hits) for k, (r, hits) in found.items()])
                # the latest five published records of each kind (each costs a search), their best
                # MINE_MATCHES matches of each kind: the record's own page lists ten
                for listing, found in queries.matches_for_user(user, k=MINE_MATCHES, per_kind=5)
            ],
            "records": records,
            "achievements": pages["achievement"],
            "demands": pages["demand"],
            "interests": interests,
            "interest_rows": [
                {
                    "url": url(i.public_id),
                    "title": i.listing.title,
                    "status_label": statuses.get(i.status, i.status),
                    "n_messages": i.n_messages,
                }
                for i in interests
            ],
        },
    )


def experts(request):
    user = request.user
    typed: dict = {}  # a refused form's values, shown again in that form
    if request.method == "POST":
        perms.require(perms.is_operator(user))
        data = request.POST.dict()
        if request.POST.get("what") == "broker":
            done = _attempt(request, lambda: services.broker_register(actor=user, data=data), gettext("技术经纪人已登记"),
                            labels=BrokerValidator.labels())  # fmt: skip
        else:
            done = _attempt(request, lambda: services.expert_save(actor=user, data=data), gettext("专家已登记"),
                            labels=ExpertValidator.labels())  # fmt: skip
        if done:
            return redirect("transfer:experts")
        typed = {"broker_form" if request.POST.get("what") == "broker" else "expert_form": data}
    return form_page(
        request,
        "transfer/experts.html",
        {
            "experts": paginate(
                request,
                Expert.objects.filter(active=True)
                .select_related("region")
                .order_by("name"),
                param="expert_page",
            ),
            "brokers": paginate(
                request,
                Broker.objects.select_related("region", "unit")
                .annotate(deals=Count("contracts", filter=Q(contracts__status="registered")))
                .order_by("name"),
                param="broker_page",
            ),
            "is_operator": perms.is_operator(user),
            "leagues": queries.league_choices(),
            **typed,
        },
        refused=bool(typed),
    )


def scenarios(request):
    typed: dict = {}  # a refused form's values, shown again in that form
    if request.method == "POST" and request.POST.get("what") == "scenario":
        perms.require(perms.is_operator(request.user))
        # checked by ScenarioValidator (the drop-down's round, or none), as the API's body is
        data = {**request.POST.dict(), "round": _round(request.POST.get("round"))}
        if _attempt(request, lambda: services.scenario_add(actor=request.user, data=data), gettext("已加入场景清单"),
                    labels=ScenarioValidator.labels()):  # fmt: skip
            return redirect("transfer:scenarios")
        typed = {"scenario_form": request.POST.dict()}
    elif request.method == "POST":
        perms.require(perms.is_operator(request.user))
        if _attempt(
            request,
            lambda: services.scenario_round_create(  # checked by RoundValidator, as the API's body is
                actor=request.user, data={k: request.POST.get(k, "") for k in ("number", "title", "published_on")}
            ),
            gettext("已创建批次"),
            labels=RoundValidator.labels(),
        ):
            return redirect("transfer:scenarios")
        typed = {"round_form": request.POST.dict()}
    return form_page(
        request,
        "transfer/scenarios.html",
        {
            "rounds": paginate(request, queries.scenario_rounds()),
            "round_choices": ScenarioRound.objects.order_by("-number", "pk") if perms.is_operator(request.user) else [],
            "is_operator": perms.is_operator(request.user),
            "leagues": queries.league_choices(),
            **typed,
        },
        refused=bool(typed),
    )


# the queue shows two lists on one page (achievements, then demands): 25 of each keeps it at the
# house's 50 rows (core.pagination.PAGE_SIZE; ?per_page= asks for more of each). A row is the six
# columns it shows (no model instances), its links reversed once per page, not per row
REVIEW_PAGE_SIZE = 25
REVIEW_COLUMNS = ("public_id", "title", "status", "submitted_at", "region__name", "unit__name")
_ID = uuid.UUID(int=0)


def _row_url(name: str, *args):
    """``reverse`` once for a page's rows (``_ID`` among ``args`` where a row's public_id goes): a
    function of a row's public_id giving its URL."""
    head, tail = reverse(name, args=args).split(str(_ID))
    return lambda public_id: f"{head}{public_id}{tail}"


@login_required
def review(request):
    if not perms.is_operator(request.user):
        raise NotFound(gettext("仅平台运营方可查看审核队列"))
    statuses = {value: gettext(label) for value, label in ListingStatus.choices}  # translated once
    pages, rows = [], []
    for kind, qs in queries.review_queues(request.user).items():
        page = paginate(request, qs.values(*REVIEW_COLUMNS), per_page=REVIEW_PAGE_SIZE, param=f"{kind}_page")
        pages.append((KIND_LABELS[kind], page))
        label, url = str(KIND_LABELS[kind]), _row_url(f"transfer:{kind}", _ID)
        action = {a: _row_url("transfer:action", kind, _ID, a) for a in ("accept", "return", "publish")}
        rows += [
            {
                **r,
                "kind_label": label,
                "url": url(r["public_id"]),
                "status_label": statuses.get(r["status"], r["status"]),
                **{f"{a}_url": to(r["public_id"]) for a, to in action.items()},
            }
            for r in page
        ]
    # every row's forms carry the same two hidden fields: made once, not a {% csrf_token %} per form
    hidden = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="next" value="{}">',
        get_token(request),
        request.path,
    )
    return render(request, "transfer/review.html", {"queue": rows, "pages": pages, "hidden": hidden})


@login_required
def broker(request):
    """A broker's deals; a broker without a profile registers it here (self-service)."""
    errors = {}
    is_broker = request.user.role == Role.BROKER
    mine = Broker.objects.filter(user=request.user).first()
    if request.method == "POST" and mine is not None:  # the broker changes its 服务领域 and region
        data = {k: request.POST[k] for k in ("fields", "region") if k in request.POST}
        if not data:  # not the profile's form (a second registration, say): nothing to change
            return redirect("transfer:broker")
        try:
            services.broker_update(actor=request.user, broker=mine, data=data)
            messages.success(request, gettext("服务领域和所在盟市已更新"))
            return redirect("transfer:broker")
        except DomainError as exc:
            if exc.status == 404:
                raise
            errors = {e.get("field"): in_language(e.get("message")) for e in (exc.data or {}).get("errors", [])}
            if not errors:
                messages.error(request, exc.message)
        ctx = _broker_deals(request)
        ctx.update({"errors": errors, "form": request.POST, "leagues": queries.league_choices(),
                    "can_register": is_broker, "editing": True})
        return render(request, "transfer/broker.html", ctx, status=400)
    if request.method == "POST" and not is_broker:  # only a broker account registers itself here
        raise NotFound(gettext("尚未登记技术经纪人信息，请联系平台运营方登记证书编号。"))
    if request.method == "POST":
        try:
            services.broker_register(actor=request.user, data=request.POST.dict(), user=request.user)
            messages.success(request, gettext("技术经纪人信息已登记"))
            return redirect("transfer:broker")
        except DomainError as exc:
            if exc.status == 404:
                raise
            errors = {e.get("field"): in_language(e.get("message")) for e in (exc.data or {}).get("errors", [])}
    ctx = _broker_deals(request)
    ctx.update({"errors": errors, "form": request.POST, "leagues": queries.league_choices(), "can_register": is_broker})
    return render(request, "transfer/broker.html", ctx, status=400 if errors else 200)


def _broker_deals(request) -> dict:
    """The broker desk's negotiations and contracts, each list paged."""
    ctx = queries.broker_deals(request.user)
    if ctx["broker"] is not None:
        ctx["interests"] = paginate(request, ctx["interests"], param="interest_page")
        ctx["contracts"] = paginate(request, ctx["contracts"], param="contract_page")
    return ctx


# ---------------------------------------------------------------- negotiation and contracts


@login_required
def interest(request, public_id):
    obj = perms.get_interest_for_user(request.user, public_id)
    if request.method == "POST":
        if request.POST.get("action") == "contract":
            data = request.POST.dict()
            c, errors = _contract_attempt(
                actor=request.user, data=data, interest=obj, broker=_broker_from(data) or obj.broker
            )
            if c:
                messages.success(request, gettext("技术合同已登记"))
                return redirect("transfer:contracts")
            return render(request, "transfer/interest.html", {
                **_interest_ctx(obj), "form": request.POST, "errors": errors,
            }, status=400)
        elif not _attempt(
            request,
            lambda: services.message_post(  # checked by MessageValidator, as the API's body is
                actor=request.user, interest=obj, data={"body": request.POST.get("body", "")}
            ),
        ):  # the message refused: the page again, with what was typed
            return form_page(request, "transfer/interest.html",
                             {**_interest_ctx(obj), "body": request.POST.get("body", "")}, refused=True)
        return redirect("transfer:interest", public_id=public_id)
    return render(request, "transfer/interest.html", _interest_ctx(obj))


def _interest_ctx(obj) -> dict:
    listing = obj.listing
    return {
        "interest": obj,
        "listing": listing,
        "messages_list": obj.messages.select_related("author"),
        "types": ContractType.values,
        "leagues": queries.league_choices(),
        "brokers": queries.broker_choices(),
        **_contract_defaults(obj, listing),
    }


def _league_code(region) -> str:
    """The league (盟市) code the contract form's region list offers for a region: a county's
    league, a league itself, '150000' for the autonomous region, '100000' outside it."""
    if region is None:
        return ""
    if not Region.is_in_region(region.code):
        return Region.COUNTRY_CODE
    return Region.league_or_self(region.code)


def _contract_defaults(interest, listing) -> dict:
    """Pre-fill the contract form from the negotiation: the record's owner sells an achievement
    and buys for a demand; the interested party is the other side."""
    owner = (listing.unit.name if listing.unit_id else "", _league_code(listing.region),
             listing.unit.credit_code if listing.unit_id else "")
    party_unit = interest.unit
    party_region = (
        party_unit.region if party_unit and party_unit.region_id else None
    ) or interest.user.region
    party = (party_unit.name if party_unit else interest.user.username, _league_code(party_region),
             party_unit.credit_code if party_unit else "")
    seller, buyer = (owner, party) if listing.kind == "achievement" else (party, owner)
    return {
        "default_title": gettext("%(title)s技术合同") % {"title": listing.title},
        "default_seller": seller[0],
        "default_seller_region": seller[1],
        "default_seller_credit_code": seller[2] or "",
        "default_buyer": buyer[0],
        "default_buyer_region": buyer[1],
        "default_buyer_credit_code": buyer[2] or "",
    }


@login_required
def contracts(request):
    user = request.user
    if request.method == "POST":
        if request.POST.get("review"):
            c = perms.get_contract_for_user(user, _uuid(request.POST["review"]))
            done = _attempt(
                request,
                lambda: services.contract_review(  # checked by ReviewDecisionValidator, as the API's body is
                    actor=user, contract=c, data={k: request.POST.get(k, "") for k in ("decision", "reason")}
                ),
                gettext("认定登记审核已完成"),
            )
        elif request.POST.get("void"):
            c = perms.get_contract_for_user(user, _uuid(request.POST["void"]))
            done = _attempt(
                request,
                lambda: services.contract_void(actor=user, contract=c, data={"reason": request.POST.get("reason", "")}),
                gettext("合同已撤销"),
            )
        elif "file" in request.FILES:
            f = request.FILES["file"]
            dry = bool(request.POST.get("dry_run"))
            out = done = _attempt(
                request,
                lambda: services.contract_import(actor=user, filename=f.name, content=read_upload(f), dry_run=dry),
            )
            if out:
                messages.success(
                    request,
                    gettext("检查通过 %(n)s 行") % {"n": out["rows"]} if dry
                    else gettext("已导入 %(n)s 份合同") % {"n": out["created"]},
                )
        else:
            c, errors = _contract_attempt(
                actor=user, data=request.POST.dict(), broker=_broker_from(request.POST)
            )
            if c is None:
                return render(request, "transfer/contracts.html", {
                    **_contracts_ctx(request), "form": request.POST, "errors": errors}, status=400)
            messages.success(request, gettext("技术合同已登记"))
            done = True
        if not done:  # refused: the page again with the message (nothing written)
            return form_page(request, "transfer/contracts.html", _contracts_ctx(request), refused=True)
        return redirect("transfer:contracts")
    qs = queries.contracts_for_user(user)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        data = write_records(queries.CONTRACT_EXPORT_COLUMNS, queries.contract_export_rows(qs), fmt)
        return file_response(data, fmt, "contracts")
    return render(request, "transfer/contracts.html", _contracts_ctx(request))


def _contracts_ctx(request) -> dict:
    user = request.user
    return {
        "contracts": paginate(request, queries.contracts_for_user(user)),
        "is_operator": perms.is_operator(user),
        "types": ContractType.values,
        "leagues": queries.league_choices(),
        "brokers": queries.broker_choices(),
    }


@login_required
def listing_import(request, kind: str):
    if kind not in KIND_MODELS or not perms.can_submit(request.user, kind):
        raise NotFound()
    if request.method == "POST":
        f = request.FILES.get("file")
        dry = bool(request.POST.get("dry_run"))
        out = f is not None and _attempt(
            request,
            lambda: services.listing_import(
                actor=request.user, kind=kind, filename=f.name, content=read_upload(f), dry_run=dry
            ),
        )
        if out:
            messages.success(
                request,
                gettext("检查通过 %(n)s 行，未写入") % {"n": out["rows"]} if dry
                else gettext("已导入 %(n)s 条，进入审核队列") % {"n": out["created"]},
            )
            return redirect("transfer:import", kind=kind)
        if f is None:
            messages.error(request, gettext("请选择一个 CSV 或 XLSX 文件。"))
        return form_page(request, "transfer/import.html", _import_ctx(kind), refused=True)
    if request.GET.get("format") in ("csv", "xlsx"):
        fmt = request.GET["format"]
        # an operator exports what it operates (a bureau: its league), others their unit's records
        if perms.is_operator(request.user):
            qs = queries.listings_for_operator(request.user, kind)
        else:
            qs = queries.listings_for_user(request.user, kind)
        data = write_records(queries.LISTING_EXPORT_COLUMNS[kind], queries.listing_export_rows(kind, qs), fmt)
        return file_response(data, fmt, f"{kind}s")
    return render(request, "transfer/import.html", _import_ctx(kind))


def _import_ctx(kind: str) -> dict:
    return {
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "columns": [h for _, h in queries.LISTING_EXPORT_COLUMNS[kind] if h not in ("状态", "有效期至")],
    }


def figures(request):
    # an unknown grouping is refused by name, not shown as the league grouping
    by = parse_choice(request.GET.get("by") or "league", "by", ["league", "field", "broker"])
    league_names = functools.cache(lambda: {r.code: r.name for r in queries.league_choices()})

    def rows() -> list[dict]:  # called by the template only when its cached turnover table is missing
        names = league_names()
        return [
            {**r, "region_name": names.get(r["region_code"], "")}
            for r in queries.contract_turnover_by_region_year()
        ]

    funnel = None
    if perms.is_operator(request.user):
        names = league_names() if by == "league" else {}
        funnel = [{**f, "label": names.get(f["key"], f["key"])} for f in queries.funnel(by)]
    return render(
        request,
        "transfer/figures.html",
        {
            "rows": rows,
            "funnel": funnel,
            "by": by,
            "contract_count": queries.registered_contract_count,
            # the turnover table is cached as HTML under the figures' generation (transfer/cache.py)
            "figures_generation": FIGURES.current(),
        },
    )
