"""Match results, user feedback, shared embeddings and the state of the persisted indexes.

Pages and the API read only `Match` rows; the Celery tasks in `tasks.py` write them.
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from platform_core.encoders import UnicodeJSONEncoder


class Direction(models.TextChoices):
    CHALLENGE_EXPERT = "challenge_expert", _("Challenge → experts")
    CHALLENGE_ACHIEVEMENT = "challenge_achievement", _("Challenge → achievements and patents")
    ACHIEVEMENT_ENTERPRISE = "achievement_enterprise", _("Achievement → enterprises")
    TALENT_ENTERPRISE = "talent_enterprise", _("Talent → enterprises and centers")


class Match(models.Model):
    """One ranked candidate for one source object (a challenge, an achievement or a talent profile)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    direction = models.CharField(_("direction"), max_length=30, choices=Direction.choices, db_index=True)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("source type"))
    source_id = models.PositiveBigIntegerField(_("source id"))
    source = GenericForeignKey("source_type", "source_id")
    candidate_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("candidate type"))
    candidate_id = models.PositiveBigIntegerField(_("candidate id"))
    candidate = GenericForeignKey("candidate_type", "candidate_id")
    score = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    explanation = models.JSONField(_("explanation"), default=dict, encoder=UnicodeJSONEncoder)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    # Recomputations rewrite score and explanation in bulk; history records the decisions.
    history = HistoricalRecords(excluded_fields=["score", "rank", "explanation", "computed_at"])

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["direction", "source_type", "source_id", "candidate_type",
                                            "candidate_id"], name="match_unique_per_direction"),
            models.CheckConstraint(condition=Q(score__gte=0), name="match_score_not_negative"),
            models.CheckConstraint(condition=Q(status="new") | Q(decided_at__isnull=False),
                                   name="match_decision_has_time"),
        ]
        indexes = [models.Index(fields=["source_type", "source_id", "direction"]),
                   models.Index(fields=["candidate_type", "candidate_id", "direction"])]

    def __str__(self):
        return f"{self.get_direction_display()}: {self.source_id} → {self.candidate_id}"

    @property
    def score_percent(self) -> int:
        return round(min(self.score, 1.0) * 100)


class MatchFeedback(models.Model):
    """A user's verdict on a match; kept even when the match is later recomputed."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("match"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="match_feedback", verbose_name=_("user"))
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")

    def __str__(self):
        return f"{self.get_verdict_display()} · {self.match_id}"


class TextEmbedding(models.Model):
    """A dense vector keyed by the engine's text hash, shared by every worker."""

    key = models.CharField(_("text hash"), max_length=40, unique=True)
    vector = models.BinaryField(_("float32 vector"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("text embedding")
        verbose_name_plural = _("text embeddings")

    def __str__(self):
        return self.key


class IndexState(models.Model):
    """Which build of a persisted index belongs to this database.

    The files in MATCHING_INDEX_DIR carry the same version; files of another database
    (or of a test run) do not match and the index is rebuilt from the database.
    """

    name = models.CharField(_("index"), max_length=40, unique=True)
    version = models.CharField(_("build version"), max_length=32)
    size = models.PositiveIntegerField(_("candidates"), default=0)
    dense_coverage = models.FloatField(_("share with embeddings"), default=0)
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("index state")
        verbose_name_plural = _("index states")

    def __str__(self):
        return self.name
