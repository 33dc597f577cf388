from django.core.management.base import BaseCommand

from steppe.core.regions import regions_load


class Command(BaseCommand):
    help = "Reference regions: `regions load` creates or updates 全国, the region, its 12 leagues and 103 counties."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load or update the reference regions (idempotent)")

    def handle(self, *args, action, **opts):
        result = regions_load()
        self.stdout.write(f"regions: {result['created']} created, {result['updated']} updated, {result['total']} in all")
