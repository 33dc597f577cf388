"""`steppe`: one command for every operator task.

`steppe GROUP ARGS...` runs the management command GROUP (plan, stats, report, supervise, match,
policy, users, regions, setup, ...) with its arguments; every Django management command works too
(`steppe migrate`, `steppe runserver`). `steppe` alone or `steppe --help` lists the groups.
"""

import os
import sys

GROUPS = {
    "setup": "migrate and load reference data, the built-in plan and the published statistics",
    "plan": "validate and load plan files (plan validate FILE, plan load FILE)",
    "regions": "reference regions (regions load)",
    "users": "accounts and API tokens (users create NAME --role ROLE ...)",
    "stats": "statistics: indicators, imports (stats import FILE [--dry-run])",
    "report": "the monitoring report (report --plan CODE --as-of YEAR --out FILE)",
    "supervise": "progress rounds, reminders and escalation",
    "match": "supply-demand matching (match bench ...)",
    "policy": "the policy engine (policy evaluate CASE.json --year Y, policy run --year Y)",
    "index": "composite indices (index build FRAMEWORK.yaml --out RESULTS.csv [--uncertainty N])",
    "registers": "platforms, talent, cooperation, science finance (registers seed | import | export | counts)",
    "data": "data checks (data check: rows with NaN, infinite or out-of-range numbers)",
    "runserver": "development server",
    "inbox": "the one inbox (inbox digest: the daily e-mail digest)",
    "worker": "run background jobs and the periodic schedule (make run starts one)",
    "jobs": "background jobs (jobs list | show ID | retry ID | cancel ID)",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        import django
        from django.core.management import get_commands

        os.environ["STEPPE_CLI_COMMAND"] = "help"  # listing commands needs no secret key
        django.setup()
        available = get_commands()
        print("usage: steppe GROUP [ARGS...]   (steppe GROUP --help for a group's commands)\n")
        for name, text in GROUPS.items():
            if name in available:
                print(f"  {name:<11} {text}")
        print("\nAny Django management command works too, e.g. `steppe migrate`.")
        return
    # lets settings tell an operator command (no secret key needed) from a server (always needed)
    os.environ["STEPPE_CLI_COMMAND"] = argv[0]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["steppe", *argv])


if __name__ == "__main__":
    main()
