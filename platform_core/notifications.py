"""In-app and email notifications with per-user delivery preferences.

Apps register their event codes once (in AppConfig.ready) so that users can choose,
per event, immediate email, a daily digest, in-app only, or nothing.
"""
from collections.abc import Iterable

from django.db import transaction
from django.utils.functional import Promise

from .activity import is_generating
from .models import Notification, NotificationPreference

EVENT_TYPES: dict[str, Promise | str] = {}


def register_event(code: str, label) -> None:
    EVENT_TYPES[code] = label


def delivery_for(user, event: str) -> str:
    pref = NotificationPreference.objects.filter(user=user, event=event).values_list("delivery", flat=True).first()
    return pref or NotificationPreference.Delivery.IMMEDIATE


def notify(*, recipients: Iterable, event: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create notifications for each distinct active recipient and email the 'immediate' ones after commit."""
    from .tasks import send_notification_email

    if event not in EVENT_TYPES:
        raise ValueError(f"Unregistered notification event {event!r}")
    if is_generating():
        return []
    created = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        delivery = delivery_for(user, event)
        if delivery == NotificationPreference.Delivery.OFF:
            continue
        notification = Notification.objects.create(
            recipient=user, event=event, title=str(title)[:200], body=str(body), url=url
        )
        created.append(notification)
        if delivery == NotificationPreference.Delivery.IMMEDIATE and user.email:
            transaction.on_commit(lambda pk=notification.pk: send_notification_email.delay(pk))
    return created
