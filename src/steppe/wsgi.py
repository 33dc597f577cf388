"""The WSGI application. Importing it also imports every view (the URLconf), so a server that loads
the application before forking its workers (`gunicorn --preload`, as `make serve` and bench/load.py
do) pays the import once, not on each worker's first request (15-60 s on a busy machine, past
gunicorn's 30 s timeout). Nothing here opens a database connection: forked workers share none."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
application = get_wsgi_application()


def _import_views() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it every app's views


_import_views()
