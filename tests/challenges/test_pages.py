"""揭榜挂帅 pages: each renders for its persona; a draft is not public; a bad form names its fields."""

from datetime import timedelta

import pytest
from django.utils import timezone

from steppe.challenges.models import Challenge

pytestmark = pytest.mark.django_db


def test_challenge_pages_render_for_the_public_and_each_role(login, client, dept, firm_user, expert):
    assert client.get("/supervision/challenges/").status_code == 200
    d = login(dept)
    assert d.get("/supervision/challenges/new/").status_code == 200
    r = d.post(
        "/supervision/challenges/new/",
        {
            "title": "风光氢储一体化关键技术",
            "problem": "绿氢成本",
            "budget": "600",
            "deadline": str(timezone.localdate() + timedelta(days=30)),
            "max_teams": "2",
            "eligible_kinds": ["enterprise", "institution"],
            "eligible_region_prefix": "15",
            "t1_name": "电解效率",
            "t1_cmp": ">=",
            "t1_value": "80",
            "t1_unit": "%",
        },
    )
    challenge = Challenge.objects.get()
    assert r.status_code == 302 and r.url == f"/supervision/challenges/{challenge.code}/"
    client.logout()
    assert (
        client.get(f"/supervision/challenges/{challenge.code}/").status_code == 404
    )  # a draft is not public
    d = login(dept)
    d.post(f"/supervision/challenges/{challenge.code}/act/", {"op": "publish", "note": "发布"})
    client.logout()
    public = client.get("/supervision/challenges/").content.decode()
    assert challenge.code in public and "张榜中" in public
    f = login(firm_user)
    page = f.get(f"/supervision/challenges/{challenge.code}/").content.decode()
    assert 'id="eligibility"' in page
    f.post(
        f"/supervision/challenges/{challenge.code}/act/",
        {"op": "apply", "proposal": "PEM 路线", "requested_budget": "300"},
    )
    assert challenge.applications.count() == 1
    e = login(expert)
    # an unassigned expert does not see the applications
    assert "PEM 路线" not in e.get(f"/supervision/challenges/{challenge.code}/").content.decode()


def test_a_bad_challenge_form_shows_the_fields_and_creates_nothing(login, dept):
    r = login(dept).post(
        "/supervision/challenges/new/",
        {"title": "", "problem": "x", "budget": "abc", "deadline": "2020-01-01"},
        follow=True,
    )
    html = r.content.decode()
    # every error at once, named by the form's labels (never the field codes title/budget/targets)
    assert "榜单名称" in html and "支持经费（万元）" in html and "考核指标" in html
    assert "title:" not in html and "budget:" not in html
    assert not Challenge.objects.exists()
