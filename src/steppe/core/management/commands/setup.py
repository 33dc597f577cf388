import os
import secrets

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from steppe.core.models import User
from steppe.core.regions import regions_load
from steppe.core.roles import Role


class Command(BaseCommand):
    help = ("Prepares a database for use: migrates, loads the reference regions, the built-in plans and the "
            "published statistics when they are not loaded yet, and makes sure an administrator exists "
            "(STEPPE_ADMIN_USER / STEPPE_ADMIN_PASSWORD, or a generated password printed once). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, **opts):
        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("database migrated")
        result = regions_load()
        self.stdout.write(f"regions: {result['total']} ({result['created']} new)")
        # statistics first: the plan's targets are checked against the indicator dictionary
        if "stats" in get_commands():
            call_command("stats", "load-published", stdout=self.stdout)
        if "index" in get_commands():
            call_command("index", "load-indicators", stdout=self.stdout)
        call_command("plan", "load-builtin", stdout=self.stdout)
        if "registers" in get_commands():  # the platforms the plan names, once
            call_command("registers", "seed", stdout=self.stdout)
        self._ensure_admin()

    def _ensure_admin(self):
        username = os.environ.get("STEPPE_ADMIN_USER", "admin")
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"administrator '{username}' exists")
            return
        password = os.environ.get("STEPPE_ADMIN_PASSWORD")
        generated = password is None
        if generated:
            password = secrets.token_urlsafe(12)
        user = User(username=username, role=Role.DEPARTMENT, is_staff=True, is_superuser=True)
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"administrator created: {username}"))
        if generated:
            self.stdout.write(self.style.WARNING(f"  password (shown once): {password}"))
