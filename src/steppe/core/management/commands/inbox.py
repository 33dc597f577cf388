"""`steppe inbox digest`: the daily e-mail digest for users who chose it (idempotent: a notice is
e-mailed once, so a doubled run sends nothing)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "The inbox: `inbox digest` e-mails each digest reader the notices not yet e-mailed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("digest", help="send the daily digests")

    def handle(self, *args, **opts):
        from steppe.core.notifications import digests_send

        n = digests_send()
        self.stdout.write(f"digests sent: {n}")
