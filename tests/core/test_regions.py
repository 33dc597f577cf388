import pytest

from steppe.core.errors import DomainError
from steppe.core.models import Region
from steppe.core.regions import resolve_region


@pytest.mark.django_db
def test_it_has_the_region_its_12_leagues_and_103_counties():
    assert Region.objects.get(code="150000").name == "内蒙古自治区"
    leagues = Region.objects.filter(level="prefecture")
    assert leagues.count() == 12
    assert set(leagues.values_list("parent__code", flat=True)) == {"150000"}
    counties = Region.objects.filter(level="county")
    assert counties.count() == 103
    assert all(c.parent.code == c.code[:4] + "00" for c in counties.select_related("parent"))
    assert Region.objects.get(code="100000").name == "全国"


@pytest.mark.django_db
def test_every_league_and_county_has_a_boundary_and_an_english_name():
    for region in Region.objects.exclude(level="country"):
        assert region.boundary and region.boundary["type"] in {"Polygon", "MultiPolygon"}, region.code
        assert region.name_en, region.code
    assert Region.objects.get(code="150600").name_en == "Ordos"
    assert Region.objects.get(code="150221").name_en.endswith("Banner")


@pytest.mark.django_db
def test_it_resolves_codes_and_names():
    assert resolve_region("150200").name == "包头市"
    assert resolve_region("包头市").code == "150200"
    assert resolve_region("包头").code == "150200"
    assert resolve_region("内蒙古").code == "150000"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["159999", "火星市", ""])
def test_it_rejects_an_unknown_region_by_name(text):
    with pytest.raises(DomainError) as exc:
        resolve_region(text)
    assert exc.value.code == "unknown_region"
    if text:
        assert text in exc.value.message


@pytest.mark.django_db
def test_loading_the_regions_again_changes_nothing():
    from steppe.core.regions import regions_load

    result = regions_load()
    assert result == {"created": 0, "updated": 0, "total": 117}


def test_region_containment():
    league = Region(code="150200", level="prefecture")
    assert league.contains(Region(code="150202", level="county"))
    assert not league.contains(Region(code="150602", level="county"))
    assert Region(code="150000", level="province").contains(league)
