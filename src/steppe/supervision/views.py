"""Supervision pages (Simplified Chinese). Reads from queries, writes through services, permissions
from permissions; a refused write shows its message and changes nothing."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from steppe.core.audit import audit_trail
from steppe.core.bilingual import in_language, local_title
from steppe.core.errors import DomainError, NotFound
from steppe.core.pages import form_page
from steppe.core.pagination import paginate
from steppe.core.registry import records_for_measures
from steppe.core.roles import Role
from steppe.core.validation import parse_choice
from steppe.plans.models import FREQUENCY_CHOICES, MEASURE_TYPE_CHOICES

from . import chase, queries, services
from . import permissions as perms
from .models import ProgressReport, ProgressRound, TargetReport
from .status import REPORT_STATUS_LABELS, STATUS_LABELS, STATUS_LIGHTS, Status
from .validation import (
    ChaseValidator,
    MilestoneChangeValidator,
    MilestoneDoneValidator,
    MilestoneValidator,
    ReviewValidator,
    RoundValidator,
    TargetReportValidator,
)


def attempt(request, fn, ok_message: str = "", labels: dict | None = None) -> bool:
    """Run a service call; on a DomainError show its message (and the fields) and report failure.
    `labels` names the fields of the write's validator (its LABELS); FIELD_LABELS by default."""
    labels = FIELD_LABELS if labels is None else labels
    try:
        fn()
    except DomainError as exc:
        if exc.status == 404:
            raise
        errors = exc.data.get("errors") if isinstance(exc.data, dict) else None
        if errors:
            # every error at once, beside its field (templates read request.field_errors), and named
            # by the field's label at the top - never by its code
            # a bilingual "中文 English" message in the page's language
            errors = [{**e, "message": in_language(str(e.get("message")))} for e in errors]
            request.field_errors = {e.get("field"): e.get("message") for e in errors}
            messages.error(
                request,
                gettext("有 %(n)s 处需要修改：") % {"n": len(errors)}
                + gettext("；").join(f"{gettext(str(labels.get(e.get('field'), '')))}{gettext('：')}{e.get('message')}"
                           if e.get("field") in labels else str(e.get("message")) for e in errors),
            )
        else:
            messages.error(request, exc.message)
        return False
    if ok_message:
        messages.success(request, ok_message)
    return True


# the labels of the page fields a service names in its errors
FIELD_LABELS = {
    "status": "推进状态", "progress": "完成进度", "done": "本期完成情况", "problems": "存在问题",
    "next_steps": "下一步工作", "narrative": "进展情况", "period": "调度周期", "due": "填报截止日期", "comment": "审核意见",
    "files": "佐证材料", "title": "榜单名称", "problem": "技术难题", "budget": "支持经费（万元）",
    "deadline": "揭榜截止日期", "targets": "考核指标", "max_teams": "最多立项团队数（大于 1 为赛马制）",
}  # fmt: skip


def _back(request, fallback: str):
    return HttpResponseRedirect(request.POST.get("next") or fallback)


def _legend():
    return [(s.value, STATUS_LABELS[s], STATUS_LIGHTS[s]) for s in Status]


TYPE_LABELS, FREQUENCY_LABELS = dict(MEASURE_TYPE_CHOICES), dict(FREQUENCY_CHOICES)


def _type_cell(line: queries.Line) -> str:
    """What ``supervision/_measure_type.html`` shows for a measure, worked out in Python."""
    if not line.type:
        return "—\n"
    label = gettext(str(TYPE_LABELS.get(line.type, line.type)))
    html = format_html('<span class="mtype mtype-{}">{}</span>', line.type, label)
    if line.type == "recurring":
        frequency = gettext(str(FREQUENCY_LABELS.get(line.frequency, line.frequency)))
        html += format_html("<small>{}{}{}</small>", gettext("（"), frequency, gettext("）"))
    elif line.type == "register" and line.register_count is not None:
        html += format_html('<small class="register-total">{}</small>', gettext("%(n)s 条登记") % {"n": line.register_count})
    elif line.type == "project":
        html += format_html('<small class="project-total">{}</small>', gettext("%(n)s 个项目") % {"n": line.project_count})
    return html + mark_safe("\n")  # the include's last line ends the cell's text


def _cells(rows: list) -> list[dict]:
    """Each measure's cells in the page's language, worked out once per row here: per-row translate,
    include, filter and url tags cost more in a template than everything else on the list pages."""
    english = (get_language() or "").startswith("en")
    out = []
    for r in rows:
        res = r.result
        progress = f"{res.reported_progress}%" if res.reported_progress is not None else gettext("未报告")
        if res.expected_progress is not None:
            progress += " " + gettext("/ 应达 %(v1)s%%") % {"v1": res.expected_progress}
        out.append({
            "pk": r.pk, "code": r.code, "status": res.status.value, "light": res.light, "label": gettext(res.label),
            "measure_url": reverse("supervision:measure", args=[r.code]), "title": local_title(r), "type": r.type,
            "type_cell": _type_cell(r), "leads": [name for _, name in r.leads], "due_on": r.due_on.isoformat(),
            "progress": progress, "reasons": [x.en if english and x.en else x.message for x in res.reasons], "line": r,
        })  # fmt: skip
    return out


def _lights(groups: list) -> list[dict]:
    """The overview's traffic lights of actions or units, in the page's language."""
    out = []
    for g in groups:
        c = g.counts
        out.append({"key": g.key, "status": g.status, "light": g.light, "title": gettext(g.status_label), "label": g.label,
                    "counts": gettext("滞后 %(v1)s · 风险 %(v2)s · 正常 %(v3)s · 完成 %(v4)s")
                    % {"v1": c["late"], "v2": c["at_risk"], "v3": c["on_schedule"], "v4": c["done"]}})  # fmt: skip
    return out


# ---------------------------------------------------------------- landing, overview, to-do


def index(request):
    user = request.user
    if perms.is_department(user):
        return redirect("supervision:overview")
    if perms.user_unit_id(user) and user.role in (Role.LEAD_UNIT, Role.BUREAU):
        return redirect("supervision:todo")
    return redirect("challenges:challenges")


@login_required
def overview(request):
    if not perms.is_department(request.user):
        raise NotFound("仅自治区科技厅可查看总览 Not found")
    data = queries.overview(request.user)
    return render(
        request,
        "supervision/overview.html",
        {
            **data,
            "rows": _cells(data["rows"]),
            "actions": _lights(data["actions"]),
            "units": _lights(data["units"]),
            "legend": _legend(),
            "rounds": ProgressRound.objects.all()[:5],
            "late_units": queries.late_unit_list(),
            "today": timezone.localdate(),
        },
    )


@login_required
def todo(request):
    data = queries.todo(request.user)
    rows = queries.lines(request.user) if perms.user_unit_id(request.user) else []
    league = perms.bureau_league(request.user) if perms.is_league_bureau(request.user) else None
    if not perms.is_department(request.user) and league is None:
        unit_id = perms.user_unit_id(request.user)
        rows = [r for r in rows if any(pk == unit_id for pk, _ in r.leads)]
    return render(request, "supervision/todo.html",
                  {**data, "rows": _cells(rows), "legend": _legend(), "league": league})


@login_required
def league(request):
    """A bureau's league measures: status, lead units, latest report; a late one can be chased."""
    league = perms.bureau_league(request.user)
    if league is None:
        raise NotFound("仅盟市科技局可查看 Not found")
    rows = _cells(queries.lines(request.user, measures=perms.league_measures_for(request.user)))
    latest = queries.latest_reports([r["pk"] for r in rows])
    can_chase = perms.is_league_bureau(request.user)
    for r in rows:
        r["latest_report"] = latest.get(r["pk"])
        r["chaseable"] = can_chase and r["line"].status in chase.CHASEABLE
    return render(request, "supervision/league.html",
                  {"league": league, "rows": rows, "legend": _legend(), "today": timezone.localdate()})


@login_required
@require_POST
def measure_chase(request, code):
    attempt(request, lambda: chase.measure_chase(actor=request.user, code=code, note=request.POST.get("note", "")),
            gettext("已向 %(code)s 的牵头单位和本盟市相关单位发出催办。") % {"code": code}, ChaseValidator.LABELS)
    return _back(request, "/supervision/league/")


@login_required
def alignment(request):
    data = queries.alignment(request.user)
    return render(request, "supervision/alignment.html", data)


@login_required
def audit(request):
    if not perms.can_see_audit(request.user):
        raise NotFound()
    qs = queries.audit_entries()
    kind = request.GET.get("type")
    if kind:  # a type the trail does not hold is refused by name, not shown as an empty trail
        qs = qs.filter(object_type=parse_choice(kind, "type", queries.audit_types()))
    entries = paginate(request, qs.select_related("actor"))
    for e in entries:
        e.changes = audit_changes(e.before, e.after)
    return render(request, "supervision/audit.html", {"entries": entries, "type": kind})


def _short(value) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def audit_changes(before, after) -> list[tuple[str, str, str]]:
    """(field, before, after) for the fields that changed; every field of a creation; a plain value as one row."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [] if before == after else [("", _short(before), _short(after))]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = list(after) + [k for k in before if k not in after]

    def norm(v):
        return None if v in (None, "", [], {}) else v

    return [
        (k, _short(before.get(k)), _short(after.get(k)))
        for k in keys
        if norm(before.get(k)) != norm(after.get(k))
    ]


# ---------------------------------------------------------------- measures and milestones


@login_required
def measure_detail(request, code, refused: dict | None = None):
    """`refused`: a milestone form the page sent and a validator refused ({"add"|"done"|"move": {pk,
    data, errors}}), shown again with each error beside its field and what was typed."""
    # a bureau reads the measures that name its league (perms.measures_visible_to), never edits them
    measure, can_write = perms.get_measure_for_user(request.user, code)
    (row,) = queries.measure_rows(request.user, measures=perms.measures_visible_to(request.user).filter(pk=measure.pk))
    queries.with_carriers([row])
    milestones = measure.milestones.prefetch_related("baselines", "evidence")
    reports = measure.progress_reports.select_related("round", "unit").order_by("-created_at")
    return render(
        request,
        "supervision/measure.html",
        {
            "measure": measure,
            "indicators": queries.indicator_tags(measure.indicators),
            "register_records": records_for_measures([measure.code]).get(measure.code, []),
            "periods": queries.measure_periods(measure),
            "row": row,
            "milestones": milestones,
            "reports": reports,
            "can_write": can_write,
            "is_department": perms.is_department(request.user),
            "trail": audit_trail(measure)[:50] if perms.can_see_audit(request.user) else None,
            "today": timezone.localdate(),
            "refused": refused or {},
        },
        status=400 if refused else 200,
    )


def _milestone_form_refused(request, code: str, form: str, pk: int | None = None):
    """The measure page again (400) when a milestone form's fields were refused: each error beside its
    field in the form that was sent, what was typed kept; None when the refusal named no field."""
    errors = getattr(request, "field_errors", None)
    if not errors:
        return None
    return measure_detail(request, code, refused={form: {"pk": pk, "data": request.POST, "errors": errors}})


@login_required
@require_POST
def milestone_add(request, code):
    measure, _ = perms.get_measure_for_user(request.user, code)
    ok = attempt(
        request,
        lambda: services.milestone_create(
            actor=request.user,
            measure=measure,
            deliverable=request.POST.get("deliverable", ""),
            planned_on=request.POST.get("planned_on", ""),
            evidence_required=request.POST.get("evidence_required", ""),
        ),
        gettext("里程碑已添加"),
        MilestoneValidator.LABELS,
    )
    return (not ok and _milestone_form_refused(request, code, "add")) or redirect("supervision:measure", code=code)


@login_required
@require_POST
def milestone_done(request, pk):
    ms, _ = perms.get_milestone_for_user(request.user, pk)
    ok = attempt(
        request,
        lambda: services.milestone_complete(
            actor=request.user,
            milestone=ms,
            done_on=request.POST.get("done_on", ""),
            evidence_note=request.POST.get("evidence_note", ""),
            files=request.FILES.getlist("files"),
        ),
        gettext("里程碑已完成"),
        MilestoneDoneValidator.LABELS,
    )
    refused = not ok and _milestone_form_refused(request, ms.measure.code, "done", ms.pk)
    return refused or redirect("supervision:measure", code=ms.measure.code)


@login_required
@require_POST
def milestone_move(request, pk):
    ms, _ = perms.get_milestone_for_user(request.user, pk)
    ok = attempt(
        request,
        lambda: services.milestone_update(
            actor=request.user,
            milestone=ms,
            planned_on=request.POST.get("planned_on", ""),
            note=request.POST.get("note", ""),
        ),
        gettext("计划日期已调整"),
        MilestoneChangeValidator.LABELS,
    )
    refused = not ok and _milestone_form_refused(request, ms.measure.code, "move", ms.pk)
    return refused or redirect("supervision:measure", code=ms.measure.code)


@login_required
@require_POST
def milestones_approve(request, code):
    measure, _ = perms.get_measure_for_user(request.user, code)
    attempt(
        request,
        lambda: services.milestones_approve(actor=request.user, measure=measure),
        gettext("里程碑已审定"),
    )
    return redirect("supervision:measure", code=code)


# ---------------------------------------------------------------- rounds and reports


@login_required
def rounds(request):
    if not perms.is_department(request.user):
        raise NotFound()
    if request.method == "POST":
        ok = attempt(
            request,
            lambda: services.round_open(
                actor=request.user, period=request.POST.get("period", ""), due_on=request.POST.get("due", "")
            ),
            gettext("调度周期 %(period)s 已开启") % {"period": request.POST.get("period", "")},
            RoundValidator.LABELS,
        )
        if ok:
            return redirect("supervision:round", period=request.POST["period"].strip())
    page = paginate(request, ProgressRound.objects.all())
    items = queries.rounds_totals(page.object_list)
    return form_page(
        request,
        "supervision/rounds.html",
        {"items": items, "page_obj": page, "form": request.POST, "errors": getattr(request, "field_errors", {})},
        refused=request.method == "POST",
    )


@login_required
def round_detail(request, period):
    if not perms.is_department(request.user):
        raise NotFound()
    rnd = ProgressRound.objects.filter(period=period).first()
    if rnd is None:
        raise NotFound(f"调度周期 {period} 不存在")
    if request.method == "POST" and request.POST.get("close"):
        attempt(
            request, lambda: services.round_close(actor=request.user, round=rnd), gettext("已结束本轮调度")
        )
        return redirect("supervision:round", period=period)
    data = queries.round_page(rnd)
    return render(
        request,
        "supervision/round.html",
        {**data, "round": rnd, "reports": _report_cells(data["reports"]), "today": timezone.localdate()},
    )


def _report_cells(reports: list[dict]) -> list[dict]:
    """A round's reports as its page shows them, in the page's language (worked out here, not per row
    in the template)."""
    states = dict(ProgressReport.State.choices)
    out = []
    for r in reports:
        title = local_title(SimpleNamespace(title=r["measure__title"], title_en=r["measure__title_en"]))
        submitted = r["submitted_at"]
        out.append({
            "report_url": reverse("supervision:report", args=[r["pk"]]), "code": r["measure__code"],
            "title": Truncator(title).chars(30), "unit": r["unit__name"], "state": r["state"],
            "state_label": gettext(str(states.get(r["state"], r["state"]))), "progress": r["progress"],
            "submitted": date_format(template_localtime(submitted), "Y-m-d H:i") if submitted else "—",
        })  # fmt: skip
    return out


@login_required
def report(request, pk):
    rep, can_write = perms.get_report_for_user(request.user, pk)
    if request.method == "POST":
        op = request.POST.get("op")
        data = {f: request.POST.get(f, "") for f in services.MEASURE_FIELDS}
        if op in ("save", "submit") and can_write:
            if op == "save":
                if not attempt(
                    request,
                    lambda: services.report_save_draft(
                        actor=request.user,
                        report=rep,
                        data=data,
                        files=request.FILES.getlist("files"),
                        remove_evidence=request.POST.getlist("remove_evidence"),
                    ),
                    gettext("草稿已保存"),
                ):
                    return form_page(request, "supervision/report.html", _report_ctx(request, rep, can_write, data),
                                     refused=True)
            else:
                if attempt(
                    request,
                    lambda: services.report_submit(
                        actor=request.user,
                        report=rep,
                        data=data,
                        files=request.FILES.getlist("files"),
                        remove_evidence=request.POST.getlist("remove_evidence"),
                    ),
                    gettext("报告已提交，等待审核"),
                ):
                    return redirect("supervision:todo")
                return form_page(request, "supervision/report.html", _report_ctx(request, rep, can_write, data),
                                 refused=True)
        elif op in ("accept", "return") and perms.can_review_reports(request.user):
            if not attempt(
                request,
                lambda: services.report_review(
                    actor=request.user,
                    report=rep,
                    accept=op == "accept",
                    comment=request.POST.get("comment", ""),
                ),
                gettext("已审核通过") if op == "accept" else gettext("已退回"),
                ReviewValidator.LABELS,
            ):
                ctx = _report_ctx(request, rep, can_write, None)
                return render(request, "supervision/report.html",
                              {**ctx, "review": {"comment": request.POST.get("comment", "")}}, status=400)
        else:
            raise NotFound()
        return redirect("supervision:report", pk=pk)
    return render(request, "supervision/report.html", _report_ctx(request, rep, can_write, None))


def _report_ctx(request, rep, can_write, data):
    rep = ProgressReport.objects.select_related("measure", "unit", "round").get(pk=rep.pk)
    return {
        "r": rep,
        "form": data or {f: getattr(rep, f) for f in services.MEASURE_FIELDS},
        "can_write": can_write and rep.editable,
        "can_review": perms.can_review_reports(request.user) and rep.state == ProgressReport.State.SUBMITTED,
        "versions": _versions(rep),
        "statuses": REPORT_STATUS_LABELS.items(),
        "evidence": rep.evidence.all(),
        "errors": getattr(request, "field_errors", {}),
    }


def _versions(rep: ProgressReport) -> list:
    """Each submission with its status and review outcome as labels, not codes."""
    out = list(rep.versions.select_related("submitted_by"))
    states = dict(ProgressReport.State.choices)
    for v in out:
        v.status_label = REPORT_STATUS_LABELS.get(v.status, v.status)
        v.outcome_label = states.get(v.outcome, v.outcome) if v.outcome else "待审核"
    return out


# ---------------------------------------------------------------- qualitative targets (Q1–Q6)


@login_required
def target_detail(request, code):
    """A target with lead units (a qualitative goal) and its reports, round by round."""
    target = perms.get_target_for_user(request.user, code)
    return render(
        request,
        "supervision/target.html",
        {
            "target": target,
            "lead_units": list(target.lead_units.all()),
            "reports": queries.target_reports_by_round(target),
        },
    )


@login_required
def target_report(request, pk):
    rep, can_write = perms.get_target_report_for_user(request.user, pk)
    data = None
    if request.method == "POST":
        op = request.POST.get("op")
        data = {"status": request.POST.get("status", ""), "narrative": request.POST.get("narrative", "")}
        if op in ("save", "submit") and can_write:
            if op == "save":
                if not attempt(request, lambda: services.target_report_save_draft(actor=request.user, report=rep,
                                                                                 data=data),
                               gettext("草稿已保存"), TargetReportValidator.LABELS):
                    return render(request, "supervision/target_report.html",
                                  _target_report_ctx(request, rep, can_write, data), status=400)
            elif attempt(request, lambda: services.target_report_submit(actor=request.user, report=rep, data=data),
                         gettext("报告已提交，等待审核"), TargetReportValidator.LABELS):
                return redirect("supervision:todo")
            else:
                rep.refresh_from_db()
                return render(request, "supervision/target_report.html",
                              _target_report_ctx(request, rep, can_write, data), status=400)
        elif op in ("accept", "return") and perms.can_review_reports(request.user):
            if not attempt(
                request,
                lambda: services.target_report_review(
                    actor=request.user, report=rep, accept=op == "accept", comment=request.POST.get("comment", "")
                ),
                gettext("已审核通过") if op == "accept" else gettext("已退回"),
                ReviewValidator.LABELS,
            ):
                ctx = _target_report_ctx(request, rep, can_write, None)
                return render(request, "supervision/target_report.html",
                              {**ctx, "review": {"comment": request.POST.get("comment", "")}}, status=400)
        else:
            raise NotFound()
        return redirect("supervision:target_report", pk=pk)
    return render(request, "supervision/target_report.html", _target_report_ctx(request, rep, can_write, data))


def _target_report_ctx(request, rep, can_write, data):
    return {
        "r": rep,
        "form": data or {"status": rep.status, "narrative": rep.narrative},
        "can_write": can_write and rep.editable,
        "can_review": perms.can_review_reports(request.user) and rep.state == TargetReport.State.SUBMITTED,
        "statuses": TargetReport.Status.choices,
        "errors": getattr(request, "field_errors", {}),
    }


# ---------------------------------------------------------------- evidence files


@login_required
def evidence(request, pk: int):
    """Evidence is not public: it is streamed to whoever may see what it belongs to, never from /media/."""
    from .api import evidence_response

    return evidence_response(perms.get_evidence_for_user(request.user, pk))
