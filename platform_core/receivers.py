"""Pending sign-offs follow role changes: whoever holds a side's authority now is its signatory."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership, SignoffParty, SignoffRequest
from .signoff import refresh_pending_signatories, refresh_signatories


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    refresh_pending_signatories([instance.organisation_id])


@receiver(post_save, sender=get_user_model())
def user_changed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "is_active" not in update_fields):
        return
    parties = SignoffParty.objects.filter(signatories=instance, request__status=SignoffRequest.Status.PENDING,
                                          signatures__isnull=True).exclude(authority="")
    with transaction.atomic():
        for party in parties.select_related("request"):
            refresh_signatories(party)
