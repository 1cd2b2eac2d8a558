from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from platform_core.activity import generating
from platform_core.demo import DEMO_PASSWORD, USERS, DemoContext


class Command(BaseCommand):
    help = "Load realistic demo data (organisations, users for every role, and each app's records)."

    def handle(self, *args, **options):
        if get_user_model().objects.filter(username="admin").exists():
            self.stdout.write("Demo data is already loaded.")
            self.print_logins([])
            return
        ctx = DemoContext()
        # Demo records are not news: no notification, no e-mail (matching.demo runs its full pass itself).
        with generating(), transaction.atomic():
            for path in settings.DEMO_LOADERS:
                self.stdout.write(f"Loading {path} …")
                import_module(path).load(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_logins(ctx.notes)

    def print_logins(self, notes):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write("  admin        平台管理员 (superuser)")
        for username, (display, _email, roles) in USERS.items():
            described = ", ".join(sorted({str(role.label) for _org, role, _title in roles}))
            self.stdout.write(f"  {username:<12} {display} — {described}")
        for note in notes:
            self.stdout.write(f"  {note}")
