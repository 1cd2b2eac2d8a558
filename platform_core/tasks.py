"""E-mail of notifications. Rows are marked e-mailed and committed before sending is attempted:
a crash or a redelivered task may lose one e-mail, never send it twice."""
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .models import Notification, NotificationPreference
from .notifications import recipient_language, render_notifications


def site_link(url: str) -> str:
    """An absolute link for e-mails: the configured site address (settings.SITE_URL) and the path."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def _claim(rows) -> list[Notification]:
    """Mark these rows e-mailed now and commit (the caller's atomic block ends right after)."""
    rows = list(rows)
    if rows:
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    return rows


@shared_task(name="platform.send_notification_email", acks_late=True, time_limit=60)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification in its recipient's language; does nothing if it is gone or was already e-mailed."""
    with transaction.atomic():
        rows = _claim(Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                      .filter(pk=notification_id, emailed_at__isnull=True, recipient__email__gt=""))
    if not rows:
        return False
    [notification] = rows
    user = notification.recipient
    with translation.override(recipient_language(user)):
        render_notifications([notification], reader=user)
        send_mail(
            subject=f"[1121] {notification.rendered_title}",
            message=render_to_string("platform/email/notification.txt",
                                     {"notification": notification, "link": site_link(notification.url),
                                      "preferences": site_link("/notifications/preferences/")}),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    return True


@shared_task(name="platform.send_daily_digests", acks_late=True, time_limit=30 * 60)
def send_daily_digests() -> int:
    """One e-mail per user with the not-yet-e-mailed (grouped) notifications of their 'digest' events."""
    digest_events = defaultdict(set)
    for user_id, event in NotificationPreference.objects.filter(
        delivery=NotificationPreference.Delivery.DIGEST
    ).values_list("user_id", "event"):
        digest_events[user_id].add(event)
    users = get_user_model().objects.filter(pk__in=digest_events, is_active=True).exclude(email="").in_bulk()
    sent = 0
    for user_id, events in digest_events.items():
        user = users.get(user_id)
        if user is None:
            continue
        with transaction.atomic():
            pending = _claim(Notification.objects.select_for_update(of=("self",))
                             .filter(recipient_id=user_id, event__in=events, emailed_at__isnull=True)
                             .order_by("last_at", "id"))
        if not pending:
            continue
        with translation.override(recipient_language(user)):
            render_notifications(pending, reader=user)
            for n in pending:
                n.link = site_link(n.url)
            send_mail(
                subject="[1121] " + ngettext("%(count)d new notification", "%(count)d new notifications",
                                             len(pending)) % {"count": len(pending)},
                message=render_to_string("platform/email/digest.txt", {
                    "notifications": pending, "preferences": site_link("/notifications/preferences/")}),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
        sent += 1
    return sent


@shared_task(name="platform.run_import", acks_late=True, time_limit=30 * 60, soft_time_limit=28 * 60)
def run_import(import_run_id: int) -> str:
    """Import a checked, kept spreadsheet (TabularImporter.start); a run already finished is left alone."""
    from .importing import process_stored_import

    run = process_stored_import(import_run_id)
    return run.status if run else "missing"
