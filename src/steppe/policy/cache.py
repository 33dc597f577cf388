"""The register's enterprise counts by league and year in the cache every worker shares
(``core.cache.Generation``).

What is cached, under the current generation of ``COUNTS``: ``queries.enterprise_counts_by_region_year``
(the batch-results page, ``GET /api/v1/policy/counts``, the statistics dashboard's
register figures). It groups every enterprise's certificate date and registration number and
every result of the finished batch runs: ~140 ms a request at 100,000 enterprises. Beside them,
the number of files the department (the register) and each bureau (its league) see
(``queries.enterprises_visible_total``: the files page and ``GET /api/v1/policy/enterprises``).

What starts a new generation (``counts_changed``):

* any save or delete of an enterprise, a batch run or a region (``COUNTS.watch`` in
  ``PolicyConfig.ready``); deleting an enterprise or a run takes its results with it;
* any ``update``, ``bulk_create``, ``bulk_update`` or ``delete`` on the querysets of enterprises,
  runs and results (``models.CountsQuerySet``), which save() and its signals do not see: imports,
  ``enterprises_generate`` and the synthetic fill (bulk), a run's status, results replaced or removed;
* the batch run's plain INSERT of results (``services._insert``).

An enterprise's annual data (``EnterpriseYear``) is not read by the counts: it reaches them only
through a new batch run, whose results and status start a new generation. Results are never
saved one by one, so they carry no signal (a signal would make deleting a run's 100,000 results
load each of them).
"""

from __future__ import annotations

from steppe.core.cache import Generation

COUNTS = Generation("policy", lazy=True)  # signals fire per row: deleting 100,000 enterprises bumps once


def counts_changed() -> None:
    """Retire the cached counts (now and after commit)."""
    COUNTS.invalidate()
