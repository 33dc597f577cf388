from django.core.management.base import BaseCommand

from steppe.core.datacheck import bad_numbers


class Command(BaseCommand):
    help = "Data checks: `data check` lists rows with a non-finite or out-of-range number (exit 1 if any)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="list rows whose numbers are NaN, infinite or beyond their column")

    def handle(self, *args, action, **opts):
        rows = bad_numbers()
        for r in rows:
            self.stdout.write(f"{r.model}\t{r.pk}\t{r.column}\t{r.value}")
        self.stderr.write(f"{len(rows)} row(s) with an unusable number")
        if rows:
            raise SystemExit(1)
