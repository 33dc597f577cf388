"""Login throttling (django-axes through steppe.core.throttle): per account and per address."""

import pytest
from django.test import RequestFactory

from steppe.core.throttle import BadCredentials, LoginThrottled, authenticate_or_refuse

LIMIT = 5


def _post_login(client, username, password, addr="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


@pytest.mark.django_db
def test_the_right_password_is_refused_after_too_many_wrong_ones(client, enterprise_user, settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    for _ in range(LIMIT - 1):
        assert _post_login(client, "firm", "wrong-password").status_code == 400  # refused, the page again
    assert _post_login(client, "firm", "wrong-password").status_code == 429  # the limit-th failure locks
    response = _post_login(client, "firm", "pass-word-123")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "15 分钟" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_account_is_locked_from_another_address_too(client, enterprise_user):
    for i in range(LIMIT):
        _post_login(client, "firm", "wrong-password", addr=f"10.0.1.{i}")
    assert _post_login(client, "firm", "pass-word-123", addr="10.0.9.9").status_code == 429


@pytest.mark.django_db
def test_an_address_trying_many_accounts_is_locked(client, enterprise_user):
    for i in range(LIMIT):
        _post_login(client, f"guess{i}", "wrong-password", addr="10.0.2.2")
    # right credentials for an account that never failed, but from the guessing address
    assert _post_login(client, "firm", "pass-word-123", addr="10.0.2.2").status_code == 429
    # the same account from elsewhere still logs in
    response = _post_login(client, "firm", "pass-word-123", addr="10.0.3.3")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_few_failures_then_success_still_logs_in(client, enterprise_user):
    for _ in range(LIMIT - 1):
        _post_login(client, "firm", "wrong-password")
    assert _post_login(client, "firm", "pass-word-123").status_code == 302


@pytest.mark.django_db
def test_the_helper_for_token_endpoints_shares_the_counters(enterprise_user):
    factory = RequestFactory()

    def attempt(password):
        request = factory.post("/api/v1/auth/token", REMOTE_ADDR="10.0.4.4")
        return authenticate_or_refuse(request, username="firm", password=password)

    assert attempt("pass-word-123") == enterprise_user
    for _ in range(LIMIT - 1):
        with pytest.raises(BadCredentials):
            attempt("wrong-password")
    with pytest.raises(LoginThrottled):
        attempt("wrong-password")
    with pytest.raises(LoginThrottled) as refused:
        attempt("pass-word-123")
    assert refused.value.status == 429 and refused.value.code == "throttled"
    assert "登录失败次数过多" in refused.value.message


@pytest.mark.django_db
def test_the_api_gets_the_json_envelope_when_locked(enterprise_user):
    from steppe.core.throttle import lockout_response

    request = RequestFactory().post("/api/v1/auth/token")
    response = lockout_response(request)
    assert response.status_code == 429
    import json

    body = json.loads(response.content)
    assert body["error"]["code"] == "throttled"
    assert "登录失败次数过多" in body["error"]["message"]
