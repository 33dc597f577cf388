"""`steppe supervise ...`: progress rounds, reminders and escalation, the 通报 list.

steppe supervise round open --period 2026-Q4 --due 2026-12-31 [--plan CODE] [--by USERNAME]
steppe supervise round close --period 2026-Q4
steppe supervise round list
steppe supervise remind [--today 2026-12-29] [--days-before 3] [--grace-days 7]
steppe supervise late [--today DATE]
steppe supervise status [--today DATE]
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError
from steppe.core.models import User
from steppe.core.roles import Role


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” 不是有效日期，应写作 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "督办：定期调度、到期提醒与催办通报 (progress rounds, reminders, escalation)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rnd = sub.add_parser("round", help="progress rounds (定期调度)")
        rsub = rnd.add_subparsers(dest="round_action", required=True)
        op = rsub.add_parser("open", help="open a round: one report form per measure and lead unit")
        op.add_argument("--period", required=True, help="2026-Q4 or 2026-11")
        op.add_argument("--due", required=True, help="due date, YYYY-MM-DD")
        op.add_argument("--plan", default=None, help="only this plan's measures (plan code)")
        op.add_argument("--by", default=None, help="username of the department account opening it")
        cl = rsub.add_parser("close", help="close a round")
        cl.add_argument("--period", required=True)
        rsub.add_parser("list", help="list rounds with completeness")
        rm = sub.add_parser("remind", help="send due reminders, 催办 and 通报 (idempotent)")
        rm.add_argument("--today", default=None, help="the day to act as (YYYY-MM-DD); default today")
        rm.add_argument("--days-before", type=int, default=3, help="remind this many days before a due date")
        rm.add_argument("--grace-days", type=int, default=7, help="通报 this many days after 催办")
        late = sub.add_parser("late", help="print the 通报 list of late units")
        late.add_argument("--today", default=None)
        st = sub.add_parser("status", help="print each measure's status")
        st.add_argument("--today", default=None)

    def handle(self, *args, **opts):
        try:
            getattr(self, f"do_{opts['action']}")(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _actor(self, username):
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"--by: 用户 {username} 不存在")
            return user
        user = User.objects.filter(role=Role.DEPARTMENT, is_active=True).order_by("pk").first()
        if user is None:
            user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "没有自治区科技厅账号；请先 `steppe users create NAME --role department`，或用 --by 指定"
            )
        return user

    def do_round(self, opts):
        from steppe.supervision import queries, services
        from steppe.supervision.models import ProgressRound

        action = opts["round_action"]
        if action == "open":
            result = services.round_open(
                actor=self._actor(opts["by"]),
                period=opts["period"],
                due_on=_date(opts["due"]),
                plan_code=opts["plan"],
            )
            self.stdout.write(
                f"opened round {result.round.period} due {result.round.due_on}: "
                f"{result.reports} report forms for {result.units} lead units"
            )
        elif action == "close":
            rnd = ProgressRound.objects.filter(period=opts["period"]).first()
            if rnd is None:
                raise CommandError(f"--period: 调度周期 {opts['period']} 不存在")
            services.round_close(actor=self._actor(None), round=rnd)
            self.stdout.write(f"closed round {rnd.period}")
        else:
            for rnd in ProgressRound.objects.all():
                c = queries.round_completeness(rnd)["total"]
                state = "open" if rnd.is_open else "closed"
                self.stdout.write(
                    f"{rnd.period}\tdue {rnd.due_on}\t{state}\t{c.submitted}/{c.total} submitted"
                    f"\t{c.on_time} on time"
                )

    def do_remind(self, opts):
        from steppe.supervision.reminders import ReminderPolicy
        from steppe.supervision.services import reminders_send

        today = _date(opts["today"]) if opts["today"] else None
        try:
            policy = ReminderPolicy(remind_days_before=opts["days_before"], grace_days=opts["grace_days"])
        except ValueError as exc:
            raise CommandError(f"--{str(exc).split(':')[0].replace('_', '-')}: must be 0 or more") from None
        counts = reminders_send(today=today, policy=policy)
        escalations = counts["urge"] + counts["notice"]
        self.stdout.write(
            f"sent {counts['reminder']} reminders and {escalations} escalations "
            f"({counts['urge']} 催办, {counts['notice']} 通报)"
        )

    def do_late(self, opts):
        from steppe.supervision.queries import late_unit_list

        today = _date(opts["today"]) if opts["today"] else None
        rows = late_unit_list(today=today)
        if not rows:
            self.stdout.write("no late units")
        for name, n in rows:
            self.stdout.write(f"{name}\t{n} overdue")

    def do_status(self, opts):
        from steppe.supervision.queries import measure_rows

        today = _date(opts["today"]) if opts["today"] else None
        for r in measure_rows(self._actor(None), today=today):
            reasons = "; ".join(x.both for x in r.result.reasons)
            self.stdout.write(f"{r.measure.code}\t{r.status.value}\t{reasons}")
