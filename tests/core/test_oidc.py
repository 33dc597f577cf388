"""OpenID Connect sign-in against a fake provider on loopback: discovery, token (an RS256 id_token),
JWKS and userinfo are real HTTP; only the browser's visit to the authorisation page is skipped
(the test takes state and nonce from the redirect, as the provider would)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import override_settings

from steppe.core import oidc
from steppe.core.models import Organisation, User


class FakeProvider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = self.key  # a test may sign with another key
        self.codes: dict[str, dict] = {}  # code -> claims (nonce included)
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                provider.requests.append("GET " + self.path)
                base = provider.url
                if self.path == "/.well-known/openid-configuration":
                    return self._json({
                        "issuer": base, "authorization_endpoint": base + "/authorize",
                        "token_endpoint": base + "/token", "userinfo_endpoint": base + "/userinfo",
                        "jwks_uri": base + "/jwks",
                    })
                if self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.codes.get(token.removeprefix("at-"))
                    return self._json({k: v for k, v in claims.items() if k != "nonce"}) if claims else self._json({}, 401)
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                provider.requests.append("POST " + self.path)
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                code = form.get("code", [""])[0]
                claims = provider.codes.get(code)
                if self.path != "/token" or claims is None or form.get("client_secret") != ["s3cret"]:
                    return self._json({"error": "invalid_grant"}, 400)
                now = int(time.time())
                id_token = jwt.encode(
                    {"iss": provider.url, "aud": "steppe", "iat": now, "exp": now + 300, **claims},
                    provider.signing_key, algorithm="RS256", headers={"kid": "k1"},
                )
                return self._json({"access_token": "at-" + code, "id_token": id_token, "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    fake = FakeProvider()
    oidc.discovery.cache_clear()
    backends = [*settings.AUTHENTICATION_BACKENDS, "steppe.core.oidc.ProviderBackend"]
    with override_settings(OIDC_ISSUER=fake.url, OIDC_RP_CLIENT_ID="steppe", OIDC_RP_CLIENT_SECRET="s3cret",
                           OIDC_PROVIDER_NAME="蒙速办", AUTHENTICATION_BACKENDS=backends):
        yield fake
    oidc.discovery.cache_clear()
    fake.close()


def _sign_in(client, provider, claims, *, code="c0de"):
    start = client.get("/accounts/oidc/authenticate/?next=/accounts/")
    assert start.status_code == 302
    target = urlparse(start["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.url + "/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == ["steppe"] and "openid" in query["scope"][0]
    provider.codes[code] = {**claims, "nonce": query["nonce"][0]}
    return client.get(f"/accounts/oidc/callback/?code={code}&state={query['state'][0]}")


@pytest.mark.django_db
def test_the_login_page_offers_the_provider_only_when_configured(client, provider):
    assert "使用蒙速办登录" in client.get("/accounts/login/").content.decode()
    with override_settings(OIDC_ISSUER="", OIDC_RP_CLIENT_ID=""):
        assert "蒙速办" not in client.get("/accounts/login/").content.decode()
        assert client.get("/accounts/oidc/authenticate/").status_code == 404


@pytest.mark.django_db
def test_a_known_address_signs_in_to_its_account(client, provider, enterprise_user):
    User.objects.filter(pk=enterprise_user.pk).update(email="firm@firm.example")
    r = _sign_in(client, provider, {"sub": "u-1", "email": "FIRM@firm.example", "email_verified": True})
    assert r.status_code == 302 and r["Location"] == "/accounts/"
    assert int(client.session["_auth_user_id"]) == enterprise_user.pk
    assert ["GET /.well-known/openid-configuration", "POST /token", "GET /jwks", "GET /userinfo"] == [
        x for x in provider.requests if not x.startswith("GET /authorize")]


@pytest.mark.django_db
def test_an_unknown_address_becomes_a_public_account(client, provider):
    _sign_in(client, provider, {"sub": "u-2", "email": "new@gov.example", "name": "张三"})
    user = User.objects.get(email="new@gov.example")
    assert (user.role, user.unit_id, user.has_usable_password(), user.first_name) == ("public", None, False, "张三")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_a_pending_organisation_is_refused_with_its_reason(client, provider, enterprise_user):
    User.objects.filter(pk=enterprise_user.pk).update(email="firm@firm.example")
    Organisation.objects.filter(pk=enterprise_user.unit_id).update(status="pending")
    r = _sign_in(client, provider, {"sub": "u-1", "email": "firm@firm.example"})
    assert "_auth_user_id" not in client.session
    page = client.get(r["Location"]).content.decode()
    assert "正在等待" in page


@pytest.mark.django_db
def test_a_token_signed_by_another_key_signs_nobody_in(client, provider, enterprise_user):
    User.objects.filter(pk=enterprise_user.pk).update(email="firm@firm.example")
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    r = _sign_in(client, provider, {"sub": "u-1", "email": "firm@firm.example"})
    assert r.status_code == 400  # SuspiciousOperation: JWS token verification failed
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_forged_state_signs_nobody_in(client, provider, enterprise_user):
    User.objects.filter(pk=enterprise_user.pk).update(email="firm@firm.example")
    client.get("/accounts/oidc/authenticate/")
    provider.codes["c0de"] = {"sub": "u-1", "email": "firm@firm.example", "nonce": "x"}
    r = client.get("/accounts/oidc/callback/?code=c0de&state=forged")
    assert r.status_code == 400, r.content  # SuspiciousOperation: the state is not the session's
    assert "_auth_user_id" not in client.session
