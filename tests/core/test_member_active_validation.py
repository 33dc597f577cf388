"""Stopping or restoring a member's account (accounts:member_active) checks its one field with
core.forms.MemberActiveForm: a value other than 0 or 1 is refused by the field's label, in the
page's language, and the account is left as it was (it used to read anything but "1" as "stop")."""

import pytest
from django.contrib.messages import get_messages

from steppe.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(enterprise_user):
    User.objects.filter(pk=enterprise_user.pk).update(org_role="admin")
    enterprise_user.refresh_from_db()
    return User.objects.create_user(
        "c3", "c3@firm.example", "pw-12345678", role="enterprise", unit=enterprise_user.unit
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("value", ["yes", "", "2"])
def test_a_bad_value_is_refused_by_its_label_and_changes_nothing(client, enterprise_user, colleague, value):
    client.force_login(enterprise_user)
    r = client.post(f"/accounts/members/{colleague.pk}/active/", {"active": value})
    assert r.status_code == 302
    expected = "账号状态：必填" if value == "" else "账号状态：应为 1（恢复）或 0（停用）"
    assert _messages(r) == [expected]
    assert User.objects.get(pk=colleague.pk).is_active


def test_the_message_reads_in_english_on_english_pages(client, enterprise_user, colleague):
    client.force_login(enterprise_user)
    client.cookies["django_language"] = "en"
    r = client.post(f"/accounts/members/{colleague.pk}/active/", {"active": "yes"})
    assert _messages(r) == ["Account status: must be 1 (reactivate) or 0 (deactivate)"]
    assert User.objects.get(pk=colleague.pk).is_active


def test_zero_and_one_still_stop_and_restore(client, enterprise_user, colleague):
    client.force_login(enterprise_user)
    client.post(f"/accounts/members/{colleague.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=colleague.pk).is_active
    client.post(f"/accounts/members/{colleague.pk}/active/", {"active": "1"})
    assert User.objects.get(pk=colleague.pk).is_active
