"""`steppe policy ...`: the policy engine from the command line.

steppe policy evaluate CASE.json --year 2024     print the results as JSON
steppe policy run --year 2024                    batch over the whole register (progress printed)
steppe policy generate --count 1000 [--year 2024] [--seed 0]
steppe policy import FILE.csv|xlsx [--dry-run]
steppe policy export FILE.csv|xlsx
steppe policy counts                             HTE / tech SME counts by league and year
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError


class Command(BaseCommand):
    help = "政策引擎：测算、批量运行、生成、导入导出 (policy engine)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="evaluate one case (JSON file, or - for stdin)")
        ev.add_argument("case")
        ev.add_argument("--year", type=int, required=True, help="accounting year whose data decide")
        rn = sub.add_parser("run", help="batch run over the whole register")
        rn.add_argument("--year", type=int, required=True)
        rn.add_argument("--run", type=int, default=None, help="a queued run (started from the page)")
        gen = sub.add_parser("generate", help="create synthetic enterprises for benchmarks")
        gen.add_argument("--count", type=int, required=True)
        gen.add_argument("--year", type=int, default=2024)
        gen.add_argument("--seed", type=int, default=0)
        im = sub.add_parser("import", help="import enterprise-years from CSV/XLSX (all or nothing)")
        im.add_argument("file")
        im.add_argument("--dry-run", action="store_true")
        ex = sub.add_parser("export", help="export the register to CSV/XLSX")
        ex.add_argument("file")
        sub.add_parser("counts", help="HTE and tech SME counts by league and year")

    def handle(self, *args, **opts):
        try:
            getattr(self, "do_" + opts["action"])(opts)
        except DomainError as exc:
            errors = exc.data.get("errors") if exc.data else None
            if errors:
                for e in errors[:50]:
                    self.stderr.write(f"row {e.get('row')}, {e.get('column')}: {e.get('message')}")
            raise CommandError(exc.message) from exc

    def do_evaluate(self, opts):
        from steppe.policy.engine import CaseError, evaluate

        try:
            text = (
                self.stdin.read() if opts["case"] == "-" else Path(opts["case"]).read_text(encoding="utf-8")
            )
        except OSError as exc:
            raise CommandError(f"cannot read {opts['case']}: {exc.strerror}") from None
        try:
            case = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{opts['case']}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        try:
            out = evaluate(case, opts["year"])
        except CaseError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    def do_run(self, opts):
        from steppe.policy.models import PolicyRun
        from steppe.policy.services import policy_run

        queued = None
        if opts["run"] is not None:
            queued = PolicyRun.objects.filter(pk=opts["run"]).first()
            if queued is None:
                raise CommandError(f"--run {opts['run']}: no such run")
        t0 = time.perf_counter()
        run = policy_run(
            opts["year"],
            run=queued,
            progress=lambda m: self.stdout.write(f"[{time.perf_counter() - t0:6.1f}s] {m}"),
        )
        tot = run.summary.get("total", {})
        self.stdout.write(
            f"run {run.pk} year {run.year}: {run.total:,} enterprises; tech SME would qualify {tot.get('tsme_eligible', 0):,}; "
            f"HTE yes {tot.get('hte_yes', 0):,}, depends on expert score {tot.get('hte_depends', 0):,}; "
            f"white list {tot.get('white_list', 0):,}; notifications {run.summary['notifications']}; "
            f"estimated value {tot.get('value', {}).get('total', 0):,.0f} 万元 ({time.perf_counter() - t0:.1f} s)"
        )

    def do_generate(self, opts):
        from steppe.policy.services import enterprises_generate

        t0 = time.perf_counter()
        n = enterprises_generate(
            opts["count"], year=opts["year"], seed=opts["seed"], progress=self.stdout.write
        )
        self.stdout.write(
            f"generated {n:,} enterprises with 3 years of data in {time.perf_counter() - t0:.1f} s"
        )

    def do_import(self, opts):
        from steppe.policy.services import register_import

        counts = register_import(opts["file"], dry_run=opts["dry_run"])
        self.stdout.write(("dry run: " if opts["dry_run"] else "") + json.dumps(counts))

    def do_export(self, opts):
        from steppe.policy.services import register_export

        n = register_export(opts["file"])
        self.stdout.write(f"exported {n:,} enterprise-years to {opts['file']}")

    def do_counts(self, opts):
        from steppe.policy.queries import enterprise_counts_by_region_year

        for row in enterprise_counts_by_region_year():
            self.stdout.write(json.dumps(row, ensure_ascii=False))
