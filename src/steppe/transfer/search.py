"""The platform's matching index: built once, shared by every server process.

The index of published achievements, demands and active experts is built by a background job
(``transfer.reindex``, core.jobs) and written to disk as a *version*:

    <STEPPE_SEARCH_INDEX_DIR>/<database>/v-<time>-<pid>/   one version (MatchIndex.save + state.json)
    <STEPPE_SEARCH_INDEX_DIR>/<database>/CURRENT           the version in use, replaced atomically
    <STEPPE_SEARCH_INDEX_DIR>/<database>/.lock             held while a version is written

Each server process loads the current version on its first search (its BM25 matrix and token
ids memory-mapped, about a second at province scale) instead of building its own (tens of
seconds). It then keeps in step *incrementally*: every status change stamps the record's
``updated_at`` and ``catch_up()`` applies the records changed since the version's watermark
(adding the live ones, tombstoning the others; one indexed query per register, at most once a
second). A newer version on disk replaces the process's index when it has seen more than the
process has, or carries less delta; a server process never compacts a large index itself.

A committed listing change is applied to the writing process's index at once (so the author
sees it) and queues one ``transfer.reindex`` job (a job already queued is not doubled), which
writes the next version: the current one caught up (compacted when its delta or tombstones pass
the index's thresholds), or a full build when there is none or ``full`` is asked (daily at 01:00).

While no version exists, a small register (``STEPPE_SEARCH_BUILD_INLINE_MAX`` records or fewer,
about a second) is indexed in the process and written as the first version; a larger one queues
the job and :func:`get_index` answers None: searches then fall back to a database query
(``queries.search``), never a timeout. ``steppe match reindex`` writes a full version at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from steppe.core.aftercommit import after_commit

from .matching import Document, Filters, MatchIndex, SearchResult
from .models import Achievement, Demand, Expert, ListingStatus

log = logging.getLogger("steppe.transfer.search")

KINDS = {"achievement": Achievement, "demand": Demand, "expert": Expert}
# the columns an index document is made of (to_document, _is_live): nothing else is read
_COLUMNS = {
    "achievement": ("public_id", "title", "description", "field", "region__code", "readiness", "price_min",
                    "price_max", "status", "updated_at"),
    "demand": ("public_id", "title", "description", "field", "region__code", "budget", "status", "updated_at"),
    "expert": ("public_id", "name", "fields", "institution", "profile", "region__code", "active", "updated_at"),
}  # fmt: skip


def _rows(kind: str):
    return KINDS[kind].objects.select_related("region").only(*_COLUMNS[kind])
JOB_KIND = "transfer.reindex"
CATCH_UP_EVERY_SECONDS = 1.0
REQUEST_EVERY_SECONDS = 60.0  # a serving process asks for a compacting rebuild at most this often
OVERLAP = dt.timedelta(seconds=30)  # clock skew and commit delay tolerated between processes
KEEP_VERSIONS = 2  # the current version and the one before it (a process may still be loading it)
# a serving index never compacts itself past the inline size: the job does, and the process loads it
NO_COMPACTION = {"min_delta": 1 << 62, "tombstone_ratio": float("inf")}


class _State:
    def __init__(self):
        self.lock = threading.RLock()
        self.index: MatchIndex | None = None
        self.version = ""  # the name of the version on disk this index was loaded from ("" none)
        self.watermark = None  # the latest updated_at applied
        self.boundary: set[tuple] = set()  # (kind, pk, updated_at) applied within OVERLAP of the watermark
        self.checked_at = 0.0
        self.requested_at = -REQUEST_EVERY_SECONDS


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


# ---------------------------------------------------------------- building and catching up


class Snapshot:
    """An index with what it has applied: the watermark and the records stamped near it."""

    def __init__(self, index: MatchIndex, watermark=None, boundary: set | None = None):
        self.index, self.watermark, self.boundary = index, watermark, boundary or set()


def _live_count() -> int:
    return sum(
        (model.objects.filter(active=True) if model is Expert else model.objects.filter(status=ListingStatus.PUBLISHED))
        .count()
        for model in KINDS.values()
    )


def build_snapshot(*, progress=None, **options) -> Snapshot:
    """Build an index of every live record from the database.

    The watermark and the applied set come from the same rows the index is built from, so a
    write that lands during the build is picked up by the next catch-up, never skipped.
    """
    rows = [(kind, o) for kind in KINDS for o in _rows(kind)]
    if progress:
        progress(f"读取 {len(rows)} 条记录 Read {len(rows)} records")
    index = MatchIndex(**options)
    index.build([to_document(o) for _, o in rows if _is_live(o)])
    watermark = max((o.updated_at for _, o in rows), default=None)
    boundary = set()
    if watermark is not None:
        floor = watermark - OVERLAP
        boundary = {(k, o.pk, o.updated_at) for k, o in rows if o.updated_at >= floor}
    return Snapshot(index, watermark, boundary)


def apply_changes(snap: Snapshot) -> int:
    """Apply the records changed since the snapshot's watermark; returns how many were applied.

    It reads back ``OVERLAP`` before the watermark, so a write stamped by a server whose clock
    is a little behind, or committed late, is not missed; the boundary set remembers the (record,
    stamp) pairs of that window so nothing is applied twice.
    """
    since = None if snap.watermark is None else snap.watermark - OVERLAP
    changed = []
    for kind in KINDS:
        qs = _rows(kind)
        if since is not None:
            qs = qs.filter(updated_at__gte=since)  # uses the index on updated_at
        changed += [(kind, o) for o in qs if (kind, o.pk, o.updated_at) not in snap.boundary]
    if not changed:
        return 0
    to_add = [to_document(o) for _, o in changed if _is_live(o)]
    to_remove = [doc_id(o) for _, o in changed if not _is_live(o)]
    if to_remove:
        snap.index.remove(to_remove)
    if to_add:
        snap.index.add(to_add)
    top = max(o.updated_at for _, o in changed)
    if snap.watermark is None or top > snap.watermark:
        snap.watermark = top
    floor = snap.watermark - OVERLAP
    snap.boundary = {key for key in snap.boundary if key[2] >= floor}
    snap.boundary |= {(k, o.pk, o.updated_at) for k, o in changed if o.updated_at >= floor}
    return len(changed)


# ---------------------------------------------------------------- versions on disk


def index_root() -> Path:
    """This database's folder of versions (an index built from another database is never read)."""
    db = connection.settings_dict
    key = f"{db['ENGINE']}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{db['NAME']}"
    name = f"{connection.vendor}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    return Path(settings.SEARCH_INDEX_DIR) / name


def current_version() -> str:
    """The name of the version in use, or "" while there is none."""
    try:
        return (index_root() / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


@contextmanager
def _writer_lock(*, wait: bool = True):
    """One writer of versions at a time (yields False when not waiting and someone else writes)."""
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _stamp(value) -> str | None:
    return None if value is None else value.isoformat()


def _unstamp(value):
    return None if value is None else dt.datetime.fromisoformat(value)


def write_version(snap: Snapshot) -> str:
    """Save the snapshot as a new version, make it the current one (atomically: a reader sees
    the old version or the new one, never a part), drop versions older than the previous one.
    The caller holds the writer lock."""
    root = index_root()
    name = f"v-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}"
    tmp = root / f".{name}.tmp"
    snap.index.save(tmp)
    state = {
        "watermark": _stamp(snap.watermark),
        "boundary": [[k, pk, _stamp(stamp)] for k, pk, stamp in sorted(snap.boundary, key=str)],
        "documents": len(snap.index),
        "delta": snap.index.delta_size,
        "tombstones": snap.index.tombstones,
        "written_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    (tmp / "state.json").write_text(json.dumps(state), encoding="utf-8")
    tmp.rename(root / name)
    pointer = root / f".CURRENT.{os.getpid()}"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, root / "CURRENT")
    versions = sorted(p for p in root.glob("v-*") if p.is_dir())
    for old in versions[:-KEEP_VERSIONS]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in root.glob(".v-*.tmp"):  # a writer that died half way (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    return name


def read_version(name: str, **options) -> tuple[Snapshot, dict]:
    path = index_root() / name
    index = MatchIndex.load(path, mmap=True, **options)
    state = json.loads((path / "state.json").read_text(encoding="utf-8"))
    boundary = {(k, pk, _unstamp(stamp)) for k, pk, stamp in state["boundary"]}
    return Snapshot(index, _unstamp(state["watermark"]), boundary), state


def reindex(*, full: bool = False, progress=None) -> dict:
    """Write the next version (the job ``transfer.reindex`` and ``steppe match reindex``): the
    current version caught up from the database, or a full build when there is none (or
    ``full``). Returns a summary."""
    say = progress or (lambda message: None)
    t0 = time.perf_counter()
    with _writer_lock():
        name, applied, source = current_version(), 0, "build"
        snap = None
        if name and not full:
            try:
                snap, _ = read_version(name)
                source = f"update of {name}"
                say(f"已读取 {name} Loaded {name}")
            except (OSError, ValueError, KeyError) as exc:  # unreadable or of an older format: rebuild
                log.warning("search index %s unreadable (%s): building anew", name, exc)
        if snap is None:
            snap = build_snapshot(progress=say)
            say(f"已建立 {len(snap.index)} 条 Built {len(snap.index)} documents")
        applied = apply_changes(snap)
        # nothing changed since the current version (another job wrote it already): keep it
        new = name if name and not full and source != "build" and not applied else write_version(snap)
    seconds = round(time.perf_counter() - t0, 2)
    log.info("search index %s written (%s, %d applied) in %.1f s", new, source, applied, seconds)
    return {"version": new, "documents": len(snap.index), "applied": applied, "source": source,
            "delta": snap.index.delta_size, "seconds": seconds}  # fmt: skip


def request_rebuild(*, why: str = "") -> None:
    """Queue one ``transfer.reindex`` job, unless one is already waiting (it will see this change
    too). With the database queue it is queued in the current transaction; a rolled-back write
    queues nothing."""
    from steppe.core.jobs import service
    from steppe.core.jobs.models import Job

    if Job.objects.filter(kind=JOB_KIND, status=Job.Status.QUEUED).exists():
        return
    service.start(JOB_KIND, message=why[:300])


# ---------------------------------------------------------------- this process's index


def _adopt(snap: Snapshot, version: str) -> MatchIndex:
    _state.index, _state.version = snap.index, version
    _state.watermark, _state.boundary = snap.watermark, snap.boundary
    _state.checked_at = time.monotonic()
    return snap.index


def inline_max() -> int:
    return int(getattr(settings, "SEARCH_BUILD_INLINE_MAX", 5000))


def _serving(snap: Snapshot) -> Snapshot:
    """A large index in a server process never compacts itself (the job does it)."""
    if len(snap.index) > inline_max():
        snap.index.min_delta, snap.index.tombstone_ratio = NO_COMPACTION["min_delta"], NO_COMPACTION["tombstone_ratio"]
    return snap


def _load_current() -> MatchIndex | None:
    name = current_version()
    if not name:
        return None
    try:
        snap, _ = read_version(name)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("search index %s unreadable (%s)", name, exc)
        return None
    index = _adopt(_serving(snap), name)
    catch_up(force=True)
    return index


def rebuild_index() -> MatchIndex:
    """Build a full index now, write it as the current version and make it this process's
    (``steppe match reindex``; at province scale this takes tens of seconds)."""
    with _state.lock:
        reindex(full=True)
        _state.index = None
        index = _load_current()
        assert index is not None
        return index


def _maybe_newer() -> None:
    """Adopt a newer version from disk when it has seen more than this process, or carries less
    delta (a compacted one); checked at most once a second (one small file read, then its
    state.json: the index itself is read only when it is adopted)."""
    name = current_version()
    if not name or name == _state.version or _state.index is None:
        return
    try:
        state = json.loads((index_root() / name / "state.json").read_text(encoding="utf-8"))
        theirs = _unstamp(state["watermark"])
    except (OSError, ValueError, KeyError):
        return
    mine = _state.index
    ahead = theirs is not None and (_state.watermark is None or theirs > _state.watermark)
    lighter = state["delta"] + state["tombstones"] < mine.delta_size + mine.tombstones
    if not (ahead or lighter):
        _state.version = name  # nothing to gain from it
        return
    try:
        snap, _ = read_version(name)
    except (OSError, ValueError, KeyError):
        return
    _adopt(_serving(snap), name)


def catch_up(*, force: bool = False) -> int:
    """Apply records changed since the watermark to this process's index; how many were applied."""
    with _state.lock:
        if _state.index is None:
            return 0
        now = time.monotonic()
        if not force and now - _state.checked_at < CATCH_UP_EVERY_SECONDS:
            return 0
        _state.checked_at = now
        if not force:
            _maybe_newer()
        snap = Snapshot(_state.index, _state.watermark, _state.boundary)
        n = apply_changes(snap)
        _state.index, _state.watermark, _state.boundary = snap.index, snap.watermark, snap.boundary
        _ask_for_compaction(now)
        return n


def _ask_for_compaction(now: float) -> None:
    index = _state.index
    if index is None or index.min_delta < NO_COMPACTION["min_delta"]:
        return  # a small index compacts itself
    defaults = MatchIndex()
    big_delta = index.delta_size > max(defaults.min_delta, defaults.delta_ratio * (len(index) or 1))
    many_dead = index.tombstones > defaults.tombstone_ratio * (len(index) or 1)
    if (big_delta or many_dead) and now - _state.requested_at >= REQUEST_EVERY_SECONDS:
        _state.requested_at = now
        try:
            request_rebuild(why="检索索引待压缩 Search index needs compacting")
        except Exception:  # a search never fails for it; the next check asks again
            log.exception("could not queue %s", JOB_KIND)


def get_index() -> MatchIndex | None:
    """This process's index, or None while no version exists yet and the register is too large
    to index here (a ``transfer.reindex`` job is then queued; callers fall back)."""
    if _state.index is not None:
        catch_up()
        return _state.index
    with _state.lock:
        if _state.index is not None:
            return _state.index
        index = _load_current()
        if index is not None:
            return index
        if _live_count() > inline_max():
            request_rebuild(why="首次检索：尚无检索索引 First search: no search index yet")
            return None
        snap = build_snapshot()
        with _writer_lock(wait=False) as mine:
            name = write_version(snap) if mine and not current_version() else ""
        return _adopt(_serving(snap), name)


# ---------------------------------------------------------------- results in the shared cache

RESULT_TIMEOUT = 3600  # an entry of a state no process serves any more leaves within the hour


def _state_key() -> str:
    """What this process's index holds: the version it was loaded from, the watermark and the
    records applied near it, and its size (documents, delta, tombstones). Two processes in the
    same state rank alike; any change of a record moves the watermark, so a key never outlives
    the index it was computed from."""
    index = _state.index
    parts = (
        _state.version,
        _stamp(_state.watermark),
        sorted((k, pk, _stamp(t)) for k, pk, t in _state.boundary),
        len(index) if index is not None else -1,
        index.delta_size if index is not None else -1,
        index.tombstones if index is not None else -1,
    )
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def searches(
    index: MatchIndex, specs: list[tuple[str, int, Filters | None, str | None, tuple[str, ...]]]
) -> list[SearchResult]:
    """``index.search(text, k=k, filters=filters, field=field, exclude=exclude)`` for each spec,
    kept in the shared cache under this process's index state (``_state_key``): a record's text
    as the query scores every posting of its ~75 words and character pairs (10-15 ms at province
    scale), and "matches for me" asks up to 15 of them. One cache read for all of them."""
    with _state.lock:  # the state does not move between reading its key and searching
        state = _state_key() if index is _state.index else ""
        if not state:  # an index that is not this process's (a test's, a build's): no cache
            return [index.search(t, k=k, filters=f, field=fd, exclude=ex) for t, k, f, fd, ex in specs]
        keys = [
            "transfer:search:" + hashlib.sha1(repr((state, spec)).encode()).hexdigest() for spec in specs
        ]
        found = cache.get_many(keys)
        missing = {}
        out = []
        for key, (text, k, filters, field, exclude) in zip(keys, specs, strict=True):
            result = found.get(key)
            if result is None:
                result = missing[key] = index.search(text, k=k, filters=filters, field=field, exclude=exclude)
            out.append(result)
        if missing:
            cache.set_many(missing, RESULT_TIMEOUT)
        return out


def forget_process_index() -> None:
    """Forget this process's index only (the next use loads the current version from disk)."""
    with _state.lock:
        _state.index, _state.version, _state.watermark, _state.boundary = None, "", None, set()
        _state.checked_at, _state.requested_at = 0.0, -REQUEST_EVERY_SECONDS


def reset_index() -> None:
    """Forget the index, this process's and the versions on disk (tests, ``steppe synthetic
    clear``; the next use builds it from the database)."""
    with _state.lock:
        forget_process_index()
        shutil.rmtree(index_root(), ignore_errors=True)


def schedule_sync(obj) -> None:
    """After the current transaction commits, bring this process's index up to date, and queue
    the job that writes the next shared version (other processes adopt it)."""
    after_commit(lambda: catch_up(force=True), what=f"transfer.reindex {type(obj).__name__} {obj.pk}")
    request_rebuild(why=f"{type(obj).__name__} {obj.pk}")
