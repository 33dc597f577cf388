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
