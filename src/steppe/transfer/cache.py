"""Transfer's computed figures in the cache every worker shares (``core.cache.Generation``).

What is cached, each under the current generation of ``FIGURES``:

* the registered contracts' turnover by league and year (``queries.contract_turnover_by_region_year``:
  ``GET /api/v1/transfer/figures/turnover``, the statistics dashboard), the number of registered
  contracts, and the figures page's turnover table as HTML (a template fragment keyed by the
  generation and the language);
* the fields records name (``queries.field_choices``, the search page's filter);
* the funnel's interest, negotiation and contract stages (``queries.funnel``). Its listing and
  view stages are read live: every view of a record counts, and would retire the cache each time.

What starts a new generation (``figures_changed``):

* any save or delete of a contract, interest, achievement, demand, broker or region (a record's
  region or field and a broker's name group the funnel; a region's name labels the turnover):
  ``FIGURES.watch`` in ``TransferConfig.ready``;
* any ``update``, ``bulk_create``, ``bulk_update`` or ``delete`` on the contracts', interests',
  brokers' and records' querysets (``models.FiguresQuerySet``), which save() and its signals do
  not see: a contract voided or superseded, an interest moving to negotiation or contract, a
  record expiring, the synthetic fill. Counting a record's view (an update of ``views`` alone)
  does not: the views are read live.
"""

from __future__ import annotations

from steppe.core.cache import Generation

FIGURES = Generation("transfer", lazy=True)  # signals fire per row: a bulk delete bumps once


def figures_changed() -> None:
    """Retire the cached figures (now and after commit)."""
    FIGURES.invalidate()
