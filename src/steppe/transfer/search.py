"""The platform's matching index: published achievements and demands, active experts.

One in-process :class:`MatchIndex`, built lazily from the database on first use and then kept
in step by the services: publishing, renewing, withdrawing or expiring a record schedules
``index_sync`` with ``transaction.on_commit`` (so a rolled-back write never reaches the index),
and ``index_sync`` adds or tombstones that one document; nothing is rebuilt.
``steppe match reindex`` rebuilds from scratch (e.g. after a bulk import in another process).
"""

from __future__ import annotations

import threading

from django.db import transaction

from .matching import Document, MatchIndex
from .models import Achievement, Demand, Expert, ListingStatus

_lock = threading.Lock()
_index: MatchIndex | None = None

KINDS = {"achievement": Achievement, "demand": Demand, "expert": Expert}


def doc_id(obj) -> str:
    return f"{obj.kind if hasattr(obj, 'kind') else 'expert'}:{obj.public_id}"


def parse_doc_id(value: str) -> tuple[str, str]:
    kind, _, public_id = value.partition(":")
    return kind, public_id


def _f(value):
    return None if value is None else float(value)


def to_document(obj) -> Document:
    if isinstance(obj, Expert):
        return Document(
            id=f"expert:{obj.public_id}",
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


def _published_documents() -> list[Document]:
    docs = [
        to_document(a)
        for a in Achievement.objects.filter(status=ListingStatus.PUBLISHED).select_related("region")
    ]
    docs += [
        to_document(d) for d in Demand.objects.filter(status=ListingStatus.PUBLISHED).select_related("region")
    ]
    docs += [to_document(e) for e in Expert.objects.filter(active=True).select_related("region")]
    return docs


def rebuild_index() -> MatchIndex:
    global _index
    index = MatchIndex()
    index.build(_published_documents())
    with _lock:
        _index = index
    return index


def get_index() -> MatchIndex:
    if _index is None:
        return rebuild_index()
    return _index


def reset_index() -> None:
    """Forget the index (tests; the next use rebuilds it from the database)."""
    global _index
    with _lock:
        _index = None


def index_sync(kind: str, pk: int) -> None:
    """Bring one record's document in line with the database: add it if it is live, else remove."""
    if _index is None:  # not built yet: the first use reads the database anyway
        return
    model = KINDS[kind]
    obj = model.objects.select_related("region").filter(pk=pk).first()
    if obj is None:
        return
    live = obj.active if kind == "expert" else obj.status == ListingStatus.PUBLISHED
    if live:
        _index.add(to_document(obj))
    else:
        _index.remove(f"{kind}:{obj.public_id}")


def schedule_sync(obj) -> None:
    kind = getattr(obj, "kind", "expert")
    pk = obj.pk
    transaction.on_commit(lambda: index_sync(kind, pk))
