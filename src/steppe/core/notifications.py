"""The one inbox: sending a notice (inbox now, e-mail after commit per the recipient's preferences),
reading it (one meaning of read on every path), and the daily e-mail digest.

Read means: the person opened the notice (its link goes through :func:`notification_open`) or marked
it (or all) read. Listing the inbox never marks anything read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .aftercommit import after_commit
from .errors import NotFound
from .models import Notification, NotificationPreference, User
from .registry import notification_kinds

log = logging.getLogger(__name__)


def wants_email(user: User, kind: str) -> tuple[bool, bool]:
    """``(by e-mail at all, now rather than in the digest)`` for a notice of ``kind``."""
    if not user.email:
        return False, False
    pref = NotificationPreference.objects.filter(user=user).first()
    if pref is None:
        return True, True  # no preferences saved: every kind, as it comes
    return kind in (pref.email_kinds or []), not pref.digest


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    subject: str = "",
    data: dict | None = None,
) -> list[Notification]:
    """One inbox entry per recipient now; e-mail after commit where the recipient wants it (a mail
    failure never undoes the inbox entry). Digest readers get it in the next daily digest. The
    kind must be registered (core.registry.notification_kinds)."""
    if notification_kinds.get(kind) is None:
        raise ValueError(f"notify: unregistered notification kind {kind!r} (register it in the app's ready())")
    out = []
    for user in recipients:
        n = Notification.objects.create(
            recipient=user, kind=kind, title=title, body=body, url=url, subject=subject, data=data or {}
        )
        out.append(n)
        email, now = wants_email(user, kind)
        if email and now:
            after_commit(what=f"core.notification mail {n.pk}",
                         job=("core.notification_email", {"notification": n.pk, "address": user.email}))
    return out


def email_send(notification: Notification, address: str) -> bool:
    """E-mail one notice; records ``emailed_at``. Returns whether it went out."""
    body = notification.body
    if notification.url:
        body += f"\n\n{getattr(settings, 'STEPPE_BASE_URL', '')}{notification.url}"
    try:
        send_mail(f"[Steppe] {notification.title}", body, None, [address])
    except Exception:  # a mail failure must not undo the notice; the inbox still has it
        log.exception("e-mail to %s failed", address)
        return False
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


# --------------------------------------------------------------------------------- reading


def inbox_for(user: User) -> QuerySet[Notification]:
    """What ``user`` may read: notices to them, and to their organisation."""
    q = Q(recipient=user)
    if getattr(user, "unit_id", None):
        q |= Q(recipient__isnull=True, organisation_id=user.unit_id)
    return Notification.objects.filter(q)


def unread_count(user: User) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def notification_read(*, user: User, pk: int) -> Notification:
    """Marks one notice read (once: the first reading's time stays). 404 when not the user's."""
    n = inbox_for(user).filter(pk=pk).first()
    if n is None:
        raise NotFound()
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
        n.refresh_from_db(fields=["read_at"])
    return n


def notifications_read_all(*, user: User) -> int:
    """Marks every unread notice of the user read; returns how many."""
    return inbox_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def notification_open(*, user: User, pk: int) -> str:
    """Opening a notice from the inbox: marks it read and gives where it points (or the inbox)."""
    n = notification_read(user=user, pk=pk)
    return n.url or "/inbox/"


def preferences_get(user: User) -> NotificationPreference:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref or NotificationPreference(user=user, email_kinds=notification_kinds.keys(), digest=False)


def preferences_set(*, user: User, email_kinds: Iterable[str], digest: bool) -> NotificationPreference:
    kinds = sorted(set(email_kinds))
    unknown = [k for k in kinds if notification_kinds.get(k) is None]
    if unknown:
        from .errors import ValidationFailed

        raise ValidationFailed(
            f"未知的通知类型 Unknown kind: {', '.join(unknown)}",
            [{"field": "email_kinds", "message": k} for k in unknown],
        )
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_kinds": kinds, "digest": bool(digest)}
    )
    return pref


def digests_send(*, now=None) -> int:
    """The daily digest: one e-mail per digest reader listing the notices of their chosen kinds not
    yet e-mailed. Idempotent: each notice is marked e-mailed, so a second run sends nothing."""
    now = now or timezone.now()
    sent = 0
    for pref in NotificationPreference.objects.filter(digest=True).select_related("user"):
        user = pref.user
        if not user.email or not user.is_active:
            continue
        with transaction.atomic():
            items = list(
                inbox_for(user)
                .filter(emailed_at__isnull=True, kind__in=pref.email_kinds or [])
                .select_for_update()
                .order_by("created_at", "id")
            )
            if not items:
                continue
            lines = [f"- {n.created_at:%Y-%m-%d} {n.get_kind_display()}：{n.title}" for n in items]
            base = getattr(settings, "STEPPE_BASE_URL", "")
            body = "\n".join(lines) + f"\n\n{base}/inbox/"
            try:
                send_mail(f"[Steppe] 今日通知 {len(items)} 条", body, None, [user.email])
            except Exception:  # try again tomorrow; the inbox has them
                log.exception("digest to %s failed", user.email)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            NotificationPreference.objects.filter(pk=pref.pk).update(last_digest_at=now)
            sent += 1
    return sent
