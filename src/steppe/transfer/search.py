"""The platform's matching index: published achievements and demands, active experts.

One in-process :class:`MatchIndex` per server process, built from the database on first use and
then kept in step *incrementally*: every status change stamps the record's ``updated_at``, and
``catch_up()`` applies the records changed since the index's watermark (adding the live ones,
tombstoning the others) - nothing is rebuilt. The process that made a write catches up right
after the commit (``transaction.on_commit``, so a rolled-back write never reaches the index);
every other process catches up on its next search (at most once a second: one indexed query per
register). ``steppe match reindex`` rebuilds from scratch.
"""

from __future__ import annotations

import threading
import time

from django.db import transaction
from django.db.models import Max

from .matching import Document, MatchIndex
from .models import Achievement, Demand, Expert, ListingStatus

KINDS = {"achievement": Achievement, "demand": Demand, "expert": Expert}
CATCH_UP_EVERY_SECONDS = 1.0


class _State:
    def __init__(self):
        self.lock = threading.RLock()
        self.index: MatchIndex | None = None
        self.watermark = None  # the latest updated_at applied
        self.boundary: set[tuple] = set()  # (kind, pk, updated_at) applied at exactly the watermark
        self.checked_at = 0.0


_state = _State()


def parse_doc_id(value: str) -> tuple[str, str]:
    kind, _, public_id = value.partition(":")
    return kind, public_id


def _kind(obj) -> str:
    return "expert" if isinstance(obj, Expert) else obj.kind


def doc_id(obj) -> str:
    return f"{_kind(obj)}:{obj.public_id}"


def _f(value):
    return None if value is None else float(value)


def to_document(obj) -> Document:
    if isinstance(obj, Expert):
        return Document(
            id=doc_id(obj),
            title=obj.name,
            text=f"{' '.join(obj.fields or [])} {obj.institution} {obj.profile}",
            field=(obj.fields or [""])[0],
            region=obj.region.code if obj.region_id else "",
            kind="expert",
        )
    if isinstance(obj, Achievement):
        return Document(
            id=doc_id(obj),
            title=obj.title,
            text=obj.description,
            field=obj.field,
            region=obj.region.code,
            readiness=obj.readiness,
            price_min=_f(obj.price_min),
            price_max=_f(obj.price_max),
            kind="achievement",
        )
    return Document(
        id=doc_id(obj),
        title=obj.title,
        text=obj.description,
        field=obj.field,
        region=obj.region.code,
        price_min=_f(obj.budget),
        price_max=_f(obj.budget),
        kind="demand",
    )


def _is_live(obj) -> bool:
    return obj.active if isinstance(obj, Expert) else obj.status == ListingStatus.PUBLISHED


def _live_filter(kind: str) -> dict:
    return {"active": True} if kind == "expert" else {"status": ListingStatus.PUBLISHED}


def rebuild_index() -> MatchIndex:
    """Build a fresh index of every live record and make it this process's index."""
    with _state.lock:
        marks = [KINDS[k].objects.aggregate(m=Max("updated_at"))["m"] for k in KINDS]
        docs = []
        for kind, model in KINDS.items():
            docs += [
                to_document(o) for o in model.objects.filter(**_live_filter(kind)).select_related("region")
            ]
        index = MatchIndex()
        index.build(docs)
        known = [m for m in marks if m is not None]
        _state.watermark = max(known) if known else None
        _state.boundary = set()
        if _state.watermark is not None:
            for kind, model in KINDS.items():
                _state.boundary |= {
                    (kind, pk, _state.watermark)
                    for pk in model.objects.filter(updated_at=_state.watermark).values_list("pk", flat=True)
                }
        _state.index = index
        _state.checked_at = time.monotonic()
        return index


def catch_up(*, force: bool = False) -> int:
    """Apply records changed since the watermark; returns how many were applied."""
    with _state.lock:
        if _state.index is None:
            return 0
        now = time.monotonic()
        if not force and now - _state.checked_at < CATCH_UP_EVERY_SECONDS:
            return 0
        _state.checked_at = now
        changed = []
        for kind, model in KINDS.items():
            qs = model.objects.select_related("region")
            if _state.watermark is not None:
                qs = qs.filter(updated_at__gte=_state.watermark)  # uses the index on updated_at
            changed += [(kind, o) for o in qs if (kind, o.pk, o.updated_at) not in _state.boundary]
        if not changed:
            return 0
        to_add = [to_document(o) for _, o in changed if _is_live(o)]
        to_remove = [doc_id(o) for _, o in changed if not _is_live(o)]
        if to_remove:
            _state.index.remove(to_remove)
        if to_add:
            _state.index.add(to_add)
        top = max(o.updated_at for _, o in changed)
        if _state.watermark is None or top > _state.watermark:
            _state.watermark = top
            _state.boundary = set()
        _state.boundary |= {(k, o.pk, o.updated_at) for k, o in changed if o.updated_at == _state.watermark}
        return len(changed)


def get_index() -> MatchIndex:
    if _state.index is None:
        return rebuild_index()
    catch_up()
    return _state.index


def reset_index() -> None:
    """Forget the index (tests; the next use rebuilds it from the database)."""
    with _state.lock:
        _state.index, _state.watermark, _state.boundary, _state.checked_at = None, None, set(), 0.0


def schedule_sync(obj) -> None:
    """After the current transaction commits, bring this process's index up to date."""
    transaction.on_commit(lambda: catch_up(force=True))
