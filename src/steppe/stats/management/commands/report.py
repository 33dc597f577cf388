from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError


class Command(BaseCommand):
    help = "The monitoring report: `report --plan CODE --as-of YEAR --out FILE.html|.pdf|.xlsx`."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=False, help="plan code (default: the default plan)")
        parser.add_argument("--as-of", type=int, required=True, help="use statistics up to this year")
        parser.add_argument("--out", required=True, help="output file; the extension chooses the format")

    def handle(self, *args, **opts):
        from steppe.plans.models import Plan
        from steppe.plans.queries import plan_default
        from steppe.stats.report import FORMATS, build_report

        out = Path(opts["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(
                f"--out: the file must end in .html, .pdf or .xlsx, not {out.suffix or '(none)'}"
            )
        plan = Plan.objects.filter(code=opts["plan"]).first() if opts["plan"] else plan_default()
        if plan is None:
            raise CommandError(f"--plan: unknown plan {opts['plan']!r}" if opts["plan"] else "no plan loaded")
        try:
            data, _ = build_report(plan, as_of=opts["as_of"], fmt=fmt)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        out.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"report written: {out} ({len(data):,} bytes)"))
