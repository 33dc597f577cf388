"""Every foundation page renders, and the home page shows the plan at a glance."""

import pytest


def test_the_home_page_shows_every_target_and_all_eight_actions(client, plan):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for target in plan.targets.all():
        assert target.name in html
    for action in plan.actions.filter(kind="action"):
        assert action.title in html
    assert html.count('class="action"') == 11  # 8 actions + 3 safeguards
    assert "1.5" in html and "375" in html


def test_the_public_plan_page_needs_no_login(client, plan):
    response = client.get("/plan/")
    assert response.status_code == 200
    assert plan.title in response.content.decode()
    assert client.get(f"/plans/{plan.code}/").status_code == 200
    assert client.get("/plans/").status_code == 200


def test_an_action_page_lists_its_measures_with_lead_units_and_due_dates(client, plan):
    action = plan.actions.get(code="A3")
    response = client.get(f"/plans/{plan.code}/actions/A3/")
    html = response.content.decode()
    assert response.status_code == 200
    for measure in action.measures.all():
        assert measure.code in html
        assert measure.due_on.strftime("%Y-%m-%d") in html
        for unit in measure.lead_units():
            assert unit.name in html


def test_unknown_plans_and_actions_answer_404(client, plan):
    assert client.get("/plans/no-such-plan/").status_code == 404
    assert client.get(f"/plans/{plan.code}/actions/A99/").status_code == 404


def test_the_page_switches_to_english(client, plan):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Targets" in html


def test_login_page_and_login(client, department_user):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "dept", "password": "pass-word-123"}, follow=True)
    assert response.status_code == 200
    assert "dept" in response.content.decode()


def test_the_admin_is_for_the_department_only(client, department_user, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login
    client.force_login(department_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    for path in ("/admin/core/region/", "/admin/plans/measure/", "/admin/plans/plan/", "/admin/core/auditentry/"):
        assert client.get(path).status_code == 200, path


def test_no_page_loads_anything_from_a_cdn(client, plan):
    html = client.get("/").content.decode()
    assert "https://" not in html.replace(plan.source_url or "-", "")


@pytest.mark.parametrize("path", ["/", "/plan/", "/plans/", "/accounts/login/"])
def test_pages_render_on_a_phone_sized_layout(client, plan, path):
    html = client.get(path).content.decode()
    assert 'name="viewport"' in html


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("department_user", "/supervision/overview/"),
        ("bureau_user", "/monitoring/regions/150200/"),
        ("lead_unit_user", "/supervision/todo/"),
        ("bank_user", "/policy/white-list/"),
        ("enterprise_user", "/policy/"),
    ],
)
def test_the_home_page_shows_each_role_where_its_work_starts(client, plan, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    html = client.get("/").content.decode()
    assert f'href="{expected}"' in html


def test_the_home_page_shows_a_visitor_the_public_starting_points(client, plan):
    html = client.get("/").content.decode()
    assert 'href="/monitoring/"' in html and 'href="/transfer/search/"' in html
    assert "/policy/white-list/" not in html
