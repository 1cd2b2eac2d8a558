from uuid import uuid4

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChunkedRun(models.Model):
    """A long background job split into chunk tasks (the matching full pass): its plan, and when it finished.
    Its id is the Celery id of the task that started it, so a redelivered start finds its own run."""

    id = models.UUIDField(primary_key=True, default=uuid4, editable=False)
    name = models.CharField(_("job"), max_length=60)
    plan = models.JSONField(_("chunks planned"), default=list, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background run")
        verbose_name_plural = _("background runs")

    def __str__(self):
        return f"{self.name} {self.created_at:%Y-%m-%d %H:%M}"


class RunChunk(models.Model):
    """One chunk of a run, written in the same transaction as the chunk's work: done exactly once."""

    run = models.ForeignKey(ChunkedRun, on_delete=models.CASCADE, related_name="done_chunks")
    key = models.CharField(_("chunk"), max_length=120)
    result = models.JSONField(_("result"), default=dict, blank=True)
    done_at = models.DateTimeField(_("done"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="run_chunk_once")]
        verbose_name = _("run chunk")
        verbose_name_plural = _("run chunks")
