"""A page's query parameter that cannot be read is a 400 naming it, never a silent fallback
(`?year=abc` once showed the calculator for 2024 as if asked) and never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/policy/?year=abc", "year"),
        ("/policy/?year=20245", "year"),
        ("/monitoring/cascade/?as_of=abc", "as_of"),
        ("/monitoring/indicators/rd_intensity/?history=150000:abc", "history"),
        ("/monitoring/indicators/rd_intensity/?region=159999", "region"),
        ("/transfer/search/?q=稀土&min_readiness=abc", "min_readiness"),
        ("/transfer/search/?q=稀土&min_readiness=12", "min_readiness"),
        ("/transfer/search/?q=稀土&max_price=abc", "max_price"),
        ("/transfer/search/?q=稀土&max_price=1e300", "max_price"),
    ],
)
def test_a_bad_parameter_is_named(plan, department_user, login, url, name):
    from steppe.stats.services import indicators_load

    indicators_load()
    r = login(department_user).get(url)
    assert r.status_code == 400, url
    assert name in r.content.decode()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/policy/white-list/?league=159900", "league"),
        ("/policy/white-list/?league=abc", "league"),
        ("/accounts/organisations/?status=approved", "status"),
        ("/accounts/organisations/?kind=castle", "kind"),
        ("/accounts/people/?state=everyone", "state"),
        ("/supervision/audit/?type=supervision.nothing", "type"),
        ("/registers/platforms/?year=abc", "year"),
        ("/registers/platforms/export.csv?year=abc", "year"),
        ("/transfer/figures/?by=colour", "by"),
        ("/policy/enterprises/export.csv?format=pdf", "format"),
        ("/inbox/?page=0", "page"),
        ("/inbox/?per_page=abc", "per_page"),
    ],
)
def test_an_unknown_filter_value_on_a_page_is_named_not_a_silent_fallback(plan, department_user, login, url, name):
    """`?league=` with an unknown code once showed the whole region's white list as if asked."""
    r = login(department_user).get(url)
    assert r.status_code == 400, url
    assert name in r.content.decode()


def test_a_known_league_filters_the_white_list(plan, department_user, login):
    r = login(department_user).get("/policy/white-list/?league=150200")
    assert r.status_code == 200
    assert 'value="150200" selected' in r.content.decode()


def test_the_audit_trail_filters_by_a_known_type(plan, department_user, login):
    assert login(department_user).get("/supervision/audit/?type=challenges.commitment").status_code == 200


def test_the_submissions_page_names_a_bad_year(plan, department_user, login):
    r = login(department_user).get("/monitoring/submissions/?year=abc")
    assert r.status_code == 400 and "year" in r.content.decode()


def test_a_good_year_is_used(plan, client):
    page = client.get("/policy/?year=2023")
    assert page.status_code == 200
    assert 'value="2023"' in page.content.decode()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/transfer/contracts?status=signed", "status"),
        ("/api/v1/reports?state=finished", "state"),
        ("/api/v1/measures?status=green", "status"),
        ("/api/v1/observations/imports?status=maybe", "status"),
        ("/api/v1/organisations?kind=castle", "kind"),
    ],
)
def test_an_unknown_api_filter_value_is_named_not_an_empty_list(plan, department_user, login, url, name):
    r = login(department_user).get(url)
    assert r.status_code == 400, url
    assert name in r.content.decode()


def test_a_known_api_filter_value_still_filters(plan, department_user, login):
    assert login(department_user).get("/api/v1/transfer/contracts?status=registered").status_code == 200
