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
