import sys
import time

from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError
from steppe.stats.services import (
    indicators_load,
    observation_import_file,
    published_load,
    template_csv,
    template_xlsx,
)


class Command(BaseCommand):
    help = (
        "Statistics: `stats import FILE [--dry-run]`, `stats load-published`, `stats indicators`, "
        "`stats load-indicators`, `stats template OUT.csv|OUT.xlsx`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import observations from CSV/XLSX (all or nothing)")
        imp.add_argument("file")
        imp.add_argument(
            "--dry-run", action="store_true", help="check and list what would change; write nothing"
        )
        imp.add_argument(
            "--background", action="store_true",
            help="queue the import as a stats.import job for `steppe worker` and print its id (follow it with "
            "`steppe jobs show ID`); without it the same job runs here and this command waits",
        )
        sub.add_parser(
            "load-published", help="load the repository copy of the published statistics (idempotent)"
        )
        sub.add_parser(
            "load-indicators", help="load the indicator dictionary from stats/data/indicators.yaml"
        )
        sub.add_parser("indicators", help="list the indicator dictionary")
        t = sub.add_parser("template", help="write the import template")
        t.add_argument("out")

    def handle(self, *args, action, **opts):
        try:
            if action == "import":
                t0 = time.perf_counter()
                if opts["dry_run"]:  # a preview writes nothing: the service alone, no job
                    r = observation_import_file(opts["file"], dry_run=True, via="cli", progress=self._progress)
                else:
                    r = self._import(opts["file"], background=opts["background"])
                    if r is None:
                        return
                self._summary(r, time.perf_counter() - t0)
            elif action == "load-published":
                t0 = time.perf_counter()
                r = published_load()
                self._summary(r, time.perf_counter() - t0, label="published statistics")
            elif action == "load-indicators":
                c = indicators_load()
                self.stdout.write(f"indicators: {c['total']} ({c['created']} new, {c['updated']} updated)")
            elif action == "indicators":
                from steppe.stats.models import Indicator

                for i in Indicator.objects.all():
                    f = f"  = {i.formula}" if i.formula else ""
                    self.stdout.write(f"{i.code}\t{i.unit}\t{i.name}{f}")
            elif action == "template":
                out = opts["out"]
                data = template_xlsx() if out.lower().endswith(".xlsx") else template_csv()
                with open(out, "wb") as fh:
                    fh.write(data)
                self.stdout.write(f"template written: {out}")
        except DomainError as exc:
            lines = [exc.message]
            for e in (exc.data or {}).get("errors", [])[:50]:
                if "row" in e:
                    lines.append(f"  第 {e['row']} 行, 列 {e['column']}: {e['message']}")
                else:
                    lines.append(f"  {e.get('path', '')}: {e.get('message', '')}")
            more = (exc.data or {}).get("count", 0) - 50
            if more > 0:
                lines.append(f"  … 另有 {more} 处 (and {more} more)")
            raise CommandError("\n".join(lines)) from exc

    def _import(self, file: str, *, background: bool):
        """The import as the page's and the API's: the stats.import job's own code (stats.jobs), run
        here (waiting, with progress) or queued for a worker (--background)."""
        from pathlib import Path
        from types import SimpleNamespace

        from steppe.stats.jobs import STAGES, import_here, save_upload, start_import

        p = Path(file)
        if not p.exists():
            raise DomainError("not_found", f"文件不存在 File not found: {p}", status=404)
        data = p.read_bytes()
        rows = data.count(b"\n")
        if background:
            job = start_import(path=save_upload(data, p.name), name=p.name, rows=rows, user=None, via="cli")
            self.stdout.write(f"queued as job {job.pk} ({job.status}); follow it with `steppe jobs show {job.pk}`")
            return None
        stage_of = {message: stage for stage, message in STAGES.items()}
        result = import_here(data, p.name, user=None, via="cli", rows=rows,
                             listener=lambda done, total, message: self._progress(
                                 stage_of.get(message or "", "write"), done, total))
        return SimpleNamespace(**result)

    def _progress(self, stage, done, total):
        if not sys.stderr.isatty() and stage == "write" and done != total:
            return
        if stage == "check":
            self.stderr.write(f"checking {total:,} rows …")
        elif stage == "write":
            pct = 100 * done // max(total, 1)
            self.stderr.write(f"writing {done:,}/{total:,} ({pct}%)")

    def _summary(self, r, secs, label=None):
        if r.dry_run:
            head = "dry run (nothing written)"
        elif r.import_id is None:
            head = "nothing to change"
        else:
            head = f"imported (import #{r.import_id})"
        self.stdout.write(
            self.style.SUCCESS(
                f"{label or r.file_name}: {head}: {r.rows} rows: {r.added} added, {r.revised} revised, "
                f"{r.unchanged} unchanged ({secs:.1f} s)"
            )
        )
        if r.dry_run:
            for kind in ("added", "revised"):
                for s in r.samples.get(kind, [])[:20]:
                    old = f" (was {s['old_value']})" if s.get("old_value") is not None else ""
                    self.stdout.write(
                        f"  {kind}: row {s['row']}: {s['region']} {s['indicator']} {s['year']} = {s['value']} {s['unit']}{old}"
                    )
