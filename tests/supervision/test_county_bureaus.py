"""Why a county bureau files no progress report (docs/accounts.md, "County bureaus"): the built-in plan
assigns nothing to a county - every target is set for the whole region and no unit it names is a
county's. When a plan does assign work to a county, this fails: a county form is then due."""

import pytest

from steppe.core.models import Region
from steppe.plans.models import MeasureUnit

pytestmark = pytest.mark.django_db

# units whose name begins with a county's but which no county runs
NOT_A_COUNTYS = {"和林格尔新区管委会": "the new area lies in 和林格尔县 but is run by 呼和浩特市 (a park, league level)"}


def test_the_built_in_plan_sets_no_target_below_the_region(plan):
    assert {t.region.code for t in plan.targets.all()} == {"150000"}


def test_no_unit_the_plan_names_is_a_countys(plan):
    counties = list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith="15").values_list("name", flat=True))
    assert len(counties) > 100  # the reference regions are loaded: the check below means something
    # a county's name without its suffix (昆都仑区 -> 昆都仑, 达拉特旗 -> 达拉特), as a unit's name would begin
    stems = {c[:-1] if len(c) > 2 else c for c in counties}
    named = set(MeasureUnit.objects.filter(measure__plan=plan).values_list("unit__name", flat=True))
    county_like = {u for u in named if any(u.startswith(stem) for stem in stems)}
    assert named and county_like - set(NOT_A_COUNTYS) == set()
    assert set(NOT_A_COUNTYS) <= named  # an exception is listed only while the plan names it
    assert {t.lead_units.filter(region__level=Region.Level.COUNTY).count() for t in plan.targets.all()} == {0}
