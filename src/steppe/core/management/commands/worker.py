"""`steppe worker`: run queued jobs and the periodic schedule (`make run` starts one beside the server)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "运行后台任务:执行队列中的任务,按时启动定期任务(催办、到期、摘要、清理),并把工作进程已停止的任务标为失败。"
        " Runs queued jobs, starts periodic work when due and fails jobs whose worker died."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when the queue is empty (default 1)")
        parser.add_argument("--no-periodic", action="store_true",
                            help="do not start periodic work from this worker")
        parser.add_argument("--loops", type=int, default=None, help=argparse_suppress())

    def handle(self, *args, **opts):
        from steppe.core.jobs.worker import Loop

        Loop(interval=opts["interval"], periodic=not opts["no_periodic"], stdout=self.stdout).run(
            max_loops=opts["loops"]
        )


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
