from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.CharField(_("event"), max_length=80, db_index=True)
    # The event's parameters (objects as {"$ref": model, "pk": id}); title and body are written from them at
    # read time in the reader's language. None for rows made before that: their stored text is shown.
    params = models.JSONField(_("parameters"), null=True, blank=True)
    # Repeated events with the same key join one unread entry and raise its count (see notifications.notify).
    group_key = models.CharField(_("grouping key"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("events"), default=1)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Fallback text."))
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    last_at = models.DateTimeField(_("latest event at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-last_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["recipient", "-last_at", "-id"], name="notification_inbox_order"),
                   models.Index(fields=["recipient", "event", "group_key", "read_at"], name="notification_group")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.title or f"{self.event} ×{self.count}"


class NotificationPreference(models.Model):
    """How a user wants one kind of event delivered; no row means the default (immediate)."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("In the platform and by email at once")
        DIGEST = "digest", _("In the platform, email in a daily digest")
        IN_APP = "in_app", _("In the platform only")
        OFF = "off", _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
        verbose_name=_("user"),
    )
    event = models.CharField(_("event"), max_length=80)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_pref_unique")]
