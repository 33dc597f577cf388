"""Background and periodic jobs on Django's Tasks API (docs/operations.md, "Jobs").

One `Job` row per piece of long work: what it is (`kind`), who started it, its status, progress
(done/total and a message the work updates as it goes), its result summary and its error, and a
link back to what it concerns. Apps register what each kind does (`registry.job_kind`) in their
`AppConfig.ready`; `service.start` records a job and puts it on the queue. One task,
`runner.run_job`, runs any job: the database backend (django-tasks-db) by default, run by
`steppe worker` beside the web server; a Redis queue (django-tasks-rq) with `STEPPE_TASKS_URL`.

Modules: models (Job, PeriodicClaim), registry (kinds and the periodic schedule), runner (the
task and the progress the work reports), service (start, retry, cancel, stale detection, pruning),
schedule (periodic work claimed once per period), worker (the `steppe worker` loop).
"""
