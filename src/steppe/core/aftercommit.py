"""Work that follows a committed write (re-indexing, e-mail, starting a batch run).

The write has happened when this work runs, so its failure must never turn the response into an
error (a client that sees a 500 retries and duplicates the record). `after_commit` retries the
work a few times, then logs it with its traceback and records it in the audit trail
(action `core.after_commit.failed`), where operators see it and `steppe data check` lists it.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger("steppe.aftercommit")
FAILED_ACTION = "core.after_commit.failed"
ATTEMPTS = 3
BACKOFF_SECONDS = 0.05


def run_with_retries(fn: Callable[[], object], *, what: str, attempts: int = ATTEMPTS) -> bool:
    """Run `fn` up to `attempts` times; True when it succeeded, False when it was reported."""
    for attempt in range(1, attempts + 1):
        try:
            fn()
            return True
        except Exception:
            if attempt < attempts:
                time.sleep(BACKOFF_SECONDS * attempt)
                continue
            detail = traceback.format_exc()
            log.error("after-commit work failed %d times: %s\n%s", attempts, what, detail)
            _report(what, detail)
    return False


def after_commit(fn: Callable[[], object], *, what: str) -> None:
    """Schedule `fn` for after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: run_with_retries(fn, what=what))


def _report(what: str, detail: str) -> None:
    try:
        from .models import AuditEntry

        AuditEntry.objects.create(
            actor=None, action=FAILED_ACTION, object_type="after_commit", object_id=what[:64],
            object_repr=what[:255], note=detail[-4000:],
        )
    except Exception:  # the database itself may be what failed; the log line above remains
        log.exception("could not record the after-commit failure of %s", what)
