"""Writes of the reporting app: rebuilding the fact table, and generating reports.

The fact table is rebuilt from the records, never edited: a day range is recomputed by deleting
its rows and inserting them again inside one transaction (idempotent: running it twice gives the
same table). The incremental refresh finds the days touched since the last run through the
history tables; the full recompute rebuilds one source at a time, reporting its progress.
"""
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.audit import audit_log
from platform_core.permissions import require

from .models import DailyFigure, RecomputeRun, StoredReport
from .sources import SOURCES, Dimensions

logger = logging.getLogger(__name__)
BATCH = 2000


def _insert(facts) -> int:
    written, batch = 0, []
    for fact in facts:
        batch.append(DailyFigure(**fact))
        if len(batch) >= BATCH:
            DailyFigure.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        DailyFigure.objects.bulk_create(batch)
        written += len(batch)
    return written


@transaction.atomic
def figures_recompute_range(*, start: datetime.date, end: datetime.date, dims: Dimensions | None = None) -> int:
    """Rebuild every metric of the days start…end (inclusive); returns the rows written."""
    if end < start:
        raise ValidationError(_("The end of the range is before its start."))
    dims = dims or Dimensions.load()
    DailyFigure.objects.filter(day__gte=start, day__lte=end).delete()
    return sum(_insert(source.facts(dims, start, end)) for source in SOURCES)


def _ranges(days) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive days grouped into (first, last) ranges."""
    ranges = []
    for day in sorted(days):
        if ranges and day - ranges[-1][1] == datetime.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def touched_days(since: datetime.datetime) -> set[datetime.date]:
    """Days whose figures may have changed since `since`: the days the changed records count on now,
    and the days they counted on before (their rows in the fact table)."""
    days = set()
    for source in SOURCES:
        ids = set()
        for history, id_field in source.watch:
            ids |= set(history().filter(history_date__gte=since).exclude(**{id_field: None})
                       .values_list(id_field, flat=True).distinct())
        if not ids:
            continue
        ids = sorted(ids)
        for index in range(0, len(ids), 1000):
            chunk = ids[index:index + 1000]
            days |= source.days_of(chunk)
            days |= set(DailyFigure.objects.filter(source=source.name, record_id__in=chunk)
                        .values_list("day", flat=True).distinct())
    return days


def _finish(run: RecomputeRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.finished_at = timezone.now()
    run.save()


def figures_refresh(*, now: datetime.datetime | None = None) -> RecomputeRun:
    """The incremental refresh (Celery beat): recompute the days touched since the last run started.
    Without any earlier run the whole table is built."""
    now = now or timezone.now()
    last = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).order_by("-started_at").first()
    if last is None:
        return figures_full_recompute(run_id=recompute_run_create().pk)
    run = RecomputeRun.objects.create(kind=RecomputeRun.Kind.INCREMENTAL, status=RecomputeRun.Status.RUNNING,
                                      started_at=now)
    try:
        days = touched_days(last.started_at)
        dims = Dimensions.load() if days else None
        rows = sum(figures_recompute_range(start=first, end=last_day, dims=dims) for first, last_day in _ranges(days))
    except Exception as exc:
        _finish(run, status=RecomputeRun.Status.FAILED, error=str(exc)[:2000])
        raise
    _finish(run, status=RecomputeRun.Status.DONE, progress=100, days=len(days), rows=rows)
    return run


def recompute_run_create() -> RecomputeRun:
    """A full recompute the system itself starts (the nightly one)."""
    return RecomputeRun.objects.create(kind=RecomputeRun.Kind.FULL)


def figures_full_recompute(*, run_id: int) -> RecomputeRun:
    """Rebuild the whole table, one source per transaction, progress stored after each. Idempotent:
    a run already done is left alone, a run interrupted half-way is simply run again."""
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().get(pk=run_id)
        if run.status == RecomputeRun.Status.DONE:
            return run
        run.status, run.started_at, run.progress, run.rows = RecomputeRun.Status.RUNNING, timezone.now(), 0, 0
        run.save()
    try:
        dims = Dimensions.load()
        for index, source in enumerate(SOURCES, start=1):
            with transaction.atomic():
                DailyFigure.objects.filter(source=source.name).delete()
                run.rows += _insert(source.facts(dims))
            run.progress = round(100 * index / len(SOURCES))
            run.save(update_fields=["rows", "progress"])
        # Rows of a source that no longer exists would otherwise stay forever.
        DailyFigure.objects.exclude(source__in=[s.name for s in SOURCES]).delete()
    except Exception as exc:
        _finish(run, status=RecomputeRun.Status.FAILED, error=str(exc)[:2000])
        raise
    run.days = DailyFigure.objects.values("day").distinct().count()
    _finish(run, status=RecomputeRun.Status.DONE, progress=100)
    return run


@transaction.atomic
def recompute_request(*, actor) -> RecomputeRun:
    """A platform administrator asks for a full recompute; it runs in Celery (202 + progress)."""
    require(actor, "reporting.recompute", message=_("Only platform administrators may recompute the figures."))
    if RecomputeRun.objects.filter(kind=RecomputeRun.Kind.FULL,
                                   status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING]).exists():
        raise ValidationError(_("A full recompute is already under way."))
    run = RecomputeRun.objects.create(kind=RecomputeRun.Kind.FULL, requested_by=actor)
    audit_log(actor=actor, action="reporting.recompute", target=run)
    from .tasks import recompute_figures

    transaction.on_commit(lambda: recompute_figures.delay(run.pk))
    return run


# ---------------------------------------------------------------- reports


@transaction.atomic
def report_request(*, actor, filters: dict, scope_organisation_id: int | None, fmt: str, title: str) -> StoredReport:
    """A report asked for on the dashboard: stored, generated in Celery, its progress polled."""
    require(actor, "reporting.view_dashboard", message=_("You may not read the reporting dashboard."))
    if fmt not in StoredReport.Format.values:
        raise ValidationError(_("Unknown report format."))
    report = StoredReport.objects.create(
        period=StoredReport.Period.CUSTOM, format=fmt, start=filters["start"], end=filters["end"],
        filters={key: value for key, value in filters.items() if key not in {"start", "end"}},
        scope_organisation_id=scope_organisation_id, requested_by=actor, title=title[:200],
    )
    audit_log(actor=actor, action="reporting.report_request", target=report, format=fmt)
    from .tasks import generate_report

    transaction.on_commit(lambda: generate_report.delay(report.pk))
    return report


def report_generate(*, report_id: int) -> StoredReport:
    """Build the file of a stored report (idempotent: a report already done is left alone)."""
    from . import documents

    with transaction.atomic():
        report = StoredReport.objects.select_for_update().get(pk=report_id)
        if report.status == StoredReport.Status.DONE:
            return report
        report.status, report.progress = StoredReport.Status.RUNNING, 10
        report.save(update_fields=["status", "progress"])
    try:
        filename, content = documents.report_file(report, progress=lambda p: _report_progress(report, p))
    except Exception as exc:
        report.status, report.error, report.finished_at = StoredReport.Status.FAILED, str(exc)[:2000], timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        raise
    report.filename, report.content, report.status, report.progress = filename, content, StoredReport.Status.DONE, 100
    report.finished_at = timezone.now()
    report.save(update_fields=["filename", "content", "status", "progress", "finished_at"])
    return report


def _report_progress(report: StoredReport, percent: int) -> None:
    report.progress = percent
    report.save(update_fields=["progress"])


def previous_period(today: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    """The last complete month or quarter before `today`."""
    if period == StoredReport.Period.MONTH:
        end = today.replace(day=1) - datetime.timedelta(days=1)
        return end.replace(day=1), end
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = today.replace(month=first_month, day=1) - datetime.timedelta(days=1)
    return end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end


def scheduled_reports_create(*, period: str, today: datetime.date | None = None) -> list[int]:
    """Celery beat: the monthly or quarterly report of the last complete period, nationwide and for every
    province with figures, each created once (a second run finds them) and generated in the background."""
    from . import selectors

    if period not in (StoredReport.Period.MONTH, StoredReport.Period.QUARTER):
        raise ValidationError(_("Unknown report period."))
    start, end = previous_period(today or timezone.localdate(), period)
    created = []
    for region in [None, *selectors.provinces_with_figures()]:
        with transaction.atomic():
            report, made = StoredReport.objects.get_or_create(
                period=period, start=start, region=region, format=StoredReport.Format.XLSX,
                defaults={"end": end, "title": selectors.report_title(period, start, end, region)},
            )
        if made or report.status in (StoredReport.Status.QUEUED, StoredReport.Status.FAILED):
            created.append(report.pk)
    return created


def assert_may_read(user, report: StoredReport) -> None:
    """Program officers and administrators read every report, a leader the reports of their organisation."""
    from . import selectors

    scope = selectors.scope_for(user)
    if scope is None:
        raise PermissionDenied(_("You may not read the reporting dashboard."))
    if scope.organisation_ids is not None and report.scope_organisation_id not in scope.organisation_ids:
        raise PermissionDenied(_("This report belongs to another organisation."))
