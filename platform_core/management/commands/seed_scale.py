"""`manage.py seed_scale --scale F [--seed N]`: data at scale, through the services (see platform_core/scale.py)."""
import argparse
import gc
import math
import resource
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from platform_core.activity import generating
from platform_core.scale import DEFAULT_SEED, MARKER_USERNAME, Clock, ScaleContext


def scale_factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number greater than 0 (e.g. 1, 0.1, 0.01), not “{text}”")
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number greater than 0 (e.g. 1, 0.1, 0.01), not “{text}”")
    return value


class Command(BaseCommand):
    help = ("Build a realistic, reproducible data set whose 1121 figures are the seed's figures times --scale, "
            "through the project's services (on an empty database, or on top of load_demo).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=scale_factor, default=1.0,
                            help="Multiply every count by F (default 1: the figures of seed 001).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"Random seed; the same seed makes the same data (default {DEFAULT_SEED}).")

    def handle(self, *args, scale: float, seed: int, **options):
        if get_user_model().objects.filter(username=MARKER_USERNAME).exists():
            raise CommandError(
                f"seed_scale data is already present (user “{MARKER_USERNAME}” exists). Run it on a freshly "
                "migrated database, e.g. DATABASE_URL=sqlite:////tmp/scale.sqlite3 manage.py migrate first.")
        modules = [(path, import_module(path)) for path in settings.SCALE_LOADERS]
        ctx = ScaleContext(scale=scale, seed=seed, write=self.stdout.write)
        before = {f.label: f.value for _path, module in modules for f in module.figures(ctx)}
        self.stdout.write(f"seed_scale: scale {scale:g}, seed {seed}")
        started, cpu = time.monotonic(), time.process_time()
        timings = self.generate(ctx, modules)
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        self.print_figures(ctx, modules, before)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write("\nTime: " + ", ".join(f"{p.split('.')[0]} {t:.0f} s" for p, t in timings))
        self.stdout.write(self.style.SUCCESS(f"seed_scale finished in {elapsed / 60:.1f} min ({elapsed:.0f} s; "
                                             f"CPU {cpu / 60:.1f} min), peak memory {peak:.0f} MB."))
        self.stdout.write("Matching was not run; compute the matches with `manage.py matching_recompute`.")

    def generate(self, ctx, modules) -> list[tuple[str, float]]:
        timings = []
        debug, thresholds = settings.DEBUG, gc.get_threshold()
        # No per-query log while generating (it costs time; the data set is millions of queries), and
        # fewer garbage-collector passes over the long-lived registries (about 8 % of the time).
        settings.DEBUG = False
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 1000)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")   # this connection only: 256 MB of page cache
        try:
            # Generated activity is not news: no notifications, e-mails or per-save matching refreshes.
            with generating(), Clock().installed() as clock:
                ctx.clock = clock
                for path, module in modules:
                    self.stdout.write(f"{path} …")
                    step = time.monotonic()
                    module.load(ctx)
                    timings.append((path, time.monotonic() - step))
                    self.stdout.write(f"  {path} done in {timings[-1][1]:.0f} s")
        finally:
            settings.DEBUG = debug
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        return timings

    def print_figures(self, ctx, modules, before):
        rows, wrong = [], []
        for _path, module in modules:
            for figure in module.figures(ctx):
                expected = figure.expected
                base = before.get(figure.label)
                if isinstance(expected, int) and isinstance(base, int):
                    expected += base
                ok = expected is None or figure.value == expected
                rows.append((figure.label, figure.value, "" if expected is None else expected, "" if ok else "≠"))
                if not ok:
                    wrong.append(figure.label)
        width = max(len(str(r[0])) for r in rows)
        self.stdout.write(f"\n{'figure (counted by the project selectors)':<{width}}  {'value':>12}  {'expected':>10}")
        for label, value, expected, mark in rows:
            value_text = f"{value:,}" if isinstance(value, int) else str(value)
            expected_text = f"{expected:,}" if isinstance(expected, int) else str(expected)
            self.stdout.write(f"{label:<{width}}  {value_text:>12}  {expected_text:>10} {mark}")
        if wrong:
            self.stdout.write(self.style.WARNING(f"{len(wrong)} figure(s) differ from the plan: {', '.join(wrong)}"))
