from django.core.management.base import BaseCommand

from matching import services
from matching.embeddings import dense_enabled


class Command(BaseCommand):
    help = "Rebuild the matching indexes and recompute every match (what the nightly task does)."

    def add_arguments(self, parser):
        parser.add_argument("--lexical", action="store_true",
                            help="Do not compute missing embeddings (fast; stored ones are still used).")

    def handle(self, *args, **options):
        report = services.refresh_all(compute=dense_enabled() and not options["lexical"])
        for direction, figures in report["directions"].items():
            self.stdout.write(f"{direction}: {figures['stored']} matches for {figures['sources']} sources "
                              f"in {figures['seconds']} s")
        self.stdout.write(f"indexes built in {report['indexes_seconds']} s; {report['embedded']} texts embedded; "
                          f"{report['notifications']} notifications; {report['seconds']} s in all")
