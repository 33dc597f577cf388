"""Work that follows a committed write (re-indexing, e-mail).

The write has happened when this work runs, so its failure must never turn the response into an
error (a client that sees a 500 retries and duplicates the record). Work that can run anywhere
(e-mail) is a background job (`job=(kind, params)`, core.jobs): queued with the write, run by a
worker, retried there (the kind's `max_attempts`), and when it fails for good recorded in the audit
trail (action `core.after_commit.failed`). Work that must run in this process (bringing its own
in-memory index up to date) runs after the commit and is retried here a few times before it is
logged and recorded the same way.
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


def after_commit(fn: Callable[[], object] | None = None, *, what: str,
                 job: tuple[str, dict] | None = None) -> None:
    """Run `fn` in this process after the current transaction commits (at once outside one), or
    queue the job `job` = (kind, params) with the write: a rolled-back write starts neither."""
    if job is not None:
        from .jobs import service

        service.start(job[0], params=job[1], subject=("after_commit", what[:64]))
        return
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
