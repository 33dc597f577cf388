"""`steppe jobs list|show|retry|cancel`: the background jobs (core.jobs)."""

from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError


class Command(BaseCommand):
    help = "后台任务:list 列出,show 查看,retry 重试失败或已取消的任务,cancel 取消排队或运行中的任务。 Background jobs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出最近的任务 list recent jobs (newest first)")
        ls.add_argument("--status", choices=["queued", "running", "succeeded", "failed", "cancelled"])
        ls.add_argument("--kind", help="e.g. stats.import")
        ls.add_argument("--limit", type=int, default=30)
        for name, text in (("show", "查看一个任务 show one job"),
                           ("retry", "重新排队一个失败或已取消的任务 queue a failed or cancelled job again"),
                           ("cancel", "取消一个排队或运行中的任务 cancel a queued or running job")):
            p = sub.add_parser(name, help=text)
            p.add_argument("id", help="任务编号 the job's id")

    def handle(self, *args, **opts):
        from steppe.core.jobs import service

        action = opts["action"]
        try:
            if action == "list":
                self._list(opts)
            elif action == "show":
                self._show(service.refresh(service.get(opts["id"])))
            elif action == "retry":
                job = service.retry(opts["id"])
                self.stdout.write(f"job {job.pk} queued again ({job.kind})")
            elif action == "cancel":
                job = service.cancel(opts["id"])
                state = "cancelled" if job.status == "cancelled" else "cancel requested (stops at its next progress report)"
                self.stdout.write(f"job {job.pk}: {state}")
        except DomainError as e:
            raise CommandError(e.message) from None

    def _list(self, opts):
        from steppe.core.jobs import service
        from steppe.core.jobs.models import Job

        service.sweep_stale()
        qs = Job.objects.select_related("started_by")
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["kind"]:
            qs = qs.filter(kind=opts["kind"])
        self.stdout.write("id\tkind\tstatus\tprogress\tstarted by\tcreated\tmessage / error")
        for job in qs[: max(1, opts["limit"])]:
            progress = f"{job.done}/{job.total}" if job.total else "-"
            who = job.started_by.username if job.started_by else "(system)"
            note = job.error.splitlines()[0] if job.error else job.message
            self.stdout.write(
                f"{job.pk}\t{job.kind}\t{job.status}\t{progress}\t{who}\t"
                f"{job.created_at:%Y-%m-%d %H:%M:%S}\t{note}"
            )

    def _show(self, job):
        import json

        for label, value in (
            ("id", job.pk), ("kind", job.kind), ("status", job.status),
            ("started by", job.started_by.username if job.started_by else "(system)"),
            ("created", job.created_at), ("started", job.started_at), ("finished", job.finished_at),
            ("progress", f"{job.done}/{job.total} {job.message}"), ("attempts", job.attempts),
            ("worker", job.worker), ("concerns", f"{job.subject_type} {job.subject_id} {job.page}".strip()),
            ("error", job.error), ("result", json.dumps(job.result, ensure_ascii=False) if job.result else ""),
        ):
            self.stdout.write(f"{label:<11} {value if value is not None else ''}")
