"""The computed views of the statistics, kept in Django's cache that every worker shares.

What is cached (each under the current *generation*, so a new generation retires them all):

* ``plan_attainment`` results (queries.py) - the attainment of a plan's targets;
* the dashboard's target cards, its rendered body and whole pages (views.py);
* the plan a dashboard URL names (views.py);
* the indicator page's summary and map, an indicator's cell keys and a few regions' cells (the
  page's and the observations API's windows; views.py, queries.py).

After each committed change a ``stats.warm`` job (stats/jobs.py, ``views.warm``; one queued at a
time) computes the new generation's dashboard cards and the plan-target indicators' pages and API
windows ahead of the first visitors (settings.STEPPE_STATS_WARM; off in the tests).

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

from steppe.core.cache import TIMEOUT, Generation

GENERATION = Generation("stats")
GENERATION_KEY = GENERATION.key_name

# the module's names, as views, queries and jobs call them
generation = GENERATION.current
invalidate = GENERATION.invalidate
key = GENERATION.key
remember = GENERATION.remember
on_change = GENERATION.on_change

__all__ = ["GENERATION", "GENERATION_KEY", "TIMEOUT", "generation", "invalidate", "key", "on_change", "remember"]
