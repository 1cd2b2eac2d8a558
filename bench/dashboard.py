"""Reporting benchmark (issue 10): dashboard page and KPI API server time, full recompute, quarterly xlsx,
with the pre-aggregated fact table and with aggregation switched off (direct queries).

    python bench/dashboard.py --db postgres://platform:platform@127.0.0.1/report_bench [--requests 200]

The database must hold `seed_scale` data (e.g. `manage.py seed_scale --scale 0.05`). The full recompute
rewrites the fact table of that database; nothing else is written except one stored report, removed
again. Requests go through the Django test client in-process (server time: middleware, views,
queries, templates), as a program officer, cycling through a mix of filters (periods, provinces,
chains, nodes, modes, organisations). "Aggregation off" answers each request from the raw records:
the rows of the requested period are derived from the apps' tables (reporting/sources.py) inside a
transaction that is rolled back, then read — what every page load would cost without the table.
The fact-table figures are given without and with the per-data-version cache
(REPORTING_CACHE_SECONDS; the filter mix repeats, as a dashboard's visitors do).
Targets of the issue (PostgreSQL, seed_scale --scale 10): page p95 ≤ 150 ms, API p95 ≤ 50 ms,
recompute ≤ 120 s, quarterly xlsx ≤ 30 s. Figures are also written to --json.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def filter_mix():
    """Query strings: all time, years, quarters, months, ranges × provinces, chains, nodes, modes, organisations."""
    from platform_core.models import IndustryChain, IndustryNode, Organisation, Region
    from reporting.models import DailyFigure

    provinces = list(DailyFigure.objects.exclude(province_id=None).order_by().values_list("province_id", flat=True)
                     .distinct()[:6])
    provinces = list(Region.objects.filter(pk__in=provinces).values_list("pk", flat=True))
    chains = list(IndustryChain.objects.values_list("pk", flat=True)[:4])
    nodes = list(IndustryNode.objects.values_list("pk", flat=True)[:6])
    orgs = list(Organisation.objects.filter(kind="enterprise", parent=None).values_list("pk", flat=True)[:4])
    today = datetime.date.today()
    periods = [{}, {"year": today.year - 1}, {"year": today.year - 2, "quarter": 2}, {"year": today.year - 1, "month": 6},
               {"start": f"{today.year - 3}-03-01", "end": f"{today.year - 1}-10-31"}]
    extras = [{}] + [{"province": p} for p in provinces] + [{"chain": c} for c in chains] + \
        [{"node": n} for n in nodes] + [{"mode": "enterprise_led"}, {"mode": "government_led"}] + \
        [{"organisation": o} for o in orgs] + ([{"province": provinces[0], "chain": chains[0]}] if provinces and chains else [])
    mix = []
    for i in range(max(len(periods), len(extras))):
        mix.append({**periods[i % len(periods)], **extras[i % len(extras)]})
    return mix


def timed_requests(client, url: str, mix: list[dict], n: int, *, direct: bool) -> list[float]:
    from django.db import transaction

    from reporting import services
    from reporting.filters import ReportFilterForm

    class Rollback(Exception):
        pass

    times = []
    client.get(url)  # warm
    for i in range(n):
        params = mix[i % len(mix)]
        started = time.perf_counter()
        if direct:
            try:
                with transaction.atomic():
                    form = ReportFilterForm(params)
                    form.is_valid()
                    filters = form.filters()
                    first = filters.start or datetime.date(1990, 1, 1)
                    services.figures_recompute_range(start=first, end=filters.end)
                    response = client.get(url, params)
                    raise Rollback
            except Rollback:
                pass
        else:
            response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="DATABASE_URL of a database holding seed_scale data")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--direct-requests", type=int, default=40,
                        help="requests with aggregation off (each one derives the period from the raw tables)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "out" / "dashboard.json"))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from platform_core.models import Membership
    from reporting import services
    from reporting.models import DailyFigure, StoredReport

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    figures = {"database": args.db.rsplit("@", 1)[-1]}

    started = time.perf_counter()
    run = services.figures_full_recompute(run_id=services.recompute_run_create().pk)
    figures["recompute_s"] = round(time.perf_counter() - started, 2)
    figures["fact_rows"] = DailyFigure.objects.count()
    print(f"full recompute: {figures['recompute_s']} s, {run.rows:,} rows")

    officer = Membership.objects.filter(role="program_officer", is_active=True).first().user
    client = Client()
    client.force_login(officer)
    mix = filter_mix()
    for label, url in (("page", "/reporting/"), ("api", "/api/reporting/figures/")):
        settings.REPORTING_CACHE_SECONDS = 0
        uncached = timed_requests(client, url, mix, args.requests, direct=False)
        direct = timed_requests(client, url, mix, args.direct_requests, direct=True)
        settings.REPORTING_CACHE_SECONDS = 300
        cached = timed_requests(client, url, mix, args.requests, direct=False)
        for name, times in (("", uncached), ("_cached", cached), ("_direct", direct)):
            figures[f"{label}{name}_p95_ms"] = round(p95(times), 1)
            figures[f"{label}{name}_median_ms"] = round(statistics.median(times), 1)
        print(f"{label}: fact table p95 {figures[f'{label}_p95_ms']} ms (median {figures[f'{label}_median_ms']}) "
              f"over {len(uncached)} requests; cached per data version p95 {figures[f'{label}_cached_p95_ms']} ms "
              f"(median {figures[f'{label}_cached_median_ms']}); aggregation off: p95 "
              f"{figures[f'{label}_direct_p95_ms']} ms over {len(direct)}")

    start, end = services.previous_period(timezone.localdate(), "quarter")
    for label, direct in (("xlsx", False), ("xlsx_direct", True)):
        report = StoredReport.objects.create(period="custom", start=start, end=end, title="bench quarterly report")
        began = time.perf_counter()
        if direct:
            from django.db import transaction

            with transaction.atomic():
                services.figures_recompute_range(start=start, end=end)
                services.report_generate(report_id=report.pk)
                transaction.set_rollback(True)
        else:
            services.report_generate(report_id=report.pk)
        figures[f"quarterly_{label}_s"] = round(time.perf_counter() - began, 2)
        StoredReport.objects.filter(pk=report.pk).delete()
    print(f"quarterly xlsx ({start} – {end}): {figures['quarterly_xlsx_s']} s; aggregation off: "
          f"{figures['quarterly_xlsx_direct_s']} s")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
