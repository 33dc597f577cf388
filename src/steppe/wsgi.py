"""The WSGI application. Importing it also imports every view (the URLconf), so a server that loads
the application before forking its workers (`gunicorn --preload`, as `make serve` and bench/load.py
do) pays the import once, not on each worker's first request (15-60 s on a busy machine, past
gunicorn's 30 s timeout). Nothing here opens a database connection: forked workers share none.

Then the objects the import made (about 200,000: Django, the apps, their modules and tables) are
moved out of the garbage collector's reach (``gc.freeze``): they live as long as the process, and
a full collection, which a busy worker runs every dozen or so requests, no longer walks them.
Measured on the synthetic fill: a full collection took 110-150 ms, so about one home page in
twelve took 160-190 ms instead of 35 (p95 181-202 ms in bench/load.py); frozen, 12-28 ms. Frozen
before gunicorn forks, the workers also keep sharing those pages of memory with the master."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
application = get_wsgi_application()


def _import_views() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it every app's views


_import_views()


def _freeze_what_the_import_made() -> None:
    gc.collect()  # the import's own garbage is freed first, not frozen with the rest
    gc.freeze()


_freeze_what_the_import_made()
