"""Computed views kept in Django's cache under a *generation*: one counter per app, bumped by every
write that changes what the views read, so a new generation retires all of them at once and no
entry ever outlives the data it was computed from.

``Generation("supervision")`` is what an app uses: ``remember(parts, compute)`` returns the value
computed in this generation (computing it once when missing), ``invalidate()`` starts a new one
now and again after commit, and ``watch(*models)`` connects the save and delete signals of the
models its views read. Writes that bypass signals (``bulk_create``, ``QuerySet.update``) call
``invalidate()`` themselves.

The backend is the project's default cache (settings.CACHES): the database by default, so every
worker and process on one database sees the same generation; Redis when ``STEPPE_CACHE_URL``
names one. A transaction that changes the data and then rolls back after computing a view may
leave that view cached until the next change (with the database cache it rolls back with it).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger("steppe.cache")

TIMEOUT = 24 * 3600  # an unused entry leaves after a day; a new generation retires it at once


def _fresh() -> int:
    """A generation for a counter that is missing (a fresh cache, or one evicted or cleared):
    milliseconds since 1970, above any count reached before, so entries computed under an old
    number (they live a day) are never read as current again."""
    return int(time.time() * 1000)


class Generation:
    """``lazy``: inside a transaction only its first write bumps at once; later writes mark the
    generation dirty for this connection and the next read here bumps (see ``invalidate``)."""

    def __init__(self, name: str, *, lazy: bool = False):
        self.name = name
        self.key_name = f"{name}:generation"
        self.lazy = lazy
        self._listeners: list[Callable[[], None]] = []

    def current(self) -> int:
        """The current generation (on a fresh cache, or one that lost the counter, a number never
        used before: see ``_fresh``)."""
        dirty = getattr(transaction.get_connection(), "steppe_cache_dirty", None)
        if dirty and self.name in dirty:  # a lazy generation: written again since its first bump
            dirty.discard(self.name)
            self._bump()
        value = cache.get(self.key_name)
        if value is None:
            fresh = _fresh()
            cache.add(self.key_name, fresh, timeout=None)
            value = cache.get(self.key_name, fresh)
        return int(value)

    def _bump(self) -> None:
        try:
            cache.incr(self.key_name)
            # Django's incr outside Redis is get + set with the backend's default timeout (300 s):
            # the counter would vanish five minutes after the last change and start again
            cache.touch(self.key_name, None)
        except ValueError:  # no generation yet (a fresh or cleared cache): start past any reader's
            cache.set(self.key_name, _fresh() + 1, timeout=None)

    def _bump_after_commit(self) -> None:
        dirty = getattr(transaction.get_connection(), "steppe_cache_dirty", None)
        if dirty:
            dirty.discard(self.name)  # this bump retires what the transaction's later writes changed
        self._bump()
        for listener in self._listeners:
            try:
                listener()
            except Exception:  # the write is committed: a listener's failure must not undo its answer
                log.exception("%s: a listener after a change failed", self.name)

    def after_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` once after each committed change (a transaction's writes, or one write
        outside a transaction), when the new generation is in place: e.g. to queue a job that
        computes the views again before visitors ask for them."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def invalidate(self) -> None:
        """Retire every view of this generation: now (this transaction's own later reads see it)
        and again after commit (so a worker that recomputed from the old data in between does not
        keep it). One transaction schedules the bump after commit once, however many rows it saves.

        A ``lazy`` generation also bumps at once only on a transaction's first write: a later write
        marks it dirty for this connection and the next read here (``current``) bumps once, so a
        delete cascading over 10,000 rows, one signal each, asks the cache a few times, not 10,000
        (other workers see the new generation at commit, as they see the new data)."""
        conn = transaction.get_connection()
        bound = self._bump_after_commit
        scheduled = conn.in_atomic_block and any(item[1] == bound for item in conn.run_on_commit)
        if scheduled and self.lazy:
            if not hasattr(conn, "steppe_cache_dirty"):
                conn.steppe_cache_dirty = set()
            conn.steppe_cache_dirty.add(self.name)
            return
        self._bump()
        if not scheduled:
            transaction.on_commit(bound)

    def key(self, *parts, gen: int | None = None) -> str:
        """A cache key for ``parts`` under the current generation (hashed: names may be long)."""
        digest = hashlib.sha1(repr(parts).encode()).hexdigest()
        return f"{self.name}:{gen or self.current()}:{digest}"

    def remember[T](self, parts: tuple, compute: Callable[[], T], *, gen: int | None = None, timeout: int = TIMEOUT) -> T:
        """The cached value for ``parts`` in this generation (or ``gen``, read once by a caller that
        keys several entries alike), computed once when missing."""
        k = self.key(*parts, gen=gen)
        value = cache.get(k)
        if value is None:
            value = compute()
            cache.set(k, value, timeout)
        return value

    def on_change(self, sender, **kwargs) -> None:
        """Signal receiver: a model the views read was saved or deleted."""
        self.invalidate()

    def watch(self, *models) -> None:
        """Retire this generation's views whenever one of ``models`` is saved or deleted."""
        for model in models:
            label = model._meta.label
            post_save.connect(self.on_change, sender=model, weak=False, dispatch_uid=f"{self.name}-cache-{label}")
            post_delete.connect(self.on_change, sender=model, weak=False, dispatch_uid=f"{self.name}-cache-del-{label}")

    def on_m2m_change(self, sender, action: str = "", **kwargs) -> None:
        """Signal receiver: links of a many-to-many field the views read were added, removed or cleared."""
        if action.startswith("post_"):
            self.invalidate()

    def watch_links(self, *fields) -> None:
        """Retire this generation's views whenever links of one of the many-to-many ``fields`` (e.g.
        ``Platform.measures``) change: ``add``, ``remove``, ``set`` and ``clear`` save no model."""
        for f in fields:
            through = f.remote_field.through
            m2m_changed.connect(self.on_m2m_change, sender=through, weak=False,
                                dispatch_uid=f"{self.name}-cache-m2m-{through._meta.label}")


class RetiringQuerySet(models.QuerySet):
    """A queryset whose writes that bypass save() and its signals (``update``, ``bulk_create``,
    ``bulk_update``, ``delete``) still retire the views they change: a subclass names ``changed``
    (what starts the new generation, e.g. ``staticmethod(counts_changed)``) and ``uncounted``, the
    fields an update of which alone changes no cached view (a view counter, a job's progress)."""

    uncounted: frozenset[str] = frozenset()

    @staticmethod
    def changed() -> None:
        raise NotImplementedError("a RetiringQuerySet names what its writes retire (changed)")

    def update(self, **kwargs):
        n = super().update(**kwargs)
        if n and not (self.uncounted and set(kwargs) <= self.uncounted):
            self.changed()
        return n

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            self.changed()
        return created

    def bulk_update(self, objs, *args, **kwargs):
        n = super().bulk_update(objs, *args, **kwargs)
        if n:
            self.changed()
        return n

    def delete(self):
        deleted = super().delete()
        if deleted[0]:
            self.changed()
        return deleted
