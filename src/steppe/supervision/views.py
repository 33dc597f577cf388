"""Supervision pages (Simplified Chinese). Reads from queries, writes through services, permissions
from permissions; a refused write shows its message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from steppe.core.audit import audit_trail
from steppe.core.errors import DomainError, NotFound
from steppe.core.models import AuditEntry, User
from steppe.core.roles import Role

from . import permissions as perms
from . import queries, services
from .models import CommitmentMilestone, Notification, ProgressReport, ProgressRound
from .status import REPORT_STATUS_LABELS, STATUS_LABELS, STATUS_LIGHTS, Status


def _attempt(request, fn, ok_message: str = "") -> bool:
    """Run a service call; on a DomainError show its message (and the fields) and report failure."""
    try:
        fn()
    except DomainError as exc:
        if exc.status == 404:
            raise
        errors = exc.data.get("errors") if isinstance(exc.data, dict) else None
        detail = "；".join(f"{e.get('field')}: {e.get('message')}" for e in errors) if errors else ""
        messages.error(
            request, exc.message if not detail or detail in exc.message else f"{exc.message}（{detail}）"
        )
        return False
    if ok_message:
        messages.success(request, ok_message)
    return True


def _back(request, fallback: str):
    return HttpResponseRedirect(request.POST.get("next") or fallback)


def _legend():
    return [(s.value, STATUS_LABELS[s], STATUS_LIGHTS[s]) for s in Status]


# ---------------------------------------------------------------- landing, overview, to-do


def index(request):
    user = request.user
    if perms.is_department(user):
        return redirect("supervision:overview")
    if perms.user_unit_id(user) and user.role in (Role.LEAD_UNIT, Role.BUREAU):
        return redirect("supervision:todo")
    return redirect("supervision:challenges")


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
            "legend": _legend(),
            "rounds": ProgressRound.objects.all()[:5],
            "late_units": queries.late_unit_list(),
            "today": timezone.localdate(),
        },
    )


@login_required
def todo(request):
    data = queries.todo(request.user)
    rows = [r for r in queries.measure_rows(request.user)] if perms.user_unit_id(request.user) else []
    if not perms.is_department(request.user):
        unit_id = perms.user_unit_id(request.user)
        rows = [r for r in rows if any(u.pk == unit_id for u in r.lead_units)]
    return render(request, "supervision/todo.html", {**data, "rows": rows, "legend": _legend()})


@login_required
def alignment(request):
    data = queries.alignment(request.user)
    return render(request, "supervision/alignment.html", data)


@login_required
def inbox(request):
    items = Notification.objects.filter(recipient=request.user)[:200]
    return render(request, "supervision/inbox.html", {"items": items})


@login_required
@require_POST
def inbox_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("supervision:inbox")


@login_required
def audit(request):
    if not perms.can_see_audit(request.user):
        raise NotFound()
    qs = AuditEntry.objects.filter(Q(object_type="plans.measure") | Q(object_type__startswith="supervision."))
    kind = request.GET.get("type")
    if kind:
        qs = qs.filter(object_type=kind)
    entries = list(qs.select_related("actor")[:300])
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
def measure_detail(request, code):
    measure, can_write = perms.get_measure_for_user(request.user, code)
    row = next(r for r in queries.measure_rows(request.user) if r.measure.pk == measure.pk)
    milestones = measure.milestones.prefetch_related("baselines", "evidence")
    reports = measure.progress_reports.select_related("round", "unit").order_by("-created_at")
    return render(
        request,
        "supervision/measure.html",
        {
            "measure": measure,
            "indicators": queries.indicator_tags(measure.indicators),
            "row": row,
            "milestones": milestones,
            "reports": reports,
            "can_write": can_write,
            "is_department": perms.is_department(request.user),
            "trail": audit_trail(measure)[:50] if perms.can_see_audit(request.user) else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def milestone_add(request, code):
    measure, _ = perms.get_measure_for_user(request.user, code)
    _attempt(
        request,
        lambda: services.milestone_create(
            actor=request.user,
            measure=measure,
            deliverable=request.POST.get("deliverable", ""),
            planned_on=request.POST.get("planned_on", ""),
            evidence_required=request.POST.get("evidence_required", ""),
        ),
        gettext("里程碑已添加"),
    )
    return redirect("supervision:measure", code=code)


@login_required
@require_POST
def milestone_done(request, pk):
    ms, _ = perms.get_milestone_for_user(request.user, pk)
    _attempt(
        request,
        lambda: services.milestone_complete(
            actor=request.user,
            milestone=ms,
            done_on=request.POST.get("done_on", ""),
            evidence_note=request.POST.get("evidence_note", ""),
            files=request.FILES.getlist("files"),
        ),
        gettext("里程碑已完成"),
    )
    return redirect("supervision:measure", code=ms.measure.code)


@login_required
@require_POST
def milestone_move(request, pk):
    ms, _ = perms.get_milestone_for_user(request.user, pk)
    _attempt(
        request,
        lambda: services.milestone_update(
            actor=request.user,
            milestone=ms,
            planned_on=request.POST.get("planned_on", ""),
            note=request.POST.get("note", ""),
        ),
        gettext("计划日期已调整"),
    )
    return redirect("supervision:measure", code=ms.measure.code)


@login_required
@require_POST
def milestones_approve(request, code):
    measure, _ = perms.get_measure_for_user(request.user, code)
    _attempt(
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
        ok = _attempt(
            request,
            lambda: services.round_open(
                actor=request.user, period=request.POST.get("period", ""), due_on=request.POST.get("due", "")
            ),
            gettext("调度周期 %(period)s 已开启") % {"period": request.POST.get("period", "")},
        )
        if ok:
            return redirect("supervision:round", period=request.POST["period"].strip())
    items = [(r, queries.round_completeness(r)["total"]) for r in ProgressRound.objects.all()]
    return render(request, "supervision/rounds.html", {"items": items, "form": request.POST})


@login_required
def round_detail(request, period):
    if not perms.is_department(request.user):
        raise NotFound()
    rnd = ProgressRound.objects.filter(period=period).first()
    if rnd is None:
        raise NotFound(f"调度周期 {period} 不存在")
    if request.method == "POST" and request.POST.get("close"):
        _attempt(
            request, lambda: services.round_close(actor=request.user, round=rnd), gettext("已结束本轮调度")
        )
        return redirect("supervision:round", period=period)
    reports = rnd.reports.select_related("measure", "unit").order_by("state", "unit__name", "measure__code")
    return render(
        request,
        "supervision/round.html",
        {
            "round": rnd,
            "c": queries.round_completeness(rnd),
            "reports": reports,
            "today": timezone.localdate(),
        },
    )


@login_required
def report(request, pk):
    rep, can_write = perms.get_report_for_user(request.user, pk)
    if request.method == "POST":
        op = request.POST.get("op")
        data = {f: request.POST.get(f, "") for f in services.MEASURE_FIELDS}
        if op in ("save", "submit") and can_write:
            if op == "save":
                _attempt(
                    request,
                    lambda: services.report_save_draft(
                        actor=request.user,
                        report=rep,
                        data=data,
                        files=request.FILES.getlist("files"),
                        remove_evidence=request.POST.getlist("remove_evidence"),
                    ),
                    gettext("草稿已保存"),
                )
            else:
                if _attempt(
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
                return render(request, "supervision/report.html", _report_ctx(request, rep, can_write, data))
        elif op in ("accept", "return") and perms.can_review_reports(request.user):
            _attempt(
                request,
                lambda: services.report_review(
                    actor=request.user,
                    report=rep,
                    accept=op == "accept",
                    comment=request.POST.get("comment", ""),
                ),
                gettext("已审核通过") if op == "accept" else gettext("已退回"),
            )
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
    }


# ---------------------------------------------------------------- 揭榜挂帅


def challenges(request):
    items = perms.challenges_visible_to(request.user).prefetch_related("applications")
    return render(
        request,
        "supervision/challenges.html",
        {"items": items, "is_department": perms.is_department(request.user)},
    )


@login_required
def challenge_new(request):
    perms.require_department(request.user)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        targets = []
        for i in range(1, 6):
            name = request.POST.get(f"t{i}_name", "").strip()
            if name:
                targets.append(
                    {
                        "code": f"t{i}",
                        "name": name,
                        "unit": request.POST.get(f"t{i}_unit", ""),
                        "comparison": request.POST.get(f"t{i}_cmp", ">="),
                        "value": request.POST.get(f"t{i}_value", ""),
                    }
                )
        holder = {}

        def create():
            holder["c"] = services.challenge_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                problem=request.POST.get("problem", ""),
                budget=request.POST.get("budget", ""),
                deadline=request.POST.get("deadline", ""),
                targets=targets,
                eligible_kinds=request.POST.getlist("eligible_kinds"),
                eligible_region_prefix=request.POST.get("eligible_region_prefix", ""),
                eligibility_note=request.POST.get("eligibility_note", ""),
                max_teams=int(request.POST.get("max_teams") or 1)
                if (request.POST.get("max_teams") or "1").isdigit()
                else 0,
            )

        if _attempt(request, create, gettext("榜单草稿已保存")):
            return redirect("supervision:challenge", code=holder["c"].code)
    return render(request, "supervision/challenge_new.html", {"form": form, "rows": range(1, 4)})


@login_required
@require_POST
def challenge_action(request, code):
    """Every POST on a challenge page: publish, experts, apply, start review, review, select."""
    challenge, _ = perms.get_challenge_for_user(request.user, code)
    op = request.POST.get("op")
    u = request.user
    note = request.POST.get("note", "")
    if op == "publish":
        _attempt(
            request,
            lambda: services.challenge_publish(actor=u, challenge=challenge, note=note),
            gettext("榜单已发布"),
        )
    elif op == "experts":
        experts = list(User.objects.filter(username__in=request.POST.getlist("experts")))
        _attempt(
            request,
            lambda: services.challenge_assign_experts(
                actor=u, challenge=challenge, experts=experts, note=note
            ),
            gettext("已指定评审专家"),
        )
    elif op == "apply":
        _attempt(
            request,
            lambda: services.application_submit(
                actor=u,
                challenge=challenge,
                proposal=request.POST.get("proposal", ""),
                requested_budget=request.POST.get("requested_budget", ""),
            ),
            gettext("揭榜申请已提交"),
        )
    elif op == "start_review":
        _attempt(
            request,
            lambda: services.challenge_close_applications(actor=u, challenge=challenge, note=note),
            gettext("揭榜截止，进入专家评审"),
        )
    elif op == "review":
        app, _ = perms.get_application_for_user(u, int(request.POST.get("application", 0) or 0))
        conflict = request.POST.get("conflict") == "on"
        _attempt(
            request,
            lambda: services.review_submit(
                actor=u,
                application=app,
                conflict=conflict,
                score=request.POST.get("score") or None,
                comment=request.POST.get("comment", ""),
                conflict_note=request.POST.get("conflict_note", ""),
            ),
            gettext("评审意见已提交"),
        )
    elif op == "select":
        ids = [int(x) for x in request.POST.getlist("applications") if x.isdigit()]
        apps = list(challenge.applications.filter(pk__in=ids))
        _attempt(
            request,
            lambda: services.challenge_select(actor=u, challenge=challenge, applications=apps, note=note),
            gettext("已确定揭榜团队"),
        )
    else:
        raise NotFound()
    return redirect("supervision:challenge", code=code)


def challenge_detail(request, code):
    challenge, _ = perms.get_challenge_for_user(request.user, code)
    user = request.user
    is_dept = perms.is_department(user)
    is_reviewer = perms.reviews_challenge(user, challenge)
    apps = perms.applications_visible_to(user).filter(challenge=challenge).prefetch_related("reviews__expert")
    app_rows = []
    for a in apps:
        scores = [r.score for r in a.reviews.all() if not r.conflict and r.score is not None]
        mine = next((r for r in a.reviews.all() if r.expert_id == getattr(user, "pk", None)), None)
        app_rows.append(
            {
                "a": a,
                "avg": (sum(scores) / len(scores)) if scores and is_dept else None,
                "n": len(scores),
                "conflicts": sum(1 for r in a.reviews.all() if r.conflict),
                "mine": mine,
                "commitment": getattr(a, "commitment", None) if a.state == "selected" else None,
            }
        )
    checks = None
    can_apply = (
        user.is_authenticated
        and user.role in perms.application_allowed_roles()
        and challenge.state == challenge.State.PUBLISHED
    )
    if can_apply:
        checks = services.eligibility_checks(challenge, unit=user.unit, today=timezone.localdate())
    trail = None
    if is_dept:
        trail = AuditEntry.objects.filter(
            Q(object_type="supervision.challenge", object_id=str(challenge.pk))
            | Q(object_type="supervision.application", object_id__in=[str(r["a"].pk) for r in app_rows])
        ).select_related("actor")
    return render(
        request,
        "supervision/challenge.html",
        {
            "c": challenge,
            "apps": app_rows,
            "is_department": is_dept,
            "is_reviewer": is_reviewer,
            "can_apply": can_apply,
            "checks": checks,
            "trail": trail,
            "experts": User.objects.filter(role=Role.EXPERT, is_active=True) if is_dept else [],
        },
    )


@login_required
def commitment(request, pk):
    c, is_team = perms.get_commitment_for_user(request.user, pk)
    u = request.user
    if request.method == "POST":
        op = request.POST.get("op")
        note = request.POST.get("note", "")
        if op == "define":
            milestones = []
            for line in request.POST.get("milestones", "").splitlines():
                if line.strip():
                    when, _, what = line.strip().partition(" ")
                    milestones.append({"planned_on": when, "deliverable": what.strip()})
            tranches = [
                x.strip() for x in request.POST.get("tranches", "").replace("，", ",").split(",") if x.strip()
            ]
            _attempt(
                request,
                lambda: services.commitment_define(
                    actor=u, commitment=c, milestones=milestones, tranches=tranches
                ),
                gettext("里程碑与拨款计划已确定"),
            )
        elif op == "sign":
            _attempt(
                request,
                lambda: services.commitment_sign(actor=u, commitment=c),
                gettext("军令状已签署，首笔经费已拨付"),
            )
        elif op in ("submit_ms", "accept_ms", "fail_ms"):
            ms = CommitmentMilestone.objects.filter(
                pk=request.POST.get("milestone") or 0, commitment=c
            ).first()
            if ms is None:
                raise NotFound()
            if op == "submit_ms":
                _attempt(
                    request,
                    lambda: services.commitment_milestone_submit(
                        actor=u,
                        milestone=ms,
                        evidence_note=request.POST.get("evidence_note", ""),
                        files=request.FILES.getlist("files"),
                    ),
                    gettext("里程碑成果已提交验收"),
                )
            else:
                _attempt(
                    request,
                    lambda: services.commitment_milestone_decide(
                        actor=u,
                        milestone=ms,
                        accept=op == "accept_ms",
                        note=note,
                        terminate=request.POST.get("terminate") == "on",
                    ),
                    gettext("里程碑验收通过，已拨付下一笔经费")
                    if op == "accept_ms"
                    else gettext("已记录验收不通过"),
                )
        elif op == "final":
            achieved = {t.code: request.POST.get(f"achieved_{t.code}", "") for t in c.challenge.targets.all()}
            holder = {}

            def final():
                holder["r"] = services.commitment_final_accept(
                    actor=u, commitment=c, achieved=achieved, note=note
                )

            if _attempt(request, final):
                messages.success(
                    request,
                    gettext("最终验收通过")
                    if holder["r"].passed
                    else gettext("最终验收未通过：技术指标未全部达到"),
                )
        else:
            raise NotFound()
        return redirect("supervision:commitment", pk=pk)
    c.refresh_from_db()
    tranches = list(c.tranches.all())
    released = sum((t.amount for t in tranches if t.released_at), 0)
    return render(
        request,
        "supervision/commitment.html",
        {
            "c": c,
            "challenge": c.challenge,
            "is_team": is_team,
            "is_department": perms.is_department(u),
            "milestones": c.milestones.prefetch_related("evidence"),
            "tranches": tranches,
            "released": released,
            "targets": c.challenge.targets.all(),
            "trail": audit_trail(c) if perms.is_department(u) else None,
            "today": timezone.localdate(),
        },
    )


def _versions(rep: ProgressReport) -> list:
    """Each submission with its status and review outcome as labels, not codes."""
    out = list(rep.versions.select_related("submitted_by"))
    states = dict(ProgressReport.State.choices)
    for v in out:
        v.status_label = REPORT_STATUS_LABELS.get(v.status, v.status)
        v.outcome_label = states.get(v.outcome, v.outcome) if v.outcome else "待审核"
    return out


# ---------------------------------------------------------------- evidence files


@login_required
def evidence(request, pk: int):
    """Evidence is not public: it is streamed to whoever may see what it belongs to, never from /media/."""
    from .api import evidence_response

    return evidence_response(perms.get_evidence_for_user(request.user, pk))
