"""The computed views of the statistics, kept in Django's cache that every worker shares.

What is cached (each under the current *generation*, so a new generation retires them all):

* ``plan_attainment`` results (queries.py) - the attainment of a plan's targets;
* the dashboard's target cards, its rendered body and whole pages (views.py);
* the plan a dashboard URL names (views.py).

What starts a new generation (``invalidate``), and only that:

* a statistics import, a withdrawal of published values, a load of the indicator dictionary
  (stats/services.py calls it, before and after commit);
* any save or delete of an observation, import, indicator, plan, plan version or target, e.g. a
  plan load or an edit in the admin (signal receivers connected in ``StatsConfig.ready``).

The platform's own figures (registers, transfer, policy) change all day; they are cached for
``PLATFORM_TTL`` seconds with a stamp of their own that the dashboard body's key includes.

A transaction that changes the data and then rolls back after computing a view may leave that
view cached until the next change (with the database cache the entry rolls back with it).

The cache backend is the project's default cache (settings.CACHES): the database by default, so
every worker and process on one database sees the same generation; Redis when
``STEPPE_CACHE_URL`` names one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "stats:generation"
TIMEOUT = 24 * 3600  # an unused entry leaves after a day; a new generation retires it at once


def generation() -> int:
    """The current generation (1 on a fresh cache)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (a fresh or cleared cache): start past the first one
        cache.set(GENERATION_KEY, 2, timeout=None)


def _bump_after_commit() -> None:
    _bump()


def invalidate() -> None:
    """Retire every cached view: now (this transaction's own later reads see it) and again after
    commit (so a worker that recomputed from the old data in between does not keep it). One
    transaction schedules the bump after commit once, however many rows it saves."""
    _bump()
    conn = transaction.get_connection()
    if not (conn.in_atomic_block and any(item[1] is _bump_after_commit for item in conn.run_on_commit)):
        transaction.on_commit(_bump_after_commit)


def key(*parts, gen: int | None = None) -> str:
    """A cache key for ``parts`` under the current generation (hashed: URLs and names may be long)."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    return f"stats:{gen or generation()}:{digest}"


def remember[T](parts: tuple, compute: Callable[[], T], *, gen: int | None = None, timeout: int = TIMEOUT) -> T:
    """The cached value for ``parts`` in this generation, computed once when missing."""
    k = key(*parts, gen=gen)
    value = cache.get(k)
    if value is None:
        value = compute()
        cache.set(k, value, timeout)
    return value


def on_change(sender, **kwargs) -> None:
    """Signal receiver: a model the computed views read was saved or deleted."""
    invalidate()
