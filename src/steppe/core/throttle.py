"""Login throttling: one rule for the login page and every endpoint that checks a password.

django-axes counts failed attempts per account and, separately, per client address
(`AXES_LOCKOUT_PARAMETERS` in settings). Past `AXES_FAILURE_LIMIT` failures either one is
refused for `AXES_COOLOFF_TIME`, even with the right password. Pages get the login form with a
Chinese message; the API gets the JSON error envelope with code `throttled` and status 429.

Endpoints that take a username and password (e.g. an API token endpoint) call
`authenticate_or_refuse`, never `django.contrib.auth.authenticate` directly, so they are
throttled by the same counters as the login page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError

THROTTLED_CODE = "throttled"
BAD_CREDENTIALS_CODE = "bad_credentials"


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _("登录失败次数过多，该账户或当前地址已暂时锁定，请 %(minutes)d 分钟后再试。") % {
        "minutes": cool_off_minutes()
    }


class LoginThrottled(DomainError):
    def __init__(self):
        super().__init__(THROTTLED_CODE, lockout_message(), status=429,
                         data={"retry_after_minutes": cool_off_minutes()})


class BadCredentials(DomainError):
    def __init__(self):
        super().__init__(BAD_CREDENTIALS_CODE, _("用户名或密码不正确。"), status=401)


def authenticate_or_refuse(request, *, username: str, password: str):
    """The user for these credentials; LoginThrottled (429) when the account or address is locked,
    BadCredentials (401) otherwise. Each failure counts towards the lockout."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise LoginThrottled()
    if user is None:
        raise BadCredentials()
    return user


def client_address(request) -> str | None:
    """The address a failure is counted against. Behind a proxy (STEPPE_BEHIND_PROXY) the first
    X-Forwarded-For entry, which the proxy sets; otherwise the socket's address, because a client
    could forge the header."""
    if getattr(settings, "STEPPE_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client sees (django-axes' AXES_LOCKOUT_CALLABLE)."""
    error = LoginThrottled()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": error.as_dict()}, status=429, json_dumps_params={"ensure_ascii": False}
        )
    from django.contrib.auth.forms import AuthenticationForm

    return render(
        request,
        "web/login.html",
        {"form": AuthenticationForm(request), "lockout": error.message, "next": request.POST.get("next", "")},
        status=429,
    )
