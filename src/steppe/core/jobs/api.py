"""The jobs API: follow a background job started by another endpoint; retry or cancel it."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from steppe.core.auth import api_auth
from steppe.core.errors import DomainError, NotFound
from steppe.core.inputs import declare_conflict

from . import service
from .models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int
    message: str
    result: dict | None = None
    error: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int
    url: str


def job_out(job: Job) -> dict:
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
        "message": job.message, "result": job.result if isinstance(job.result, dict) else None,
        "error": job.error, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "attempts": job.attempts, "url": f"/api/v1/jobs/{job.pk}",
    }


def _visible(request, job_id: int) -> Job:
    from .views import can_see

    try:
        job = service.get(job_id)
    except DomainError:
        raise NotFound(f"没有编号为 {job_id} 的任务 No job with id {job_id}") from None
    if not can_see(request.auth, job):
        raise NotFound(f"没有编号为 {job_id} 的任务 No job with id {job_id}")
    return service.refresh(job)


@router.get("/jobs/{job_id}", response=JobOut, auth=api_auth, summary="A background job: status, progress, result")
def job_detail(request, job_id: int):
    return job_out(_visible(request, job_id))


declare_conflict("POST /jobs/{job_id}/retry", "the job has not failed or been cancelled, or changed meanwhile")
declare_conflict("POST /jobs/{job_id}/cancel", "the job has already finished, or changed meanwhile")


@router.post("/jobs/{job_id}/retry", response=JobOut, auth=api_auth, summary="Queue a failed or cancelled job again")
def job_retry(request, job_id: int):
    job = _visible(request, job_id)
    return job_out(service.retry(job.pk, user=request.auth))


@router.post("/jobs/{job_id}/cancel", response=JobOut, auth=api_auth, summary="Cancel a queued or running job")
def job_cancel(request, job_id: int):
    job = _visible(request, job_id)
    return job_out(service.cancel(job.pk, user=request.auth))
