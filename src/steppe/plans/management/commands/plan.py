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
        cv = sub.add_parser("convert", help="write a format 1 plan file as format 2 (plan convert OLD.yaml --out NEW.yaml)")
        cv.add_argument("file")
        cv.add_argument("--out", required=True)

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
            elif action == "convert":
                self._convert(opts["file"], opts["out"])
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

    def _convert(self, source, out):
        from pathlib import Path

        from steppe.plans.convert import plan_to_yaml
        from steppe.plans.schema import PlanFormatError, parse_plan

        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"$: {source} is not UTF-8 text") from exc
        try:  # the file alone (no database needed); `plan validate` checks regions and indicators
            spec = parse_plan(text)
        except PlanFormatError as exc:
            raise CommandError(f"{source} is not a valid plan file:\n{exc}") from exc
        if spec.format >= 2:
            raise CommandError(f"{source} is already format {spec.format}; nothing to convert")
        converted = plan_to_yaml(spec)
        Path(out).write_text(converted, encoding="utf-8")
        try:
            parse_plan(converted)
        except PlanFormatError as exc:  # e.g. a target no measure names: format 2 asks for the link
            self.stdout.write(f"written {out}; format 2 still needs (edit the file, then plan validate):")
            for issue in exc.issues:
                self.stdout.write(f"  {issue}")
            return
        self.stdout.write(self.style.SUCCESS(f"written {out} (format 2); check the measure types and links"))

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
