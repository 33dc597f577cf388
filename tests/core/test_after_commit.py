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
