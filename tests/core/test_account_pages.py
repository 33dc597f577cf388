"""Account pages (issue 11): sign-up with e-mail confirmation, sign-in refusals, the approval queue
of a bureau, what joins on approval, invitations, members, password reset, who is pending."""

import re

import pytest
from django.core import mail

from steppe.core import services
from steppe.core.models import AuditEntry, Invitation, Organisation, User
from steppe.policy.models import Enterprise
from steppe.transfer import services as transfer_services

from .test_signup_api import BAOTOU_FIRM, SIGNUP

PAGE = {**SIGNUP, "password2": SIGNUP["password"]}


def _link(message, path: str) -> str:
    return re.search(rf"http://[^/\s]+({path}\S+)", message.body).group(1)


@pytest.fixture
def sign_up(client, regions, django_capture_on_commit_callbacks):
    def _go(data=PAGE):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/signup/", data)

    return _go


@pytest.mark.django_db
def test_the_signup_page_offers_counties_as_a_picker(client, regions):
    html = client.get("/accounts/signup/").content.decode()
    assert '<select name="region"' in html and 'value="150202"' in html and "石拐区" in html
    assert "统一社会信用代码" in html and "单位类型" in html


@pytest.mark.django_db
def test_every_error_shows_next_to_its_field_at_once_and_nothing_is_written(client, regions):
    bad = {**PAGE, "credit_code": "91150202MA0AAAAA10", "region": "", "email": "x", "password2": "other-password-2"}
    r = client.post("/accounts/signup/", bad)
    html = r.content.decode()
    assert r.status_code == 400  # refused: the page again
    with_errors = re.findall(r'<div class="field has-error" id="field-(\w+)">', html)
    assert set(with_errors) == {"credit_code", "region", "email", "password2"}
    assert "校验码不符" in html and "两次输入的密码不一致" in html
    text = re.sub(r"<[^>]+>", " ", html)
    for raw in ("credit_code", "password2", "This field"):
        assert raw not in text
    assert Organisation.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.django_db
def test_a_new_enterprise_signs_up_confirms_and_waits_for_its_bureau(client, sign_up, bureau_user):
    r = sign_up()
    assert r.status_code == 302 and r["Location"] == "/accounts/signup/done/"
    assert "boss@firm.example" in client.get(r["Location"]).content.decode()
    r = client.post("/accounts/login/", {"username": "boss@firm.example", "password": SIGNUP["password"]})
    assert "包头市科技局审核" in r.content.decode()  # pending: says who decides
    bureau_mail_before = len(mail.outbox)
    html = client.get(_link(mail.outbox[0], "/accounts/confirm/")).content.decode()
    assert "已确认" in html and "包头市科技局审核" in html
    assert User.objects.get(email="boss@firm.example").email_confirmed
    assert len(mail.outbox) == bureau_mail_before  # (the bureau's notice is sent on commit)


@pytest.mark.django_db
def test_a_bureau_approves_on_its_page_and_another_bureau_gets_404(
    client, sign_up, bureau_user, other_bureau_user, enterprise_user, django_capture_on_commit_callbacks
):
    sign_up()
    org = Organisation.objects.get(credit_code=BAOTOU_FIRM)
    client.force_login(other_bureau_user)
    assert org.name not in client.get("/accounts/organisations/").content.decode()
    assert client.get(f"/accounts/organisations/{org.pk}/").status_code == 404
    assert client.post(f"/accounts/organisations/{org.pk}/", {"action": "approve"}).status_code == 404
    client.force_login(enterprise_user)
    assert client.get("/accounts/organisations/").status_code == 404
    assert client.get("/accounts/people/").status_code == 404
    client.force_login(bureau_user)
    assert org.name in client.get("/accounts/organisations/?status=pending").content.decode()
    assert "boss@firm.example" in client.get("/accounts/people/?state=pending").content.decode()
    r = client.post(f"/accounts/organisations/{org.pk}/", {"action": "refuse", "reason": ""})
    assert '<p class="field-error"' in r.content.decode() and "请填写不通过的理由" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/organisations/{org.pk}/", {"action": "approve"})
    org.refresh_from_db()
    assert org.status == "active" and org.decided_by == bureau_user
    assert AuditEntry.objects.filter(action="core.organisation.approve", object_id=str(org.pk)).exists()


@pytest.mark.django_db
def test_on_approval_the_register_row_and_a_placeholders_listings_join(
    client, sign_up, bureau_user, department_user, institution_user
):
    # an import made a placeholder under the firm's name (no credit code) holding a demand and the register row
    placeholder = services.organisation_get_or_create(name=SIGNUP["name"], kind="enterprise")
    demand = transfer_services.listing_submit(actor=department_user, kind="demand", data={
        "title": "稀土抛光粉回收", "description": "需要稀土抛光粉回收工艺", "region": "150202", "unit": SIGNUP["name"]})
    assert demand.unit_id == placeholder.pk
    ent = Enterprise.objects.create(name=SIGNUP["name"], credit_code=BAOTOU_FIRM, region_id=placeholder.region_id or
                                    bureau_user.region.children.first().pk, registered_on="2020-01-01", unit=placeholder)
    sign_up()
    org = Organisation.objects.get(credit_code=BAOTOU_FIRM)
    client.force_login(bureau_user)
    preview = client.get(f"/accounts/organisations/{org.pk}/").content.decode()
    assert "企业档案" in preview and "同名单位" in preview
    joined = services.organisation_approve(actor=bureau_user, organisation=org)
    assert joined
    demand.refresh_from_db()
    ent.refresh_from_db()
    assert demand.unit_id == org.pk and ent.unit_id == org.pk
    assert not Organisation.objects.filter(pk=placeholder.pk).exists()
    boss = User.objects.get(email="boss@firm.example")
    from steppe.transfer import permissions as perms

    assert perms.can_edit_listing(boss, demand)


@pytest.mark.django_db
def test_an_administrator_invites_deactivates_and_hands_over(client, enterprise_user, django_capture_on_commit_callbacks):
    User.objects.filter(pk=enterprise_user.pk).update(org_role="admin")
    enterprise_user.refresh_from_db()
    client.force_login(enterprise_user)
    r = client.post("/accounts/my/", {"email": "bad"})
    assert '<p class="field-error"' in r.content.decode() and Invitation.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/my/", {"email": "colleague@firm.example"})
    link = _link(mail.outbox[-1], "/accounts/invitation/")
    client.logout()
    r = client.post(link, {"full_name": "王同事", "password": "pw-colleague-1", "password2": "pw-colleague-2"})
    assert "两次输入的密码不一致" in r.content.decode() and not User.objects.filter(email="colleague@firm.example").exists()
    r = client.post(link, {"full_name": "王同事", "password": "pw-colleague-1", "password2": "pw-colleague-1"})
    assert r.status_code == 302
    colleague = User.objects.get(email="colleague@firm.example")
    assert (colleague.unit_id, colleague.role, colleague.org_role) == (enterprise_user.unit_id, "enterprise", "member")
    assert client.get(link).status_code == 404  # used once
    assert client.post("/accounts/login/", {"username": "colleague@firm.example", "password": "pw-colleague-1"}).status_code == 302

    client.force_login(enterprise_user)
    client.post(f"/accounts/members/{colleague.pk}/active/", {"active": "0"})
    colleague.refresh_from_db()
    assert not colleague.is_active
    client.logout()
    r = client.post("/accounts/login/", {"username": "colleague@firm.example", "password": "pw-colleague-1"})
    assert r.status_code == 400  # refused
    client.force_login(enterprise_user)
    client.post(f"/accounts/members/{colleague.pk}/active/", {"active": "1"})
    client.post(f"/accounts/members/{colleague.pk}/hand-over/")
    colleague.refresh_from_db()
    enterprise_user.refresh_from_db()
    assert (colleague.org_role, enterprise_user.org_role) == ("admin", "member")


@pytest.mark.django_db
def test_a_member_cannot_manage_colleagues_nor_anyone_elses(client, enterprise_user, institution_user):
    colleague = User.objects.create_user("c2", "c2@firm.example", "pw-12345678", role="enterprise", unit=enterprise_user.unit)
    client.force_login(colleague)
    assert client.post(f"/accounts/members/{enterprise_user.pk}/active/", {"active": "0"}).status_code == 404
    assert client.post(f"/accounts/members/{institution_user.pk}/active/", {"active": "0"}).status_code == 404
    assert client.post("/accounts/my/", {"email": "x@firm.example"}).status_code == 404
    assert User.objects.get(pk=enterprise_user.pk).is_active


@pytest.mark.django_db
def test_the_department_invites_an_expert(client, department_user, django_capture_on_commit_callbacks):
    client.force_login(department_user)
    r = client.post("/accounts/invite/", {"email": "lead@gov.example", "role": "lead_unit"})
    assert "牵头单位的人员须填写所在单位" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/invite/", {"email": "expert@uni.example", "role": "expert", "organisation": "内蒙古工业大学"})
    inv = Invitation.objects.get()
    assert (inv.role, inv.organisation.name) == ("expert", "内蒙古工业大学")
    assert "expert@uni.example" in mail.outbox[-1].to


@pytest.mark.django_db
def test_password_reset_by_email(client, enterprise_user):
    User.objects.filter(pk=enterprise_user.pk).update(email="firm@firm.example")
    r = client.post("/accounts/password/reset/", {"email": "firm@firm.example"})
    assert r.status_code == 302
    link = _link(mail.outbox[-1], "/accounts/password/reset/")
    r = client.get(link, follow=True)
    r = client.post(r.redirect_chain[-1][0], {"new_password1": "new-pass-word-9", "new_password2": "new-pass-word-9"})
    assert r.status_code == 302
    assert client.login(username="firm", password="new-pass-word-9")


@pytest.mark.django_db
def test_the_organisations_and_people_pages_cost_the_same_queries_for_more_rows(client, regions, bureau_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_signup_api import code

    def add(i):
        services.organisation_signup(data={**SIGNUP, "name": f"企业{i}", "email": f"e{i}@firm.example",
                                           "credit_code": code(f"91150202MA0DDDD{i:02d}")})

    client.force_login(bureau_user)
    counts = []
    for n in (1, 6):
        for i in range(len(counts) * 10, len(counts) * 10 + n):
            add(i)
        per_page = []
        for url in ("/accounts/organisations/?status=pending", "/accounts/people/?state=pending"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            per_page.append(len(ctx))
        counts.append(per_page)
    assert counts[0] == counts[1]
