"""In-app and email notifications, stored as an event and its parameters, read in the recipient's language.

Apps register their events once (in `<app>/events.py`), with the sentences that tell them:

    register_event("projects.new_bid", _("New bid"),
                   title=_("New bid on %(challenge)s from %(team)s"),
                   grouped=_("%(count)s new bids on %(challenge)s"), group_by=("challenge",),
                   challenge=Ref("projects.Challenge"))

and services call

    notify(recipients=reviewers, event="projects.new_bid", params={"challenge": challenge, "team": bid.team_name},
           url=…)

Parameters are stored as JSON (objects by model and id), never as text written in the actor's
language; the title and body are rendered when someone reads them: in the inbox and the API in the
reader's language, in e-mails under the recipient's `language`. Repeated events of a registered
`group_by` key join the recipient's unread entry of the last `NOTIFICATION_GROUP_HOURS` and raise
its count instead of adding rows. Users choose per event: immediate e-mail, a daily digest, in-app
only, or nothing. `title=`/`body=` text is still accepted (kept as fallback text; used for rows made
before events had parameters).
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from .activity import is_generating
from .models import Notification, NotificationPreference
from .sentences import Item, Sentence, render_sentences, to_param


@dataclass(frozen=True)
class EventSpec:
    label: Promise | str
    title: Promise | str | Callable | None = None
    body: Promise | str | Callable | None = None
    grouped: Promise | str | None = None           # title of an entry gathering several events (%(count)s)
    group_by: tuple | None = None                  # parameter names forming the grouping key; None: never group
    group_url: str | Callable | None = None        # where a group with several targets links to
    accumulate: tuple = ()                         # numeric parameters summed when events are grouped
    params: dict = field(default_factory=dict)     # resolvers (sentences.Ref, Choice, Fields)


EVENTS: dict[str, EventSpec] = {}
EVENT_TYPES: dict[str, Promise | str] = {}  # code → label, for the preferences form and the API


def register_event(code: str, label, *, title=None, body=None, grouped=None, group_by=None, group_url=None,
                   accumulate=(), **params) -> None:
    EVENTS[code] = EventSpec(label=label, title=title, body=body, grouped=grouped,
                             group_by=tuple(group_by) if group_by is not None else None,
                             group_url=group_url, accumulate=tuple(accumulate), params=params)
    EVENT_TYPES[code] = label


def delivery_for(user, event: str) -> str:
    pref = NotificationPreference.objects.filter(user=user, event=event).values_list("delivery", flat=True).first()
    return pref or NotificationPreference.Delivery.IMMEDIATE


def group_window() -> timedelta:
    return timedelta(hours=getattr(settings, "NOTIFICATION_GROUP_HOURS", 24))


def _group_key(spec: EventSpec, params: dict) -> str:
    if spec.group_by is None:
        return ""
    parts = []
    for name in spec.group_by:
        value = params.get(name)
        parts.append(f"{value['$ref']}:{value['pk']}" if isinstance(value, dict) and "$ref" in value else str(value))
    return "|".join(["*", *parts])[:200]


def _resolve_url(url, params):
    return url(params) if callable(url) else (url or "")


def notify(*, recipients: Iterable, event: str, params: dict | None = None, url: str = "",
           title: str = "", body: str = "") -> list[Notification]:
    """Notify each distinct active recipient; repeated events join an unread group; e-mail 'immediate' after commit."""
    if event not in EVENTS:
        raise ValueError(f"Unregistered notification event {event!r}")
    if is_generating():
        return []
    with transaction.atomic():  # the group row is locked while it takes the new event
        return _notify(spec=EVENTS[event], event=event, recipients=recipients, params=params, url=url,
                       title=title, body=body)


def _notify(*, spec, event, recipients, params, url, title, body) -> list[Notification]:
    from .tasks import send_notification_email

    # Old-style calls (title/body text, no params) keep their text: it is what the reader sees.
    stored = None if params is None and title else to_param(params or {})
    key = _group_key(spec, stored) if stored is not None else ""
    now = timezone.now()
    touched = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        delivery = delivery_for(user, event)
        if delivery == NotificationPreference.Delivery.OFF:
            continue
        group = None
        if key:
            group = (Notification.objects.select_for_update()
                     .filter(recipient=user, event=event, group_key=key, read_at__isnull=True,
                             created_at__gte=now - group_window())
                     .order_by("-last_at", "-id").first())
        if group is not None:
            merged = dict(stored or {})
            for name in spec.accumulate:
                try:
                    merged[name] = int((group.params or {}).get(name) or 0) + int(stored.get(name) or 0)
                except (TypeError, ValueError):
                    pass
            group.params, group.count, group.last_at = merged, group.count + 1, now
            if url and group.url != url:
                group.url = _resolve_url(spec.group_url, stored) or url
            fields = ["params", "count", "last_at", "url"]
            if delivery == NotificationPreference.Delivery.DIGEST:
                group.emailed_at = None  # the next digest tells the new count
                fields.append("emailed_at")
            group.save(update_fields=fields)
            touched.append(group)
            continue  # an immediate e-mail went out for this group already
        notification = Notification.objects.create(
            recipient=user, event=event, params=stored, group_key=key, last_at=now,
            title=str(title)[:200], body=str(body), url=url,
        )
        touched.append(notification)
        if delivery == NotificationPreference.Delivery.IMMEDIATE and user.email:
            transaction.on_commit(lambda pk=notification.pk: send_notification_email.delay(pk))
    return touched


# ---------------------------------------------------------------- reading


def _template(value, params):
    return value(params) if callable(value) and not isinstance(value, Promise) else value


def render_notifications(notifications, *, reader=None, html: bool = False) -> list:
    """Set `.rendered_title` and `.rendered_body` on each notification, in the active language, in bulk."""
    notifications = list(notifications)
    items, slots = [], []
    for n in notifications:
        spec = EVENTS.get(n.event)
        if n.params is None or spec is None or spec.title is None:
            n.rendered_title, n.rendered_body = n.title or str(EVENT_TYPES.get(n.event, n.event)), n.body
            continue
        values = {**n.params, "count": n.count}
        title = _template(spec.grouped if n.count > 1 and spec.grouped else spec.title, n.params)
        items.append(Item(Sentence(title, spec.params), values))
        slots.append((n, "rendered_title"))
        body = _template(spec.body, n.params)
        if body:
            items.append(Item(Sentence(body, spec.params), values))
            slots.append((n, "rendered_body"))
        else:
            n.rendered_body = ""
    for (n, attr), text in zip(slots, render_sentences(items, reader=reader, html=html), strict=True):
        setattr(n, attr, "" if attr == "rendered_body" and text.strip() == "—" else text)  # an empty note
    return notifications


def recipient_language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE
