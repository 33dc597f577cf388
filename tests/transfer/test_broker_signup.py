"""A service agency names its broker when it signs up (page or API): the broker profile exists from
the sign-up, so the new broker goes straight to its deals page; the fields are checked with the
rest of the sign-up, every problem at once, and a pending agency's broker is not offered on contracts."""

import pytest

from steppe.core.credit_code import credit_code_check_char
from steppe.core.models import Organisation, User
from steppe.transfer import queries
from steppe.transfer.models import Broker

pytestmark = pytest.mark.django_db

AGENCY = {
    "kind": "agency", "name": "蒙科聚技术转移中心", "credit_code": "52150100MJ0AAAA1" + "X",
    "region": "150102", "email": "wang@mkj.example", "password": "a-long-password-1",
}  # fmt: skip
AGENCY["credit_code"] = AGENCY["credit_code"][:17] + credit_code_check_char(AGENCY["credit_code"][:17])
PAGE = {**AGENCY, "password2": AGENCY["password"], "broker_name": "王经纪", "certificate_no": "NMG-JJR-2026-018"}


def test_the_page_sign_up_makes_the_broker_profile(client, regions):
    r = client.post("/accounts/signup/", PAGE)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    broker = Broker.objects.get()
    user = User.objects.get(email="wang@mkj.example")
    assert (broker.user, broker.name, broker.certificate_no) == (user, "王经纪", "NMG-JJR-2026-018")
    assert broker.unit == user.unit and broker.region.code == "150100"  # the county's league
    assert broker not in queries.broker_choices()  # pending: not offered on contracts yet
    Organisation.objects.filter(pk=user.unit_id).update(status="active")
    User.objects.filter(pk=user.pk).update(email_confirmed=True)
    assert broker in queries.broker_choices()
    client.force_login(user)
    html = client.get("/transfer/broker/").content.decode()
    assert "NMG-JJR-2026-018" in html and 'id="broker-register"' not in html  # no second registration


def test_the_page_asks_an_agency_for_its_broker_with_every_other_problem(client, regions):
    r = client.post("/accounts/signup/", {**PAGE, "broker_name": "", "certificate_no": "", "email": "bad"})
    assert r.status_code == 400  # refused: the page again with its errors
    errors = r.context["form"].errors
    assert set(errors) == {"broker_name", "certificate_no", "email"}
    assert str(errors["broker_name"][0]) == "必填"
    assert not Organisation.objects.exists() and not Broker.objects.exists()


def test_a_taken_certificate_is_named_and_nothing_is_written(client, regions):
    Broker.objects.create(name="李经纪", certificate_no="NMG-JJR-2026-018")
    r = client.post("/accounts/signup/", PAGE)
    assert "证书编号已登记：NMG-JJR-2026-018" in str(r.context["form"].errors["certificate_no"][0])
    assert not Organisation.objects.exists() and Broker.objects.count() == 1


def test_an_enterprise_is_not_asked_for_a_broker(client, regions):
    ent = {**PAGE, "kind": "enterprise", "broker_name": "", "certificate_no": "",
           "credit_code": "91150202MA0AAAAA1" + credit_code_check_char("91150202MA0AAAAA1")}  # fmt: skip
    assert client.post("/accounts/signup/", ent).status_code == 302
    assert not Broker.objects.exists()


def test_the_api_takes_the_broker_or_leaves_it_for_later(client, regions):
    r = client.post("/api/v1/signup", {**AGENCY, "broker_name": "王经纪", "certificate_no": "C-1"},
                    content_type="application/json")
    assert r.status_code == 201 and Broker.objects.get().certificate_no == "C-1"
    other = {**AGENCY, "email": "zhao@other.example", "name": "另一服务机构",
             "credit_code": "52150100MJ0BBBB2" + "X"}  # fmt: skip
    other["credit_code"] = other["credit_code"][:17] + credit_code_check_char(other["credit_code"][:17])
    assert client.post("/api/v1/signup", other, content_type="application/json").status_code == 201
    assert Broker.objects.count() == 1  # the profile page registers it later
    half = {**other, "email": "qian@third.example", "name": "第三服务机构", "broker_name": "钱经纪",
            "credit_code": "52150100MJ0CCCC3" + "X"}  # fmt: skip
    half["credit_code"] = half["credit_code"][:17] + credit_code_check_char(half["credit_code"][:17])
    r = client.post("/api/v1/signup", half, content_type="application/json")
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["certificate_no"]
