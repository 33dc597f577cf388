"""transfer.validation: a record's and a contract's page form and API body are checked by one
validator, so the same bad input gives the same errors, every one at once, each named by its
field, in the page's language; the page shows them beside the fields and keeps what was typed."""

import html as htmlmod

import pytest
from django.conf import settings

from steppe.transfer.models import Achievement, Contract, Demand

from .conftest import ACHIEVEMENT, CONTRACT, DEMAND

pytestmark = pytest.mark.django_db

BAD_DEMAND = {**DEMAND, "title": "", "region": "无此地", "budget": "十万", "deadline": "2027-02-30"}


def _api_errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["error"]["data"]["errors"]}


def _beside_fields(page: str) -> list[str]:
    """The messages shown under the fields, in page order."""
    import re

    return [htmlmod.unescape(m) for m in re.findall(r'<span class="field-error"[^>]*>(.*?)</span>', page)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_demand_gets_the_same_errors_on_the_page_and_through_the_api(
    client, enterprise_user, bearer, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    r = client.post("/api/v1/transfer/demands", BAD_DEMAND, content_type="application/json", **bearer(enterprise_user))
    assert r.status_code == 400  # a budget that is not a number and a date that does not exist: text, refused
    api = _api_errors(r)
    assert set(api) == {"title", "region", "budget", "deadline"}  # every one at once

    client.force_login(enterprise_user)
    r = client.post("/transfer/demands/new/", BAD_DEMAND)
    assert r.status_code == 400 and Demand.objects.count() == 0
    assert r.context["errors"] == api  # the same fields, the same words
    page = r.content.decode()
    assert _beside_fields(page) == [api["title"], api["region"], api["budget"], api["deadline"]]
    assert 'value="十万"' in page and 'value="2027-02-30"' in page and DEMAND["description"] in page  # kept
    if language == "en":
        assert api["budget"] == "“十万” is not a number" and api["title"] == "Required"
        assert "Budget" in page and "有 4 处" not in page
    else:
        assert api["budget"] == "“十万” 不是数字" and api["title"] == "必填"
        assert "有 4 处需要修改：标题：必填" in page


def test_a_refused_but_well_formed_value_is_a_400_with_the_pages_words(client, institution_user, bearer):
    bad = {**ACHIEVEMENT, "readiness": "10", "price_min": "200", "transfer_modes": "赠送"}
    r = client.post("/api/v1/transfer/achievements", bad, content_type="application/json", **bearer(institution_user))
    assert r.status_code == 400
    api = _api_errors(r)
    assert api == {
        "readiness": "技术成熟度应为 1–9：10",
        "transfer_modes": "未知转化方式“赠送”（可选：转让、许可、作价投资、合作开发）",
        "price_max": "价格上限低于价格下限",
    }
    client.force_login(institution_user)
    r = client.post("/transfer/achievements/new/", bad)
    assert r.status_code == 400 and r.context["errors"] == api
    assert Achievement.objects.count() == 0


def test_a_json_value_of_the_wrong_kind_is_named_with_the_others(client, enterprise_user, bearer):
    r = client.post(
        "/api/v1/transfer/demands", {**DEMAND, "title": 5, "budget": [1], "region": ""},
        content_type="application/json", **bearer(enterprise_user),
    )
    assert r.status_code == 422
    assert _api_errors(r) == {"title": "应为文本", "region": "必填", "budget": "“[1]” 不是数字"}
    assert Demand.objects.count() == 0


def test_an_edit_through_the_page_and_the_api_is_checked_alike(client, enterprise_user, department_user, bearer):
    from steppe.transfer import services

    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    services.listing_review(actor=department_user, listing=d, decision="return", reason="预算不明确")
    r = client.patch(f"/api/v1/transfer/demands/{d.public_id}", {"budget": "-3", "deadline": "明年"},
                     content_type="application/json", **bearer(enterprise_user))  # fmt: skip
    api = _api_errors(r)
    assert r.status_code == 400 and api == {"budget": "应为非负数：-3", "deadline": "“明年” 不是有效日期，应写作 YYYY-MM-DD"}
    client.force_login(enterprise_user)
    r = client.post(f"/transfer/demands/{d.public_id}/edit/", {**DEMAND, "budget": "-3", "deadline": "明年"})
    assert r.status_code == 400 and r.context["errors"] == api
    d.refresh_from_db()
    assert d.budget == 80 and d.status == "returned"  # nothing written


BAD_CONTRACT = {**CONTRACT, "amount": "abc", "signed_on": "2026-13-01", "type": "技术赠送", "seller": ""}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_contract_gets_the_same_errors_on_the_page_and_through_the_api(
    client, department_user, bearer, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    r = client.post("/api/v1/transfer/contracts", BAD_CONTRACT, content_type="application/json",
                    **bearer(department_user))  # fmt: skip
    assert r.status_code == 400  # every value is text: refused, not malformed
    api = _api_errors(r)
    assert set(api) == {"type", "seller", "amount", "signed_on"}
    client.force_login(department_user)
    r = client.post("/transfer/contracts/", BAD_CONTRACT)
    assert r.status_code == 400 and r.context["errors"] == api and Contract.objects.count() == 0
    page = r.content.decode()
    assert set(_beside_fields(page)) == set(api.values())
    assert 'value="abc"' in page and f'value="{CONTRACT["buyer"]}"' in page
    if language == "en":
        assert api["signed_on"] == "“2026-13-01” is not a valid date; write it as YYYY-MM-DD"
    else:
        assert api["signed_on"] == "“2026-13-01” 不是有效日期，应写作 YYYY-MM-DD"


def test_a_bad_round_on_the_promote_form_asks_for_a_round(client, department_user, demand):
    client.force_login(department_user)
    for value in ("", "abc", "99999999999999999999"):
        r = client.post(f"/transfer/demands/{demand.public_id}/promote/", {"round": value}, follow=True)
        assert r.status_code == 200 and "请选择场景清单批次" in r.content.decode()
    from steppe.transfer.models import Scenario

    assert not Scenario.objects.filter(demand=demand).exists()
