"""A league bureau chases (催办) a late measure of its league: one message in the inbox of everyone in
its lead units and in the league's own units it names. (Its own module: it reads the measure's
status from ``queries``, which ``services`` must not import.)"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from steppe.core.audit import audit_record
from steppe.core.errors import DomainError
from steppe.core.models import Notification, User
from steppe.core.notifications import notify
from steppe.plans.models import MeasureUnit
from steppe.plans.queries import league_units

from . import permissions as perms
from . import queries
from .reminders import ReminderKind
from .status import Status
from .validation import ChaseValidator

CHASEABLE = (Status.LATE, Status.AT_RISK)
ERR_NOT_LATE = "measure_not_late"
ERR_NOBODY = "measure_no_accounts"
ERR_ALREADY = "measure_chased_today"
ERR_NOT_LEAGUE = "measure_chase_league_only"


def measure_chase(*, actor, code: str, note: str = "", today: date | None = None) -> list[Notification]:
    """Send the 催办 of measure ``code`` for the bureau ``actor``; returns the inbox entries made.

    Refused (DomainError, nothing sent): a measure not of the bureau's league (404), a note the
    ``ChaseValidator`` refuses, one on schedule or done, one whose units have no account yet, or a
    second chase by the same bureau the same day.
    """
    today = today or timezone.localdate()
    measure = perms.get_league_measure_for_user(actor, code)
    if not perms.is_league_bureau(actor):  # a county's bureau reads its league's measures; the league chases
        raise DomainError(ERR_NOT_LEAGUE, gettext("只有盟市科技局可以催办，旗县科技局可查看本盟市的举措。"), status=403)
    note = ChaseValidator.clean({"note": note})["note"]
    league = perms.bureau_league(actor)
    (row,) = queries.measure_rows(actor, today=today, measures=perms.league_measures_for(actor).filter(pk=measure.pk))
    if row.status not in CHASEABLE:
        raise DomainError(ERR_NOT_LATE, gettext("举措 %(code)s %(status)s，无需催办。")
                          % {"code": code, "status": gettext(row.result.label)}, status=409)
    subject = f"plans.measure:{measure.pk}"
    if Notification.objects.filter(kind=ReminderKind.URGE, subject=subject, data__by=actor.pk,
                                   created_at__date=today).exists():
        raise DomainError(ERR_ALREADY, gettext("今天已催办过举措 %(code)s，请明天再催。") % {"code": code}, status=409)
    units = [link.unit for link in measure.unit_links.select_related("unit") if link.role == MeasureUnit.Role.LEAD]
    units += [u for u in league_units(measure, league) if u not in units]
    recipients = list(User.objects.filter(unit__in=units, is_active=True).exclude(pk=actor.pk).order_by("pk"))
    if not recipients:
        raise DomainError(ERR_NOBODY, gettext("%(units)s 尚无账号，无法在平台催办，请线下联系。")
                          % {"units": "、".join(u.name for u in units)}, status=409)
    reasons = "；".join(r.message for r in row.result.reasons)
    title = (f"催办：举措 {measure.code} {measure.title[:40]}（{league.name}科技局） "
             f"Overdue reminder from the league bureau: measure {measure.code}")
    body = "\n".join(x for x in (
        f"{league.name}科技局催办（{today.isoformat()}）：举措 {measure.code} {measure.title}",
        f"状态：{row.result.label}；完成时限 {measure.due_on.isoformat()}" + (f"；{reasons}" if reasons else ""),
        f"留言：{note}" if note else "",
        "请尽快报送进展。",
    ) if x)
    with transaction.atomic():
        sent = notify(recipients=recipients, kind=ReminderKind.URGE, title=title, body=body,
                      url=f"/supervision/measures/{measure.code}/", subject=subject,
                      data={"by": actor.pk, "measure": measure.code, "league": league.code})
        audit_record(actor=actor, action="measure.chase", obj=measure,
                     after={"recipients": [u.pk for u in recipients], "note": note})
    return sent
