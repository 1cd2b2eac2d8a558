from django.core.management.base import BaseCommand

from matching import services
from matching.embeddings import dense_enabled


class Command(BaseCommand):
    help = "Rebuild the matching indexes and recompute every match (what the nightly task does)."

    def add_arguments(self, parser):
        parser.add_argument("--lexical", action="store_true",
                            help="Do not compute missing embeddings (fast; stored ones are still used).")

    def handle(self, *args, **options):
        counts = services.refresh_all(compute=dense_enabled() and not options["lexical"])
        for direction, count in counts.items():
            self.stdout.write(f"{direction}: {count}")
