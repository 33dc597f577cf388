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

import datetime as dt
import threading
import time

from steppe.core.aftercommit import after_commit

from .matching import Document, MatchIndex
from .models import Achievement, Demand, Expert, ListingStatus

KINDS = {"achievement": Achievement, "demand": Demand, "expert": Expert}
CATCH_UP_EVERY_SECONDS = 1.0
OVERLAP = dt.timedelta(seconds=30)  # clock skew and commit delay tolerated between processes


class _State:
    def __init__(self):
        self.lock = threading.RLock()
        self.index: MatchIndex | None = None
        self.watermark = None  # the latest updated_at applied
        self.boundary: set[tuple] = set()  # (kind, pk, updated_at) applied within OVERLAP of the watermark
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


def rebuild_index() -> MatchIndex:
    """Build a fresh index of every live record and make it this process's index.

    The watermark and the applied set come from the same rows the index is built from, so a
    write that lands during the rebuild is picked up by the next catch-up, never skipped.
    """
    with _state.lock:
        rows = [(kind, o) for kind, model in KINDS.items() for o in model.objects.select_related("region")]
        index = MatchIndex()
        index.build([to_document(o) for _, o in rows if _is_live(o)])
        _state.watermark = max((o.updated_at for _, o in rows), default=None)
        _state.boundary = set()
        if _state.watermark is not None:
            floor = _state.watermark - OVERLAP
            _state.boundary = {(k, o.pk, o.updated_at) for k, o in rows if o.updated_at >= floor}
        _state.index = index
        _state.checked_at = time.monotonic()
        return index


def catch_up(*, force: bool = False) -> int:
    """Apply records changed since the watermark; returns how many were applied.

    It reads back ``OVERLAP`` before the watermark, so a write stamped by a server whose clock
    is a little behind, or committed late, is not missed; ``applied`` remembers the (record,
    stamp) pairs of that window so nothing is applied twice.
    """
    with _state.lock:
        if _state.index is None:
            return 0
        now = time.monotonic()
        if not force and now - _state.checked_at < CATCH_UP_EVERY_SECONDS:
            return 0
        _state.checked_at = now
        since = None if _state.watermark is None else _state.watermark - OVERLAP
        changed = []
        for kind, model in KINDS.items():
            qs = model.objects.select_related("region")
            if since is not None:
                qs = qs.filter(updated_at__gte=since)  # uses the index on updated_at
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
        floor = _state.watermark - OVERLAP
        _state.boundary = {key for key in _state.boundary if key[2] >= floor}
        _state.boundary |= {(k, o.pk, o.updated_at) for k, o in changed if o.updated_at >= floor}
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
    after_commit(lambda: catch_up(force=True), what=f"transfer.reindex {type(obj).__name__} {obj.pk}")
