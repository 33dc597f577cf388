"""The contract form on the pages has the API's 统一社会信用代码 fields, checked by the same service
(GB 32100-2015 check character): a bad code is named beside its field, what was typed stays, and
nothing is written; the negotiation fills in the organisations' own codes."""

import pytest

from steppe.core.credit_code import credit_code_check_char
from steppe.core.models import Organisation
from steppe.transfer.models import Contract, Interest

from .conftest import CONTRACT

pytestmark = pytest.mark.django_db


def _code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


GOOD_SELLER = _code("12150000460000011")
GOOD_BUYER = _code("91150202MA0AAAAA1")
BAD = GOOD_BUYER[:-1] + ("0" if GOOD_BUYER[-1] != "0" else "1")  # the check character is wrong


def test_the_operator_registers_a_contract_with_both_credit_codes(client, department_user):
    client.force_login(department_user)
    html = client.get("/transfer/contracts/").content.decode()
    assert 'name="seller_credit_code"' in html and 'name="buyer_credit_code"' in html
    assert "卖方统一社会信用代码" in html
    r = client.post("/transfer/contracts/", {**CONTRACT, "seller_credit_code": GOOD_SELLER,
                                             "buyer_credit_code": GOOD_BUYER.lower()})  # fmt: skip
    assert r.status_code == 302
    c = Contract.objects.get()
    assert (c.seller_credit_code, c.buyer_credit_code) == (GOOD_SELLER, GOOD_BUYER)  # normalised


def test_a_bad_credit_code_is_shown_beside_its_field_and_nothing_is_written(client, department_user):
    client.force_login(department_user)
    r = client.post("/transfer/contracts/", {**CONTRACT, "buyer_credit_code": BAD, "seller_credit_code": "123",
                                             "amount": ""})  # fmt: skip
    assert r.status_code == 400 and Contract.objects.count() == 0
    errors = r.context["errors"]
    assert set(errors) == {"buyer_credit_code", "seller_credit_code", "amount"}  # every error at once
    assert "校验码不符" in errors["buyer_credit_code"] and "18 位" in errors["seller_credit_code"]
    html = r.content.decode()
    assert "有 3 处需要修改" in html and "buyer_credit_code:" not in html
    assert f'value="{BAD}"' in html and f'value="{CONTRACT["title"]}"' in html  # what was typed stays


def test_the_negotiation_form_fills_in_the_parties_codes_and_keeps_input_on_error(
    client, achievement, enterprise_user, institution_user
):
    Organisation.objects.filter(pk=institution_user.unit_id).update(credit_code=GOOD_SELLER)
    Organisation.objects.filter(pk=enterprise_user.unit_id).update(credit_code=GOOD_BUYER)
    client.force_login(enterprise_user)
    client.post(f"/transfer/achievements/{achievement.public_id}/interest/", {"note": "希望合作"})
    interest = Interest.objects.get()
    client.force_login(institution_user)
    url = f"/transfer/interests/{interest.public_id}/"
    html = client.get(url).content.decode()
    assert f'name="seller_credit_code" maxlength="18" autocapitalize="characters" spellcheck="false" value="{GOOD_SELLER}"' in html
    assert f'value="{GOOD_BUYER}"' in html
    r = client.post(url, {"action": "contract", **CONTRACT, "seller_credit_code": BAD})
    assert r.status_code == 400 and Contract.objects.count() == 0
    assert "校验码不符" in r.context["errors"]["seller_credit_code"]
    assert f'value="{CONTRACT["number"]}"' in r.content.decode()
    r = client.post(url, {"action": "contract", **CONTRACT, "seller_credit_code": GOOD_SELLER,
                          "buyer_credit_code": GOOD_BUYER})  # fmt: skip
    assert r.status_code == 302
    assert Contract.objects.get().buyer_credit_code == GOOD_BUYER


def test_the_contract_forms_credit_code_message_is_the_sign_ups_in_the_pages_language(client, department_user):
    from django.utils import translation

    from steppe.core.forms import credit_code_error

    client.force_login(department_user)
    r = client.post("/transfer/contracts/", {**CONTRACT, "buyer_credit_code": BAD})
    assert r.context["errors"]["buyer_credit_code"] == credit_code_error(BAD)
    assert r.context["errors"]["buyer_credit_code"] == "统一社会信用代码无效（GB 32100-2015）：校验码不符"
    client.cookies["django_language"] = "en"
    r = client.post("/transfer/contracts/", {**CONTRACT, "buyer_credit_code": BAD})
    with translation.override("en"):
        english = credit_code_error(BAD)
    assert r.context["errors"]["buyer_credit_code"] == english and "统一" not in english
