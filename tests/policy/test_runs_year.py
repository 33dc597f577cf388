"""The batch run's year on the runs page is read by core.validation.parse_year: a year that is not
a number, or outside the rules, is named on the page in its language and nothing is queued."""

import pytest
from django.conf import settings

from steppe.policy.models import PolicyRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "chinese", "english"),
    [
        ("abc", "年度：“abc” 不是整数", "Year:"),
        ("", "年度：“” 不是整数", "Year:"),
        ("2007", "年度：须为 2008-2100 之间的会计年度", "Must be a fiscal year from 2008 to 2100"),
    ],
)
def test_a_bad_year_is_named_and_nothing_is_queued(login, department_user, year, chinese, english):
    client = login(department_user)
    page = client.post("/policy/runs/", {"year": year}).content.decode()
    assert chinese in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post("/policy/runs/", {"year": year}).content.decode()
    assert english in page and "须为" not in page
    assert not PolicyRun.objects.exists()
