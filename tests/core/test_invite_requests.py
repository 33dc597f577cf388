"""A sign-up with a credit code already registered creates nothing and e-mails that organisation's
administrators to invite the newcomer - within limits: once per address and organisation, a few per
address and per organisation, a day. Past a limit nothing is sent and the answer says why."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from steppe.core import services
from steppe.core.credit_code import credit_code_check_char
from steppe.core.models import AuditEntry, Organisation, User

pytestmark = pytest.mark.django_db


def code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


def post(client, body):
    return client.post("/api/v1/signup", body, content_type="application/json")


def _registered(n: int) -> list[Organisation]:
    """n active organisations, each with an administrator who gets the invite requests."""
    orgs = []
    for i in range(n):
        c = code(f"91150202MA0AB{i:02d}XY")
        org, _user = services.organisation_signup(data={
            "kind": "enterprise", "name": f"包头测试企业{i}", "credit_code": c, "region": "150202",
            "email": f"admin{i}@firm.example", "password": "a-long-password-1"})  # fmt: skip
        Organisation.objects.filter(pk=org.pk).update(status="active")
        orgs.append(org)
    mail.outbox.clear()
    return orgs


def _ask(client, org, email):
    return post(client, {"kind": "enterprise", "name": org.name, "credit_code": org.credit_code, "region": "150202",
                         "email": email, "password": "a-long-password-1"})  # fmt: skip


def test_the_same_address_asks_the_same_organisation_once_a_day(client, regions):
    (org,) = _registered(1)
    first = _ask(client, org, "newcomer@firm.example")
    assert first.status_code == 409 and first.json()["error"]["data"]["asked"] is True
    assert len(mail.outbox) == 1 and "newcomer@firm.example" in mail.outbox[0].body
    again = _ask(client, org, "newcomer@firm.example")
    error = again.json()["error"]
    assert again.status_code == 409 and error["data"]["asked"] is False
    assert "24 小时内已为 newcomer@firm.example 通知过" in error["message"] and "未创建任何账号" in error["message"]
    assert len(mail.outbox) == 1  # nothing more sent
    assert User.objects.filter(email="newcomer@firm.example").count() == 0
    # a day later it may ask again
    AuditEntry.objects.filter(action="core.organisation.invite_request").update(
        at=timezone.now() - timedelta(hours=25))
    assert _ask(client, org, "newcomer@firm.example").json()["error"]["data"]["asked"] is True
    assert len(mail.outbox) == 2


def test_one_address_asks_a_few_organisations_a_day(client, regions):
    orgs = _registered(services.INVITE_REQUESTS_PER_ADDRESS + 1)
    for org in orgs[:-1]:
        assert _ask(client, org, "roamer@else.example").json()["error"]["data"]["asked"] is True
    r = _ask(client, orgs[-1], "roamer@else.example")
    assert r.json()["error"]["data"]["asked"] is False
    assert f"已发出 {services.INVITE_REQUESTS_PER_ADDRESS} 次加入申请" in r.json()["error"]["message"]
    assert len(mail.outbox) == services.INVITE_REQUESTS_PER_ADDRESS
    assert all("admin3@" not in m.to[0] for m in mail.outbox)


def test_one_organisation_gets_a_few_requests_a_day(client, regions):
    (org,) = _registered(1)
    for i in range(services.INVITE_REQUESTS_PER_ORGANISATION):
        assert _ask(client, org, f"person{i}@firm.example").json()["error"]["data"]["asked"] is True
    r = _ask(client, org, "one-more@firm.example")
    assert r.json()["error"]["data"]["asked"] is False
    assert "该单位 24 小时内已收到" in r.json()["error"]["message"]
    assert len(mail.outbox) == services.INVITE_REQUESTS_PER_ORGANISATION


def test_the_sign_up_page_shows_why_beside_the_credit_code(client, regions):
    (org,) = _registered(1)
    data = {"kind": "enterprise", "name": org.name, "credit_code": org.credit_code, "region": "150202",
            "email": "page@firm.example", "password": "a-long-password-1", "password2": "a-long-password-1"}
    client.post("/accounts/signup/", data)
    r = client.post("/accounts/signup/", data)
    html = r.content.decode()
    assert "通知过该单位的管理员，不再重复发送" in html
    assert len(mail.outbox) == 1
