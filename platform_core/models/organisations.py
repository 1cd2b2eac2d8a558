from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import validate_credit_code
from .taxonomy import IndustryNode, Region, TechField


class Role(models.TextChoices):
    TTO_STAFF = "tto_staff", _("Technology-transfer office staff")
    BROKER = "broker", _("Technology broker")
    RD_MANAGER = "rd_manager", _("R&D manager")
    RESEARCHER = "researcher", _("Researcher")
    STUDENT = "student", _("Student")
    MENTOR = "mentor", _("Mentor")
    PROGRAM_OFFICER = "program_officer", _("Program officer")
    FUND_MANAGER = "fund_manager", _("Fund manager")
    ORG_ADMIN = "org_admin", _("Organisation administrator")


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def where_member(self, user, roles=None):
        """Organisations in which `user` has an active membership (optionally in `roles`)."""
        memberships = Membership.objects.filter(user=user, is_active=True)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("organisation_id"))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University")
        RESEARCH_INSTITUTE = "institute", _("Research institute")
        GOVERNMENT = "government", _("Government agency")
        FINANCIAL = "financial", _("Financial institution")
        INTERMEDIARY = "intermediary", _("Intermediary")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, checked with its check digit; blank for organisations outside mainland China."),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="units",
        verbose_name=_("parent organisation"),
        help_text=_("For a school or college inside a university."),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations",
        verbose_name=_("region"),
    )
    industry_nodes = models.ManyToManyField(
        IndustryNode, blank=True, related_name="organisations", verbose_name=_("industry-chain positions")
    )
    fields = models.ManyToManyField(
        TechField, blank=True, related_name="organisations", verbose_name=_("technology fields")
    )
    is_fortune_global_500 = models.BooleanField(_("Fortune Global 500"), default=False)
    is_china_top_500 = models.BooleanField(_("China Top 500 enterprise"), default=False)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_zh", "id"]
        indexes = [models.Index(fields=["name_zh", "id"], name="organisation_name_order")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_unique_credit_code",
                violation_error_message=_("An organisation with this unified social credit code already exists."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """A user's role in an organisation; one row per role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name_zh", "user__username", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
