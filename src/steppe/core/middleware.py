from django.shortcuts import render

from .errors import DomainError


class DomainErrorMiddleware:
    """Maps a DomainError raised by a page's service call to a page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render(request, "web/error.html", {"error": exception}, status=exception.status)
        return None


class ChineseFirstMiddleware:
    """Simplified Chinese unless the visitor chose English with the switch (cookie or session).

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and a
    platform for Inner Mongolia's officials speaks Chinese first whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ApiTokenMiddleware:
    """One authentication rule for the whole API: a Bearer token counts like the session.

    On /api/ paths a valid `Authorization: Bearer` token makes its user `request.user`, so an
    endpoint that reads the user without declaring `auth=` (public reads that show more to the
    owner) sees the token's user exactly as it would see the session's. A token that is wrong,
    revoked or of a deactivated user answers 401 everywhere, never silently the public view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path_info.startswith("/api/") and header[:7].lower() == "bearer ":
            from django.http import JsonResponse

            from .models import ApiToken

            found = ApiToken.objects.authenticate(header[7:].strip())
            if found is None:
                return JsonResponse(
                    {"error": {"code": "unauthorized", "message": "API 令牌无效或已撤销 Invalid or revoked API token",
                               "data": {}}},
                    status=401, json_dumps_params={"ensure_ascii": False},
                )
            request.user = found.user
            request.api_token = found
        return self.get_response(request)


class InputCleaningMiddleware:
    """Every query string and form (pages and API alike) through core.validation's edge checks:
    no control characters, no over-long text, and a form the server cannot parse (a malformed
    or oversized multipart header, too many fields) is a 400 naming the problem, not a 500.
    JSON bodies are checked by the API's parser (core.inputs)."""

    FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
        from django.http.multipartparser import MultiPartParserError

        from .errors import ValidationFailed
        from .validation import Errors, check_text, invalid

        errors = Errors()
        try:
            sources = [request.GET]
            if request.method == "POST" and request.content_type in self.FORM_TYPES:
                sources.append(request.POST)
            for source in sources:
                for key, values in source.lists():
                    errors.take(lambda key=key: check_text(key, "field name", 200))
                    for value in values:
                        errors.take(lambda key=key, value=value: check_text(value, key))
            errors.check()
        except ValidationFailed as exc:
            return self._refuse(request, exc)
        except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            return self._refuse(request, invalid("form", f"无法读取提交的表单 Unreadable form: {exc}"))
        return self.get_response(request)

    @staticmethod
    def _refuse(request, exc):
        if request.path_info.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"error": exc.as_dict()}, status=exc.status, json_dumps_params={"ensure_ascii": False})
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
