"""The batch run's year is checked by one form (policy.forms.RunYearForm), on the runs page and in
services.policy_run_start (the command line): a year that is not a number, or outside the rules,
is named in the request's language and nothing is queued."""

import pytest
from django.conf import settings
from django.utils import translation

from steppe.core.errors import ValidationFailed
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


@pytest.mark.parametrize(
    "language,message",
    [("zh-hans", "须为 2008-2100 之间的会计年度"), ("en", "Must be a fiscal year from 2008 to 2100")],
)
def test_the_service_refuses_the_same_year_in_the_same_words(department_user, language, message):
    from steppe.policy.services import policy_run_start

    with translation.override(language), pytest.raises(ValidationFailed) as caught:
        policy_run_start(2101, actor=department_user)
    assert caught.value.data["errors"] == [{"field": "year", "message": message}]
    assert not PolicyRun.objects.exists()
