"""The review life cycle that every register shares: a status moved by a conditional update.

A submitter (a bureau, a host, an enterprise, a bank) files a record; an operator reviews it. Two
operators acting on one record at once must not both succeed, so a move is an ``UPDATE ... WHERE
status = <the status the caller saw>`` whose row count is checked. Which moves a register allows
(its statuses and who may make them) stays with the register; this is only the mechanism.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .errors import DomainError

MSG_BAD_STATE = "当前状态（{status}）不能执行此操作"
MSG_CONFLICT = "记录已被他人处理，请刷新后重试"


def status_transition(obj: models.Model, allowed: tuple[str, ...], new_status: str, *,
                      field: str = "status", stamp: str | None = "updated_at") -> str:
    """Moves ``obj.<field>`` from one of ``allowed`` to ``new_status``; returns the old status.

    Raises DomainError ``bad_state`` (400) when the record is in another status, and ``conflict``
    (409) when someone else moved it since it was read. ``stamp`` names a timestamp field set too.
    """
    old = getattr(obj, field)
    if old not in allowed:
        label = getattr(obj, f"get_{field}_display", lambda: old)()
        raise DomainError("bad_state", MSG_BAD_STATE.format(status=label), data={field: old})
    changes: dict = {field: new_status}
    if stamp:
        changes[stamp] = timezone.now()
    claimed = type(obj).objects.filter(pk=obj.pk, **{field: old}).update(**changes)
    if claimed != 1:
        raise DomainError("conflict", MSG_CONFLICT, status=409)
    for name, value in changes.items():
        setattr(obj, name, value)
    return old
