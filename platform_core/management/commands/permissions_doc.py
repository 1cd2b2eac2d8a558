"""Write docs/permissions.md from the permission matrix and the declared visibility rules."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from platform_core.permission_matrix import render_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Regenerate docs/permissions.md (who sees and does what) from platform_core/permission_matrix.py."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Exit 1 if the committed document is out of date.")

    def handle(self, *args, check=False, **options):
        text = render_markdown()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                self.stderr.write("docs/permissions.md is out of date: run manage.py permissions_doc")
                raise SystemExit(1)
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}")
