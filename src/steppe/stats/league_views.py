"""League-facing pages: the plan broken down by league (分解下达), the bureaus' submissions and their
review (旗县报 → 盟市审 → 自治区核), and a bureau's home. Writes go through plans.services and
stats.submissions; reads through stats.queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from steppe.core.bilingual import in_language
from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.models import Region
from steppe.core.pagination import paginate
from steppe.core.permissions import bureau_league, is_department
from steppe.core.roles import Role
from steppe.core.validation import parse_int, parse_year
from steppe.plans.models import Plan, Target
from steppe.plans.queries import league_measures, plan_default
from steppe.plans.services import league_target_set

from . import i18n, queries, submissions
from .attainment import STATUS_LABELS
from .forms import CascadeForm, DecisionForm, ReportingPeriodForm
from .models import Import, ReportingPeriod

CASCADE_CODES = ("T1", "T2", "T3", "T4", "T5", "T6", "T7")


def _plan(request) -> Plan:
    code = request.GET.get("plan")
    plan = Plan.objects.filter(code=code).first() if code else plan_default()
    if plan is None:
        raise Http404()
    return plan


def _as_of(request) -> int:
    # `?as_of=abc` is a 400 naming `as_of`, not a silent fallback to this year
    return parse_year(request.GET.get("as_of"), "as_of", default=timezone.localdate().year)


def _is_bureau(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == Role.BUREAU and bool(user.region_id)


def _shown(c) -> None:
    """Labels a cascade carries to its page, in the page's language."""
    from .presentation import fmt_local

    t = c.target
    c.name_shown = gettext(t.name)
    value = float(t.target_value) if t.target_value is not None else None
    sign = ">" if t.comparison == ">" else "≥"
    if t.kind == "avg_growth":
        c.goal_shown = f"{gettext('年均增长')} {sign} {fmt_local(value, '%')}"
    elif t.kind == "multiple":
        c.goal_shown = gettext("基期的 %(factor)s 倍") % {"factor": fmt_local(value)}
    else:
        c.goal_shown = f"{sign} {fmt_local(value, t.unit)}"
    c.weight_shown = gettext(c.weight_note) if c.weight_note else ""
    for lc in c.leagues:
        lc.status_shown = i18n.pick(STATUS_LABELS[lc.attainment.status]) if lc.attainment else ""


def cascade(request):
    """T1–T7 by league: each league's own target, latest accepted figure, status, and the consistency."""
    plan = _plan(request)
    as_of = _as_of(request)
    user = request.user if request.user.is_authenticated else None
    items = queries.target_cascades(plan, as_of=as_of, user=user)
    for c in items:
        _shown(c)
    return render(request, "stats/cascade.html", {
        "plan": plan, "as_of": as_of, "items": items, "can_edit": is_department(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def cascade_edit(request, code: str):
    """The department enters each league's target for one regional target (blank removes it)."""
    if not is_department(request.user):
        raise Http404()
    plan = _plan(request)
    target = Target.objects.filter(plan=plan, code=code, active=True, kind__in=queries.CASCADE_KINDS).first()
    if target is None:
        raise Http404()
    leagues = queries.leagues()
    current = {lt.region.code: lt for lt in target.league_targets.select_related("region")}
    errors: dict[str, str] = {}
    form = CascadeForm(request.POST if request.method == "POST" else None, leagues=leagues)
    if request.method == "POST":
        if form.is_valid():  # every value good: all written together, or none
            source = form.cleaned_data["source"]
            try:
                with transaction.atomic():
                    for code, value in form.values().items():
                        league_target_set(target=target, region_code=code, value=value,
                                          source=source or (current[code].source if code in current else ""),
                                          actor=request.user)
            except DomainError as e:
                errors["source"] = in_language(e.message)
            else:
                messages.success(request, gettext("已保存盟市分解目标。"))
                return redirect(f"{reverse('stats:cascade')}?plan={plan.code}#t-{target.code}")
        errors.update({name: " ".join(str(m) for m in ms) for name, ms in form.errors.items()})
    rows = [{"league": lg, "value": request.POST.get(f"v_{lg.code}") if request.method == "POST" else (
        current[lg.code].value.normalize() if lg.code in current else ""), "error": errors.get(f"v_{lg.code}", "")}
        for lg in leagues]
    return render(request, "stats/cascade_edit.html", {
        "plan": plan, "target": target, "rows": rows, "unit": queries._league_target_unit(target),
        "source": request.POST.get("source", "") if request.method == "POST" else
        next((lt.source for lt in current.values() if lt.source), ""),
        "form": form, "source_error": errors.get("source", ""),
    }, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def submission_page(request):
    """A bureau submits its figures; a league reviews its counties'; the department accepts."""
    if not (is_department(request.user) or _is_bureau(request.user)):
        raise Http404()
    ctx = {"columns": ", ".join(["region", "indicator", "year", "value", "unit", "source_title"])}
    if request.method == "POST":
        action = request.POST.get("action", "submit")
        try:
            if action == "submit":
                f = request.FILES.get("file")
                if f is None:
                    raise DomainError("import_invalid", gettext("请选择一个 CSV 或 XLSX 文件。"))
                imp = submissions.submission_create(data=f.read(), file_name=f.name, actor=request.user,
                                                    via="page", reason=request.POST.get("reason", ""))
                messages.success(request, gettext("已报送 %(name)s(%(rows)s 行),等待审核。")
                                 % {"name": imp.file_name, "rows": imp.rows})
            elif action in ("approve", "return"):
                sid = parse_int(request.POST.get("submission"), "submission", lo=1, hi=2**53)
                data = {"comment": request.POST.get("comment", "")}  # checked by forms.DecisionForm
                try:
                    if action == "approve":
                        submissions.submission_approve(submission_id=sid, actor=request.user, data=data)
                        messages.success(request, gettext("已审核通过。"))
                    else:
                        submissions.submission_return(submission_id=sid, actor=request.user, data=data)
                        messages.success(request, gettext("已退回。"))
                except ValidationFailed as exc:  # each field by the form's label, not its code
                    labels = {name: str(f.label) for name, f in DecisionForm.base_fields.items()}
                    raise ValidationFailed(gettext("；").join(f"{labels.get(e['field'], e['field'])}{gettext('：')}{e['message']}"
                                                    for e in exc.data["errors"])) from exc
            elif action == "period" and is_department(request.user):
                form = ReportingPeriodForm(request.POST)
                if not form.is_valid():
                    raise ValidationFailed(gettext("报送期设置有误：%(fields)s") % {
                        "fields": gettext("、").join(label for _name, label, _m in form.error_summary)}, [
                        {"column": label, "message": message} for _name, label, message in form.error_summary])
                submissions.reporting_period_open(actor=request.user, **form.cleaned_data)
                messages.success(request, gettext("已设置报送期。"))
            return redirect("stats:submissions")
        except DomainError as e:
            ctx.update(error=in_language(getattr(e, "message", str(e))), errors=(getattr(e, "data", None) or {}).get("errors", []))
    subs = paginate(request, queries.submissions_visible(request.user).prefetch_related("decisions__actor"))
    for s in subs:
        s.can_review = _can_review(request.user, s)
    year = parse_year(request.GET.get("year"), default=0) or (
        ReportingPeriod.objects.values_list("year", flat=True).first() or 0
    )
    ctx.update(
        submissions=subs,
        pending=queries.pending_figures([s for s in subs if s.status in submissions.PENDING]),
        completeness=queries.completeness(year) if year else [],
        period=ReportingPeriod.objects.filter(year=year).first(),
        periods=list(ReportingPeriod.objects.all()),
        is_department=is_department(request.user),
        region=request.user.region if _is_bureau(request.user) else None,
    )
    return render(request, "stats/submissions.html", ctx, status=400 if ctx.get("error") else 200)


def _can_review(user, s: Import) -> bool:
    if is_department(user):
        return s.status == Import.Status.LEAGUE_ACCEPTED or (
            s.status == Import.Status.SUBMITTED and s.region.level != Region.Level.COUNTY)
    return (s.status == Import.Status.SUBMITTED and user.region.level == Region.Level.PREFECTURE
            and s.region.level == Region.Level.COUNTY and user.region.contains(s.region))


@login_required
def bureau_home(request):
    """A bureau's home: its targets, its measures and their reports, and what it owes next."""
    # the league the bureau works for (core.permissions.bureau_league, the one rule); a bureau
    # account of the whole region has none, and no league home (it was a 500 here)
    league = bureau_league(request.user)
    if league is None:
        raise Http404()
    region = request.user.region
    plan = plan_default()
    as_of = _as_of(request)
    targets = []
    if plan is not None:
        for c in queries.target_cascades(plan, as_of=as_of, user=request.user):
            _shown(c)
            row = next(lc for lc in c.leagues if lc.region.code == league.code)
            targets.append({"cascade": c, "row": row})
    # the latest report each measure has from this league's own units (its bureau, government, parks),
    # not whichever unit reported last: the lead units' reports are on the measure's page
    measures = list(league_measures(league, plan).select_related("action")
                    .prefetch_related("progress_reports__unit__region").order_by("order"))
    for m in measures:
        own = [r for r in m.progress_reports.all() if r.unit.region_id and league.contains(r.unit.region)]
        m.latest_reports = sorted(own, key=lambda r: r.pk)[-1:]
    today = timezone.localdate()
    owed = []
    for period in ReportingPeriod.objects.filter(year__lte=today.year):
        for c in queries.completeness(period.year, today=today):
            if c.league.code == league.code and c.missing:
                owed.append({"period": period, "missing": c.missing, "overdue": c.overdue})
    returned = list(queries.submissions_visible(request.user, statuses=[Import.Status.RETURNED])
                    .filter(imported_by=request.user).prefetch_related("decisions")[:10])
    to_review = list(queries.submissions_visible(request.user, statuses=[Import.Status.SUBMITTED])
                     .filter(region__level=Region.Level.COUNTY)) if region.level == Region.Level.PREFECTURE else []
    return render(request, "stats/bureau_home.html", {
        "region": region, "league": league, "plan": plan, "as_of": as_of, "targets": targets,
        "measures": measures, "owed": owed, "returned": returned, "to_review": to_review,
    })
