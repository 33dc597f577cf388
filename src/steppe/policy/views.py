"""Pages: the calculator, the enterprise file, the batch results, the white list for banks."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext

from steppe.core.bilingual import in_language
from steppe.core.errors import DomainError, NotFound, ValidationFailed
from steppe.core.models import Notification, Region
from steppe.core.pages import form_page
from steppe.core.pagination import paginate
from steppe.core.roles import Role
from steppe.core.validation import parse_choice, parse_decimal, parse_year

from . import innovation, permissions, queries
from .engine import CaseError, evaluate
from .forms import (
    ENGINE_MESSAGES,
    YEAR_FIELDS,
    CalculatorForm,
    ComplianceEventForm,
    EnterpriseFileForm,
    EnterpriseYearForm,
    RunYearForm,
)
from .models import ComplianceEvent, PolicyRun, enterprise_subject
from .services import (
    enterprise_case,
    enterprise_file_open,
    enterprise_year_save,
    policy_run_start,
    register_export_bytes,
    register_import,
)

EXAMPLE = {
    "enterprise": {"registered_on": "2019-03-01", "region": "150203", "industry": "C3985", "compliance_ok": True},
    "years": {
        "2022": {"employees": 80, "tech_staff": 16, "revenue": 3000, "net_assets": 1000, "rd_expense": 120, "conversions": 2},
        "2023": {"employees": 90, "tech_staff": 18, "revenue": 3500, "net_assets": 1150, "rd_expense": 150, "conversions": 3},
        "2024": {"employees": 100, "tech_staff": 20, "revenue": 4000, "income_total": 4100, "total_costs": 3500,
                 "total_assets": 5000, "net_assets": 1300, "hightech_revenue": 2800, "rd_expense": 180,
                 "ip_class_i": 1, "ip_class_ii": 3, "conversions": 3, "tech_transfer_income": 120, "taxable_income": 300},
    },
}  # fmt: skip


def calculator(request):
    """Enter (grid or JSON) or load a file, and see per policy: qualifies, why, value, distance.

    The grid is a page form (policy.forms.CalculatorForm): every bad cell is reported at once,
    beside it; the JSON mode names the JSON path of the first bad value."""
    year = 2024
    error = None
    result = None
    case = EXAMPLE
    loaded = None
    load = request.GET.get("load")
    # `?year=abc` is a 400 naming `year` (DomainErrorMiddleware), not a silent 2024
    year = parse_year(request.GET.get("year"), default=year)
    if load and request.user.is_authenticated:
        try:
            loaded, _ = permissions.get_enterprise_for_user(request.user, load)
        except NotFound:
            raise Http404 from None
        case = enterprise_case(loaded, year)
    elif request.user.is_authenticated and request.method == "GET":
        own = permissions.enterprises_visible_to(request.user).first() if request.user.role == Role.ENTERPRISE else None
        if own is not None:
            loaded, case = own, enterprise_case(own, year)
    text = json.dumps(case, ensure_ascii=False, indent=2)
    form = CalculatorForm(year=year, initial_case=case)
    if request.method == "POST":
        try:
            year = parse_year(request.POST.get("year"), default=year)
        except ValidationFailed:
            error = gettext("年度须为四位数字")
        if error is None and request.POST.get("mode") == "json":
            text = request.POST.get("case", "")
            try:
                case = json.loads(text)
                result = evaluate(case, year)
                form = CalculatorForm(year=year, initial_case=case if isinstance(case, dict) else {})
            except json.JSONDecodeError as exc:
                error = gettext("JSON 格式错误：第 %(line)s 行 %(msg)s") % {"line": exc.lineno, "msg": exc.msg}
            except CaseError as exc:
                message = next((str(zh) for en, zh in ENGINE_MESSAGES if en in exc.message), gettext("取值无效"))
                error = f"{exc.field}{gettext('：')}{message}"
        elif error is None:
            form = CalculatorForm(request.POST, year=year)
            if form.is_valid():
                case = form.case()
                text = json.dumps(case, ensure_ascii=False, indent=2)
                try:
                    result = evaluate(case, year)
                except CaseError as exc:
                    form.add_case_error(exc)
    ctx = {"case_text": text, "year": year, "result": result, "error": error, "form": form, "loaded": loaded}
    # a POST evaluated is shown (200); one refused (the year, bad JSON, a bad cell, CaseError) is 400
    refused = request.method == "POST" and result is None
    return form_page(request, "policy/calculator.html", ctx, refused=refused)


@login_required
def enterprise_list(request):
    """The files one may see; department and bureaus import (all or nothing) and export here."""
    if request.user.role == Role.BANK:
        raise Http404  # a bank sees the white list only
    qs = permissions.enterprises_visible_to(request.user).order_by("name")
    ctx = {"can_import": permissions.can_import(request.user)}
    opening = request.method == "POST" and request.POST.get("form") == "open"
    if request.method == "POST" and not opening:
        if not ctx["can_import"]:
            raise Http404
        upload = request.FILES.get("file")
        dry_run = bool(request.POST.get("dry_run"))
        prefix = permissions._league_prefix(request.user) if request.user.role == Role.BUREAU else None
        if upload is None:
            ctx["import_error"] = gettext("请选择 CSV 或 XLSX 文件")
        else:
            try:
                ctx["import_counts"] = register_import(
                    upload, actor=request.user, filename=upload.name, dry_run=dry_run, region_prefix=prefix
                )
                ctx["dry_run"] = dry_run
            except DomainError as exc:
                ctx["import_error"] = exc.message
                ctx["import_errors"] = (exc.data or {}).get("errors", [])[:200]
    # counted once, after an import (the department's and a bureau's number kept in the cache)
    ctx["total"] = queries.enterprises_visible_total(request.user)
    if request.user.role == Role.ENTERPRISE and ctx["total"] == 0:
        # an enterprise without a file opens it here: the register's row under its credit code,
        # or a new file from what it enters
        form = EnterpriseFileForm(request.POST if opening else None, org=request.user.unit)
        if opening and request.user.unit_id and form.is_valid():
            data = {**form.cleaned_data, "registered_on": form.cleaned_data["registered_on"]}
            try:
                ent, from_register = enterprise_file_open(actor=request.user, data=data)
                messages.success(request, gettext("已从企业名录关联本单位的档案") if from_register
                                 else gettext("企业档案已建立"))  # fmt: skip
                return redirect("policy:enterprise", public_id=ent.public_id)
            except DomainError as exc:
                if exc.status == 404:
                    raise Http404 from None
                if exc.data.get("errors"):
                    form.add_service_errors(exc)
                else:
                    form.add_error(None, exc.message)
        ctx["open_form"] = form
    ctx["enterprises"] = paginate(request, qs, count=ctx["total"])
    # an import checked or done shows its counts (200); a refused import or file is 400
    refused = request.method == "POST" and ("import_error" in ctx or opening)
    return form_page(request, "policy/enterprise_list.html", ctx, refused=refused)


@login_required
def enterprise_export(request):
    """The visible files as CSV (same columns as the import)."""
    if request.user.role == Role.BANK:
        raise Http404
    from steppe.core.tables import file_response

    fmt = parse_choice(request.GET.get("format") or "csv", "format", ["csv", "xlsx"])
    data, _ = register_export_bytes(fmt, enterprises=permissions.enterprises_visible_to(request.user))
    return file_response(data, fmt, "enterprises")


# the enterprise file's yearly form: the calculator's rows less the two incomes it derives
YEAR_FORM_FIELDS = [f for f in YEAR_FIELDS if f[0] not in ("non_taxable_income", "investment_income")]


@login_required
def enterprise_file(request, public_id):
    try:
        ent, can_write = permissions.get_enterprise_for_user(request.user, public_id)
    except NotFound:
        raise Http404 from None
    errors: list[tuple[str, str, str]] = []  # (field, label, message): every problem at once
    can_record = permissions.is_department(request.user) or (request.user.role == Role.BUREAU and can_write)
    if request.method == "POST" and request.POST.get("form") == "event":
        if not can_record:
            raise Http404
        from .services import compliance_event_record

        event_form = ComplianceEventForm(request.POST)
        if event_form.is_valid():
            try:
                compliance_event_record(actor=request.user, enterprise=ent, **event_form.cleaned_data)
                return redirect("policy:enterprise", public_id=ent.public_id)
            except DomainError as exc:
                event_form.add_domain_error(exc)
        errors = event_form.error_summary
    elif request.method == "POST":
        if not can_write:
            raise Http404
        year_form = EnterpriseYearForm(request.POST)
        if year_form.is_valid():
            try:
                enterprise_year_save(actor=request.user, enterprise=ent, year=year_form.cleaned_data["year"],
                                     data=year_form.values())
                return redirect("policy:enterprise", public_id=ent.public_id)
            except DomainError as exc:  # a rule only the calculator's engine checks, by field
                year_form.add_service_errors(exc)
        errors = year_form.error_summary
    ctx = {
        "e": ent,
        "can_write": can_write,
        "years": ent.years.order_by("year"),
        "events": ent.compliance_events.all(),
        "results": ent.policy_results.filter(run__status="done").order_by("-year"),
        "notifications": Notification.objects.filter(subject=enterprise_subject(ent.pk))[:20],
        # (name, label, what was typed): a refused form keeps its values
        "form_fields": [(name, label, request.POST.get(name, "")) for name, label in YEAR_FORM_FIELDS],
        "typed": request.POST,
        "errors": errors,
        "can_record": can_record,
        "event_kinds": ComplianceEvent.Kind.choices,
    }
    return form_page(request, "policy/enterprise_file.html", ctx, refused=request.method == "POST")


@login_required
def runs(request):
    """Batch results by league; the department may start a background run here."""
    if not (permissions.is_department(request.user) or request.user.role == Role.BUREAU):
        raise Http404
    error = None
    if request.method == "POST":
        if not permissions.can_run_batch(request.user):
            raise Http404
        form = RunYearForm(request.POST)
        if not form.is_valid():  # named by the form's label; nothing queued
            error = gettext("；").join(f"{label}{gettext('：')}{message}" for _name, label, message in form.error_summary)
        else:
            try:
                policy_run_start(form.cleaned_data["year"], actor=request.user)
                return redirect("policy:runs")
            except DomainError as exc:
                error = in_language(exc.message)
    run = queries.latest_run()
    leagues = sorted((run.summary.get("leagues") or {}).items()) if run else []
    name_field = "name_en" if get_language() == "en" else "name"
    names = {
        code: name or zh
        for code, zh, name in Region.objects.filter(level__in=("prefecture", "province")).values_list(
            "code", "name", name_field
        )
    }
    prefix = permissions._league_prefix(request.user) if request.user.role == Role.BUREAU else None
    if prefix:
        leagues = [(k, v) for k, v in leagues if k.startswith(prefix)]
    counts = queries.enterprise_counts_by_region_year()
    if prefix:
        counts = [c for c in counts if c["region_code"].startswith(prefix)]
    leagues = [(code, names.get(code, code), s) for code, s in leagues]
    for c in counts:
        c["region_name"] = names.get(c["region_code"], c["region_code"])
    ctx = {
        "run": run,
        "leagues": leagues,
        "runs": paginate(request, PolicyRun.objects.all(), per_page=20),
        "counts": counts,
        "can_run": permissions.can_run_batch(request.user),
        "error": error,
    }
    return form_page(request, "policy/runs.html", ctx, refused=request.method == "POST")


@login_required
def run_progress(request, pk: int):
    """Progress fragment of one run (polled by htmx while it is queued or running)."""
    if not (permissions.is_department(request.user) or request.user.role == Role.BUREAU):
        raise Http404
    run = get_object_or_404(PolicyRun, pk=pk)
    return render(request, "policy/_run_progress.html", {"r": run})


def _may_see_white_list(user) -> bool:
    return permissions.is_department(user) or user.role == Role.BANK


def _score_parts(result, weights) -> list[dict]:
    """The white list's breakdown of one result: each indicator's points and weight, by class."""
    parts = (result.trace or {}).get("innovation") or {}
    return [
        {"code": k, "label": gettext(innovation.LABELS[k]), "cls": gettext(v[0]), "weight": weights.get(k, 0),
         "points": parts.get(k), "rule": gettext(v[3])}
        for k, v in innovation.INDICATORS.items()
    ]


def _class_totals(result) -> dict[str, float | None]:
    parts = (result.trace or {}).get("innovation")
    if not parts:
        return {}
    out: dict[str, float] = {}
    for k, points in parts.items():
        cls = innovation.INDICATORS[k][0]
        out[cls] = round(out.get(cls, 0) + points, 1)
    return out


@login_required
def white_list(request):
    """The white list for banks: score broken down by class, filters by league and score, export."""
    if not _may_see_white_list(request.user):
        raise Http404
    from .services import active_innovation_model

    leagues = list(
        Region.objects.filter(level="prefecture", code__startswith=Region.PROVINCE_PREFIX)
        .order_by("code")
    )
    league = request.GET.get("league") or ""
    if league:  # an unknown league is refused by name, not shown as the whole region's list
        parse_choice(league, "league", [r.code for r in leagues])
    min_text = (request.GET.get("min") or "").strip()
    min_points, min_error = None, ""
    if min_text:
        try:
            min_points = float(parse_decimal(min_text, "min", positive=False, places=1, limit=Decimal(10**6)))
        except ValidationFailed:
            min_error = gettext("最低积分须为数字")
    results = queries.white_list(league=league or None, min_points=min_points)
    classes = list(dict.fromkeys(v[0] for v in innovation.INDICATORS.values()))

    def with_classes(rows):
        for r in rows:
            totals = _class_totals(r)
            r.class_points = [totals.get(c) for c in classes]
            yield r

    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):  # the whole list, however long (the page shows it in pages)
        from steppe.core.tables import table_response

        cols = [gettext("企业"), gettext("统一社会信用代码"), gettext("旗县区"), gettext("年度"),
                gettext("创新积分"), *[gettext(c) for c in classes]]  # fmt: skip
        out = [[r.enterprise.name, r.enterprise.credit_code, r.enterprise.region.name, r.year,
                r.innovation_points, *r.class_points] for r in with_classes(results.iterator(chunk_size=2000))]  # fmt: skip
        return table_response(cols, out, fmt, "white-list")
    page = paginate(request, results)
    list(with_classes(page.object_list))
    weights, threshold = active_innovation_model()
    indicators = [
        (gettext(innovation.LABELS[k]), gettext(v[0]), weights.get(k, 0), gettext(v[3]))
        for k, v in innovation.INDICATORS.items()
    ]  # i18n_labels.py lists them
    ctx = {
        "rows": page, "total": page.paginator.count, "indicators": indicators, "threshold": threshold,
        "classes": [gettext(c) for c in classes], "leagues": leagues, "league": league, "min": min_text,
        "min_error": min_error, "query": request.GET.urlencode(),
    }  # fmt: skip
    return render(request, "policy/white_list.html", ctx)


@login_required
def white_list_entry(request, public_id):
    """One white-listed enterprise as a bank sees it: its score and the points behind it."""
    if not _may_see_white_list(request.user):
        raise Http404
    from .services import active_innovation_model

    result = queries.white_list_entry(public_id)
    if result is None:
        raise Http404
    weights, threshold = active_innovation_model()
    ctx = {
        "r": result, "e": result.enterprise, "parts": _score_parts(result, weights), "threshold": threshold,
        "official": bool((result.trace or {}).get("innovation_official")), "classes": _class_totals(result),
    }  # fmt: skip
    return render(request, "policy/white_list_entry.html", ctx)
