"""Joint R&D centers (一中心) and innovation consortia (创新联合体).

A center is run under 双管理、双首席、双签字: one director and one chief scientist
per side (enterprise and university). Their decisions go through the core's
N-party sign-off (`platform_core.signoff`); `consortia.selectors.center_parties`
names who may sign for each side.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from platform_core.models import IndustryNode, Organisation, TechField


class Side(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise side")
    UNIVERSITY = "university", _("University side")


class JointCenter(models.Model):
    """校企深度融合研发中心: the enterprise decides, invests, organises and commercialises."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("In preparation")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="centers_as_enterprise", verbose_name=_("enterprise"),
        limit_choices_to={"kind": Organisation.Kind.ENTERPRISE},
    )
    university = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="centers_as_university",
        verbose_name=_("university or institute"),
        limit_choices_to={"kind__in": [Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE]},
    )
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_start = models.DateField(_("agreement starts"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement ends"), null=True, blank=True)
    funding_commitment = models.DecimalField(
        _("enterprise funding commitment (CNY)"), max_digits=16, decimal_places=2, default=0,
    )
    research_directions = models.TextField(_("research directions"), blank=True,
                                           help_text=_("One direction per line."))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    industry_nodes = models.ManyToManyField(IndustryNode, blank=True, related_name="centers",
                                            verbose_name=_("industry-chain positions"))
    fields = models.ManyToManyField(TechField, blank=True, related_name="centers",
                                    verbose_name=_("technology fields"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["name_zh", "id"]
        indexes = [models.Index(fields=["name_zh", "id"], name="center_by_name")]
        verbose_name = _("joint R&D center")
        verbose_name_plural = _("joint R&D centers")
        constraints = [
            models.CheckConstraint(condition=Q(funding_commitment__gte=0), name="center_funding_not_negative"),
            models.CheckConstraint(
                condition=Q(agreement_start__isnull=True) | Q(agreement_end__isnull=True)
                | Q(agreement_end__gte=F("agreement_start")),
                name="center_agreement_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(enterprise=F("university")), name="center_two_different_sides"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def direction_list(self) -> list[str]:
        return [line.strip() for line in self.research_directions.splitlines() if line.strip()]

    def organisation_of(self, side: str) -> Organisation:
        return self.enterprise if side == Side.ENTERPRISE else self.university


class CenterDecision(models.Model):
    """A decision of the center's joint management (共同管理): its annual plan, its annual budget or its research
    directions, taken by a sign-off of both sides (and of an intermediary, when one co-signs). An approved set of
    research directions becomes the center's."""

    class Kind(models.TextChoices):
        ANNUAL_PLAN = "annual_plan", _("Annual plan (年度计划)")
        BUDGET = "budget", _("Annual budget (年度预算)")
        DIRECTIONS = "directions", _("Research directions (研究方向)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting signatures")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Sent back")

    center = models.ForeignKey(JointCenter, on_delete=models.CASCADE, related_name="decisions",
                               verbose_name=_("joint R&D center"))
    kind = models.CharField(_("decision"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    content = models.TextField(_("content"), help_text=_("The plan, the budget's breakdown, or one research "
                                                         "direction per line."))
    amount = models.DecimalField(_("budget (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True)
    co_signer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("co-signing intermediary"),
                                  help_text=_("A technology-transfer center or agency that co-signs, if any."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("center decision")
        verbose_name_plural = _("center decisions")
        constraints = [
            models.UniqueConstraint(fields=["center", "kind"], condition=Q(status="pending"),
                                    name="center_decision_one_pending_per_kind"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0),
                                   name="center_decision_budget_positive"),
        ]

    def __str__(self):
        return f"{self.center} · {self.get_kind_display()}{f' {self.year}' if self.year else ''}"


class CenterMember(models.Model):
    """A person's position in a center, on one side (双管理、双首席)."""

    class Position(models.TextChoices):
        DIRECTOR = "director", _("Director")
        CHIEF_SCIENTIST = "chief_scientist", _("Chief scientist")
        MEMBER = "member", _("Member")

    center = models.ForeignKey(JointCenter, on_delete=models.CASCADE, related_name="members",
                               verbose_name=_("center"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="center_positions",
                             verbose_name=_("person"))
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["center", "side", "position", "id"]
        verbose_name = _("center member")
        verbose_name_plural = _("center members")
        constraints = [
            # Exactly one director and one chief scientist per side (two directors, 双首席).
            models.UniqueConstraint(
                fields=["center", "side", "position"], condition=~Q(position="member"),
                name="center_one_leader_per_side_and_position",
            ),
            models.UniqueConstraint(fields=["center", "user", "position"], name="center_member_unique_position"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_side_display()} · {self.get_position_display()}"


class Consortium(models.Model):
    """创新联合体: organisations around one industrial chain, led by one of them (seed 003)."""

    class Kind(models.TextChoices):
        ENTERPRISE_LED = "enterprise_led", _("Enterprise-led")
        UNIVERSITY_LED = "university_led", _("University-led")
        GOVERNMENT_LED = "government_led", _("Government-led")

    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE_LED)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consortia_led",
                             verbose_name=_("lead organisation"))
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    industry_nodes = models.ManyToManyField(IndustryNode, blank=True, related_name="consortia",
                                            verbose_name=_("industry-chain positions"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["name_zh", "id"]
        indexes = [models.Index(fields=["name_zh", "id"], name="consortium_by_name")]
        verbose_name = _("innovation consortium")
        verbose_name_plural = _("innovation consortia")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class ConsortiumMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead organisation")
        CORE = "core", _("Core member")
        MEMBER = "member", _("Member")
        SUPPORTING = "supporting", _("Supporting organisation")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members",
                                   verbose_name=_("consortium"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consortium_memberships",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    responsibilities = models.CharField(_("responsibilities"), max_length=300, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        ordering = ["consortium", "role", "id"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [
            models.UniqueConstraint(fields=["consortium", "organisation"], name="consortium_member_unique"),
            models.UniqueConstraint(fields=["consortium"], condition=Q(role="lead"), name="consortium_one_lead"),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_role_display()}"


class CouncilMember(models.Model):
    """A seat on the consortium's council (理事会)."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        MEMBER = "member", _("Council member")
        SECRETARY = "secretary", _("Secretary-general")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="council",
                                   verbose_name=_("consortium"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats",
                             verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("on behalf of"))
    position = models.CharField(_("position"), max_length=12, choices=Position.choices, default=Position.MEMBER)

    class Meta:
        ordering = ["consortium", "position", "id"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.UniqueConstraint(fields=["consortium", "user"], name="council_member_unique"),
            models.UniqueConstraint(fields=["consortium"], condition=Q(position="chair"), name="council_one_chair"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_position_display()}"
