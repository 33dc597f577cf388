"""Production: `check --deploy` clean, CSP on every page, `steppe --help` without a key, token CLI."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from steppe.core.models import ApiToken

STEPPE = str(Path(sys.executable).with_name("steppe"))


def _env(**extra):
    # the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it
    test_only = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPPE_") and k not in test_only}
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = _env(
        STEPPE_DEBUG="0", STEPPE_TESTING="0", STEPPE_SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="steppe.example.org",
        STEPPE_EMAIL_HOST="smtp.example.org", STEPPE_VAR_DIR=str(tmp_path), STEPPE_BEHIND_PROXY="1",
        DJANGO_SETTINGS_MODULE="steppe.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_mail_host_production_is_told_mail_would_not_leave(tmp_path):
    env = _env(
        STEPPE_DEBUG="0", STEPPE_TESTING="0", STEPPE_SECRET_KEY="k" * 60, ALLOWED_HOSTS="steppe.example.org",
        STEPPE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="steppe.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "mail.E001" in result.stderr + result.stdout


def test_steppe_help_works_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [STEPPE, "--help"], env=_env(STEPPE_DEBUG="0", STEPPE_TESTING="0", STEPPE_VAR_DIR=str(tmp_path)),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: steppe GROUP" in result.stdout and "users" in result.stdout


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_no_template_has_inline_event_handlers_or_scripts():
    import re

    import steppe

    offenders = []
    for template in Path(steppe.__file__).parent.rglob("templates/**/*.html"):
        text = template.read_text()
        if re.search(r"\son[a-z]+=\"", text) or re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", text):
            offenders.append(template.name)
    assert offenders == []


@pytest.mark.django_db
def test_users_token_list_and_revoke(client, enterprise_user):
    from io import StringIO

    token, raw = ApiToken.objects.issue(enterprise_user, name="script")
    out = StringIO()
    call_command("users", "token", "list", stdout=out)
    assert [line.split("\t")[:3] for line in out.getvalue().splitlines()] == [[token.prefix, "firm", "script"]]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    out = StringIO()
    call_command("users", "token", "revoke", token.prefix, stdout=out)
    assert "revoked" in out.getvalue()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    out = StringIO()
    call_command("users", "token", "list", "firm", stdout=out)
    assert out.getvalue().split("\t")[-1].strip() != "-"  # the revocation time is shown


@pytest.mark.django_db
def test_an_api_fault_answers_in_the_envelope(client, monkeypatch):
    from steppe.core import api as core_api

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(core_api.Region.objects, "select_related", boom)
    r = client.get("/api/v1/regions")
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "server_error"
