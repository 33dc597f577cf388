"""`steppe worker`: runs queued jobs and, between them, the periodic schedule and the stale-job check.

The database backend: django-tasks-db's worker in batch mode (all ready tasks, then back here).
Redis: an RQ worker in burst mode with django-tasks-rq's job class. Both come back to this loop
when the queue is empty, so one process also starts periodic work and fails jobs whose worker died.
"""

from __future__ import annotations

import logging
import signal
import time

from django.db import connections

from . import schedule, service
from .runner import worker_name

log = logging.getLogger("steppe.jobs")
SWEEP_EVERY = 15.0  # seconds between stale-job checks


class Loop:
    def __init__(self, *, interval: float = 1.0, periodic: bool = True, stdout=None):
        self.interval = interval
        self.periodic = periodic
        self.stdout = stdout
        self.running = True
        self._last_sweep = 0.0

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def housekeeping(self) -> None:
        if self.periodic:
            for job in schedule.tick():
                self.say(f"periodic: started job {job.pk} ({job.kind})")
        now = time.monotonic()
        if now - self._last_sweep >= SWEEP_EVERY:
            self._last_sweep = now
            for job in service.sweep_stale():
                self.say(f"job {job.pk} ({job.kind}) failed: {job.error}")

    def run(self, *, max_loops: int | None = None) -> None:
        backend = service._backend()
        kind = type(backend).__name__
        self.say(f"steppe worker {worker_name()}: {kind}, queue default")
        if kind == "DatabaseBackend":
            self._run_db(backend, max_loops)
        elif kind == "RQBackend":
            self._run_rq(max_loops)
        else:
            raise RuntimeError(
                f"the task backend {kind} runs tasks without a worker (STEPPE_TASKS_URL=db or redis://...)"
            )

    def _stop(self, signum, frame):  # first signal: finish the current task, then stop
        if not self.running:
            raise SystemExit(1)
        self.running = False

    def _loops(self, max_loops):
        n = 0
        while self.running and (max_loops is None or n < max_loops):
            n += 1
            yield n

    def _run_db(self, backend, max_loops) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"], interval=0, batch=True, backend_name=backend.alias, startup_delay=False,
            max_tasks=None, worker_id=worker_name()[:64], excluded_queue_names=[],
        )
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        for _n in self._loops(max_loops):
            self.housekeeping()
            worker.run()  # every ready task, then back
            if self.running:
                time.sleep(self.interval)

    def _run_rq(self, max_loops) -> None:
        import django_rq
        from django_tasks_rq.backend import Job as TaskJob
        from rq import Worker
        from rq.exceptions import StopRequested

        queue = django_rq.get_queue("default", job_class=TaskJob)
        worker = Worker([queue], connection=queue.connection, job_class=TaskJob, name=worker_name()[:64])
        try:
            for _n in self._loops(max_loops):
                self.housekeeping()
                connections.close_all()  # the work horse is a fork: it must not share our connection
                worker.work(burst=True, logging_level="WARNING")
                if worker._stop_requested:
                    self.running = False
                if self.running:
                    time.sleep(self.interval)
        except StopRequested:  # RQ's signal handler, between bursts
            self.running = False
