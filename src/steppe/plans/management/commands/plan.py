from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError
from steppe.plans.services import plan_load, plan_load_builtin, plan_validate_text


class Command(BaseCommand):
    help = "Plans: `plan validate FILE`, `plan load FILE`, `plan load-builtin`, `plan list`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("validate", help="check a plan file; writes nothing")
        v.add_argument("file")
        ld = sub.add_parser("load", help="load a plan file (all or nothing; the same file twice changes nothing)")
        ld.add_argument("file")
        sub.add_parser("load-builtin", help="load the plan files shipped in steppe/plans/data")
        sub.add_parser("list", help="list loaded plans")

    def handle(self, *args, action, **opts):
        try:
            if action == "validate":
                try:
                    text = open(opts["file"], encoding="utf-8").read()
                except OSError as exc:
                    raise CommandError(f"cannot read {opts['file']}: {exc.strerror}") from exc
                except UnicodeDecodeError as exc:
                    raise CommandError(f"$: {opts['file']} is not UTF-8 text") from exc
                spec = plan_validate_text(text)
                n_measures = sum(len(a.measures) for a in spec.actions)
                self.stdout.write(self.style.SUCCESS(
                    f"valid: {spec.code}: {len(spec.targets)} targets, {len(spec.actions)} actions, {n_measures} measures"))
            elif action == "load":
                self._report(plan_load(path=opts["file"]))
            elif action == "load-builtin":
                for result in plan_load_builtin():
                    self._report(result)
            elif action == "list":
                from steppe.plans.queries import plan_list

                for plan in plan_list():
                    v = plan.current_version
                    self.stdout.write(f"{plan.code}\tv{v.number if v else '-'}\t{plan.period_start}-{plan.period_end}\t{plan.title}")
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _report(self, result):
        plan = result.plan
        if result.status == "unchanged":
            self.stdout.write(f"plan {plan.code}: unchanged (version {result.version})")
            return
        counts = ", ".join(
            f"{kind} +{len(c['added'])} ~{len(c['changed'])} -{len(c['retired'])}"
            for kind, c in result.changes.items()
        )
        self.stdout.write(self.style.SUCCESS(f"plan {plan.code}: {result.status}, version {result.version} ({counts})"))
