"""A record belongs to its submitter's unit: only an operator names another, and only an existing one."""


import pytest

from steppe.core.errors import ValidationFailed
from steppe.core.models import ApiToken, Unit
from steppe.transfer import services
from steppe.transfer.models import Achievement, Demand

from .conftest import ACHIEVEMENT, DEMAND

pytestmark = pytest.mark.django_db


def _fields(exc) -> set[str]:
    return {e["field"] for e in exc.value.data["errors"]}


def test_an_enterprise_cannot_submit_on_behalf_of_another_unit(enterprise_user, institution_user):
    with pytest.raises(ValidationFailed) as refused:
        services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND | {"unit": "内蒙古大学"})
    assert _fields(refused) == {"unit"}
    assert "内蒙古大学" in refused.value.message
    assert Demand.objects.count() == 0


def test_naming_an_unknown_unit_creates_nothing(enterprise_user, department_user):
    before = Unit.objects.count()
    for actor in (enterprise_user, department_user):
        with pytest.raises(ValidationFailed) as refused:
            services.listing_submit(actor=actor, kind="demand", data=DEMAND | {"unit": "凭空捏造的公司"})
        assert _fields(refused) == {"unit"}
    assert Unit.objects.count() == before
    assert Demand.objects.count() == 0


def test_naming_ones_own_unit_or_none_is_fine(enterprise_user):
    a = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND | {"unit": "包头稀土新材料有限公司"})
    b = services.listing_submit(actor=enterprise_user, kind="demand", data={**DEMAND, "title": "另一需求"})
    assert a.unit == b.unit == enterprise_user.unit


def test_an_operator_may_submit_for_an_existing_unit_in_its_area(
    department_user, bureau_user, institution_user, enterprise_user
):
    obj = services.listing_submit(actor=department_user, kind="achievement", data=ACHIEVEMENT | {"unit": "内蒙古大学"})
    assert obj.unit == institution_user.unit
    Unit.objects.filter(pk=institution_user.unit_id).update(region_id=institution_user.region_id)
    # 包头's bureau may name a 包头 enterprise but not a 呼和浩特 university
    Unit.objects.filter(pk=enterprise_user.unit_id).update(region_id=enterprise_user.region_id)
    ok = services.listing_submit(actor=bureau_user, kind="demand", data=DEMAND | {"unit": "包头稀土新材料有限公司"})
    assert ok.unit == enterprise_user.unit
    with pytest.raises(ValidationFailed) as refused:
        services.listing_submit(actor=bureau_user, kind="achievement", data=ACHIEVEMENT | {"unit": "内蒙古大学"})
    assert _fields(refused) == {"unit"}


def test_the_api_refuses_a_forged_unit_naming_the_field(client, enterprise_user, institution_user):
    _, raw = ApiToken.objects.issue(enterprise_user)
    r = client.post(
        "/api/v1/transfer/demands", DEMAND | {"unit": "内蒙古大学"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["unit"]
    assert Demand.objects.count() == 0


def test_an_import_with_another_units_rows_changes_nothing(institution_user, enterprise_user):
    csv = (
        "标题,描述,领域,地区,单位\n"
        "成果一,描述一,材料,150100,内蒙古大学\n"
        "成果二,描述二,材料,150100,包头稀土新材料有限公司\n"
        "成果三,描述三,材料,150100,新造的研究院\n"
    ).encode()
    with pytest.raises(ValidationFailed) as refused:
        services.listing_import(actor=institution_user, kind="achievement", filename="a.csv", content=csv)
    assert [(e["row"], e["field"]) for e in refused.value.data["errors"]] == [(3, "unit"), (4, "unit")]
    assert Achievement.objects.count() == 0
    assert not Unit.objects.filter(name="新造的研究院").exists()
