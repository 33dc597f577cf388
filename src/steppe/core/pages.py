"""One rule for every page form:

- a POST that succeeds redirects (303/302);
- a POST that is refused (a form's field errors, a service's DomainError shown on the page)
  renders the page again with its errors and what was typed, answering 400, never 200;
- a POST the user may not make is 404 before any of this (NotFound / Http404).

`form_page` is the one place that turns "refused" into the status, so a view says what happened
and never repeats the conditional."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

REFUSED = 400


def form_page(request: HttpRequest, template: str, context: dict, *, refused: bool) -> HttpResponse:
    """The page with its form: 400 when the POST it answers was refused, 200 otherwise (a GET, a
    dry run's preview, a calculation shown)."""
    return render(request, template, context, status=REFUSED if refused else 200)


class RefusedFormMixin:
    """The same rule for Django's class-based form views (sign-in, password reset): an invalid
    form renders the page again with its errors, answering 400."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=REFUSED)  # type: ignore[attr-defined]
