from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One upload of a spreadsheet, with its per-row error report."""

    kind = models.CharField(_("kind"), max_length=40)
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

    def __str__(self):
        return f"{self.kind} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
