"""Every write of the registers. Pages, the API and the CLI call these; each is one transaction;
bad input raises ``ValidationFailed`` naming each field (and the row, for imports) and changes
nothing. Every change is in the audit trail, with the values before and after.
"""

from __future__ import annotations

from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from steppe.core.audit import audit_record, snapshot
from steppe.core.errors import ValidationFailed
from steppe.core.lifecycle import status_transition

# the one table reader (moving to core.tables; until then the network's)
from steppe.core.tables import read_records
from steppe.core.validation import JsonInput

from . import permissions as perms
from .forms import RecordForm, ReviewForm, WithdrawForm
from .kinds import RegisterKind, kind_of
from .models import RegisterRecord, Review

MSG_INVALID = "输入有误"
MSG_DUPLICATE = "已登记：{existing}"
MSG_IMPORT_REFUSED = "导入未执行：{n} 行有错误，未写入任何数据"
MSG_NO_DATA_ROWS = "文件只有表头，没有数据行"
MSG_UNKNOWN_COLUMN = "未知列"
MSG_REPEATED_COLUMN = "列重复"


def _plain(data: dict) -> dict:
    """JSON or form values as a form reads them: a list of measure codes joined, None left out."""
    out = {}
    for key, value in (data or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        out[key] = value
    return out


def _errors(form, row: int | None = None) -> list[dict]:
    items = []
    for name, messages in form.errors.get_json_data().items():
        for m in messages:
            item: dict[str, str | int] = {"field": name if name != "__all__" else "record", "message": str(m["message"])}
            if row is not None:
                item["row"] = row
            items.append(item)
    return items


def _refuse(items: list[dict], message: str = MSG_INVALID, *, malformed: bool = False) -> None:
    detail = "；".join(f"{e['field']}: {e['message']}" for e in items)
    exc = ValidationFailed(f"{message}：{detail}", items)
    if malformed:  # a JSON value of the wrong kind: 422, as the other writes answer it
        exc.status = 422
    raise exc


def _checked(form) -> dict:
    """A review's or withdrawal's clean values, or every error at once (nothing written)."""
    if not form.is_valid():
        _refuse(form.error_list(), malformed=form.malformed)
    return form.cleaned_data


def _duplicate(kind: RegisterKind, obj: RegisterRecord) -> RegisterRecord | None:
    if not kind.unique:
        return None
    values = {f: getattr(obj, f) for f in kind.unique}
    return kind.model._default_manager.exclude(review=Review.WITHDRAWN).exclude(pk=obj.pk).filter(**values).first()


def _validated(*, actor, kind: RegisterKind, data: dict, instance=None, row: int | None = None, sent=None):
    """(form, unsaved object, errors): the form's checks, then the actor's region and duplicates.
    ``sent``: the API's body as sent, when ``data`` is more (a PATCH merged into the record)."""
    # every kind's form is a RecordForm: the page's form too (core.validation.write_path in registers.api)
    sent = sent if sent is not None else data
    sent = sent if isinstance(sent, JsonInput) else None  # an API body: its JSON types are judged too
    form = cast(RecordForm, kind.form(data=_plain(data), instance=instance, actor=actor, sent=sent))
    if not form.is_valid():
        return form, None, _errors(form, row)
    obj = form.save(commit=False)
    if hasattr(form, "apply"):
        form.apply(obj)
    errors: list[dict] = []
    if not perms.can_file_in(actor, obj.region):
        errors.append({"field": "region", "message": perms.MSG_OUTSIDE_LEAGUE})
    existing = _duplicate(kind, obj)
    if existing is not None:
        errors.append({"field": kind.unique[0], "message": MSG_DUPLICATE.format(existing=existing)})
    if row is not None:
        for e in errors:
            e["row"] = row
    return form, obj, errors


def _audit_values(obj: RegisterRecord) -> dict:
    values = snapshot(obj)
    values["measures"] = sorted(m.code for m in obj.measures.all())
    return values


def _save(kind: RegisterKind, obj: RegisterRecord, form) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # the same record filed by someone else a moment ago
        raise ValidationFailed(
            MSG_DUPLICATE.format(existing=getattr(obj, kind.unique[0], "") if kind.unique else obj),
            [{"field": kind.unique[0] if kind.unique else "record", "message": str(exc)[:200]}],
        ) from exc
    obj.measures.set(form.cleaned_data.get("measures") or [])
    obj.refresh_from_db()  # the values as stored (decimal places), for the audit and the answer


@transaction.atomic
def record_submit(*, actor, kind: RegisterKind, data: dict, via: str = "page") -> RegisterRecord:
    """Files a record (submitted, for the department to verify)."""
    perms.require(perms.can_submit(actor, kind), perms.MSG_CANNOT_SUBMIT)
    form, obj, errors = _validated(actor=actor, kind=kind, data=data)
    if form.errors or errors:
        _refuse(errors, malformed=form.malformed)
    obj.submitted_by = actor
    if kind.owner_field == "bank":
        obj.bank = actor.unit
    obj.unit = actor.unit if getattr(actor, "unit_id", None) else None
    _save(kind, obj, form)
    audit_record(actor=actor, action=f"registers.{kind.slug}.submit", obj=obj, after=_audit_values(obj), note=via)
    return obj


@transaction.atomic
def record_update(*, actor, kind: RegisterKind, obj: RegisterRecord, data: dict) -> RegisterRecord:
    """Changes a record. A filer's change to a verified or returned record sends it back for
    verification; the department's change keeps its status. Before and after go to the audit."""
    perms.require(perms.can_edit(actor, kind, obj), perms.MSG_CANNOT_EDIT)
    before = _audit_values(obj)
    merged = {**_current_data(kind, obj), **_plain(data)}
    form, new, errors = _validated(actor=actor, kind=kind, data=merged, instance=obj, sent=data)
    if form.errors or errors:
        _refuse(errors, malformed=form.malformed)
    if not perms.can_review(actor) and new.review in (Review.VERIFIED, Review.RETURNED):
        new.review = Review.SUBMITTED
        new.submitted_at = timezone.now()
    new.updated_at = timezone.now()
    _save(kind, new, form)
    audit_record(actor=actor, action=f"registers.{kind.slug}.update", obj=new, before=before,
                 after=_audit_values(new))
    return new


def _current_data(kind: RegisterKind, obj: RegisterRecord) -> dict:
    """The record as form data, so a partial update (PATCH) changes only what it names."""
    form = kind.form(instance=obj, actor=None)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        data[name] = value
    return data


@transaction.atomic
def record_review(*, actor, obj: RegisterRecord, decision=None, reason="", data: dict | None = None) -> RegisterRecord:
    """The department verifies a submitted record, or returns it with a reason. ``data``: the
    fields as the page or the API sent them (else ``decision`` and ``reason``), checked by ReviewForm."""
    kind = kind_of(obj)
    perms.require(perms.can_review(actor), perms.MSG_NOT_REVIEWER)
    values = _checked(ReviewForm(data if data is not None else {"decision": decision, "reason": reason}))
    decision, reason = values["decision"], values["reason"]
    new = Review.VERIFIED if decision == "verify" else Review.RETURNED
    old = status_transition(obj, (Review.SUBMITTED,), new, field="review")
    obj.review_note, obj.reviewed_by, obj.reviewed_at = reason, actor, timezone.now()
    obj.save(update_fields=["review_note", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action=f"registers.{kind.slug}.{decision}", obj=obj,
                 before={"review": old}, after={"review": new}, note=reason)
    return obj


@transaction.atomic
def record_withdraw(*, actor, obj: RegisterRecord, reason="", data: dict | None = None) -> RegisterRecord:
    """The filer (or the department) withdraws a record; ``data`` (else ``reason``) checked by WithdrawForm."""
    kind = kind_of(obj)
    perms.require(perms.can_edit(actor, kind, obj), perms.MSG_CANNOT_EDIT)
    reason = _checked(WithdrawForm(data if data is not None else {"reason": reason}))["reason"]
    old = status_transition(obj, (Review.SUBMITTED, Review.RETURNED, Review.VERIFIED), Review.WITHDRAWN,
                            field="review")
    audit_record(actor=actor, action=f"registers.{kind.slug}.withdraw", obj=obj,
                 before={"review": old}, after={"review": Review.WITHDRAWN}, note=reason)
    return obj


# ---------------------------------------------------------------- imports (all or nothing)


def import_columns(kind: RegisterKind) -> dict[str, tuple[str, ...]]:
    """field -> the headers that name it: the field's name and its Chinese label (as exports write)."""
    form = kind.form(actor=None)
    return {name: (name, str(f.label)) for name, f in form.fields.items()}


def _table_rows(kind: RegisterKind, filename: str, content: bytes) -> list[tuple[int, dict]]:
    table, raw = read_records(content, filename)  # a TableError (a ValidationFailed) names row and column
    header_row = table.header_row
    if not raw:
        raise ValidationFailed(MSG_NO_DATA_ROWS, [{"field": "file", "message": MSG_NO_DATA_ROWS}])
    alias = {a.lower(): name for name, names in import_columns(kind).items() for a in names}
    from .exports import EXPORT_ONLY

    problems, seen = [], {}
    for h in raw[0][1]:
        name = alias.get(h.lower())
        if name is None and h.lower() not in EXPORT_ONLY:
            problems.append({"row": header_row, "field": h, "message": MSG_UNKNOWN_COLUMN})
        elif name in seen:
            problems.append({"row": header_row, "field": h, "message": MSG_REPEATED_COLUMN})
        elif name:
            seen[name] = h
    if problems:
        _refuse(problems, "表头有误")
    return [(n, {alias[h.lower()]: v for h, v in r.items() if h.lower() in alias}) for n, r in raw]


@transaction.atomic
def records_import(*, actor, kind: RegisterKind, filename: str, content: bytes, dry_run: bool = False) -> dict:
    """Files every row of a CSV/XLSX table; all or nothing. Each row is checked by the same form
    as the page and the API; any error refuses the file, naming each row (the header is row 1) and
    field. ``dry_run`` checks only."""
    perms.require(perms.can_submit(actor, kind), perms.MSG_CANNOT_SUBMIT)
    rows = _table_rows(kind, filename, content)
    problems, ready = [], []
    seen: dict[tuple[str, ...], int] = {}
    for n, row in rows:
        form, obj, errors = _validated(actor=actor, kind=kind, data=row, row=n)
        problems += errors
        if obj is not None and kind.unique:
            key = tuple(str(getattr(obj, f)) for f in kind.unique)
            if key in seen:
                problems.append({"row": n, "field": kind.unique[0], "message": f"与第 {seen[key]} 行重复"})
            seen.setdefault(key, n)
        ready.append((form, obj))
    if problems:
        rows_bad = sorted({e["row"] for e in problems})
        _refuse(problems, MSG_IMPORT_REFUSED.format(n=len(rows_bad)))
    if dry_run:
        return {"rows": len(ready), "created": 0, "dry_run": True}
    for form, obj in ready:
        obj.submitted_by = actor
        if kind.owner_field == "bank":
            obj.bank = actor.unit
        obj.unit = actor.unit if getattr(actor, "unit_id", None) else None
        _save(kind, obj, form)
        audit_record(actor=actor, action=f"registers.{kind.slug}.import", obj=obj, after=_audit_values(obj),
                     note=filename)
    return {"rows": len(ready), "created": len(ready), "dry_run": False}



# ---------------------------------------------------------------- large imports as a job (core.jobs)

IMPORT_KIND = "registers.import"
BACKGROUND_ROWS = 2_000  # files with more data rows are filed by a background job


def records_import_job(ctx, *, kind: str, filename: str, path: str) -> dict:
    """File an uploaded table (saved at `path` in default storage) for the job's starter; the file
    is kept until the import succeeded, so a failed job can be retried."""
    from django.core.files.storage import default_storage
    from django.utils.translation import gettext_noop

    from .kinds import kind_get

    ctx.progress(0, 0, gettext_noop("正在检查并登记"), force=True)
    with default_storage.open(path, "rb") as fh:
        content = fh.read()
    result = records_import(actor=ctx.user, kind=kind_get(kind), filename=filename, content=content)
    default_storage.delete(path)
    return {**result, "kind": kind, "filename": filename}


def records_import_start(*, actor, kind: RegisterKind, filename: str, content: bytes):
    """Queue the import of a large table as a job for `actor` (checked as the import checks); the job."""
    import secrets
    from pathlib import Path

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from steppe.core.jobs import service as jobs

    perms.require(perms.can_submit(actor, kind), perms.MSG_CANNOT_SUBMIT)
    path = default_storage.save(f"register-imports/{secrets.token_urlsafe(12)}{Path(filename).suffix[:6]}",
                                ContentFile(content))
    return jobs.start(IMPORT_KIND, params={"kind": kind.slug, "filename": filename, "path": path}, user=actor,
                      page=f"/registers/{kind.slug}/")


def records_import_cleanup(job) -> None:
    from django.core.files.storage import default_storage

    path = (job.params or {}).get("path")
    if path and default_storage.exists(path):
        default_storage.delete(path)
