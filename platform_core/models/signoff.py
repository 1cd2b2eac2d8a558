"""Joint sign-off (双签字, generalised to N parties).

A request names the parties that must each approve; every party lists the people
authorised to sign for it. The request takes effect once every party has one
approval; any party may reject with a reason, which closes the request and sends
the item back. Signatures are never edited: a unique constraint allows one per
party, so two signers of the same side racing each other cannot both count.
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from .organisations import Organisation


class SignoffRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting signatures")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("decision"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("record type"))
    target_id = models.CharField(_("record id"), max_length=40)
    target = GenericForeignKey("target_type", "target_id")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"]),
                   models.Index(fields=["-created_at", "-id"], name="signoff_request_order")]
        verbose_name = _("sign-off request")
        verbose_name_plural = _("sign-off requests")
        constraints = [
            # At most one open request per decision on the same record.
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=models.Q(status="pending"),
                name="signoff_one_pending_per_target",
            ),
        ]

    def __str__(self):
        return self.title


class SignoffParty(models.Model):
    request = models.ForeignKey(
        SignoffRequest, on_delete=models.CASCADE, related_name="parties", verbose_name=_("request")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    label = models.CharField(pgettext_lazy("signoff", "side"), max_length=60)
    signatories = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="signoff_parties", verbose_name=_("authorised signatories")
    )
    # Who may sign is a rule (platform_core.signoff.AUTHORITIES), re-read whenever roles change and when
    # someone signs: `signatories` holds the people who hold that authority now. Empty: a fixed list.
    authority = models.CharField(_("signing authority"), max_length=40, blank=True)
    authority_params = models.JSONField(_("signing authority details"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("sign-off party")
        verbose_name_plural = _("sign-off parties")
        constraints = [
            models.UniqueConstraint(fields=["request", "organisation"], name="signoff_party_unique_org"),
        ]

    def __str__(self):
        return f"{self.label}: {self.organisation}"


class Signature(models.Model):
    class Verdict(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    request = models.ForeignKey(
        SignoffRequest, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("request")
    )
    party = models.ForeignKey(
        SignoffParty, on_delete=models.CASCADE, related_name="signatures", verbose_name=pgettext_lazy("signoff", "side")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("signer")
    )
    verdict = models.CharField(pgettext_lazy("signoff", "verdict"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("reason"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["party"], name="signature_one_per_party"),
            models.UniqueConstraint(fields=["request", "signer"], name="signature_one_per_signer"),
        ]

    def __str__(self):
        return f"{self.signer} {self.get_verdict_display()} ({self.party.label})"
