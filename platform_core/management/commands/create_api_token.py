"""Create an API token for a user from the command line (replaces DRF's drf_create_token): it expires and the
owner can revoke it at /accounts/tokens/."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from platform_core.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an expiring API token for USERNAME and print it (it is stored only hashed)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days (default API_TOKEN_DAYS)")

    def handle(self, *args, username, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            row, token = api_token_create(actor=user, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        self.stdout.write(token)
        self.stderr.write(f"expires {row.expiry:%Y-%m-%d %H:%M %Z}; revoke at /accounts/tokens/")
