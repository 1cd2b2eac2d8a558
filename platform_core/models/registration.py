"""The way in: invitations, self-registration awaiting approval, single sign-on identities."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..validators import validate_credit_code
from .organisations import Organisation, Role
from .taxonomy import Region


class Invitation(models.Model):
    """An organisation admin invites an address to join with a role (邀请加入单位)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
        EXPIRED = "expired", pgettext_lazy("invitation", "Expired")
        REVOKED = "revoked", pgettext_lazy("invitation", "Revoked")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    # Bumped by every re-invitation: links sent before stop working.
    token_version = models.PositiveIntegerField(default=1)
    accepted_at = models.DateTimeField(pgettext_lazy("invitation", "accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="invitation_org_recent")]

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return self.Status.REVOKED
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class MembershipRequest(models.Model):
    """A pending membership: someone asks to join an organisation; its admin approves or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    class Source(models.TextChoices):
        REGISTRATION = "registration", _("Self-registration")
        CAS = "cas", _("CAS single sign-on")
        OIDC = "oidc", _("OIDC single sign-on")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_requests", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    message = models.CharField(_("message to the administrator"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.REGISTRATION)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], condition=Q(status="pending"),
                name="membership_request_one_pending",
                violation_error_message=_("You already asked to join this organisation."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="membership_request_queue")]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_role_display()})"


class OrganisationApplication(models.Model):
    """A new organisation registered by its first administrator, waiting for the platform to verify it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        APPROVED = "approved", _("Verified")
        REFUSED = "refused", _("Refused")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_applications",
        verbose_name=_("applicant"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Organisation.Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18,
                                   validators=[validate_credit_code])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    role = models.CharField(_("applicant's role"), max_length=20, choices=Role.choices, blank=True,
                            help_text=_("The applicant's own work role besides administrator."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("organisation created"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("organisation application")
        verbose_name_plural = _("organisation applications")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=Q(status="pending"), name="organisation_application_one_pending",
                violation_error_message=_("An application for this unified social credit code is already waiting."),
            ),
        ]

    def __str__(self):
        return f"{self.name_zh} ({self.credit_code})"


class ExternalIdentity(models.Model):
    """A user's identity at a single sign-on provider: (provider, issuer, subject) → user."""

    class Provider(models.TextChoices):
        CAS = "cas", "CAS"
        OIDC = "oidc", "OIDC"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities",
        verbose_name=_("user"),
    )
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    issuer = models.CharField(_("issuer"), max_length=300, help_text=_("CAS server URL or OIDC issuer."))
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "issuer", "subject"], name="external_identity_unique"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.subject}"


class RateLimitHit(models.Model):
    """One counted use of a limited action (a reset mail to an address, a registration from an IP).

    In the database rather than the cache so that every web process sees the same count.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="ratelimit_lookup")]
