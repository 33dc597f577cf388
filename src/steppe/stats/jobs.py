"""The statistics import as a background job (core.jobs): large files from the page and the API."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from steppe.core.errors import DomainError

IMPORT_KIND = "stats.import"
BACKGROUND_ROWS = 50_000  # files with more rows import as a background job, with a progress bar
UPLOAD_DIR = "stats-imports"
# the progress messages, translated when a page shows them
STAGES = {
    "read": gettext_noop("正在读取文件"),
    "check": gettext_noop("正在检查数据"),
    "write": gettext_noop("正在写入数据库"),
}


def import_job(ctx, *, path: str, name: str, via: str = "page", rows: int = 0, samples: bool = False) -> dict:
    """Import the uploaded file at `path` (default storage); its progress on the job. The file is
    kept until the import succeeded, so a failed job can be retried. Every import that writes runs
    here: the worker's jobs, and the small ones run in the request or on the command line
    (`import_here`). `samples` keeps the changed rows' samples in the result (the API's answer)."""
    from . import services

    def progress(stage, done, total):
        ctx.progress(done, total or rows, STAGES.get(stage, stage), force=stage != "write")

    if not default_storage.exists(path):
        raise DomainError("not_found", f"上传的文件已不在服务器上,请重新上传 The uploaded file is gone: {name}")
    with default_storage.open(path, "rb") as fh:
        data = fh.read()
    r = services.observation_import(data=data, file_name=name, actor=ctx.user, via=via, progress=progress)
    if r.import_id:
        ctx.concerns("stats.Import", r.import_id)
    default_storage.delete(path)
    return r.as_dict() | ({} if samples else {"samples": None})


def import_here(data: bytes, name: str, *, user, via: str, rows: int = 0, samples: bool = False, listener=None):
    """Import a file now, in this process, through the background job's own code (`import_job` via
    core.jobs.service.run_here): a small page or API import, or `steppe stats import`. The job is
    recorded like any other. Returns the import's result (a dict); a refused file raises the
    service's DomainError with its rows at fault, and its upload is removed."""
    from steppe.core.jobs import service

    path = save_upload(data, name)
    job = service.run_here(IMPORT_KIND, params={"path": path, "name": name, "via": via, "rows": rows,
                                                "samples": samples},
                           user=user, total=rows, message=STAGES["read"], listener=listener)
    if job.status != job.Status.SUCCEEDED:
        import_cleanup(job)  # the caller reports the refusal at once; nothing is kept for a retry
    service.raise_failure(job)
    return job.result


def start_import(*, path: str, name: str, rows: int, user, via: str, page: str = ""):
    """Queue the import of an uploaded file already saved at `path` (default storage); the job."""
    from steppe.core.jobs import service

    return service.start(
        IMPORT_KIND, params={"path": path, "name": name, "via": via, "rows": rows},
        user=user, page=page, total=rows, message=STAGES["read"],
    )


def save_upload(data: bytes, name: str) -> str:
    import secrets
    from pathlib import Path

    from django.core.files.base import ContentFile

    token = secrets.token_urlsafe(12)
    return default_storage.save(f"{UPLOAD_DIR}/{token}{Path(name).suffix[:6]}", ContentFile(data))


def import_cleanup(job) -> None:
    path = (job.params or {}).get("path")
    if path and default_storage.exists(path):
        default_storage.delete(path)


# ---------------------------------------------------------------- the monitoring report (PDF) as a job

REPORT_KIND = "stats.report"
REPORT_DIR = "stats-reports"
REPORT_REUSE_SECONDS = 3600  # a finished PDF is served again for an hour while its inputs are unchanged


def report_inputs(plan, as_of: int) -> str:
    """A fingerprint of what the report is built from: the statistics' cache generation (any save of
    observations, plans or targets starts a new one), the newest observation and import, the plan."""
    import hashlib

    from django.db.models import Count, Max

    from . import cache as stats_cache
    from .models import Import, Observation

    obs = Observation.objects.aggregate(n=Count("id"), last=Max("id"))
    last_import = Import.objects.aggregate(last=Max("id"))["last"]
    parts = (stats_cache.generation(), obs["n"], obs["last"], last_import, plan.pk, as_of)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def report_job(ctx, *, plan: str, as_of: int, inputs: str = "") -> dict:
    """Build the monitoring report's PDF (a while: charts and a long table) and keep the file."""
    from django.core.files.base import ContentFile
    from django.utils.translation import gettext_noop

    from steppe.plans.models import Plan

    from .report import build_report

    p = Plan.objects.filter(code=plan).first()
    if p is None:
        raise DomainError("not_found", f"未知规划 {plan} Unknown plan {plan}", status=404)
    ctx.progress(0, 1, gettext_noop("正在生成报告"), force=True)
    data, _ctype = build_report(p, as_of=as_of, fmt="pdf")
    path = default_storage.save(f"{REPORT_DIR}/report-{p.code}-{as_of}-{ctx.job.pk}.pdf", ContentFile(data))
    return {"file": path, "name": f"目标监测报告-{p.code}-{as_of}.pdf", "bytes": len(data), "plan": p.code,
            "as_of": as_of, "inputs": inputs}


def report_cleanup(job) -> None:
    path = (job.result or {}).get("file") if isinstance(job.result, dict) else None
    if path and default_storage.exists(path):
        default_storage.delete(path)


def report_ready(plan, as_of: int, inputs: str):
    """The finished report job whose PDF fits these inputs (built within REPORT_REUSE_SECONDS, file
    still there), or None."""
    import datetime as dt

    from django.utils import timezone

    from steppe.core.jobs.models import Job

    since = timezone.now() - dt.timedelta(seconds=REPORT_REUSE_SECONDS)
    for job in Job.objects.filter(kind=REPORT_KIND, status=Job.Status.SUCCEEDED, finished_at__gte=since,
                                  params__plan=plan.code, params__as_of=as_of).order_by("-finished_at")[:5]:
        result = job.result if isinstance(job.result, dict) else {}
        if result.get("inputs") == inputs and result.get("file") and default_storage.exists(result["file"]):
            return job
    return None


def report_start(plan, as_of: int, inputs: str, *, user, page: str):
    """The job building this report: one already queued or running for the same inputs, else a new one."""
    from steppe.core.jobs import service
    from steppe.core.jobs.models import Job

    active = Job.objects.filter(kind=REPORT_KIND, status__in=Job.ACTIVE, params__plan=plan.code,
                                params__as_of=as_of, params__inputs=inputs).first()
    if active is not None:
        return active
    return service.start(REPORT_KIND, params={"plan": plan.code, "as_of": as_of, "inputs": inputs}, user=user,
                         page=page, total=1)


# ---------------------------------------------------------------- computing the views ahead after a data change

WARM_KIND = "stats.warm"  # its handler is stats/warming.py (it reads the views, which import this module)


def warm_after_change() -> None:
    """After each committed change of the statistics (a new cache generation, stats/cache.py):
    queue one ``stats.warm`` job, unless one is queued already (it will see this change too; a
    running one may have read the data before it). Off where settings.STEPPE_STATS_WARM is false
    (the tests, which queue it themselves)."""
    from django.conf import settings

    from steppe.core.jobs import service
    from steppe.core.jobs.models import Job

    if not getattr(settings, "STEPPE_STATS_WARM", True):
        return
    if Job.objects.filter(kind=WARM_KIND, status=Job.Status.QUEUED).exists():
        return
    service.start(WARM_KIND, total=1)


def register() -> None:
    from steppe.core.jobs.registry import job_kind

    job_kind(IMPORT_KIND, import_job, label=_("统计数据导入"), result_template="stats/_import_result.html",
             cleanup=import_cleanup)
    job_kind(REPORT_KIND, report_job, label=_("目标监测报告(PDF)"), result_template="stats/_report_result.html",
             cleanup=report_cleanup)
