from django.core.management.base import BaseCommand, CommandError

from steppe.core.errors import DomainError
from steppe.core.models import ApiToken, User
from steppe.core.roles import Role
from steppe.core.services import token_revoke, user_create


class Command(BaseCommand):
    help = "Accounts: `users create NAME --role ROLE [--region CODE] [--unit NAME] [--token]`, `users list`, `users token NAME | list [NAME] | revoke PREFIX`."

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
        token = sub.add_parser(
            "token",
            help="API tokens: `token NAME` (or `token issue NAME`) issues one; `token list [NAME]` lists "
            "them (prefix, account, name, created, revoked); `token revoke PREFIX` revokes one",
        )
        token.add_argument("words", nargs="+", metavar="ARG")

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
                self._token(opts["words"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _token(self, words: list[str]) -> None:
        verb, rest = (words[0], words[1:]) if words[0] in {"list", "revoke", "issue"} else ("issue", words)
        if verb == "list":
            tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
            if rest:
                tokens = tokens.filter(user__username=rest[0])
            for t in tokens:
                revoked = t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else "-"
                self.stdout.write(
                    f"{t.prefix}\t{t.user.username}\t{t.name or '-'}\t{t.created_at.isoformat(timespec='seconds')}\t{revoked}"
                )
            return
        if len(rest) != 1:
            raise CommandError(f"usage: steppe users token {verb} {'PREFIX' if verb == 'revoke' else 'NAME'}")
        if verb == "revoke":
            token = token_revoke(prefix=rest[0])
            self.stdout.write(f"revoked {token.prefix}… of {token.user.username}")
            return
        user = User.objects.filter(username=rest[0]).first()
        if user is None:
            raise CommandError(f"no such user: {rest[0]}")
        _, raw = ApiToken.objects.issue(user, name="cli")
        self.stdout.write(raw)
