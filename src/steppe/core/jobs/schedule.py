"""Periodic work: each worker's loop calls `tick`; a unique row per (task, period) makes exactly
one of several workers start each due task once per period. No external cron."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import registry, service
from .models import Job, PeriodicClaim

log = logging.getLogger("steppe.jobs")

_seen: set[tuple[str, str]] = set()  # periods this process already claimed or saw claimed (saves writes)


def tick(*, now=None) -> list[Job]:
    """Start every periodic task that is due and not yet started in its current period."""
    now = now or timezone.now()
    started = []
    for p in registry.periodic_tasks():
        period = p.period(now)
        if period is None or (p.name, period) in _seen:
            continue
        try:
            with transaction.atomic():
                claim = PeriodicClaim.objects.create(name=p.name, period=period, claimed_at=now)
                job = service.start(p.kind, params=p.params, subject=("periodic", p.name))
                PeriodicClaim.objects.filter(pk=claim.pk).update(job=job)
        except IntegrityError:
            _seen.add((p.name, period))  # another worker claimed it
            continue
        _seen.add((p.name, period))
        log.info("periodic %s (%s) started job %s", p.name, period, job.pk)
        started.append(job)
    return started


def forget() -> None:
    """Tests: start from a clean slate of periods seen by this process."""
    _seen.clear()
