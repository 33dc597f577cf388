"""The WSGI module is safe to load before forking (`gunicorn --preload`, make serve): importing it
imports every app's views and opens no database connection the workers would then share."""

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
print("ok")
"""


def test_loading_the_wsgi_application_imports_the_views_and_opens_no_connection(tmp_path):
    env = {"STEPPE_DEBUG": "1", "STEPPE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
