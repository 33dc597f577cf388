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


def import_job(ctx, *, path: str, name: str, via: str = "page", rows: int = 0) -> dict:
    """Import the uploaded file at `path` (default storage); its progress on the job. The file is
    kept until the import succeeded, so a failed job can be retried."""
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
    return r.as_dict() | {"samples": None}


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


def register() -> None:
    from steppe.core.jobs.registry import job_kind

    job_kind(IMPORT_KIND, import_job, label=_("统计数据导入"), result_template="stats/_import_result.html",
             cleanup=import_cleanup)
