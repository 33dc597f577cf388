"""The registers' JSON API. Each register gets the same routes under its path:

    POST   /<path>                 file a record (201, {"id": ...}); bad input -> 400 naming each field
    GET    /<path>                 the records the caller may see, filtered by the register's fields
    GET    /<path>/counts?year=Y   counts (and amounts) per league
    GET    /<path>/{id}            one record, with its history
    PATCH  /<path>/{id}            change it (the filer, or the department)
    POST   /<path>/{id}/review     verify or return (the department)
    POST   /<path>/{id}/withdraw   withdraw (the filer, or the department)

Paths: platforms, talent, cooperation, finance/loans, finance/claims, finance/investments,
finance/listed, soe. Each body is made from its form (core.validation.body_schema): the form judges
every field, JSON type included, so a bad ``level`` or ``region`` is a 400 and a number where text
belongs a 422, each naming the field in the page's words, every problem at once.
"""


from uuid import UUID

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from steppe.core.audit import audit_trail
from steppe.core.auth import api_auth
from steppe.core.errors import ValidationFailed
from steppe.core.pagination import window
from steppe.core.validation import JsonInput, body_schema, write_path

from . import permissions as perms
from . import queries, services
from .exports import record_row
from .forms import RecordForm, ReviewForm, WithdrawForm
from .kinds import KINDS, RegisterKind

router = Router(tags=["registers"])


def _labels(form_class) -> dict[str, str]:
    return {name: field.label for name, field in form_class.base_fields.items()}

class RecordCreated(Schema):
    id: UUID
    review: str


class ImportOut(Schema):
    rows: int
    created: int
    dry_run: bool


# the bodies of the writes, made from their validators (core.validation.body_schema): every field is
# taken as sent and documented by its form label; the form judges it, JSON type included (422 for a
# value of the wrong kind, 400 for a refused one), with the page's field names and words
ReviewBody = body_schema(ReviewForm, _labels(ReviewForm), name="RegisterReviewBody")
WithdrawBody = body_schema(WithdrawForm, _labels(WithdrawForm), name="RegisterWithdrawBody")


class ListFilters(Schema):
    region: str | None = None
    review: str | None = None
    measure: str | None = None
    year: int | None = None
    q: str | None = None
    kind: str | None = None
    level: str | None = None
    status: str | None = None
    programme: str | None = None
    partner_area: str | None = None
    stage: str | None = None
    board: str | None = None
    limit: int = 200
    offset: int = 0


def _record_body(kind: RegisterKind) -> type:
    """A register's record body: its form's fields (the list route's answer names them too)."""
    name = "".join(part.title() for part in kind.slug.split("_"))
    return body_schema(kind.form, _labels(kind.form), name=f"{name}RecordBody")


def _out(kind: RegisterKind, obj) -> dict:
    row = record_row(kind, obj)
    for name in kind.filters:  # the choice values themselves, for scripts that filter on them
        if name != "programme":
            row[f"{name}_code"] = getattr(obj, name)
    row["review_code"] = obj.review
    return row


def _add_routes(kind: RegisterKind) -> None:
    path = f"/{kind.api_path}"

    body = _record_body(kind)

    def create(request, payload: body):  # type: ignore[valid-type]
        data = JsonInput(payload.model_dump(exclude_unset=True))
        obj = services.record_submit(actor=request.auth, kind=kind, data=data, via="api")
        return Status(201, {"id": obj.public_id, "review": obj.review})

    router.add_api_operation(path, ["POST"], create, auth=api_auth, response={201: RecordCreated},
                             summary=f"File a {kind.slug} record", operation_id=f"registers_{kind.slug}_create")

    def import_file(request, file: UploadedFile = File(...), dry_run: bool = False):
        return services.records_import(actor=request.auth, kind=kind, filename=file.name, content=file.read(),
                                       dry_run=dry_run)

    router.add_api_operation(f"{path}/import", ["POST"], import_file, auth=api_auth, response=ImportOut,
                             summary=f"Import {kind.slug} from CSV/XLSX (all or nothing)",
                             operation_id=f"registers_{kind.slug}_import")

    def listing(request, filters: Query[ListFilters]):
        user = request.auth
        if filters.limit < 1 or filters.limit > 1000 or filters.offset < 0:
            raise ValidationFailed("limit 应在 1–1000 之间，offset ≥ 0",
                                   [{"field": "limit", "message": "1..1000"}])
        qs = queries.records(user, kind, filters.dict())
        total = qs.count()
        items = [_out(kind, o) for o in window(qs, limit=filters.limit, offset=filters.offset)]
        return {"count": total, "items": items}

    router.add_api_operation(path, ["GET"], listing, auth=[*api_auth, _anonymous],
                             summary=f"List {kind.slug}", operation_id=f"registers_{kind.slug}_list")

    def counts(request, year: int):
        if year < 1978 or year > 2100:
            raise ValidationFailed("year 应在 1978–2100 之间", [{"field": "year", "message": "1978..2100"}])
        if kind.slug == "platforms":
            rows = queries.platform_counts(year)
        else:
            rows = [{**r, "amount_wan": str(r["amount_wan"])} if "amount_wan" in r else r
                    for r in queries.counts_by_league(kind, year)]
        return {"year": year, "counts": rows}

    router.add_api_operation(f"{path}/counts", ["GET"], counts, auth=[*api_auth, _anonymous],
                                 summary=f"{kind.slug} per league", operation_id=f"registers_{kind.slug}_counts")

    def detail(request, public_id: UUID):
        user = request.auth
        obj = perms.get_for_user(user, kind, public_id)
        out = _out(kind, obj)
        if perms.can_edit(user, kind, obj) or perms.can_review(user):
            out["history"] = [{"at": e.at.isoformat(), "actor": str(e.actor) if e.actor else "",
                               "action": e.action, "before": e.before, "after": e.after, "note": e.note}
                              for e in audit_trail(obj)]
        return out

    router.add_api_operation(f"{path}/{{public_id}}", ["GET"], detail, auth=[*api_auth, _anonymous],
                             summary=f"One {kind.slug} record", operation_id=f"registers_{kind.slug}_get")

    def update(request, public_id: UUID, payload: body):  # type: ignore[valid-type]
        obj = perms.get_for_user(request.auth, kind, public_id)
        obj = services.record_update(actor=request.auth, kind=kind, obj=obj,
                                     data=JsonInput(payload.model_dump(exclude_unset=True)))
        return _out(kind, obj)

    router.add_api_operation(f"{path}/{{public_id}}", ["PATCH"], update, auth=api_auth,
                             summary=f"Change a {kind.slug} record", operation_id=f"registers_{kind.slug}_update")

    def review(request, public_id: UUID, payload: ReviewBody):  # type: ignore[valid-type]
        obj = perms.get_for_user(request.auth, kind, public_id)
        obj = services.record_review(actor=request.auth, obj=obj,
                                     data=JsonInput(payload.model_dump(exclude_unset=True)))
        return _out(kind, obj)

    router.add_api_operation(f"{path}/{{public_id}}/review", ["POST"], review, auth=api_auth,
                             summary="Verify or return", operation_id=f"registers_{kind.slug}_review")

    def withdraw(request, public_id: UUID, payload: WithdrawBody):  # type: ignore[valid-type]
        obj = perms.get_for_user(request.auth, kind, public_id)
        obj = services.record_withdraw(actor=request.auth, obj=obj,
                                       data=JsonInput(payload.model_dump(exclude_unset=True)))
        return _out(kind, obj)

    router.add_api_operation(f"{path}/{{public_id}}/withdraw", ["POST"], withdraw, auth=api_auth,
                             summary="Withdraw", operation_id=f"registers_{kind.slug}_withdraw")


def _anonymous(request):
    """Reads are open: what an anonymous caller sees is decided by the registers' permissions."""
    return request.user if getattr(request, "user", None) is not None else True


@router.get("/registers/measures", auth=None, summary="What the registers hold for each measure")
def measure_counts(request, codes: str):
    """``codes``: comma-separated measure codes; per code, per register: count, by year, amount."""
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    return {code: [{"register": r.register, "label": r.label, "count": r.count,
                    "groups": [{"count": n, "what": what, "year": year} for n, what, year in r.groups],
                    "amount_wan": None if r.amount is None else str(r.amount)} for r in items]
            for code, items in queries.measure_records(wanted).items()}


for _kind in KINDS.values():
    _add_routes(_kind)


# every register's record is checked by its kind's form (a registers.forms.RecordForm), on the
# record pages and through these operations alike (services._validated)
write_path(
    "registers.record", RecordForm,
    api=tuple(op for k in KINDS.values() for op in (f"POST /{k.api_path}", f"PATCH /{k.api_path}/{{public_id}}")),
    pages=("registers:new", "registers:edit"),
)
write_path("registers.review", ReviewForm, api=tuple(f"POST /{k.api_path}/{{public_id}}/review" for k in KINDS.values()),
           pages=("registers:act",))  # fmt: skip
write_path("registers.withdraw", WithdrawForm,
           api=tuple(f"POST /{k.api_path}/{{public_id}}/withdraw" for k in KINDS.values()),
           pages=("registers:act",))  # fmt: skip
