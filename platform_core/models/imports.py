from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One upload of a spreadsheet, with its per-row error report. The file is checked (size, declared
    dimension, rows, headers) when it is uploaded, kept under `upload` until a Celery task has imported
    it, then deleted; `processed_rows` is the progress the page polls."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DONE)
    importer = models.CharField(_("importer"), max_length=200, blank=True)  # dotted path of the class
    upload = models.FileField(_("uploaded file"), upload_to="imports/%Y/%m/", blank=True, max_length=200)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_rows = models.PositiveIntegerField(_("created"), default=0)
    updated_rows = models.PositiveIntegerField(_("updated"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rejected"), default=0)
    file_error = models.TextField(_("file error"), blank=True)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        return min(99, self.processed_rows * 100 // self.total_rows) if self.total_rows else 0

    def __str__(self):
        return f"{self.kind} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
