"""An enterprise's file takes its input through one set of forms (policy.forms): the page and the
API check a year's figures the same way, name every bad field at once in the page's language, and
write nothing; a compliance event is checked the same way."""

import pytest

from steppe.policy.models import ComplianceEvent, EnterpriseYear

from .test_register import register  # noqa: F401  (the two-enterprise register fixture)

pytestmark = pytest.mark.django_db


def _page(client, ent, data):
    return client.post(f"/policy/enterprises/{ent.public_id}/", data)


def test_the_page_names_every_bad_figure_at_once_and_writes_nothing(register, department_user, login):  # noqa: F811
    baotou, _ = register
    client = login(department_user)
    before = EnterpriseYear.objects.filter(enterprise=baotou).count()
    html = _page(client, baotou, {"year": "2025", "employees": "many", "revenue": "-5", "ip_class_i": "1.5"}
                 ).content.decode()
    assert "职工总数：输入一个数字。" in html
    assert "销售收入：确保该值大于或等于0。" in html and "Ⅰ类知识产权：输入整数。" in html
    assert not EnterpriseYear.objects.filter(enterprise=baotou, year=2025).exists()
    assert EnterpriseYear.objects.filter(enterprise=baotou).count() == before


def test_a_missing_or_impossible_year_is_named(register, department_user, login):  # noqa: F811
    baotou, _ = register
    client = login(department_user)
    for year in ("", "1999", "20x5"):
        html = _page(client, baotou, {"year": year, "employees": "10"}).content.decode()
        assert 'id="file-errors"' in html and "年度：" in html, year
    assert not EnterpriseYear.objects.filter(enterprise=baotou, employees=10).exists()


def test_the_page_speaks_english_when_asked(register, department_user, login):  # noqa: F811
    baotou, _ = register
    client = login(department_user)
    client.cookies["django_language"] = "en"
    html = _page(client, baotou, {"year": "2025", "employees": "many"}).content.decode()
    errors = html[html.index('id="file-errors"'):html.index("</ul>", html.index('id="file-errors"'))]
    assert "职工总数" not in errors and "number" in errors.lower()


def test_the_api_names_every_bad_figure_with_its_path_and_writes_nothing(register, department_user, login):  # noqa: F811
    baotou, _ = register
    client = login(department_user)
    resp = client.put(
        f"/api/v1/policy/enterprises/{baotou.public_id}/years/2025",
        {"employees": "many", "revenue": -5, "tech_staff": 3},
        content_type="application/json",
    )
    assert resp.status_code == 400, resp.content
    fields = [e["field"] for e in resp.json()["error"]["data"]["errors"]]
    assert fields == ["years.2025.employees", "years.2025.revenue"]
    assert not EnterpriseYear.objects.filter(enterprise=baotou, year=2025).exists()


def test_the_api_and_the_page_refuse_more_staff_than_employees_alike(register, department_user, login):  # noqa: F811
    baotou, _ = register
    client = login(department_user)
    resp = client.put(
        f"/api/v1/policy/enterprises/{baotou.public_id}/years/2025",
        {"employees": 10, "tech_staff": 40},
        content_type="application/json",
    )
    assert resp.status_code == 400
    [error] = resp.json()["error"]["data"]["errors"]
    assert error == {"field": "years.2025.tech_staff", "message": "科技人员不能多于职工总数"}
    html = _page(client, baotou, {"year": "2025", "employees": "10", "tech_staff": "40"}).content.decode()
    assert "科技人员：科技人员不能多于职工总数" in html
    assert not EnterpriseYear.objects.filter(enterprise=baotou, year=2025).exists()


def test_a_compliance_event_names_its_bad_fields_and_is_not_recorded(register, department_user, login):  # noqa: F811
    baotou, _ = register
    client = login(department_user)
    html = _page(client, baotou, {"form": "event", "kind": "nonsense", "occurred_on": "2025-13-40"}).content.decode()
    assert "类型：" in html and "发生日期：" in html
    html = _page(client, baotou, {"form": "event", "kind": "accident", "occurred_on": "2999-01-01"}).content.decode()
    assert "发生日期：日期晚于今天" in html
    assert not ComplianceEvent.objects.filter(enterprise=baotou).exists()
    resp = _page(client, baotou, {"form": "event", "kind": "accident", "occurred_on": "2025-03-01", "note": "x"})
    assert resp.status_code == 302
    assert ComplianceEvent.objects.filter(enterprise=baotou, kind="accident").count() == 1
