"""The one inbox (core.Notification): one meaning of read on every path, organisation notices,
e-mail as a delivery with per-user preferences and a daily digest."""

import pytest
from django.core import mail

from steppe.core.errors import NotFound
from steppe.core.models import ApiToken, Notification, Organisation
from steppe.core.notifications import (
    digests_send,
    inbox_for,
    notification_read,
    notify,
    preferences_set,
    unread_count,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed_user(lead_unit_user):
    lead_unit_user.email = "lead@example.org"
    lead_unit_user.save()
    return lead_unit_user


def _notice(user, kind="info", **kw):
    (n,) = notify(
        recipients=[user], kind=kind, title=kw.pop("title", "标题"), url=kw.pop("url", "/plan/"), **kw
    )
    return n


def test_listing_the_inbox_marks_nothing_read_and_opening_a_notice_does(client, mailed_user):
    n = _notice(mailed_user)
    client.force_login(mailed_user)
    for page in ("/inbox/", "/supervision/inbox/"):
        assert client.get(page).status_code == 200
    assert unread_count(mailed_user) == 1
    r = client.get(f"/inbox/{n.pk}/")
    assert r.status_code == 302 and r["Location"] == "/plan/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_the_api_and_the_page_mark_read_the_same_way(client, mailed_user):
    a, b = _notice(mailed_user, title="一"), _notice(mailed_user, title="二")
    _, raw = ApiToken.objects.issue(mailed_user, name="test")
    r = client.post(f"/api/v1/notifications/{a.pk}/read", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    client.force_login(mailed_user)
    client.post(f"/inbox/{b.pk}/read/")
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    unread = client.get("/api/v1/notifications?unread=true", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert unread.json() == []


def test_mark_all_read(client, mailed_user):
    _notice(mailed_user), _notice(mailed_user)
    client.force_login(mailed_user)
    client.post("/inbox/read/")
    assert unread_count(mailed_user) == 0


def test_someone_elses_notice_is_404_on_every_path(client, mailed_user, bureau_user):
    n = _notice(mailed_user)
    with pytest.raises(NotFound):
        notification_read(user=bureau_user, pk=n.pk)
    client.force_login(bureau_user)
    assert client.get(f"/inbox/{n.pk}/").status_code == 404
    assert client.post(f"/inbox/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_an_organisations_notice_reaches_its_members_only(mailed_user, bureau_user):
    org = Organisation.objects.get(pk=mailed_user.unit_id)
    n = Notification.objects.create(
        organisation=org, kind="newly_qualifies", title="新符合", subject="policy.enterprise:1"
    )
    assert list(inbox_for(mailed_user)) == [n]
    assert list(inbox_for(bureau_user)) == []


def test_a_link_off_the_site_is_not_followed(client, mailed_user):
    n = _notice(mailed_user, url="https://evil.example/")
    client.force_login(mailed_user)
    assert client.get(f"/inbox/{n.pk}/")["Location"] == "/inbox/"


def test_every_kind_is_emailed_as_it_comes_without_preferences(
    mailed_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = _notice(mailed_user, kind="review", title="审核通过")
    assert [m.subject for m in mail.outbox] == ["[Steppe] 审核通过"]
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_a_kind_left_out_of_the_preferences_stays_in_the_inbox_only(
    mailed_user, django_capture_on_commit_callbacks
):
    preferences_set(user=mailed_user, email_kinds=["urge"], digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        _notice(mailed_user, kind="review")
        _notice(mailed_user, kind="urge", title="催办")
    assert [m.subject for m in mail.outbox] == ["[Steppe] 催办"]
    assert unread_count(mailed_user) == 2


def test_the_digest_sends_one_mail_once(mailed_user, django_capture_on_commit_callbacks):
    preferences_set(user=mailed_user, email_kinds=["reminder", "urge"], digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        _notice(mailed_user, kind="reminder", title="提醒一")
        _notice(mailed_user, kind="urge", title="催办二")
        _notice(mailed_user, kind="info", title="不发")
    assert mail.outbox == []
    assert digests_send() == 1
    (m,) = mail.outbox
    assert "提醒一" in m.body and "催办二" in m.body and "不发" not in m.body
    assert digests_send() == 0 and len(mail.outbox) == 1


def test_unknown_kinds_in_the_preferences_are_refused(mailed_user):
    from steppe.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        preferences_set(user=mailed_user, email_kinds=["nope"], digest=False)
    assert exc.value.data["errors"] == [{"field": "email_kinds", "message": "nope"}]


def test_preferences_are_saved_from_the_inbox_page(client, mailed_user):
    client.force_login(mailed_user)
    client.post("/inbox/preferences/", {"email_kinds": ["urge", "notice"], "digest": "1"})
    pref = mailed_user.notification_preference
    assert (pref.email_kinds, pref.digest) == (["notice", "urge"], True)


def test_the_digest_command_sends_and_a_second_run_sends_nothing(mailed_user):
    from io import StringIO

    from django.core.management import call_command

    preferences_set(user=mailed_user, email_kinds=["info"], digest=True)
    _notice(mailed_user, kind="info", title="汇总")
    out = StringIO()
    call_command("inbox", "digest", stdout=out)
    call_command("inbox", "digest", stdout=out)
    assert out.getvalue().splitlines() == ["digests sent: 1", "digests sent: 0"]
    assert len(mail.outbox) == 1


def test_apps_register_their_notice_kinds_and_core_lists_none_of_theirs(mailed_user):
    from steppe.core.registry import notification_kind_choices, notification_kinds

    assert set(Notification.Kind.values) == {"info", "review"}  # core's own
    # supervision's reminders and policy's qualification notices come from their apps' ready()
    assert {"reminder", "urge", "notice", "newly_qualifies", "about_to_lose"} <= set(notification_kinds.keys())
    assert dict(notification_kind_choices())["urge"] == "催办"
    n = _notice(mailed_user, kind="about_to_lose")
    assert n.get_kind_display() == "即将失去资格"
    with pytest.raises(ValueError, match="unregistered notification kind 'nonsense'"):
        _notice(mailed_user, kind="nonsense")
    assert not Notification.objects.filter(kind="nonsense").exists()
