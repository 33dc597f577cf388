"""One way to page a list, for pages and the API: a stable order and a capped page size.

A stable order ends in a unique key, so a row never shows on two pages or on none when others
tie on the sort columns; ``stable`` appends the primary key when the order does not end in one.
Pages read ``?page=`` (and ``?per_page=``, at most ``PAGE_SIZE_MAX``) through ``paginate``; a page
number that cannot be read or lies past the end is a 400 naming ``page``. API lists take
``limit``/``offset`` (``core.inputs.Limit``/``Offset``, declared in the schema) through ``window``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .validation import _t, invalid, parse_int

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
API_LIMIT = 100  # the API lists' default `limit` (at most core.inputs.Limit's 500)

_UNIQUE_TAILS = {"pk", "id", "public_id"}


def stable(qs: QuerySet) -> QuerySet:
    """The queryset ordered as asked (or by its model's ordering), ending in a unique key."""
    order = list(qs.query.order_by) or list(qs.model._meta.ordering)
    last = order[-1] if order else None
    if isinstance(last, str) and last.lstrip("-") in _UNIQUE_TAILS | {qs.model._meta.pk.name}:
        return qs if qs.query.order_by else qs.order_by(*order)
    return qs.order_by(*order, "pk")


def window(qs: QuerySet, *, limit: int, offset: int) -> QuerySet:
    """An API list's slice: ``limit`` rows after ``offset`` in a stable order."""
    return stable(qs)[offset : offset + limit]


def paginate(
    request, qs: QuerySet | Sequence, *, per_page: int = PAGE_SIZE, param: str = "page", count: int | None = None
) -> Page:
    """A page's slice of ``qs`` from ``?page=`` (or ``param``) and ``?per_page=`` (capped), in a stable
    order. The page carries ``previous_query``/``next_query`` (this request's query with the page
    number changed) for ``web/_pager.html``. A list (e.g. keys of computed rows) must come in a
    stable order already. ``count``: the number of rows of ``qs`` when the caller knows it (kept in
    a cache), instead of counting them."""
    size = parse_int(request.GET.get("per_page"), "per_page", lo=1, hi=PAGE_SIZE_MAX, default=per_page)
    number = parse_int(request.GET.get(param), param, lo=1, hi=10**6, default=1)
    paginator = Paginator(stable(qs) if isinstance(qs, QuerySet) else qs, size)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property: known, not counted
    if number > paginator.num_pages:
        raise invalid(param, _t("共 %(pages)s 页，没有第 %(number)s 页", pages=paginator.num_pages, number=number))
    page = paginator.page(number)
    page.previous_query = _query(request, param, number - 1) if page.has_previous() else ""
    page.next_query = _query(request, param, number + 1) if page.has_next() else ""
    return page


def _query(request, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()
