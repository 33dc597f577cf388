"""The department's reporting-period form (stats.forms.ReportingPeriodForm): every bad field named
at once, in the page's language, and nothing written."""

import pytest

from steppe.stats.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def _post(client, **data):
    return client.post("/monitoring/submissions/", {"action": "period", **data})


def test_bad_fields_are_named_together_and_nothing_is_opened(client, department_user, published):
    client.force_login(department_user)
    r = _post(client, year="20x4", due_on="2025-02-30", indicators="rd_expenditure, no_such_code")
    html = r.content.decode()
    assert r.status_code == 400
    assert "报送期设置有误：年份、截止日期、应报指标(代码,逗号分隔)" in html
    assert "未知指标代码：no_such_code" in html
    assert "invalid literal" not in html and "Invalid isoformat" not in html  # no raw Python messages
    assert not ReportingPeriod.objects.exists()


def test_the_same_errors_in_english(client, department_user, published):
    client.force_login(department_user)
    client.cookies["django_language"] = "en"
    html = _post(client, year="", due_on="2025-06-30", indicators="gdp").content.decode()
    assert "The reporting period has errors" in html and "报送期设置有误" not in html
    assert not ReportingPeriod.objects.exists()


def test_a_good_period_is_opened_with_commas_of_either_width(client, department_user, published):
    client.force_login(department_user)
    r = _post(client, year="2024", due_on="2025-06-30", indicators="rd_expenditure，gdp, rd_expenditure")
    assert r.status_code == 302
    period = ReportingPeriod.objects.get(year=2024)
    assert period.indicators == ["rd_expenditure", "gdp"] and str(period.due_on) == "2025-06-30"
