import pytest

from steppe.core.errors import NotFound
from steppe.core.models import Region
from steppe.core.permissions import can_see_region, get_region_for_user, region_code_prefix


@pytest.mark.django_db
def test_a_bureau_sees_its_league_and_counties_only(bureau_user):
    assert can_see_region(bureau_user, Region.objects.get(code="150200"))
    assert can_see_region(bureau_user, Region.objects.get(code="150202"))
    assert not can_see_region(bureau_user, Region.objects.get(code="150600"))
    assert not can_see_region(bureau_user, Region.objects.get(code="150000"))
    with pytest.raises(NotFound):
        get_region_for_user(bureau_user, "150602")
    assert region_code_prefix(bureau_user) == "1502"


@pytest.mark.django_db
def test_the_department_sees_every_region(department_user):
    assert get_region_for_user(department_user, "152900").name == "阿拉善盟"
    assert region_code_prefix(department_user) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["enterprise_user", "bank_user", "lead_unit_user", "expert_user", "broker_user"])
def test_other_roles_see_no_region_scoped_data(persona, request):
    user = request.getfixturevalue(persona)
    assert not can_see_region(user, Region.objects.get(code="150200"))
    assert region_code_prefix(user) is None


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_no_region_scoped_data():
    from django.contrib.auth.models import AnonymousUser

    assert not can_see_region(AnonymousUser(), Region.objects.get(code="150200"))
