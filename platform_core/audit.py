from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


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
