"""Policy API: evaluate a case, the enterprise files one may see, the white list for banks."""

from __future__ import annotations

from ninja import Body, Router, Schema

from steppe.core.auth import api_auth
from steppe.core.errors import NotFound, ValidationFailed
from steppe.core.inputs import Limit, Offset, Year, finite_or_none
from steppe.core.pagination import API_LIMIT, window
from steppe.core.roles import Role

from . import permissions, queries
from .engine import CaseError, evaluate

router = Router(tags=["policy"])


class EvaluateIn(Schema):
    case: dict
    year: Year


@router.post("/policy/evaluate")
def evaluate_case(request, payload: EvaluateIn):
    """Evaluate a case (format: docs/policy-calculator.md); anyone may run a what-if."""
    try:
        return evaluate(payload.case, payload.year)
    except CaseError as exc:
        raise ValidationFailed(str(exc), [{"field": f"case.{exc.field}", "message": exc.message}]) from None


def _ent(e):
    return {
        "id": str(e.public_id),
        "name": e.name,
        "credit_code": e.credit_code,
        "region": e.region.code,
        "industry": e.industry,
        "registered_on": e.registered_on.isoformat(),
        "hte_certificate_issued_on": e.hte_certificate_issued_on.isoformat()
        if e.hte_certificate_issued_on
        else None,
        "tsme_registration_number": e.tsme_registration_number or None,
    }


@router.get("/policy/enterprises", auth=api_auth)
def enterprises(request, limit: Limit = 100, offset: Offset = 0):
    qs = permissions.enterprises_visible_to(request.auth).order_by("id")
    total = queries.enterprises_visible_total(request.auth)  # the department's and a bureau's from the cache
    return {"total": total, "items": [_ent(e) for e in window(qs, limit=limit, offset=offset)]}


@router.get("/policy/enterprises/{public_id}", auth=api_auth)
def enterprise_detail(request, public_id: str):
    ent, can_write = permissions.get_enterprise_for_user(request.auth, public_id)
    data = _ent(ent)
    data["can_write"] = can_write
    data["years"] = list(ent.years.values("year", "employees", "tech_staff", "revenue", "rd_expense"))
    data["results"] = [  # a non-finite float stored by hand reads as null (steppe data check lists it)
        {**r, "value_total": finite_or_none(r["value_total"]), "innovation_points": finite_or_none(r["innovation_points"])}
        for r in ent.policy_results.filter(run__status="done").values(
            "year", "tsme_eligible", "hte_eligibility", "value_total", "innovation_points", "white_list"
        )
    ]
    return data


@router.put("/policy/enterprises/{public_id}/years/{year}", auth=api_auth)
def enterprise_year_put(request, public_id: str, year: Year, payload: dict = Body(...)):
    """Create or replace one year of the file (names as in the calculator's years.YYYY). The figures
    are checked by the enterprise page's form (every bad one named at once, nothing written)."""
    from .forms import EnterpriseYearForm
    from .services import enterprise_year_save

    ent, _ = permissions.get_enterprise_for_user(request.auth, public_id)
    form = EnterpriseYearForm({k: v for k, v in payload.items() if not isinstance(v, (dict, list))}, year=year)
    if not form.is_valid():
        errors = form.api_errors(year)
        raise ValidationFailed("；".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    data = {k: v for k, v in payload.items() if k not in form.fields} | form.values()
    obj = enterprise_year_save(actor=request.auth, enterprise=ent, year=year, data=data)
    return {
        "year": obj.year,
        "employees": str(obj.employees),
        "tech_staff": str(obj.tech_staff),
        "revenue": str(obj.revenue),
    }


@router.get("/policy/white-list", auth=api_auth)
def white_list(request, year: Year | None = None, limit: Limit = API_LIMIT, offset: Offset = 0):
    user = request.auth
    if not (permissions.is_department(user) or user.role == Role.BANK):
        raise NotFound()
    rows = queries.white_list(year)
    return [
        {"id": str(r.enterprise.public_id), "name": r.enterprise.name, "credit_code": r.enterprise.credit_code,
         "region": r.enterprise.region.code, "year": r.year, "innovation_points": finite_or_none(r.innovation_points)}
        for r in window(rows, limit=limit, offset=offset)
    ]  # fmt: skip


@router.get("/policy/counts")
def counts(request):
    """HTE and tech SME counts by league and year (certificates and batch-run "would qualify")."""
    return queries.enterprise_counts_by_region_year()
