"""One authentication rule for every API endpoint: a Bearer token counts exactly like the session."""

import pytest

from steppe.core.models import ApiToken
from steppe.transfer import services

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "稀土永磁电机降本需求",
    "description": "企业需要降低永磁电机中重稀土的用量。",
    "field": "材料科学与工程",
    "region": "150202",
    "budget": "80",
}


def _token(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.objects.issue(user)[1]}"}


@pytest.mark.parametrize("suffix", ["", "/matches"])
def test_an_owner_reads_their_own_draft_with_a_token_as_with_the_session(client, enterprise_user, suffix):
    demand = services.listing_submit(actor=enterprise_user, kind="demand", data=DRAFT)
    url = f"/api/v1/transfer/demands/{demand.public_id}{suffix}"
    assert client.get(url).status_code == 404  # anonymous: not published
    assert client.get(url, **_token(enterprise_user)).status_code == 200
    client.force_login(enterprise_user)
    assert client.get(url).status_code == 200


def test_a_wrong_token_is_refused_on_public_endpoints_too(client):
    r = client.get("/api/v1/transfer/demands", HTTP_AUTHORIZATION="Bearer stp_not-a-token")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/transfer/demands").status_code == 200


def test_a_revoked_token_is_refused(client, enterprise_user):
    from django.utils import timezone

    token, raw = ApiToken.objects.issue(enterprise_user)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_token_does_not_log_in_pages(client, enterprise_user):
    """Pages keep to the session (and its CSRF protection); a token is for the API only."""
    r = client.get("/transfer/mine/", **_token(enterprise_user))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
