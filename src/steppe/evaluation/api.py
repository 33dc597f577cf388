"""Evaluation API: frameworks, index runs (ranking with rank intervals, coverage), building a run.

Results are region-scoped data: reading needs an account (token or session); building needs the
department role. Unknown frameworks and runs answer 404.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Router, Schema, Status

from steppe.core.auth import api_auth
from steppe.core.errors import NotFound
from steppe.core.inputs import StoredFloat
from steppe.core.jobs.api import JobOut, job_out
from steppe.core.permissions import is_department
from steppe.core.validation import JsonInput

from . import queries, services
from .framework import builtin_frameworks, load_framework
from .validation import BuildBody

router = Router(tags=["evaluation"])


class FrameworkOut(Schema):
    code: str
    name: str
    name_en: str
    unit_kind: str
    source: str
    indicators: int
    levels: list[str]
    methods: list[str]


class UnitResultOut(Schema):
    code: str
    name: str
    rank: int
    scores: dict[str, float | None]
    coverage: float | None
    rank_median: float | None = None
    rank_lo: float | None = None
    rank_hi: float | None = None


class RunOut(Schema):
    uid: UUID
    framework: str
    method: str
    year: int | None
    created_at: dt.datetime
    ok: bool
    error: str
    coverage: StoredFloat  # null for a non-finite value stored by hand (steppe data check lists it)
    data_source: str
    data_sha256: str
    framework_sha256: str
    replications: int
    seed: int
    columns: list[str]
    units: list[UnitResultOut]
    sensitivity: dict | None


def _run_out(run) -> dict:
    res = run.result or {}
    return {
        "uid": run.uid,
        "framework": run.framework,
        "method": run.method,
        "year": run.year,
        "created_at": run.created_at,
        "ok": run.ok,
        "error": run.error,
        "coverage": run.coverage,
        "data_source": run.data_source,
        "data_sha256": run.data_sha256,
        "framework_sha256": run.framework_sha256,
        "replications": run.replications,
        "seed": run.seed,
        "columns": res.get("columns", []),
        "units": res.get("units", []),
        "sensitivity": res.get("uncertainty"),
    }


@router.get("/evaluation/frameworks", response=list[FrameworkOut], auth=api_auth, summary="Index frameworks")
def frameworks(request):
    out = []
    for _code, path in builtin_frameworks().items():
        fw = load_framework(path)
        out.append(
            {
                "code": fw.code,
                "name": fw.name,
                "name_en": fw.name_en,
                "unit_kind": fw.unit_kind,
                "source": fw.source,
                "indicators": len(fw.indicators),
                "levels": fw.levels,
                "methods": list(fw.methods),
            }
        )
    return out


@router.get(
    "/evaluation/frameworks/{code}/latest",
    response=RunOut,
    auth=api_auth,
    summary="The latest run of a framework (a failed run says why and shows coverage)",
)
def latest(request, code: str):
    if code not in builtin_frameworks():
        raise NotFound(f"未找到评价框架 {code} Framework {code} not found")
    run = queries.latest_run(code)
    if run is None:
        raise NotFound("该框架尚未计算 No run yet")
    return _run_out(run)


@router.get("/evaluation/runs/{uid}", response=RunOut, auth=api_auth, summary="One stored run")
def run_detail(request, uid: UUID):
    return _run_out(queries.run_by_uid(uid))


@router.post(
    "/evaluation/frameworks/{code}/runs",
    response={202: JobOut},
    auth=api_auth,
    summary="Build the index over the current data (department): a background job",
)
def build(request, code: str, payload: BuildBody):
    """The parameters are checked at once (404 unknown framework, 400 bad method or replications);
    the build itself, with its Monte Carlo replications, is an `evaluation.build` job, as on the
    page: 202 with the job, followed at `GET /api/v1/jobs/{id}`; its result names the run
    (`result.run`, read at `GET /api/v1/evaluation/runs/{uid}`)."""
    if not is_department(request.auth):
        raise NotFound(f"未找到评价框架 {code} Framework {code} not found")
    job = services.index_build_start(framework=code, data=JsonInput(payload.model_dump(exclude_unset=True)),
                                     user=request.auth)
    return Status(202, job_out(job))
