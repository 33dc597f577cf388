from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError
from steppe.core.models import ApiToken, User
from steppe.core.roles import Role
from steppe.core.services import user_create


class Command(BaseCommand):
    help = "Accounts: `users create NAME --role ROLE [--region CODE] [--unit NAME] [--token]`, `users list`, `users token NAME`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an account for any role")
        create.add_argument("name")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--region", help="GB/T 2260 code or Chinese name (a bureau's league)")
        create.add_argument("--unit", help="the organisation's name (created if new)")
        create.add_argument("--email", default="")
        create.add_argument("--password", help="default: a generated one, printed once")
        create.add_argument("--token", action="store_true", help="also issue an API token, printed alone on the last line")
        sub.add_parser("list", help="list accounts")
        token = sub.add_parser("token", help="issue a new API token for an account")
        token.add_argument("name")

    def handle(self, *args, action, **opts):
        try:
            if action == "create":
                user, password, raw = user_create(
                    username=opts["name"], role=opts["role"], region=opts["region"], unit=opts["unit"],
                    email=opts["email"], password=opts["password"], with_token=opts["token"],
                )
                self.stdout.write(f"created {user.username} role={user.role} region={user.region.code if user.region else '-'} "
                                  f"unit={user.unit.name if user.unit else '-'}")
                if password:
                    self.stdout.write(f"password: {password}")
                if raw:
                    self.stdout.write(raw)
            elif action == "list":
                for u in User.objects.select_related("region", "unit").order_by("username"):
                    self.stdout.write(f"{u.username}\t{u.role}\t{u.region.code if u.region else '-'}\t{u.unit.name if u.unit else '-'}")
            elif action == "token":
                user = User.objects.filter(username=opts["name"]).first()
                if user is None:
                    raise CommandError(f"no such user: {opts['name']}")
                _, raw = ApiToken.objects.issue(user, name="cli")
                self.stdout.write(raw)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
