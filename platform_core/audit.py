"""The audit trail: named business actions, stored as codes and data, read as sentences.

Services call `audit_log(actor=…, action="bid.score", target=challenge, bid=bid.pk, total="72.00")`
inside their transaction. Each app registers how its actions read (in `<app>/events.py`,
imported by the core at start-up):

    register_action("bid.score", _("%(actor)s scored %(bid)s: %(total)s"), bid=Ref("projects.Bid"))

`actor` and `target` are always available to the template. `audit_sentences(events, reader=…)`
renders a whole trail in bulk, in the active language, linking the objects the reader may see;
an action nobody registered still reads as a sentence (never as a dict).
"""
import sys

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from .models import AuditEvent
from .sentences import Item, Sentence, obj_value, render_sentences

ACTIONS: dict[str, Sentence] = {}
ACTION_ORIGINS: dict[str, str] = {}  # code → the module that registered it (tests check each app's)


def register_action(code: str, text, **params) -> None:
    """Register how one audit action reads; `params` say how to resolve its stored data (sentences.Ref…)."""
    ACTIONS[code] = Sentence(text=text, params=params)
    ACTION_ORIGINS[code] = sys._getframe(1).f_globals.get("__name__", "")


def audit_log(*, actor, action: str, target, **data) -> AuditEvent:
    """Record a named business action; call it inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        data=data,
    )


def audit_trail(target):
    """The audit events of one record, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def _generic(values) -> str:
    return _("%(actor)s recorded “%(action)s” on %(target)s")


def audit_items(events) -> list[Item]:
    items = []
    for event in events:
        values = dict(event.data) if isinstance(event.data, dict) else {"details": event.data}
        values.setdefault("data_keys", sorted(values))  # for actions whose data are the changed fields
        ct = ContentType.objects.get_for_id(event.target_type_id)  # cached by Django after the first
        values["target"] = obj_value(f"{ct.app_label}.{ct.model}", event.target_id, missing=event.target_repr)
        values["actor"] = str(event.actor) if event.actor_id else _("The platform")
        sentence = ACTIONS.get(event.action)
        if sentence is None:
            values["action"] = event.action.replace("_", " ").replace(".", " · ")
        items.append(Item(sentence=sentence, values=values, fallback=_generic))
    return items


def audit_sentences(events, *, reader=None, html: bool = True) -> list[tuple[AuditEvent, str]]:
    """Each event with its sentence, in the active language; queries do not grow with the events."""
    events = list(events)
    return list(zip(events, render_sentences(audit_items(events), reader=reader, html=html), strict=True))
