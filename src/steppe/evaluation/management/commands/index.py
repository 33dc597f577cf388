"""`steppe index ...`: build composite indices from a framework file.

    steppe index build FRAMEWORK.yaml --out RESULTS.csv [--uncertainty N] [--seed S]
    steppe index frameworks

FRAMEWORK is a path or the code of a framework shipped in src/steppe/evaluation/frameworks/.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from steppe.evaluation.framework import FrameworkError, builtin_frameworks, load_framework


class Command(BaseCommand):
    help = "Composite indices: `index build FRAMEWORK.yaml --out RESULTS.csv [--uncertainty N] [--seed S]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        b = sub.add_parser("build", help="build the index and write one row per unit")
        b.add_argument("framework", help="a framework YAML file, or the code of a shipped framework")
        b.add_argument("--out", required=True, help="RESULTS.csv")
        b.add_argument(
            "--uncertainty",
            type=int,
            default=0,
            metavar="N",
            help="Monte Carlo replications: adds Rank_median, Rank_lo (5%%), Rank_hi (95%%)",
        )
        b.add_argument("--seed", type=int, default=1)
        b.add_argument("--decimals", type=int, default=4, help="decimals of the scores (at least 2)")
        sub.add_parser("frameworks", help="list the shipped frameworks")
        sub.add_parser(
            "load-indicators", help="add the frameworks' indicator definitions to the statistics dictionary"
        )
        t = sub.add_parser("template", help="the empty data template of a framework (CSV)")
        t.add_argument("framework")
        t.add_argument("--out", required=True)
        t.add_argument("--year", type=int, required=False)

    def handle(self, *args, action, **opts):
        if action == "frameworks":
            for code, path in builtin_frameworks().items():
                fw = load_framework(path)
                self.stdout.write(f"{code}\t{len(fw.indicators)} indicators\t{fw.name}")
            return
        if action == "load-indicators":
            from steppe.evaluation.services import evaluation_indicators_load

            c = evaluation_indicators_load()
            self.stdout.write(
                f"evaluation indicators: {c['total']} ({c['created']} new, {c['updated']} updated)"
            )
            return
        try:
            if action == "template":
                from steppe.evaluation.services import data_template

                fw = load_framework(self._path(opts["framework"]))
                Path(opts["out"]).write_bytes(data_template(fw, year=opts.get("year")))
                self.stdout.write(f"template written: {opts['out']}")
                return
            self._build(opts)
        except FrameworkError as exc:
            raise CommandError(str(exc)) from exc

    def _path(self, name: str) -> Path:
        path = Path(name)
        if path.is_file():
            return path
        shipped = builtin_frameworks()
        if name not in shipped:
            raise CommandError(
                f"no framework file {name!r} and no shipped framework of that code ({', '.join(shipped)})"
            )
        return shipped[name]

    def _build(self, opts):
        from steppe.evaluation.composite import build, results_table
        from steppe.evaluation.sources import dataset_for

        path = self._path(opts["framework"])
        if opts["decimals"] < 2:
            raise CommandError("--decimals must be at least 2")
        if opts["uncertainty"] < 0:
            raise CommandError("--uncertainty must not be negative")
        t0 = time.perf_counter()
        fw = load_framework(path)
        ds = dataset_for(fw)
        res = build(fw, ds)
        rows = results_table(res, decimals=opts["decimals"])
        cols = ["uCode", "Rank", *res.columns]
        if opts["uncertainty"]:
            from steppe.evaluation.uncertainty import monte_carlo

            mc = monte_carlo(fw, ds, opts["uncertainty"], seed=opts["seed"], nominal=res)
            at = {u: k for k, u in enumerate(mc.units)}
            for row in rows:
                k = at[row["uCode"]]
                row["Rank_median"] = float(mc.rank_median[k])
                row["Rank_lo"] = float(mc.rank_lo[k])
                row["Rank_hi"] = float(mc.rank_hi[k])
            cols += ["Rank_median", "Rank_lo", "Rank_hi"]
        from steppe.core.tables import table_format, write_records

        Path(opts["out"]).write_bytes(write_records([(c, c) for c in cols], rows, table_format(opts["out"])))
        imputed = int(res.imputed.sum())
        self.stdout.write(
            f"{fw.code}: {len(res.units)} units × {len(fw.indicators)} indicators; "
            f"{imputed} cells imputed; {len(res.screened_out)} units screened out; "
            f"written {opts['out']} ({time.perf_counter() - t0:.2f} s)"
        )
        if opts["uncertainty"]:
            s = ", ".join(f"{f} S1={mc.first_order[f]:.2f} ST={mc.total[f]:.2f}" for f in mc.factors)
            self.stdout.write(f"uncertainty: {mc.n_runs} runs (seed {mc.seed}); sensitivity: {s}")
