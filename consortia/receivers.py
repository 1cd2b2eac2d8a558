"""A center's directors and chief scientists sign for its sides: pending sign-offs follow appointments."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from platform_core.signoff import refresh_pending_signatories

from .models import CenterMember


@receiver(post_save, sender=CenterMember)
@receiver(post_delete, sender=CenterMember)
def center_position_changed(sender, instance, **kwargs):
    center = instance.center
    refresh_pending_signatories([center.enterprise_id, center.university_id])
