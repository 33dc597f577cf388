"""揭榜挂帅 pages (Simplified Chinese). Reads through permissions, writes through services; a refused
write shows its message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from steppe.core.audit import audit_trail
from steppe.core.errors import NotFound
from steppe.core.models import AuditEntry, User
from steppe.core.pages import form_page
from steppe.core.pagination import paginate
from steppe.core.roles import Role
from steppe.core.validation import parse_int
from steppe.supervision.views import attempt

from . import permissions as perms
from . import services
from .models import CommitmentMilestone
from .validation import (
    ApplicationValidator,
    ChallengeValidator,
    CommitmentDefineValidator,
    EvidenceValidator,
    ExpertReviewValidator,
    ExpertsValidator,
    FinalAcceptanceValidator,
    MilestoneDecisionValidator,
    SelectValidator,
    StateNoteValidator,
)


def challenges(request):
    items = perms.challenges_visible_to(request.user).annotate(n_applications=Count("applications"))
    return render(
        request,
        "challenges/challenges.html",
        {"items": paginate(request, items), "is_department": perms.is_department(request.user)},
    )


ROWS = 3  # target rows the new challenge page shows (it reads up to 5)


@login_required
def challenge_new(request):
    """A new 榜单, checked by validation.ChallengeValidator (the API's POST /challenges too)."""
    perms.require_department(request.user)
    form = request.POST if request.method == "POST" else {}
    rows: list[int] = []
    if request.method == "POST":
        # each filled target row (a row with neither name nor value is left out)
        rows = [
            i
            for i in range(1, 6)
            if request.POST.get(f"t{i}_name", "").strip() or request.POST.get(f"t{i}_value", "").strip()
        ]
        targets = [
            {"code": f"t{i}", "name": request.POST.get(f"t{i}_name", ""), "unit": request.POST.get(f"t{i}_unit", ""),
             "comparison": request.POST.get(f"t{i}_cmp", ">="), "value": request.POST.get(f"t{i}_value", "")}
            for i in rows
        ]  # fmt: skip
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
                max_teams=request.POST.get("max_teams", ""),
            )

        if attempt(request, create, gettext("榜单草稿已保存"), labels=ChallengeValidator.page_labels(rows)):
            return redirect("challenges:challenge", code=holder["c"].code)
    errors = getattr(request, "field_errors", {})
    # a refused page shows each target row as sent, with its errors beside it (the validator names
    # the k-th row sent `targets[k]`; rows left empty are not sent)
    sent = {row: k for k, row in enumerate(rows)}
    target_rows = []
    for row in range(1, max(ROWS, max(sent, default=0)) + 1):
        prefix = f"targets[{sent[row]}]" if row in sent else None
        target_rows.append({
            "n": row,
            **{part: request.POST.get(f"t{row}_{part}", "") for part in ("name", "value", "unit")},
            "cmp": request.POST.get(f"t{row}_cmp", ">="),
            "errors": [m for f, m in errors.items() if prefix and str(f).startswith(prefix)],
        })  # fmt: skip
    kinds = request.POST.getlist("eligible_kinds") if request.method == "POST" else ["enterprise", "institution"]
    return form_page(request, "challenges/challenge_new.html",
                     {"form": form, "target_rows": target_rows, "errors": errors, "kinds": kinds},
                     refused=request.method == "POST")


@login_required
@require_POST
def challenge_action(request, code):
    """Every POST on a challenge page: publish, experts, apply, start review, review, select."""
    challenge, _ = perms.get_challenge_for_user(request.user, code)
    op = request.POST.get("op")
    u = request.user
    note = request.POST.get("note", "")
    if op == "publish":
        ok = attempt(
            request,
            lambda: services.challenge_publish(actor=u, challenge=challenge, note=note),
            gettext("榜单已发布"),
            labels=StateNoteValidator.LABELS,
        )
    elif op == "experts":
        ok = attempt(
            request,
            lambda: services.challenge_assign_experts(
                actor=u, challenge=challenge, usernames=request.POST.getlist("experts"), note=note
            ),
            gettext("已指定评审专家"),
            labels=ExpertsValidator.LABELS,
        )
    elif op == "apply":
        ok = attempt(
            request,
            lambda: services.application_submit(
                actor=u,
                challenge=challenge,
                proposal=request.POST.get("proposal", ""),
                requested_budget=request.POST.get("requested_budget", ""),
            ),
            gettext("揭榜申请已提交"),
            labels=ApplicationValidator.LABELS,
        )
    elif op == "start_review":
        ok = attempt(
            request,
            lambda: services.challenge_close_applications(actor=u, challenge=challenge, note=note),
            gettext("揭榜截止，进入专家评审"),
            labels=StateNoteValidator.LABELS,
        )
    elif op == "review":
        app, _ = perms.get_application_for_user(
            u, parse_int(request.POST.get("application"), "application", lo=1, hi=2**53)
        )
        conflict = request.POST.get("conflict") == "on"  # a checkbox: absent is no conflict
        ok = attempt(
            request,
            lambda: services.review_submit(
                actor=u,
                application=app,
                conflict=conflict,
                score=request.POST.get("score"),
                comment=request.POST.get("comment", ""),
                conflict_note=request.POST.get("conflict_note", ""),
            ),
            gettext("评审意见已提交"),
            labels=ExpertReviewValidator.LABELS,
        )
    elif op == "select":
        ok = attempt(
            request,
            lambda: services.challenge_select(
                actor=u, challenge=challenge, applications=request.POST.getlist("applications"), note=note
            ),
            gettext("已确定揭榜团队"),
            labels=SelectValidator.LABELS,
        )
    else:
        raise NotFound()
    if not ok:  # refused: the challenge page again (400) with the message and what was typed
        return challenge_detail(request, code, typed=request.POST)
    return redirect("challenges:challenge", code=code)


def challenge_detail(request, code, typed=None):
    """`typed`: the form a refused POST sent (challenge_action), shown again with a 400."""
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
            Q(object_type="challenges.challenge", object_id=str(challenge.pk))
            | Q(object_type="challenges.application", object_id__in=[str(r["a"].pk) for r in app_rows])
        ).select_related("actor")
    return form_page(
        request,
        "challenges/challenge.html",
        {
            "c": challenge,
            "apps": app_rows,
            "is_department": is_dept,
            "is_reviewer": is_reviewer,
            "can_apply": can_apply,
            "checks": checks,
            "trail": trail,
            "experts": User.objects.filter(role=Role.EXPERT, is_active=True) if is_dept else [],
            "typed": typed or {},
            "typed_applications": typed.getlist("applications") if typed is not None else [],
        },
        refused=typed is not None,
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
            ok = attempt(
                request,
                lambda: services.commitment_define(
                    actor=u, commitment=c, milestones=milestones, tranches=tranches
                ),
                gettext("里程碑与拨款计划已确定"),
                labels=CommitmentDefineValidator.page_labels(len(milestones), len(tranches)),
            )
        elif op == "sign":
            ok = attempt(
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
                ok = attempt(
                    request,
                    lambda: services.commitment_milestone_submit(
                        actor=u,
                        milestone=ms,
                        evidence_note=request.POST.get("evidence_note", ""),
                        files=request.FILES.getlist("files"),
                    ),
                    gettext("里程碑成果已提交验收"),
                    labels=EvidenceValidator.LABELS,
                )
            else:
                ok = attempt(
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
                    labels=MilestoneDecisionValidator.LABELS,
                )
        elif op == "final":
            targets = list(c.challenge.targets.all())
            achieved = {t.code: request.POST.get(f"achieved_{t.code}", "") for t in targets}
            holder = {}

            def final():
                holder["r"] = services.commitment_final_accept(
                    actor=u, commitment=c, achieved=achieved, note=note
                )

            ok = attempt(request, final, labels=FinalAcceptanceValidator.page_labels(targets))
            if ok:
                messages.success(
                    request,
                    gettext("最终验收通过")
                    if holder["r"].passed
                    else gettext("最终验收未通过：技术指标未全部达到"),
                )
        else:
            raise NotFound()
        if ok:
            return redirect("challenges:commitment", pk=pk)
        # refused: the page again (400) with the message and what was typed in the form that was sent
    c.refresh_from_db()
    tranches = list(c.tranches.all())
    released = sum((t.amount for t in tranches if t.released_at), 0)
    targets = list(c.challenge.targets.all())
    for t in targets:  # a refused final acceptance keeps the values typed
        t.typed = request.POST.get(f"achieved_{t.code}", "")
    return form_page(
        request,
        "challenges/commitment.html",
        {
            "c": c,
            "challenge": c.challenge,
            "is_team": is_team,
            "is_department": perms.is_department(u),
            "milestones": c.milestones.prefetch_related("evidence"),
            "tranches": tranches,
            "released": released,
            "targets": targets,
            "trail": audit_trail(c) if perms.is_department(u) else None,
            "today": timezone.localdate(),
            "typed": request.POST,
        },
        refused=request.method == "POST",
    )
