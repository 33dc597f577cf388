"""Reads that pages, the API and other apps share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.models import Region
from steppe.core.permissions import is_department, owned_q
from steppe.core.regions import resolve_region
from steppe.core.roles import Role

from . import permissions as perms
from .cache import FIGURES
from .matching import Filters, Match, MatchIndex, SearchResult, highlight, tokenize
from .models import (
    REVIEW_STATUSES,
    Achievement,
    Broker,
    Contract,
    ContractStatus,
    Demand,
    Expert,
    Interest,
    InterestStatus,
    Listing,
    ListingStatus,
    Message,
    Scenario,
    ScenarioRound,
)
from .search import get_index, parse_doc_id, searches

PROVINCE_CODE = Region.PROVINCE_CODE
region_prefix = Region.prefix_of


# ---------------------------------------------------------------- registers


def listing_model(kind: str):
    return {"achievement": Achievement, "demand": Demand}[kind]


def _param(name: str, value: str | None) -> str:
    """A filter value from a URL, stripped; control characters (NUL breaks PostgreSQL) refused."""
    value = (value or "").strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationFailed(f"{name}: 含有控制字符", [{"field": name, "message": "含有控制字符"}])
    return value


def region_filter(text: str | None) -> str | None:
    """A region filter as a user gives it (a code like '150200' or a name like '包头') -> the
    region's code; None for no filter (empty, or 全国). An unknown or ambiguous region is refused
    with an error naming the ``region`` field, never answered with an empty list."""
    value = _param("region", text)
    if not value:
        return None
    try:
        region = resolve_region(value)
    except DomainError as exc:
        raise ValidationFailed(
            f"region: {exc.message}", [{"field": "region", "message": exc.message}]
        ) from exc
    return None if region.level == "country" else region.code


def published_listings(kind: str, *, field: str = "", region: str = ""):
    qs = (
        listing_model(kind)
        .objects.filter(status=ListingStatus.PUBLISHED)
        .exclude(expires_on__lt=timezone.localdate())  # lapsed, not yet expired by the daily job
        .select_related("region", "unit")
    )
    field = _param("field", field)
    if field:
        qs = qs.filter(field=field)
    code = region_filter(region)
    if code:
        qs = qs.filter(region__code__startswith=region_prefix(code))
    return qs.order_by("-published_at", "-id")


def listings_for_operator(user, kind: str):
    """Every record (any status) an operator may see: all for the department, its league's for a
    bureau; nothing for anyone else."""
    qs = listing_model(kind).objects.select_related("region", "unit")
    if is_department(user):
        return qs
    if not perms.is_operator(user):
        return qs.none()
    return qs.filter(region__code__startswith=region_prefix(user.region.code))


def listings_for_user(user, kind: str):
    """Records of the user's organisation (any status); the user's own where they name none."""
    if not getattr(user, "is_authenticated", False):
        return listing_model(kind).objects.none()
    return listing_model(kind).objects.filter(owned_q(user)).select_related("region")


def review_queues(user) -> dict[str, QuerySet]:
    """Per kind, the submitted records this operator may review, oldest first (pages page each)."""
    if not perms.is_operator(user):
        return {}
    out = {}
    for model in (Achievement, Demand):
        # exactly the statuses of the kind's partial index (models.REVIEW_STATUSES), read in its order
        qs = model.objects.filter(status__in=REVIEW_STATUSES).select_related("region", "unit")
        if not is_department(user):
            qs = qs.filter(
                region__code__startswith=region_prefix(user.region.code)
            )  # a county bureau: its county
        out[model.kind] = qs.order_by("submitted_at", "id")
    return out


def review_queue(user) -> list[Listing]:
    """Every record of ``review_queues``, oldest first."""
    return sorted((o for qs in review_queues(user).values() for o in qs), key=lambda x: x.submitted_at)


def scenario_rounds():
    return ScenarioRound.objects.prefetch_related("scenarios__region", "scenarios__demand").order_by(
        "-number"
    )


def field_choices() -> list[str]:
    """Every field a record names, for the search filter; kept in the figures cache (cache.py)."""
    return FIGURES.remember(("field_choices",), _field_choices)


def _field_choices() -> list[str]:
    # order_by() first: with the models' default ordering DISTINCT ran over (field, submitted_at,
    # id), one row per record (70,000 rows, 1.7 s for the search page at province scale)
    fields = set(Achievement.objects.exclude(field="").order_by().values_list("field", flat=True).distinct())
    fields |= set(Demand.objects.exclude(field="").order_by().values_list("field", flat=True).distinct())
    return sorted(fields)


def league_choices():
    return Region.objects.filter(level__in=["province", "prefecture"]).order_by("code")


# ---------------------------------------------------------------- matching


@dataclass
class Hit:
    match: Match
    obj: object
    kind: str
    title: str
    snippet: str  # HTML-escaped, with <mark>
    terms: tuple[str, ...] = ()  # what the record shares with the query, as highlighted

    @property
    def explanation(self) -> str:
        """Why this result, in Simplified Chinese: shared terms, field, region (by name), TRL."""
        m = self.match
        parts = []
        if self.terms:
            parts.append("共同词：" + "、".join(self.terms[:8]))
        if m.field:
            parts.append(("同领域：" if m.same_field else "领域：") + m.field)
        region = getattr(self.obj, "region", None)
        if region is not None:
            parts.append("地区：" + region.name)
        if m.readiness is not None:
            parts.append(f"成熟度：TRL {m.readiness}")
        return "；".join(parts) if parts else "无共同词"


MAX_FRAGMENT_WORD = 12  # longer query words are not split into fragments (cost is quadratic)
FRAGMENT_QUERY_TERMS = 40  # longer queries (a record's whole text) show the index's shared words


def shared_fragments(query_terms: Iterable[str], text: str) -> list[str]:
    """The query's words found in ``text``, then, for a word that is not, its longest pieces of
    two or more characters that are (so '稀土永磁' shows '稀土' and '永磁' in '重稀土…永磁体'):
    the index also matches on character pairs, and a result should show why it came up. A piece
    already inside a whole shared word is not repeated; single Han characters say nothing."""
    low = (text or "").lower()
    terms = list(dict.fromkeys(t for t in query_terms if t))
    whole = [t for t in terms if t in low and (len(t) >= 2 or not _is_han(t))]
    pieces: list[str] = []
    for term in terms:
        if term in low or len(term) > MAX_FRAGMENT_WORD:
            continue
        i = 0
        while i < len(term) - 1:
            for j in range(len(term), i + 1, -1):  # the longest piece starting at i first
                if term[i:j] in low:
                    pieces.append(term[i:j])
                    i = j - 1
                    break
            i += 1
    pieces = [p for p in dict.fromkeys(pieces) if p not in whole and not any(p in w for w in whole)]
    return whole + pieces


def _is_han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _load(matches: Iterable[Match]) -> dict[str, object]:
    """The records behind index ids, one query per kind."""
    ids: dict[str, list[str]] = defaultdict(list)
    for m in matches:
        kind, public_id = parse_doc_id(m.id)
        ids[kind].append(public_id)
    objects = {}
    for kind, model in (("achievement", Achievement), ("demand", Demand), ("expert", Expert)):
        if ids.get(kind):
            for obj in model.objects.filter(public_id__in=ids[kind]).select_related("region"):
                objects[f"{kind}:{obj.public_id}"] = obj
    return objects


def _lapsed(obj, today) -> bool:
    """A record past its validity date that the daily ``steppe match expire`` has not expired
    yet: never offered as a match or listed as published."""
    expires_on = getattr(obj, "expires_on", None)
    return expires_on is not None and expires_on < today


def _resolve(matches: list[Match], query_terms: list[str], objects: dict | None = None) -> list[Hit]:
    objects = _load(matches) if objects is None else objects
    today = timezone.localdate()
    hits = []
    for m in matches:
        obj = objects.get(m.id)
        if obj is None or _lapsed(obj, today):
            continue
        kind = parse_doc_id(m.id)[0]
        if kind == "expert":
            title, text = obj.name, f"{'、'.join(obj.fields)} · {obj.institution} · {obj.profile}"
        else:
            title, text = obj.title, obj.description
        if len(query_terms) <= FRAGMENT_QUERY_TERMS:
            terms = tuple(shared_fragments(query_terms, f"{title}\n{text}"))
        else:  # a whole record as the query: the index's shared words say enough, and cost nothing
            terms = tuple(t for t in m.shared_terms if len(t) >= 2 or not _is_han(t))
        hits.append(
            Hit(m, obj, kind, highlight(title, terms), highlight(text, terms, limit=160), terms=terms)
        )
    return hits


def search(
    text: str,
    *,
    kind: str | None = None,
    filters: dict | None = None,
    k: int = 20,
    field_hint: str = "",
    exclude: tuple[str, ...] = (),
):
    """Search the published records: returns (SearchResult, hits). ``filters["region"]`` may be a
    code or a name (see :func:`region_filter`)."""
    filters = dict(filters or {})
    if filters.get("region"):
        filters["region"] = region_filter(filters["region"])
    f = Filters(kind=kind or None, **filters)
    index = get_index()
    if index is None:  # the shared index is still being built (its job is queued): ask the database
        return _search_database(text, f, k=k, exclude=exclude)
    (result,) = searches(index, [(text, k, f, field_hint or None, tuple(exclude))])
    return result, _resolve(result.matches, result.query_terms)


FALLBACK_TERMS = 6  # the query words a database search requires at most (each one in the text)


def _search_database(text: str, f: Filters, *, k: int, exclude: tuple[str, ...] = ()):
    """While no index exists: the published records holding every word of the query (title or
    text), newest first, with the same filters; ``result.source`` is "database" so pages say the
    ranking is not the index's. A few indexed queries, whatever the register's size."""
    words = [w for w in dict.fromkeys(tokenize.words(text)) if len(w) >= 2 or not _is_han(w)]
    words = words[:FALLBACK_TERMS] or ([text.strip()] if text.strip() else [])
    if not words:
        return SearchResult([], query_terms=[], source="database"), []
    excluded: dict[str, list[str]] = defaultdict(list)
    for value in exclude:
        kind, public_id = parse_doc_id(value)
        excluded[kind].append(public_id)
    found: list[tuple[str, object]] = []
    for kind in [f.kind] if f.kind else ["achievement", "demand", "expert"]:
        qs = _fallback_queryset(kind, f)
        columns = ("name", "institution", "profile") if kind == "expert" else ("title", "description")
        for w in words:
            cond = Q()
            for col in columns:
                cond |= Q(**{f"{col}__icontains": w})
            qs = qs.filter(cond)
        if excluded.get(kind):
            qs = qs.exclude(public_id__in=excluded[kind])
        found += [(kind, obj) for obj in qs[:k]]
    matches, objects = [], {}
    for rank, (kind, obj) in enumerate(found[:k], start=1):
        mid = f"{kind}:{obj.public_id}"
        objects[mid] = obj
        matches.append(Match(
            id=mid, rank=rank, score=0.0, field=(obj.fields or [""])[0] if kind == "expert" else obj.field,
            same_field=False, shared_terms=tuple(words), region=obj.region.code if obj.region_id else "",
            readiness=getattr(obj, "readiness", None), kind=kind,
        ))  # fmt: skip
    result = SearchResult(matches, query_terms=words, source="database")
    return result, _resolve(matches, words, objects)


def _fallback_queryset(kind: str, f: Filters):
    """The live records of ``kind`` passing the index's filters (a record without a readiness or
    a price passes those filters, as in the index)."""
    if kind == "expert":
        qs = Expert.objects.filter(active=True).select_related("region").order_by("-id")
        if f.field:
            qs = qs.filter(fields__0=f.field)
    else:
        qs = published_listings(kind).select_related("region")
        if f.field:
            qs = qs.filter(field=f.field)
        low, high = ("price_min", "price_max") if kind == "achievement" else ("budget", "budget")
        if f.max_price is not None:
            qs = qs.filter(Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__lte": f.max_price}))
        if f.min_price is not None:
            qs = qs.filter(Q(**{f"{high}__isnull": True}) | Q(**{f"{high}__gte": f.min_price}))
        if kind == "achievement":
            if f.min_readiness is not None:
                qs = qs.filter(Q(readiness__isnull=True) | Q(readiness__gte=f.min_readiness))
            if f.max_readiness is not None:
                qs = qs.filter(Q(readiness__isnull=True) | Q(readiness__lte=f.max_readiness))
    if f.region:
        qs = qs.filter(region__code__startswith=region_prefix(f.region))
    return qs


def _listing_searches(listings: list[Listing], *, k: int, index: MatchIndex | None) -> list[dict]:
    """The index results for each record: for a demand, achievements and experts; for an
    achievement, demands (the record's own field orders them). ``index``: the caller's
    ``get_index()`` (taken, and caught up, once). The searches go to the index together, which
    keeps their results in the shared cache (``search.searches``)."""
    plans = []
    for listing in listings:
        kinds = ["achievement", "expert"] if listing.kind == "demand" else ["demand"]
        text, me = f"{listing.title}\n{listing.description}", f"{listing.kind}:{listing.public_id}"
        plans.append([(kind, (text, k, Filters(kind=kind), listing.field or None, (me,))) for kind in kinds])
    if index is None:  # the shared index is still being built: no matches yet, and the page says so
        return [{kind: SearchResult([], source="pending") for kind, _ in plan} for plan in plans]
    results = iter(searches(index, [spec for plan in plans for _, spec in plan]))
    return [{kind: next(results) for kind, _ in plan} for plan in plans]


def matches_for_listing(listing: Listing, *, k: int = 10) -> dict[str, tuple]:
    """For a demand: achievements and experts; for an achievement: demands. {kind: (result, hits)}."""
    (found,) = _listing_searches([listing], k=k, index=get_index())
    objects = _load(m for r in found.values() for m in r.matches)
    return {kind: (r, _resolve(r.matches, r.query_terms, objects)) for kind, r in found.items()}


def matches_for_user(user, *, k: int = 5, per_kind: int = 20) -> list[tuple[Listing, dict]]:
    """ "Matches for me": for each published record of the user's unit (up to `per_kind` of each kind),
    its best matches. The matched records are loaded once for all of them."""
    listings = [
        listing
        for kind in ("demand", "achievement")
        for listing in listings_for_user(user, kind).filter(status=ListingStatus.PUBLISHED).order_by(
            "-published_at", "-id"
        )[:per_kind]
    ]
    index = get_index() if listings else None
    found = list(zip(listings, _listing_searches(listings, k=k, index=index), strict=True))
    objects = _load(m for _, results in found for r in results.values() for m in r.matches)
    return [
        (listing, {kind: (r, _resolve(r.matches, r.query_terms, objects)) for kind, r in results.items()})
        for listing, results in found
    ]


# ---------------------------------------------------------------- negotiation, brokers


def interests_for_user(user):
    if not getattr(user, "is_authenticated", False):
        return Interest.objects.none()
    # each branch a subquery on its own table (indexed), not one OR across four joins: that made
    # PostgreSQL join every interest to every listing before filtering (0.5 s at province scale)
    mine = Interest.objects.order_by().values("pk")
    ids = mine.filter(owned_q(user, org="unit", person="user")).union(
        mine.filter(achievement__in=Achievement.objects.filter(owned_q(user)).values("pk")),
        mine.filter(demand__in=Demand.objects.filter(owned_q(user)).values("pk")),
        mine.filter(broker__user=user),
    )
    n_messages = (
        Message.objects.filter(interest=OuterRef("pk")).order_by().values("interest").annotate(n=Count("pk")).values("n")
    )
    return (
        Interest.objects.filter(pk__in=ids)
        .select_related("achievement", "demand", "broker")
        .defer(*(f"{k}__{f}" for k in ("achievement", "demand") for f in ("description", "review_note", "contact")))
        .annotate(n_messages=Coalesce(Subquery(n_messages), 0))
    )


def broker_choices():
    """Every registered broker, for the contract forms' drop-down; not one whose service agency is
    still pending (or refused): its profile exists from the sign-up, its deals after approval."""
    from steppe.core.models import Organisation

    return (Broker.objects.exclude(unit__status__in=[Organisation.Status.PENDING, Organisation.Status.REFUSED])
            .order_by("name", "id"))


def broker_deals(user) -> dict:
    broker = (
        Broker.objects.filter(user=user).select_related("region").first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if broker is None:
        return {"broker": None, "interests": [], "contracts": []}
    return {  # querysets in a stable order: the broker desk pages them
        "broker": broker,
        "interests": broker.interests.select_related("achievement", "demand", "user__unit")
        .annotate(n_messages=Count("messages"))
        .order_by("-created_at", "pk"),
        "contracts": broker.contracts.filter(status=ContractStatus.REGISTERED)
        .select_related("seller_region")
        .order_by("-registered_on", "pk"),
    }


def contracts_for_user(user):
    qs = Contract.objects.select_related("seller_region", "buyer_region", "supersedes")
    if is_department(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    # the same people permissions.can_view_contract lets see one: who registered it, both sides of
    # the negotiation (the interested party and the record's owner), the broker, the operator
    q = (
        owned_q(user, org="unit", person="registered_by")
        | owned_q(user, org="interest__unit", person="interest__user")
        | owned_q(user, org="interest__achievement__unit", person="interest__achievement__submitted_by")
        | owned_q(user, org="interest__demand__unit", person="interest__demand__submitted_by")
        | Q(broker__user=user)
    )
    if user.role == Role.BUREAU and user.region_id:
        prefix = region_prefix(user.region.code)
        q |= Q(seller_region__code__startswith=prefix) | Q(buyer_region__code__startswith=prefix)
    code = user.unit.credit_code if user.unit_id else ""
    if code and user.unit.is_active:
        q |= Q(seller_credit_code=code) | Q(buyer_credit_code=code)
    return qs.filter(q)  # every lookup follows a foreign key forward: no row twice, no DISTINCT


# ---------------------------------------------------------------- technology-market figures


def _league(code: str | None) -> str | None:
    """The league/city code of a region code inside Inner Mongolia ('150203' -> '150200')."""
    return Region.league_code_of(code) if Region.is_in_region(code) else None


def contract_turnover_by_region_year() -> list[dict]:
    """Platform-registered technology contracts rolled up by league and registration year.

    One row per (region_code, year): ``turnover_wan`` 成交额 of the contracts registered there
    (the seller's league: contracts are registered where the seller is), ``output_wan`` 输出
    (seller in that league), ``inflow_wan`` 吸纳 (buyer in that league), all contract amounts in
    万元 as Decimal, and ``count`` the contracts involved. Region '150000' totals the autonomous
    region: turnover/output of Inner Mongolian sellers, inflow of Inner Mongolian buyers.
    Void contracts are left out. Kept in the figures cache until a contract changes (cache.py).
    """
    return FIGURES.remember(("turnover",), _contract_turnover_by_region_year)


def registered_contract_count() -> int:
    """The registered (counted) contracts, kept in the figures cache (cache.py)."""
    return FIGURES.remember(
        ("registered_contracts",), lambda: Contract.objects.filter(status=ContractStatus.REGISTERED).count()
    )


def _contract_turnover_by_region_year() -> list[dict]:
    rows = (
        Contract.objects.filter(status=ContractStatus.REGISTERED)
        .annotate(year=ExtractYear("registered_on"))
        .values("year", "seller_region__code", "buyer_region__code")
        .annotate(amount=Sum("amount"), n=Count("id"))
    )
    acc: dict[tuple[str, int], dict] = {}

    def bucket(code: str, year: int) -> dict:
        key = (code, year)
        if key not in acc:
            acc[key] = {
                "region_code": code,
                "year": year,
                "turnover_wan": Decimal("0"),
                "output_wan": Decimal("0"),
                "inflow_wan": Decimal("0"),
                "count": 0,
            }
        return acc[key]

    for r in rows:
        year, amount, n = r["year"], r["amount"] or Decimal("0"), r["n"]
        seller, buyer = _league(r["seller_region__code"]), _league(r["buyer_region__code"])
        seller_in = Region.is_in_region(r["seller_region__code"])
        buyer_in = Region.is_in_region(r["buyer_region__code"])
        if seller:
            b = bucket(seller, year)
            b["turnover_wan"] += amount
            b["output_wan"] += amount
            b["count"] += n
        if buyer:
            b = bucket(buyer, year)
            b["inflow_wan"] += amount
            if buyer != seller:
                b["count"] += n
        if seller_in or buyer_in:
            b = bucket(PROVINCE_CODE, year)
            if seller_in:
                b["turnover_wan"] += amount
                b["output_wan"] += amount
            if buyer_in:
                b["inflow_wan"] += amount
            b["count"] += n
    return sorted(acc.values(), key=lambda x: (x["year"], x["region_code"]))


# ---------------------------------------------------------------- the funnel


FUNNEL_STAGES = ("listings", "views", "interests", "negotiations", "contracts")


def funnel(by: str = "league") -> list[dict]:
    """listing -> views -> interest -> negotiation -> contract, grouped by the record's league,
    its field, or the broker of the interest. Listings are published (or expired) records.

    Each query groups by the one column the grouping needs (the record's region code, its field or
    the broker's name): grouping by all three made thousands of rows to add up in Python (160 ms
    at province scale). The listing and view stages are read live (every view counts); the
    interest, negotiation and contract stages come from the figures cache (cache.py)."""
    if by not in ("league", "field", "broker"):
        raise ValueError("by: league | field | broker")
    acc: dict[str, dict] = defaultdict(lambda: dict.fromkeys(FUNNEL_STAGES, 0))
    if by != "broker":
        # grouped by the region's id, not its code: no join over the 70,000 records
        col = "region_id" if by == "league" else "field"
        rows = [
            r
            for model in (Achievement, Demand)
            for r in model.objects.filter(status__in=[ListingStatus.PUBLISHED, ListingStatus.EXPIRED])
            .order_by()
            .values(col)
            .annotate(n=Count("id"), v=Sum("views"))
        ]
        if by == "league":
            codes = dict(Region.objects.filter(pk__in={r[col] for r in rows}).values_list("pk", "code"))
            for r in rows:
                r[col] = codes[r[col]]
        for r in rows:
            a = acc[_funnel_key(by, r[col])]
            a["listings"] += r["n"]
            a["views"] += r["v"] or 0
    for key, stages in FIGURES.remember(("funnel", by), lambda: _funnel_negotiations(by)).items():
        for stage, n in stages.items():
            acc[key][stage] += n
    return [{"key": k, **v} for k, v in sorted(acc.items())]


def _funnel_column(by: str, prefix: str) -> str:
    if by == "broker":
        return "broker__name"
    return f"{prefix}region__code" if by == "league" else f"{prefix}field"


def _funnel_key(by: str, value: str | None) -> str:
    if by == "league":
        return _league(value) or value or ""
    if by == "field":
        return value or "（未分类）"
    return value or "（无经纪人）"


def _funnel_negotiations(by: str) -> dict[str, dict[str, int]]:
    """The funnel's interest, negotiation and contract stages per group key."""
    acc: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL_STAGES[2:], 0))
    for prefix in ("achievement", "demand"):
        col = _funnel_column(by, f"{prefix}__")
        qs = Interest.objects.filter(**{f"{prefix}__isnull": False}).order_by()
        for r in qs.values(col, "status").annotate(n=Count("id")):
            a = acc[_funnel_key(by, r[col])]
            a["interests"] += r["n"]
            if r["status"] in (InterestStatus.NEGOTIATING, InterestStatus.CONTRACTED):
                a["negotiations"] += r["n"]
        for r in (
            Contract.objects.filter(status=ContractStatus.REGISTERED, **{f"{prefix}__isnull": False})
            .order_by()
            .values(col)
            .annotate(n=Count("id"))
        ):
            acc[_funnel_key(by, r[col])]["contracts"] += r["n"]
    return dict(acc)


# ---------------------------------------------------------------- exports

LISTING_EXPORT_COLUMNS = {
    "achievement": [
        ("title", "标题"),
        ("description", "描述"),
        ("field", "领域"),
        ("region", "地区"),
        ("unit", "单位"),
        ("readiness", "技术成熟度"),
        ("ip_type", "知识产权类型"),
        ("ip_numbers", "知识产权编号"),
        ("transfer_modes", "转化方式"),
        ("price_min", "价格下限(万元)"),
        ("price_max", "价格上限(万元)"),
        ("contact", "联系方式"),
        ("status", "状态"),
        ("expires_on", "有效期至"),
    ],
    "demand": [
        ("title", "标题"),
        ("description", "描述"),
        ("field", "领域"),
        ("region", "地区"),
        ("unit", "单位"),
        ("budget", "预算(万元)"),
        ("deadline", "期望解决期限"),
        ("contact", "联系方式"),
        ("status", "状态"),
        ("expires_on", "有效期至"),
    ],
}
CONTRACT_EXPORT_COLUMNS = [
    ("number", "合同登记编号"),
    ("title", "合同名称"),
    ("type", "合同类型"),
    ("seller", "卖方"),
    ("seller_region", "卖方地区"),
    ("buyer", "买方"),
    ("buyer_region", "买方地区"),
    ("amount", "合同成交额(万元)"),
    ("tech_amount", "技术交易额(万元)"),
    ("signed_on", "签订日期"),
    ("registered_on", "登记日期"),
    ("authority", "登记机构"),
    ("rules_version", "规则版本"),
    ("channel", "登记渠道"),
    ("status", "状态"),
]


def listing_export_rows(kind: str, qs) -> list[dict]:
    rows = []
    for obj in qs.select_related("region", "unit"):
        row = {k: getattr(obj, k, None) for k, _ in LISTING_EXPORT_COLUMNS[kind]}
        row["region"] = obj.region.code
        row["unit"] = obj.unit.name if obj.unit_id else ""
        row["status"] = obj.get_status_display()
        if kind == "achievement":
            row["transfer_modes"] = "、".join(obj.transfer_modes or [])
        rows.append(row)  # Decimal stays a number: write_table writes it as one
    return rows


def contract_export_rows(qs) -> list[dict]:
    rows = []
    for c in qs.select_related("seller_region", "buyer_region"):
        row = {k: getattr(c, k) for k, _ in CONTRACT_EXPORT_COLUMNS}
        row["seller_region"], row["buyer_region"] = c.seller_region.code, c.buyer_region.code
        row["status"] = c.get_status_display()
        rows.append(row)  # Decimal stays a number: write_table writes it as one
    return rows


def scenario_list():
    return Scenario.objects.select_related("round", "region", "demand")
