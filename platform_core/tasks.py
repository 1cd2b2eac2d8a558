from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, NotificationPreference


@shared_task(name="platform.send_notification_email", acks_late=True, time_limit=60,
             autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification; does nothing if it is gone or was already emailed."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",)).select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True).first()
        )
        if notification is None or not notification.recipient.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=f"[1121] {notification.title}",
                message=render_to_string("platform/email/notification.txt",
                                         {"notification": notification, "site_url": settings.SITE_URL}),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(name="platform.send_daily_digests", acks_late=True, time_limit=30 * 60)
def send_daily_digests() -> int:
    """One email per user gathering the not-yet-emailed notifications of their 'digest' events."""
    digest_events = defaultdict(set)
    for user_id, event in NotificationPreference.objects.filter(
        delivery=NotificationPreference.Delivery.DIGEST
    ).values_list("user_id", "event"):
        digest_events[user_id].add(event)
    sent = 0
    for user_id, events in digest_events.items():
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                .filter(recipient_id=user_id, event__in=events, emailed_at__isnull=True)
                .order_by("created_at")
            )
            if not pending or not pending[0].recipient.email:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                send_mail(
                    subject=f"[1121] {len(pending)} 条新通知 / new notifications",
                    message=render_to_string("platform/email/digest.txt",
                                             {"notifications": pending, "site_url": settings.SITE_URL}),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[pending[0].recipient.email],
                )
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
            sent += 1
    return sent
