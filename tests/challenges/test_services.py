"""揭榜挂帅: publication, applications with eligibility, expert review with conflicts, 赛马 selection,
军令状 with milestones and tranches, termination, final acceptance; every decision audited."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from steppe.challenges import services
from steppe.challenges.models import Application, Challenge, Commitment, ExpertReview
from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TARGETS = [
    {"code": "purity", "name": "稀土提纯纯度", "unit": "%", "comparison": ">=", "value": "99.99"},
    {"code": "cost", "name": "吨成本", "unit": "万元", "comparison": "<=", "value": "12"},
]


def published(dept, **kw):
    args = dict(
        title="高纯稀土金属制备技术",
        problem="突破高纯稀土金属规模化制备",
        budget="800",
        deadline=timezone.localdate() + timedelta(days=30),
        targets=TARGETS,
    )
    args.update(kw)
    c = services.challenge_create(actor=dept, **args)
    return services.challenge_publish(actor=dept, challenge=c, note="经厅务会研究发布")


def apply(user, challenge, budget="300"):
    return services.application_submit(
        actor=user, challenge=challenge, proposal="分三阶段攻关", requested_budget=budget
    )


def test_a_challenge_from_publication_to_final_acceptance_with_two_teams(
    dept, firm_user, univ_user, expert, expert2
):
    challenge = published(dept, max_teams=2)
    assert challenge.code.startswith("JB-") and challenge.state == "published"
    a1 = apply(firm_user, challenge)
    a2 = apply(univ_user, challenge, "400")
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert, expert2])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    services.review_submit(actor=expert, application=a1, conflict=False, score="88", comment="方案可行")
    services.review_submit(actor=expert, application=a2, conflict=False, score="82")
    services.review_submit(actor=expert2, application=a1, conflict=True, conflict_note="曾在该企业兼职")
    services.review_submit(actor=expert2, application=a2, conflict=False, score="90")

    commitments = services.challenge_select(
        actor=dept, challenge=challenge, applications=[a1, a2], note="赛马制，两队并行"
    )
    challenge.refresh_from_db()
    assert challenge.state == "in_progress" and len(commitments) == 2
    c1, c2 = commitments
    for c in commitments:
        services.commitment_define(
            actor=dept,
            commitment=c,
            tranches=["100", "100", "100"],
            milestones=[
                {"deliverable": "中试线建成", "planned_on": "2027-06-30"},
                {"deliverable": "产品通过检测", "planned_on": "2027-12-31"},
            ],
        )
    services.commitment_sign(actor=firm_user, commitment=c1)
    services.commitment_sign(actor=univ_user, commitment=c2)
    c1.refresh_from_db()
    assert c1.state == "active" and c1.total_budget == 300
    assert [t.released_at is not None for t in c1.tranches.all()] == [True, False, False]

    m1, m2 = c1.milestones.all()
    services.commitment_milestone_submit(actor=firm_user, milestone=m1, evidence_note="中试线验收报告")
    services.commitment_milestone_decide(actor=dept, milestone=m1, accept=True, note="现场核验通过")
    assert [t.released_at is not None for t in c1.tranches.all()] == [True, True, False]

    # team 2 fails its first milestone and is terminated; team 1 goes on
    n1 = c2.milestones.get(seq=1)
    services.commitment_milestone_submit(actor=univ_user, milestone=n1, evidence_note="进展说明")
    services.commitment_milestone_decide(
        actor=dept, milestone=n1, accept=False, terminate=True, note="中试线未建成"
    )
    c2.refresh_from_db()
    assert c2.state == "terminated"
    challenge.refresh_from_db()
    assert challenge.state == "in_progress"

    services.commitment_milestone_submit(actor=firm_user, milestone=m2, evidence_note="检测报告")
    services.commitment_milestone_decide(actor=dept, milestone=m2, accept=True, note="检测合格")
    with pytest.raises(ValidationFailed, match="achieved.cost"):
        services.commitment_final_accept(
            actor=dept, commitment=c1, achieved={"purity": "99.995"}, note="验收"
        )
    result = services.commitment_final_accept(
        actor=dept, commitment=c1, achieved={"purity": "99.995", "cost": "11.5"}, note="专家组验收通过"
    )
    assert result.passed and all(c["met"] for c in result.checks)
    challenge.refresh_from_db()
    assert challenge.state == "completed"
    trail = AuditEntry.objects.filter(action__startswith="challenge.").order_by("at", "id")
    assert [e.action for e in trail] == [
        "challenge.create",
        "challenge.publish",
        "challenge.assign_experts",
        "challenge.start_review",
        "challenge.select",
        "challenge.close",
    ]
    select = trail.get(action="challenge.select")
    assert select.actor == dept and "赛马制" in select.note
    assert AuditEntry.objects.get(action="commitment.terminate").note == "中试线未建成"


def test_final_acceptance_fails_when_a_target_is_missed(dept, firm_user, expert):
    challenge = published(dept)
    app = apply(firm_user, challenge)
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    services.review_submit(actor=expert, application=app, conflict=False, score=80)
    (c,) = services.challenge_select(actor=dept, challenge=challenge, applications=[app], note="唯一合格方案")
    services.commitment_define(
        actor=dept,
        commitment=c,
        tranches=["100", "200"],
        milestones=[{"deliverable": "样品", "planned_on": "2027-06-30"}],
    )
    services.commitment_sign(actor=firm_user, commitment=c)
    m = c.milestones.get()
    services.commitment_milestone_submit(actor=firm_user, milestone=m, evidence_note="样品检测")
    services.commitment_milestone_decide(actor=dept, milestone=m, accept=True, note="通过")
    result = services.commitment_final_accept(
        actor=dept, commitment=c, achieved={"purity": "99.9", "cost": "10"}, note="纯度未达标"
    )
    assert not result.passed
    assert [x["met"] for x in result.checks] == [False, True]
    challenge.refresh_from_db()
    assert challenge.state == "failed"


def test_an_expert_with_a_conflict_cannot_score(dept, firm_user, expert):
    challenge = published(dept)
    app = apply(firm_user, challenge)
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    with pytest.raises(DomainError) as exc:
        services.review_submit(actor=expert, application=app, conflict=True, score=90)
    assert exc.value.code == services.ERR_CONFLICT_SCORE
    assert not ExpertReview.objects.exists()
    # the database refuses it too
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ExpertReview.objects.create(application=app, expert=expert, conflict=True, score=90)


def test_a_declared_conflict_is_cleared_only_by_the_department_and_audited(client, bearer, dept, firm_user, expert):
    challenge = published(dept)
    app = apply(firm_user, challenge)
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    services.review_submit(actor=expert, application=app, conflict=True, conflict_note="曾在该企业任职")
    # the expert cannot post again with the conflict cleared and a score, by service or API
    with pytest.raises(DomainError) as exc:
        services.review_submit(actor=expert, application=app, conflict=False, score=95)
    assert (exc.value.code, exc.value.status) == (services.ERR_CONFLICT_DECLARED, 409)
    r = client.post(
        f"/api/v1/applications/{app.pk}/reviews",
        {"conflict": False, "score": 95},
        content_type="application/json",
        **bearer(expert),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == services.ERR_CONFLICT_DECLARED
    review = ExpertReview.objects.get()
    assert (review.conflict, review.score) == (True, None)
    # nor can the expert clear it; the department can, with a reason
    clear = f"/api/v1/reviews/{review.pk}/clear-conflict"
    assert client.post(clear, {"note": "x"}, content_type="application/json", **bearer(expert)).status_code == 404
    assert client.post(clear, {"note": ""}, content_type="application/json", **bearer(dept)).status_code == 400
    ok = client.post(clear, {"note": "任职已满五年，经核实无利益关系"}, content_type="application/json", **bearer(dept))
    assert ok.status_code == 200 and ok.json()["conflict"] is False
    entry = AuditEntry.objects.get(action="review.clear_conflict")
    assert (entry.actor, entry.before["conflict"], entry.after["conflict"]) == (dept, True, False)
    assert entry.note == "任职已满五年，经核实无利益关系"
    # now the expert may score
    assert services.review_submit(actor=expert, application=app, conflict=False, score=95).score == 95


def test_an_unassigned_expert_sees_nothing(dept, firm_user, expert):
    challenge = published(dept)
    app = apply(firm_user, challenge)
    services.challenge_close_applications(actor=dept, challenge=challenge)
    with pytest.raises(DomainError) as exc:
        services.review_submit(actor=expert, application=app, conflict=False, score=90)
    assert exc.value.status == 404


def test_eligibility_is_checked_and_an_ineligible_application_changes_nothing(dept, firm_user, univ_user):
    challenge = published(dept, eligible_kinds=["enterprise"], eligible_region_prefix="1502")
    with pytest.raises(DomainError) as exc:
        apply(univ_user, challenge)  # an institution in Hohhot: wrong kind and wrong region
    assert exc.value.code == services.ERR_INELIGIBLE
    failed = {c["check"] for c in exc.value.data["checks"] if not c["ok"]}
    assert failed == {"kind", "region"}
    with pytest.raises(ValidationFailed, match="requested_budget"):
        apply(firm_user, challenge, "900")
    assert not Application.objects.exists()
    apply(firm_user, challenge)
    with pytest.raises(DomainError, match="已揭榜"):
        apply(firm_user, challenge)


def test_selecting_more_teams_than_allowed_is_refused(dept, firm_user, univ_user, expert):
    challenge = published(dept, max_teams=1)
    a1, a2 = apply(firm_user, challenge), apply(univ_user, challenge)
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    for a in (a1, a2):
        services.review_submit(actor=expert, application=a, conflict=False, score=85)
    with pytest.raises(DomainError) as exc:
        services.challenge_select(actor=dept, challenge=challenge, applications=[a1, a2], note="两队")
    assert exc.value.code == services.ERR_TOO_MANY_TEAMS
    with pytest.raises(DomainError) as exc:
        services.challenge_select(actor=dept, challenge=challenge, applications=[a1], note="")
    assert exc.value.code == services.ERR_NEEDS_NOTE
    assert not Commitment.objects.exists()
    assert Challenge.objects.get().state == "reviewing"


def test_a_challenge_with_bad_fields_names_them_and_creates_nothing(dept):
    with pytest.raises(ValidationFailed) as exc:
        services.challenge_create(
            actor=dept,
            title="",
            problem="x",
            budget="-5",
            deadline=date(2020, 1, 1),
            targets=[{"name": "纯度", "value": "abc"}],
            eligible_kinds=["alien"],
        )
    fields = {e["field"] for e in exc.value.data["errors"]}
    assert {"title", "budget", "deadline", "targets[0].value", "eligible_kinds"} <= fields
    assert not Challenge.objects.exists()


def test_only_the_department_publishes(firm_user):
    with pytest.raises(DomainError) as exc:
        services.challenge_create(
            actor=firm_user, title="x", problem="y", budget=1, deadline="2030-01-01", targets=TARGETS
        )
    assert exc.value.status == 403


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"budget": "1e12"}, "budget"),
        ({"budget": "NaN"}, "budget"),
        ({"title": "长" * 201}, "title"),
        ({"targets": [{"name": "纯度", "value": "Infinity"}]}, "targets[0].value"),
        ({"targets": [{"name": "纯度", "value": "1", "code": "带空格 的"}]}, "targets[0].code"),
        ({"eligible_region_prefix": "abc"}, "eligible_region_prefix"),
    ],
)
def test_out_of_range_challenge_fields_are_refused_by_name(dept, kwargs, field):
    args = dict(title="t", problem="p", budget="10", deadline="2099-01-01", targets=TARGETS)
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        services.challenge_create(actor=dept, **args)
    assert field in {e["field"] for e in exc.value.data["errors"]}
    assert not Challenge.objects.exists()


def test_money_is_rounded_to_what_the_column_stores(dept):
    c = services.challenge_create(
        actor=dept, title="t", problem="p", budget="10.005", deadline="2099-01-01", targets=TARGETS
    )
    c.refresh_from_db()
    assert str(c.budget) == "10.01"


def test_applying_twice_is_a_conflict_and_changes_nothing(dept, firm_user):
    c = services.challenge_create(
        actor=dept,
        title="榜单",
        problem="p",
        budget="100",
        deadline=timezone.localdate() + timedelta(days=9),
        targets=[{"code": "t", "name": "n", "value": "1"}],
    )
    services.challenge_publish(actor=dept, challenge=c, note="发布")
    services.application_submit(actor=firm_user, challenge=c, proposal="方案", requested_budget="50")
    with pytest.raises(DomainError) as exc:
        services.application_submit(actor=firm_user, challenge=c, proposal="再报", requested_budget="50")
    assert (exc.value.code, exc.value.status) == ("already_applied", 409)
    assert Application.objects.get().proposal == "方案"


def test_the_selection_page_names_an_application_id_that_is_not_a_number(login, dept, firm_user, expert):
    challenge = published(dept, max_teams=1)
    a1 = apply(firm_user, challenge)
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    services.review_submit(actor=expert, application=a1, conflict=False, score=85)
    page = login(dept)
    r = page.post(f"/supervision/challenges/{challenge.code}/act/",
                  {"op": "select", "applications": [str(a1.pk), "x1"], "note": "评分第一"})
    assert r.status_code == 400 and "“x1” 不是整数" in r.content.decode()
    assert f'value="{a1.pk}" checked' in r.content.decode() and 'value="评分第一"' in r.content.decode()
    assert not Commitment.objects.exists()  # before: "x1" was dropped and a1 selected
    page.post(f"/supervision/challenges/{challenge.code}/act/",
              {"op": "select", "applications": [str(a1.pk)], "note": "评分第一"})
    assert Commitment.objects.filter(application=a1).exists()
