"""The one inbox page (every app's notices), opening a notice, and the e-mail preferences."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notifications
from .pagination import paginate
from .registry import notification_kind_choices


@login_required
def inbox(request):
    items = paginate(request, notifications.inbox_for(request.user).select_related("recipient"))
    pref = notifications.preferences_get(request.user)
    return render(
        request,
        "core/inbox.html",
        {"items": items, "pref": pref, "kinds": notification_kind_choices()},
    )


@login_required
def inbox_open(request, pk: int):
    """Opening a notice marks it read, then goes where it points (a page of this site only)."""
    url = notifications.notification_open(user=request.user, pk=pk)
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/inbox/"
    return redirect(url)


@login_required
@require_POST
def inbox_read(request, pk: int):
    notifications.notification_read(user=request.user, pk=pk)
    return redirect("inbox:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    notifications.notifications_read_all(user=request.user)
    return redirect("inbox:inbox")


@login_required
@require_POST
def inbox_preferences(request):
    notifications.preferences_set(
        user=request.user,
        email_kinds=request.POST.getlist("email_kinds"),
        digest=bool(request.POST.get("digest")),
    )
    return redirect("inbox:inbox")
