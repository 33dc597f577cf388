"""OpenID Connect sign-in where a provider is configured (a provincial single sign-on such as 蒙速办),
through mozilla-django-oidc. Local accounts stay the default: without STEPPE_OIDC_ISSUER and
STEPPE_OIDC_CLIENT_ID nothing here runs and the sign-in page shows no provider button.

The provider's endpoints come from its discovery document ({issuer}/.well-known/openid-configuration),
read once per process when the first sign-in through it starts; an endpoint set explicitly in the
settings (OIDC_OP_TOKEN_ENDPOINT, ...) wins. A provider's account signs in to the local account
with the same e-mail address, under the same rules as a password (a pending organisation, an
unconfirmed address or a deactivated account is refused, with the reason); an address the
platform does not know becomes a public account, which an organisation's administrator can invite.
"""

from __future__ import annotations

from functools import lru_cache

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import User
from .roles import Role

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", "") and getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def provider_name() -> str:
    return getattr(settings, "OIDC_PROVIDER_NAME", "") or "OpenID Connect"


@lru_cache(maxsize=4)
def discovery(issuer: str) -> dict:
    """The provider's discovery document (one request per process and issuer)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=getattr(settings, "OIDC_TIMEOUT", 10))
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        discovery.cache_clear()
        raise ImproperlyConfigured(f"OpenID Connect discovery failed at {url}: {exc}") from exc
    missing = [key for key in ENDPOINTS.values() if not document.get(key)]
    if missing:
        raise ImproperlyConfigured(f"OpenID Connect discovery at {url} lacks {', '.join(missing)}")
    return document


def oidc_setting(attr, *args):
    """mozilla-django-oidc's settings, with the provider's endpoints from discovery."""
    if attr in ENDPOINTS and not getattr(settings, attr, None):
        return discovery(settings.OIDC_ISSUER)[ENDPOINTS[attr]]
    return import_from_settings(attr, *args)


class ProviderBackend(OIDCAuthenticationBackend):
    """Signs in the local account with the provider's verified e-mail address."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):  # configured on first use: password sign-ins never reach the provider
        self.UserModel = User

    def authenticate(self, request, **kwargs):
        if request is None or not enabled() or not (request.GET.get("code") and request.GET.get("state")):
            return None
        super().__init__()
        user = super().authenticate(request, **kwargs)
        if user is None:
            return None
        from .signin import sign_in_refusal

        if not user.is_active:
            messages.error(request, gettext("该账号已停用，请联系单位管理员。"))
            return None
        refusal = sign_in_refusal(user)
        if refusal:
            messages.error(request, refusal.message)
            return None
        return user

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        return list(User.objects.filter(email__iexact=email)[:2]) or list(User.objects.filter(username=email.lower()))

    def create_user(self, claims):
        email = claims["email"].strip().lower()
        if User.objects.filter(username=email).exists():
            raise SuspiciousOperation("user name taken")
        user = User(username=email, email=email, first_name=(claims.get("name") or "")[:150], role=Role.PUBLIC,
                    email_confirmed=True)
        user.set_unusable_password()
        user.save()
        return user


class ProviderStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)


class ProviderCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)
