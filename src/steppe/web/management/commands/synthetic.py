import time

from django.core.management.base import BaseCommand, CommandError

from steppe.web import synthetic


class Command(BaseCommand):
    help = (
        "Province-scale synthetic data for load tests (合成数据), never loaded by `make run`: "
        "`synthetic fill [--scale 1] [--force]`, `synthetic status`, `synthetic clear`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fill = sub.add_parser("fill", help="fill this database (refuses one that holds real user data)")
        fill.add_argument("--scale", type=float, default=1.0, help="fraction of issue 10's volumes (default 1)")
        fill.add_argument("--seed", type=int, default=7)
        fill.add_argument("--force", action="store_true", help="fill even beside real user data")
        sub.add_parser("status", help="say whether this database holds the synthetic fill")
        sub.add_parser("clear", help="remove the synthetic fill (what it labelled), keeping anything else")

    def handle(self, *args, action, **opts):
        if action == "clear":
            synthetic.clear(say=self.stdout.write)
            return
        if action == "status":
            self.stdout.write("合成数据：已装入 synthetic fill present" if synthetic.is_filled() else "合成数据：无 none")
            return
        if not 0 < opts["scale"] <= 10:
            raise CommandError("--scale 应在 0 到 10 之间 must be in (0, 10]")
        t0 = time.perf_counter()
        try:
            report = synthetic.fill(scale=opts["scale"], force=opts["force"], seed=opts["seed"], say=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        total = sum(report.counts.values())
        self.stdout.write(f"合成数据 synthetic fill: {total:,} rows in {time.perf_counter() - t0:.1f} s")
