"""The WSGI module is safe to load before forking (`gunicorn --preload`, make serve): importing it
imports every app's views, opens no database connection the workers would then share, and freezes
what it made (gc.freeze: full collections stay short)."""

import subprocess
import sys

CHECK = """
import sys
import steppe.wsgi
from django.db import connections
opened = [c.alias for c in connections.all(initialized_only=True) if c.connection is not None]
assert not opened, opened
for module in ("steppe.transfer.views", "steppe.stats.views", "steppe.supervision.views", "steppe.api"):
    assert module in sys.modules, module
import gc
# what the import made is out of the collector's reach: a full collection walks the requests' objects only
assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
print("ok")
"""


def test_loading_the_wsgi_application_imports_the_views_opens_no_connection_and_freezes(tmp_path):
    env = {"STEPPE_DEBUG": "1", "STEPPE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
