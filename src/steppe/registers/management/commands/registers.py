"""steppe registers seed | import KIND FILE --user NAME [--dry-run] | export KIND --out FILE | counts KIND --year Y"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError
from steppe.core.models import User


class Command(BaseCommand):
    help = "Registers of platforms, talent, cooperation, science finance and SOE coverage (seed, import, export, counts)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed", help="preload what the plan names (idempotent)")
        imp = sub.add_parser("import", help="file every row of a CSV/XLSX table; all or nothing")
        imp.add_argument("kind")
        imp.add_argument("file")
        imp.add_argument("--user", required=True, help="the account the rows are filed as")
        imp.add_argument("--dry-run", action="store_true")
        exp = sub.add_parser("export", help="the records an account may see, as CSV or XLSX")
        exp.add_argument("kind")
        exp.add_argument("--out", required=True)
        exp.add_argument("--user", required=True)
        cnt = sub.add_parser("counts", help="counts (and amounts) per league, as JSON")
        cnt.add_argument("kind")
        cnt.add_argument("--year", type=int, required=True)

    def handle(self, *args, **opts):
        from steppe.registers import exports, queries, seed, services
        from steppe.registers.kinds import kind_get

        try:
            if opts["action"] == "seed":
                result = seed.seed_from_plan()
                self.stdout.write(f"registers: {result['created']} seeded from the plan, {result['kept']} kept")
                return
            kind = kind_get(opts["kind"])
            if opts["action"] == "counts":
                rows = (queries.platform_counts(opts["year"]) if kind.slug == "platforms"
                        else queries.counts_by_league(kind, opts["year"]))
                self.stdout.write(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
                return
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no such user: {opts['user']}")
            if opts["action"] == "import":
                path = Path(opts["file"])
                result = services.records_import(actor=user, kind=kind, filename=path.name,
                                                 content=path.read_bytes(), dry_run=opts["dry_run"])
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            elif opts["action"] == "export":
                out = Path(opts["out"])
                fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
                out.write_bytes(exports.export_table(kind, queries.records(user, kind), fmt))
                self.stdout.write(f"wrote {out}")
        except DomainError as exc:
            errors = exc.data.get("errors") or []
            detail = "\n".join(f"  row {e.get('row', '-')}, {e['field']}: {e['message']}" for e in errors[:50])
            raise CommandError(f"{exc.message}\n{detail}".rstrip()) from exc
