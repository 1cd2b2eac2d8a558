"""Reporting (issue 10): the fact table the dashboards read, recompute runs and stored reports.

`DailyFigure` holds one row per source record and metric: the day it counts on and its
dimensions (organisation and partner, region, industry-chain node, collaboration mode). The
dashboard sums `value` or counts distinct `subject_id` over these rows and never reads the
apps' tables on page load. `reporting/sources.py` says how every row is derived from records.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from platform_core.models import Region


class DailyFigure(models.Model):
    """One record's contribution to one metric on one day (dimension ids are plain integers:
    the table is rebuilt from the records, so it keeps no foreign keys that could block a delete)."""

    metric = models.CharField(_("metric"), max_length=40)
    day = models.DateField(_("day"))
    source = models.CharField(_("source"), max_length=30)
    record_id = models.PositiveIntegerField(_("record id"))
    subject_id = models.PositiveIntegerField(_("counted subject id"))
    organisation_id = models.PositiveIntegerField(_("organisation id"), null=True)
    partner_id = models.PositiveIntegerField(_("partner id"), null=True)
    province_id = models.PositiveIntegerField(_("province id"), null=True)
    region_id = models.PositiveIntegerField(_("region id"), null=True)
    chain_id = models.PositiveIntegerField(_("chain id"), null=True)
    node_id = models.PositiveIntegerField(_("node id"), null=True)
    mode = models.CharField(_("mode"), max_length=20, blank=True)
    until = models.DateField(_("in force until"), null=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [
            models.Index(fields=["metric", "day"], name="figure_metric_day"),
            models.Index(fields=["day"], name="figure_day"),
            models.Index(fields=["source", "record_id"], name="figure_source_record"),
            models.Index(fields=["organisation_id", "metric"], name="figure_org"),
            models.Index(fields=["partner_id", "metric"], name="figure_partner"),
            models.Index(fields=["province_id", "metric"], name="figure_province"),
        ]


class RecomputeRun(models.Model):
    """A (full or incremental) rebuild of the fact table, with its progress."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full recompute")
        INCREMENTAL = "incremental", _("Incremental refresh")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    days = models.PositiveIntegerField(_("days recomputed"), default=0)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="recompute_progress_0_100")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class StoredReport(models.Model):
    """A generated report (xlsx / PDF): scheduled monthly and quarterly per region, or asked for on the page.
    The file is kept in the database and served only through a permission-checked view."""

    class Period(models.TextChoices):
        MONTH = "month", _("Monthly")
        QUARTER = "quarter", _("Quarterly")
        CUSTOM = "custom", _("Requested")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (xlsx)"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.XLSX)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    scope_organisation_id = models.PositiveIntegerField(_("scoped to organisation"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_end_after_start"),
            # One scheduled report per period, region and format (the beat task may run twice).
            models.UniqueConstraint(fields=["period", "start", "region", "format"],
                                    condition=~Q(period="custom"), name="report_one_scheduled_per_period"),
        ]

    def __str__(self):
        return self.title
