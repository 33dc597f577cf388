"""Supervision on English pages: a measure's status reasons and the reminders in the inbox are in
English there (and Chinese on the Chinese pages); the API and the command line keep both."""

from datetime import timedelta

from django.utils import timezone

from steppe.core.models import Notification
from steppe.supervision import services
from steppe.supervision.status import measure_status


def test_every_status_reason_has_its_english():
    today = timezone.localdate()
    late = measure_status(today=today, due_on=today - timedelta(days=3))
    (reason,) = late.reasons
    assert reason.message == f"举措完成时限 {(today - timedelta(days=3)).isoformat()} 已过，尚未完成"
    assert reason.en == f"The measure was due on {(today - timedelta(days=3)).isoformat()} and is not done"
    assert reason.both == f"{reason.message} {reason.en}"


def test_the_measure_page_gives_the_reason_in_the_pages_language(client, dept, measure):
    measure.due_on = timezone.localdate() - timedelta(days=3)
    measure.save()
    client.force_login(dept)
    zh = client.get(f"/supervision/measures/{measure.code}/").content.decode()
    assert "已过，尚未完成" in zh and "is not done" not in zh
    client.cookies["django_language"] = "en"
    en = client.get(f"/supervision/measures/{measure.code}/").content.decode()
    assert "and is not done" in en and "已过，尚未完成" not in en


def test_reminders_read_in_english_on_the_english_inbox(client, dept, unit_a_user, sup_plan):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate().isoformat())
    counts = services.reminders_send(today=timezone.localdate())
    assert counts["reminder"] >= 1
    n = Notification.objects.filter(recipient=unit_a_user, kind="reminder").get()
    assert n.title.startswith("到期提醒：") and "Due reminder:" in n.title  # stored (and e-mailed) in both
    client.force_login(unit_a_user)
    client.cookies["django_language"] = "en"
    en = client.get("/inbox/").content.decode()
    assert "Due reminder:" in en and "到期提醒：" not in en and "项事项将于" not in en
    assert "Due reminder of " in en and "The 2026-Q4 round is open" in en
    client.cookies["django_language"] = "zh-hans"
    zh = client.get("/inbox/").content.decode()
    assert "到期提醒：" in zh and "Due reminder" not in zh and "round is open" not in zh
