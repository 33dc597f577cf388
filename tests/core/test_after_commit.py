"""After-commit work (re-indexing, mail) never turns a committed write into an error: retried, then reported."""

import pytest

from steppe.core.aftercommit import FAILED_ACTION
from steppe.core.models import ApiToken, AuditEntry
from steppe.transfer import search
from steppe.transfer import services as transfer
from steppe.transfer.models import Demand, ListingStatus

pytestmark = pytest.mark.django_db

DEMAND = {"title": "稀土永磁电机降本需求", "description": "降低重稀土用量。", "region": "150202", "budget": "80"}


def test_a_failing_reindex_leaves_the_publish_a_success_and_is_reported(
    client, enterprise_user, department_user, monkeypatch, django_capture_on_commit_callbacks
):
    demand = transfer.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    transfer.listing_review(actor=department_user, listing=demand, decision="accept")
    calls = []

    def broken_catch_up(force=False):
        calls.append(force)
        raise RuntimeError("index store unavailable")

    monkeypatch.setattr(search, "catch_up", broken_catch_up)
    token = ApiToken.objects.issue(department_user)[1]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/transfer/demands/{demand.public_id}/publish", {}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert Demand.objects.get(pk=demand.pk).status == ListingStatus.PUBLISHED
    assert len(calls) == 3  # retried before giving up
    failure = AuditEntry.objects.get(action=FAILED_ACTION)
    assert "transfer.reindex" in failure.object_repr and "index store unavailable" in failure.note


def test_a_reindex_that_fails_once_is_retried_and_not_reported(
    enterprise_user, department_user, monkeypatch, django_capture_on_commit_callbacks
):
    demand = transfer.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    transfer.listing_review(actor=department_user, listing=demand, decision="accept")
    calls = []

    def flaky(force=False):
        calls.append(force)
        if len(calls) == 1:
            raise RuntimeError("transient")

    monkeypatch.setattr(search, "catch_up", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        transfer.listing_publish(actor=department_user, listing=demand)
    assert len(calls) == 2
    assert not AuditEntry.objects.filter(action=FAILED_ACTION).exists()


@pytest.mark.django_db(transaction=True)
def test_mail_is_a_queued_job_retried_by_the_queue_then_reported(monkeypatch):
    """E-mail after a write is a background job (core.email): a failing send is retried by the
    queue (3 attempts), then the job is failed and the failure recorded in the audit trail."""
    from django.core import mail

    from steppe.core import services as core_services
    from steppe.core.jobs.models import Job

    attempts = []

    def broken(*args, **kwargs):
        attempts.append(args)
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.send_mail", broken)
    core_services._send(["a@example.org"], "主题", "正文")
    job = Job.objects.get(kind="core.email")
    assert len(attempts) == 3 and job.attempts == 3
    assert job.status == "failed" and "SMTP server unreachable" in job.error
    assert job.params == {"to": ["a@example.org"], "subject": "[Steppe] 主题", "body": "正文"}
    failure = AuditEntry.objects.get(action=FAILED_ACTION)
    assert failure.object_id == str(job.pk) and "SMTP server unreachable" in failure.note
    monkeypatch.undo()
    mail.outbox.clear()
    core_services._send(["b@example.org"], "第二封", "正文")
    assert Job.objects.filter(kind="core.email", status="succeeded").count() == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


@pytest.mark.django_db
def test_a_rolled_back_write_queues_no_mail():
    from django.db import transaction

    from steppe.core import services as core_services
    from steppe.core.jobs.models import Job

    with pytest.raises(RuntimeError), transaction.atomic():
        core_services._send(["a@example.org"], "主题", "正文")
        raise RuntimeError("the write fails")
    assert not Job.objects.filter(kind="core.email").exists()
