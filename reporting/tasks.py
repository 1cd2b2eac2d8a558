"""Celery tasks of the reporting app: ids in, one service call, idempotent, acks_late."""
from celery import shared_task

from . import services


@shared_task(name="reporting.refresh_figures", acks_late=True, time_limit=30 * 60)
def refresh_figures() -> int:
    """Beat, every few minutes: recompute the days touched since the last run."""
    return services.figures_refresh().pk


@shared_task(name="reporting.recompute_figures", acks_late=True, time_limit=60 * 60)
def recompute_figures(run_id: int) -> int:
    """A full recompute (asked for by an administrator, and nightly through `nightly_recompute`)."""
    return services.figures_full_recompute(run_id=run_id).rows


@shared_task(name="reporting.nightly_recompute", acks_late=True, time_limit=60 * 60)
def nightly_recompute() -> int:
    """Beat, nightly: rebuild everything (changes the history tables do not record, e.g. a center's nodes)."""
    return services.figures_full_recompute(run_id=services.recompute_run_create().pk).rows


@shared_task(name="reporting.generate_report", acks_late=True, time_limit=30 * 60)
def generate_report(report_id: int) -> int:
    return services.report_generate(report_id=report_id).pk


@shared_task(name="reporting.scheduled_reports", acks_late=True, time_limit=60 * 60)
def scheduled_reports(period: str) -> list[int]:
    """Beat: create the monthly or quarterly reports per region, then generate each (one task per report)."""
    ids = services.scheduled_reports_create(period=period)
    for report_id in ids:
        generate_report.delay(report_id)
    return ids
