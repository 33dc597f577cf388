"""The sign-up API kept for scripts (issue 11): POST /api/v1/signup, POST /api/v1/auth/token,
GET /api/v1/organisations?status=pending, POST /api/v1/organisations/{id}/approve|refuse, GET /api/v1/me."""

import re

import pytest
from django.core import mail

from steppe.core.credit_code import credit_code_check_char
from steppe.core.models import ApiToken, AuditEntry, Organisation, User


def code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


BAOTOU_FIRM = code("91150202MA0AAAAA1")  # a county of Baotou (150202)
ORDOS_FIRM = code("91150602MA0BBBBB2")
SIGNUP = {
    "kind": "enterprise",
    "name": "包头新材料科技有限公司",
    "credit_code": BAOTOU_FIRM,
    "region": "150202",
    "email": "boss@firm.example",
    "password": "a-long-password-1",
}


def post(client, path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, body, content_type="application/json", headers=headers)


def bearer(user):
    return ApiToken.objects.issue(user, name="test")[1]


def confirm_link(message) -> str:
    return re.search(r"http\S+/accounts/confirm/\S+/", message.body).group(0).split("testserver")[-1]


@pytest.fixture
def signed_up(client, regions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, "/api/v1/signup", SIGNUP)
    assert r.status_code == 201, r.content
    return r.json()


@pytest.mark.django_db
def test_signup_makes_a_pending_organisation_and_its_administrator(signed_up):
    org = Organisation.objects.get(pk=signed_up["id"])
    assert signed_up == {"id": org.pk, "status": "pending"}
    assert (org.kind, org.status, org.credit_code, org.region.code) == ("enterprise", "pending", BAOTOU_FIRM, "150202")
    user = org.users.get()
    assert (user.email, user.role, user.org_role, user.email_confirmed) == (
        "boss@firm.example", "enterprise", "admin", False)
    (message,) = mail.outbox
    assert message.to == ["boss@firm.example"] and "/accounts/confirm/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_code": BAOTOU_FIRM[:-1] + ("0" if BAOTOU_FIRM[-1] != "0" else "1")}, "credit_code"),
        ({"credit_code": "91150202"}, "credit_code"),
        ({"kind": "government"}, "kind"),
        ({"region": "150200"}, "region"),  # a league, not a county
        ({"region": "110101"}, "region"),  # outside Inner Mongolia
        ({"email": "not-an-address"}, "email"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, regions, change, field):
    before = (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count())
    r = post(client, "/api/v1/signup", {**SIGNUP, **change})
    assert r.status_code == 400
    error = r.json()["error"]
    assert [e["field"] for e in error["data"]["errors"]] == [field]
    assert field in error["message"]
    assert (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count()) == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_every_problem_is_reported_at_once(client, regions):
    r = post(client, "/api/v1/signup", {"kind": "enterprise"})
    fields = {e["field"] for e in r.json()["error"]["data"]["errors"]}
    assert r.status_code == 400
    assert fields == {"name", "credit_code", "region", "email", "password"}


@pytest.mark.django_db
def test_a_registered_credit_code_creates_nothing_and_asks_its_administrator_to_invite(client, signed_up):
    Organisation.objects.filter(pk=signed_up["id"]).update(status="active")
    User.objects.filter(email="boss@firm.example").update(email_confirmed=True)
    mail.outbox.clear()
    before = (Organisation.objects.count(), User.objects.count())
    r = post(client, "/api/v1/signup", {**SIGNUP, "email": "newcomer@firm.example", "name": "包头新材料"})
    assert r.status_code == 409
    assert r.json()["error"]["data"]["field"] == "credit_code"
    assert (Organisation.objects.count(), User.objects.count()) == before
    (message,) = mail.outbox
    assert message.to == ["boss@firm.example"] and "newcomer@firm.example" in message.body


@pytest.mark.django_db
def test_a_taken_email_is_refused_naming_email(client, signed_up):
    r = post(client, "/api/v1/signup", {**SIGNUP, "credit_code": ORDOS_FIRM, "region": "150602", "name": "另一家"})
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["email"]


@pytest.mark.django_db
def test_no_token_while_pending_then_one_after_approval(client, signed_up, bureau_user, django_capture_on_commit_callbacks):
    creds = {"email": "boss@firm.example", "password": SIGNUP["password"]}
    r = post(client, "/api/v1/auth/token", creds)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "organisation_pending"
    assert "审核" in r.json()["error"]["message"]

    client.get(confirm_link(mail.outbox[0]))
    assert post(client, "/api/v1/auth/token", creds).status_code == 403  # still pending

    queue = client.get("/api/v1/organisations?status=pending", headers={"Authorization": f"Bearer {bearer(bureau_user)}"})
    assert [o["id"] for o in queue.json()] == [signed_up["id"]]
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, f"/api/v1/organisations/{signed_up['id']}/approve", {}, bearer(bureau_user))
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert any("已通过审核" in m.subject for m in mail.outbox)

    token = post(client, "/api/v1/auth/token", creds).json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["email"] == "boss@firm.example" and me["org_role"] == "admin"
    assert {k: me["organisation"][k] for k in ("kind", "status", "credit_code", "region")} == {
        "kind": "enterprise", "status": "active", "credit_code": BAOTOU_FIRM, "region": "150202"}


@pytest.mark.django_db
def test_wrong_password_is_401(client, signed_up):
    r = post(client, "/api/v1/auth/token", {"email": "boss@firm.example", "password": "wrong-password"})
    assert r.status_code == 401


@pytest.mark.django_db
def test_a_bureau_sees_and_decides_only_its_leagues_queue(client, signed_up, other_bureau_user, department_user):
    other = bearer(other_bureau_user)
    assert client.get("/api/v1/organisations?status=pending", headers={"Authorization": f"Bearer {other}"}).json() == []
    r = post(client, f"/api/v1/organisations/{signed_up['id']}/approve", {}, other)
    assert r.status_code == 404
    r = post(client, f"/api/v1/organisations/{signed_up['id']}/refuse", {"reason": "x"}, other)
    assert r.status_code == 404
    assert Organisation.objects.get(pk=signed_up["id"]).status == "pending"
    dept = client.get("/api/v1/organisations?status=pending", headers={"Authorization": f"Bearer {bearer(department_user)}"})
    assert [o["id"] for o in dept.json()] == [signed_up["id"]]


@pytest.mark.django_db
def test_an_enterprise_cannot_approve_anything(client, signed_up, enterprise_user):
    r = post(client, f"/api/v1/organisations/{signed_up['id']}/approve", {}, bearer(enterprise_user))
    assert r.status_code == 404


@pytest.mark.django_db
def test_a_refusal_needs_a_reason_and_then_says_it_at_sign_in(client, signed_up, bureau_user):
    token = bearer(bureau_user)
    r = post(client, f"/api/v1/organisations/{signed_up['id']}/refuse", {"reason": "  "}, token)
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["reason"]
    assert Organisation.objects.get(pk=signed_up["id"]).status == "pending"
    r = post(client, f"/api/v1/organisations/{signed_up['id']}/refuse", {"reason": "信用代码与营业执照不符"}, token)
    assert r.status_code == 200 and r.json()["refusal_reason"] == "信用代码与营业执照不符"
    r = post(client, "/api/v1/auth/token", {"email": "boss@firm.example", "password": SIGNUP["password"]})
    assert r.status_code == 403 and "信用代码与营业执照不符" in r.json()["error"]["message"]
    r = post(client, f"/api/v1/organisations/{signed_up['id']}/approve", {}, token)
    assert r.status_code == 409  # decided once


@pytest.mark.django_db
def test_unknown_status_filter_is_refused_naming_status(client, department_user):
    r = client.get("/api/v1/organisations?status=nope", headers={"Authorization": f"Bearer {bearer(department_user)}"})
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "status"


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_for_many_sign_ups(client, regions, department_user, django_assert_num_queries):
    from steppe.core.services import organisation_signup

    for i in range(6):
        organisation_signup(data={**SIGNUP, "name": f"企业{i}", "email": f"e{i}@firm.example",
                                  "credit_code": code(f"91150202MA0CCCC{i:02d}")})
    token = bearer(department_user)
    # token lookup, the organisations with their member counts
    with django_assert_num_queries(2):
        r = client.get("/api/v1/organisations?status=pending", headers={"Authorization": f"Bearer {token}"})
    assert len(r.json()) == 6 and {o["members"] for o in r.json()} == {1}
