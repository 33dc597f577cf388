"""Bad input to the transfer pages and services: refused by field, nothing changed, never a 500,
never a redirect off site."""

import pytest

from steppe.core.errors import DomainError, ValidationFailed
from steppe.transfer import services
from steppe.transfer.models import Achievement, Demand

from .conftest import ACHIEVEMENT

pytestmark = pytest.mark.django_db



def test_interest_in_ones_own_record_says_so(achievement, institution_user):
    with pytest.raises(DomainError) as exc:
        services.interest_express(actor=institution_user, listing=achievement)
    assert exc.value.message == services.MSG_OWN_RECORD


def test_another_enterprise_cannot_edit_a_record_and_nothing_changes(client, enterprise_user, make_published, bearer):
    from steppe.core.services import user_create

    other, _, _ = user_create(
        username="other-firm", role="enterprise", unit="鄂尔多斯某公司", region="150600"
    )
    submitted = services.listing_submit(
        actor=enterprise_user,
        kind="demand",
        data={"title": "原标题", "description": "描述", "region": "150202"},
    )
    published = make_published("demand", enterprise_user, title="已发布的需求")
    for obj, status in ((submitted, 404), (published, 403)):
        r = client.patch(
            f"/api/v1/transfer/demands/{obj.public_id}",
            {"title": "被改了"},
            content_type="application/json",
            **bearer(other),
        )
        assert r.status_code == status, r.content
        r = client.post(
            f"/api/v1/transfer/demands/{obj.public_id}/withdraw",
            {},
            content_type="application/json",
            **bearer(other),
        )
        assert r.status_code == status
    assert set(Demand.objects.values_list("title", flat=True)) == {"原标题", "已发布的需求"}
    assert set(Demand.objects.values_list("status", flat=True)) == {"submitted", "published"}


def test_a_form_never_sends_the_user_off_site(client, department_user, institution_user):
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    client.force_login(department_user)
    r = client.post(f"/transfer/achievements/{a.public_id}/accept/", {"next": "https://evil.example/x"})
    assert r.status_code == 302 and r["Location"] == f"/transfer/achievements/{a.public_id}/"
    r = client.post(f"/transfer/achievements/{a.public_id}/publish/", {"next": "/transfer/review/"})
    assert r["Location"] == "/transfer/review/"


def test_control_characters_are_refused_by_field(client, institution_user, bearer):
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=institution_user,
            kind="achievement",
            filename="a.csv",
            content="标题,描述,地区\n\x00x,描述,包头\n".encode(),
        )
    assert exc.value.data["errors"] == [
        {"row": 2, "field": "title", "message": services.MSG_CONTROL_CHARACTER}
    ]
    r = client.post(
        "/api/v1/transfer/achievements",
        {**ACHIEVEMENT, "description": "含\u0000空字符"},
        content_type="application/json",
        **bearer(institution_user),
    )
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "description"
    assert Achievement.objects.count() == 0


def test_messages_and_notes_refuse_control_characters(achievement, enterprise_user):
    with pytest.raises(ValidationFailed):
        services.interest_express(actor=enterprise_user, listing=achievement, note="a\x00b")
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="感兴趣")
    with pytest.raises(ValidationFailed) as exc:
        services.message_post(actor=enterprise_user, interest=interest, body="\x00")
    assert exc.value.data["errors"][0]["field"] == "body"
    assert interest.messages.count() == 1


def test_a_malformed_id_in_a_form_is_a_message_or_a_404_never_a_500(
    client, achievement, enterprise_user, department_user
):
    client.force_login(enterprise_user)
    r = client.post(
        f"/transfer/achievements/{achievement.public_id}/interest/", {"note": "x", "broker": "not-a-uuid"}
    )
    assert r.status_code == 302 and not achievement.interests.exists()
    client.force_login(department_user)
    assert client.post("/transfer/contracts/", {"void": "abc", "reason": "x"}).status_code == 404


def test_an_unknown_broker_certificate_is_refused_by_name(client, achievement, enterprise_user, bearer):
    for cert in ("NO-SUCH", "A\x00B"):
        r = client.post(
            f"/api/v1/transfer/achievements/{achievement.public_id}/interests",
            {"broker_certificate": cert},
            content_type="application/json",
            **bearer(enterprise_user),
        )
        assert (
            r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "broker_certificate"
        )
    assert not achievement.interests.exists()
