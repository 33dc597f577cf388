"""A league bureau reads the measures that name its league and chases (催办) the late ones: the message
lands in the inbox of the lead unit and of the league's own units; nothing else is reachable."""

from datetime import date

import pytest

from steppe.core.errors import DomainError
from steppe.core.models import AuditEntry, Notification
from steppe.supervision import chase

pytestmark = pytest.mark.django_db


@pytest.fixture
def league_plan(regions):
    """A plan (the latest, so the default) with a late measure led by 各盟市人民政府 naming 包头, one
    of another league, and one on schedule."""
    from steppe.core.services import organisation_get_or_create
    from steppe.plans.models import Action, Measure, MeasureUnit, Plan

    plan = Plan.objects.create(code="league-test", title="测试规划", period_start=2023, period_end=2099)
    action = Action.objects.create(plan=plan, code="A1", number=1, title="行动", order=1)
    leagues = organisation_get_or_create(name="各盟市人民政府")
    baotou = organisation_get_or_create(name="包头市人民政府")
    ordos = organisation_get_or_create(name="鄂尔多斯市人民政府")
    dept_unit = organisation_get_or_create(name="自治区科技厅")
    specs = [
        ("A1-01", "推动盟市出台科研经费政策", date(2024, 12, 31), [(leagues, "lead"), (baotou, "cooperating")]),
        ("A1-02", "鄂尔多斯建设实验室", date(2024, 12, 31), [(ordos, "lead")]),
        ("A1-03", "包头建设创新平台", date(2099, 12, 31), [(dept_unit, "lead"), (baotou, "cooperating")]),
    ]
    for i, (code, title, due, links) in enumerate(specs):
        m = Measure.objects.create(plan=plan, action=action, code=code, title=title, due_on=due, order=i)
        for unit, role in links:
            MeasureUnit.objects.create(measure=m, unit=unit, role=role)
    return plan


@pytest.fixture
def bureau(league_plan, regions):
    from steppe.core.services import user_create

    user, _, _ = user_create(username="bt-bureau", role="bureau", unit="包头市科学技术局", region="150200",
                             password="pass-word-123")  # fmt: skip
    return user


@pytest.fixture
def cast(league_plan, make_user):
    return {
        "leagues": make_user("leagues-gov", "lead_unit", "各盟市人民政府", "l@example.org"),
        "baotou": make_user("baotou-gov", "lead_unit", "包头市人民政府", "b@example.org"),
        "ordos": make_user("ordos-gov", "lead_unit", "鄂尔多斯市人民政府", "o@example.org"),
    }


def test_the_league_page_lists_the_leagues_measures_with_a_chase_for_the_late_one(client, bureau, cast):
    client.force_login(bureau)
    r = client.get("/supervision/league/")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.context["rows"]}
    assert set(rows) == {"A1-01", "A1-03"}  # not 鄂尔多斯's
    assert rows["A1-01"]["status"] == "late" and rows["A1-01"]["chaseable"]
    assert not rows["A1-03"]["chaseable"]
    html = r.content.decode()
    assert 'action="/supervision/measures/A1-01/chase/"' in html
    assert 'action="/supervision/measures/A1-03/chase/"' not in html
    # the measure's own page opens for the bureau, read only (it was a dead link from the bureau home)
    page = client.get("/supervision/measures/A1-01/")
    assert page.status_code == 200 and page.context["can_write"] is False
    assert client.get("/supervision/measures/A1-02/").status_code == 404


def test_a_chase_lands_in_the_lead_unit_and_league_unit_inboxes_once_a_day(client, bureau, cast):
    client.force_login(bureau)
    r = client.post("/supervision/measures/A1-01/chase/", {"note": "请于本周内报送", "next": "/supervision/league/"})
    assert r.status_code == 302
    sent = Notification.objects.filter(kind="urge")
    assert {n.recipient.username for n in sent} == {"leagues-gov", "baotou-gov"}
    n = sent.get(recipient=cast["leagues"])
    assert "A1-01" in n.title and "包头市" in n.title and "请于本周内报送" in n.body
    assert n.url == "/supervision/measures/A1-01/"
    assert AuditEntry.objects.filter(action="measure.chase").count() == 1
    # it is in the lead unit's inbox page
    client.force_login(cast["leagues"])
    assert "A1-01" in client.get("/supervision/inbox/").content.decode()
    # a second chase the same day sends nothing and says why
    with pytest.raises(DomainError) as e:
        chase.measure_chase(actor=bureau, code="A1-01")
    assert "今天已催办过" in e.value.message
    assert Notification.objects.filter(kind="urge").count() == 2


def test_a_chase_is_refused_for_a_measure_on_schedule_or_of_another_league(client, bureau, cast):
    with pytest.raises(DomainError) as e:
        chase.measure_chase(actor=bureau, code="A1-03")
    assert "无需催办" in e.value.message
    with pytest.raises(DomainError) as e:
        chase.measure_chase(actor=bureau, code="A1-02")
    assert e.value.status == 404
    client.force_login(bureau)
    r = client.post("/supervision/measures/A1-03/chase/", {}, follow=True)
    assert "无需催办" in r.content.decode()
    assert not Notification.objects.filter(kind="urge").exists()


def test_a_chase_of_a_measure_whose_units_have_no_account_says_so(bureau):
    with pytest.raises(DomainError) as e:
        chase.measure_chase(actor=bureau, code="A1-01")
    assert "尚无账号" in e.value.message and "各盟市人民政府" in e.value.message
    assert not Notification.objects.exists()


def test_only_a_bureau_sees_the_league_page(client, make_user, league_plan):
    client.force_login(make_user("firm-x", "enterprise", "某企业"))
    assert client.get("/supervision/league/").status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_chase_through_the_api_checks_its_note_as_the_page_does(client, bearer, bureau, cast, language):
    """supervision.validation.ChaseValidator: a note over 500 characters is refused by name on the page and
    through POST /api/v1/measures/{code}/chase alike (it was cut silently), and nothing is sent."""
    import html
    import json

    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    long = "催" * 501
    r = client.post("/api/v1/measures/A1-01/chase", json.dumps({"note": long}), content_type="application/json",
                    **bearer(bureau))  # fmt: skip
    assert r.status_code == 400
    (error,) = r.json()["error"]["data"]["errors"]
    assert error == {"field": "note",
                     "message": "must be at most 500 characters" if language == "en" else "不能超过 500 字"}  # fmt: skip
    client.force_login(bureau)
    page = html.unescape(client.post("/supervision/measures/A1-01/chase/", {"note": long}, follow=True).content.decode())
    label = "Note (optional)" if language == "en" else "留言（可选）"
    sep = ": " if language == "en" else "："
    assert f"{label}{sep}{error['message']}" in page
    assert not Notification.objects.filter(kind="urge").exists()
    assert not AuditEntry.objects.filter(action="measure.chase").exists()
    # a good one: sent once, a second the same day is a 409
    r = client.post("/api/v1/measures/A1-01/chase", json.dumps({"note": "请于本周内报送"}),
                    content_type="application/json", **bearer(bureau))  # fmt: skip
    assert r.status_code == 201 and r.json() == {"recipients": 2}
    assert Notification.objects.filter(kind="urge", body__contains="请于本周内报送").count() == 2
    again = client.post("/api/v1/measures/A1-01/chase", "{}", content_type="application/json", **bearer(bureau))
    assert again.status_code == 409 and again.json()["error"]["code"] == chase.ERR_ALREADY
