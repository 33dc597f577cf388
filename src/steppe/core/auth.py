"""API authentication: a Bearer token for machine clients, or the browser session."""

from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        # ApiTokenMiddleware has already checked the header's token on every /api/ request
        found = getattr(request, "api_token", None) or ApiToken.objects.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked by ninja for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth()]
