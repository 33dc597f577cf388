"""A bureau's league: ONE rule (supervision.permissions.bureau_league) for every page and API that asks.

A league's bureau works for its league, a county's bureau for the league its county lies in; only the
league's own bureau reports on and chases the measures that name its league. Before the merge the
league page used one rule and the measure page another: a bureau account without a unit saw its
league's measures listed and got a 404 on each of them, and a county bureau could send a 催办 signed
as its league's bureau."""

import pytest

from steppe.core.errors import DomainError
from steppe.core.models import Notification
from steppe.supervision import chase
from steppe.supervision import permissions as perms

from .test_league_chase import bureau, cast, league_plan  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_bureau(league_plan, regions):  # noqa: F811
    from steppe.core.services import user_create

    user, _, _ = user_create(username="kdl-bureau", role="bureau", unit="昆都仑区科学技术局", region="150203",
                             password="pass-word-123")
    return user


@pytest.fixture
def unitless_bureau(league_plan, make_user, regions):  # noqa: F811
    from steppe.core.models import Region, User

    return User.objects.create(username="bt-nounit", role="bureau", region=Region.objects.get(code="150200"))


def test_the_league_of_a_league_a_county_and_a_regional_bureau(bureau, county_bureau, make_user):  # noqa: F811
    from steppe.core.models import Region, User

    assert perms.bureau_league(bureau).code == "150200" and perms.is_league_bureau(bureau)
    assert perms.bureau_league(county_bureau).code == "150200"
    assert not perms.is_league_bureau(county_bureau)
    regional = User.objects.create(username="nm-bureau", role="bureau", region=Region.objects.get(code="150000"))
    assert perms.bureau_league(regional) is None  # the whole region is no league
    assert perms.bureau_league(make_user("firm-y", "enterprise", "某企业乙")) is None


def test_a_bureau_without_a_unit_opens_every_measure_its_league_page_lists(client, unitless_bureau):
    client.force_login(unitless_bureau)
    listed = {row["code"] for row in client.get("/supervision/league/").context["rows"]}
    assert listed == {"A1-01", "A1-03"}
    for code in listed:
        r = client.get(f"/supervision/measures/{code}/")
        assert r.status_code == 200 and r.context["can_write"] is False
    assert client.get("/supervision/measures/A1-02/").status_code == 404  # another league's


def test_a_county_bureau_reads_its_leagues_measures_but_neither_chases_nor_reports(client, county_bureau, cast):  # noqa: F811
    client.force_login(county_bureau)
    r = client.get("/supervision/league/")
    rows = {row["code"]: row for row in r.context["rows"]}
    assert set(rows) == {"A1-01", "A1-03"} and rows["A1-01"]["status"] == "late"
    assert not rows["A1-01"]["chaseable"]
    assert 'action="/supervision/measures/A1-01/chase/"' not in r.content.decode()
    assert client.get("/supervision/measures/A1-01/").context["can_write"] is False
    with pytest.raises(DomainError) as e:
        chase.measure_chase(actor=county_bureau, code="A1-01")
    assert e.value.status == 403 and "只有盟市科技局可以催办" in e.value.message
    assert not Notification.objects.filter(kind="urge").exists()
    from steppe.plans.models import Measure

    assert not perms.reports_on_measure(county_bureau, Measure.objects.get(code="A1-01"))
