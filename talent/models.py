"""一共享 (one sharing): the talent pool, shared hires, enterprise mentors and dual-mentor training.

校招共用 — 学校招、企业供、政府助、协同用、多方赢: a university recruits a high-level
(often overseas) researcher, one or more enterprises pay shares of the package and
use part of the researcher's time, a government agency subsidises a share, and the
agreement takes effect once every party has signed (platform sign-off).
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from platform_core.encoders import UnicodeJSONEncoder
from platform_core.models import IndustryNode, Organisation, TechField

HUNDRED = Decimal("100")


class TalentProfile(models.Model):
    """A researcher or high-level hire in the searchable talent pool."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available for collaboration")
        PARTIAL = "partial", _("Partly available")
        UNAVAILABLE = "unavailable", _("Not available")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="talent_profile",
        verbose_name=_("platform account"),
        help_text=_("Optional: a recruit may not have an account yet."),
    )
    name_zh = models.CharField(pgettext_lazy("person", "name (Chinese)"), max_length=100)
    name_en = models.CharField(pgettext_lazy("person", "name (English)"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="talent_profiles", verbose_name=_("organisation"),
        help_text=_("The university or institute that keeps this profile."),
    )
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    is_overseas = models.BooleanField(_("overseas high-level talent"), default=False)
    country = models.CharField(_("country or region of origin"), max_length=60, blank=True)
    expertise = models.JSONField(_("expertise keywords"), default=list, blank=True, encoder=UnicodeJSONEncoder)
    fields = models.ManyToManyField(TechField, blank=True, related_name="talent_profiles",
                                    verbose_name=_("technology fields"))
    industry_nodes = models.ManyToManyField(IndustryNode, blank=True, related_name="talent_profiles",
                                            verbose_name=_("industry-chain positions"))
    languages = models.JSONField(_("languages"), default=list, blank=True, encoder=UnicodeJSONEncoder)
    availability = models.CharField(_("availability"), max_length=12, choices=Availability.choices,
                                    default=Availability.AVAILABLE)
    biography = models.TextField(_("biography"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["name_zh", "id"]
        indexes = [models.Index(fields=["name_zh", "id"], name="talent_profile_order")]
        verbose_name = _("talent profile")
        verbose_name_plural = _("talent profiles")

    def __str__(self):
        return self.name_zh

    @property
    def profile_text(self) -> str:
        """Everything a matching engine should read about this person, as one text."""
        parts = [self.name_zh, self.title, " ".join(self.expertise), self.biography]
        parts += [f"{e.title} {e.summary}" for e in self.evidence.all()]
        return "\n".join(p for p in parts if p)


class TalentEvidence(models.Model):
    """A publication, patent, achievement, project or award that shows a profile's expertise."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        PATENT = "patent", _("Patent")
        ACHIEVEMENT = "achievement", _("Achievement")
        PROJECT = "project", _("Project")
        AWARD = "award", _("Award")

    profile = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="evidence",
                                verbose_name=_("talent profile"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    summary = models.TextField(_("abstract or summary"), blank=True)
    url = models.URLField(_("link"), blank=True)
    identifier = models.CharField(_("identifier"), max_length=100, blank=True,
                                  help_text=_("DOI, patent number, project number…"))

    class Meta:
        ordering = ["-year", "id"]
        indexes = [models.Index(fields=["-year", "id"], name="talent_evidence_order")]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                                   name="talent_evidence_year_range"),
        ]

    def __str__(self):
        return self.title


class SharedHire(models.Model):
    """A 校招共用 agreement: one recruit, shares of the package, time used by enterprises."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNING = "signing", _("Awaiting signatures")
        IN_EFFECT = "in_effect", _("In effect")
        TERMINATED = "terminated", _("Terminated")

    talent = models.ForeignKey(TalentProfile, on_delete=models.PROTECT, related_name="shared_hires",
                               verbose_name=_("talent"))
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shared_hires_recruited",
                                   verbose_name=_("recruiting university"))
    position = models.CharField(pgettext_lazy("job", "position"), max_length=200)
    annual_cost = models.DecimalField(_("annual package (CNY)"), max_digits=16, decimal_places=2,
                                      help_text=_("Salary and benefits per year, shared by the parties."))
    start_date = models.DateField(_("contract start"))
    end_date = models.DateField(_("contract end"))
    renewal_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="renewals", verbose_name=_("renewal of"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    effective_at = models.DateTimeField(_("took effect at"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["-start_date", "-id"], name="shared_hire_order")]
        verbose_name = _("shared hire")
        verbose_name_plural = _("shared hires")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="shared_hire_end_after_start"),
            models.CheckConstraint(condition=Q(annual_cost__gt=0), name="shared_hire_cost_positive"),
        ]

    def __str__(self):
        return f"{self.talent} · {self.position}"


class HireShare(models.Model):
    """One party's share of a shared hire: part of the package and (enterprises) part of the time."""

    class Role(models.TextChoices):
        UNIVERSITY = "university", _("University")
        ENTERPRISE = "enterprise", _("Enterprise")
        GOVERNMENT = "government", _("Government subsidy")

    hire = models.ForeignKey(SharedHire, on_delete=models.CASCADE, related_name="shares", verbose_name=_("shared hire"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hire_shares",
                                     verbose_name=_("party"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    salary_percent = models.DecimalField(_("share of package (%)"), max_digits=5, decimal_places=2)
    time_percent = models.DecimalField(_("share of working time (%)"), max_digits=5, decimal_places=2,
                                       default=Decimal("0"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(fields=["hire", "organisation"], name="hire_share_one_per_party"),
            models.CheckConstraint(condition=Q(salary_percent__gte=0, salary_percent__lte=100),
                                   name="hire_share_salary_percent_range"),
            models.CheckConstraint(condition=Q(time_percent__gte=0, time_percent__lte=100),
                                   name="hire_share_time_percent_range"),
            # Only enterprises use the researcher's time; a subsidy buys none.
            models.CheckConstraint(condition=Q(role="enterprise") | Q(time_percent=0),
                                   name="hire_share_time_only_enterprises"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.salary_percent}%"


class EnterpriseMentor(models.Model):
    """An enterprise engineer appointed by a university as mentor of its students (企业导师)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_appointments",
                             verbose_name=_("mentor"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enterprise_mentors",
                                     verbose_name=_("enterprise"))
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="appointed_mentors",
                                   verbose_name=_("appointing university"))
    title = models.CharField(_("job title"), max_length=100, blank=True)
    fields = models.ManyToManyField(TechField, blank=True, related_name="enterprise_mentors",
                                    verbose_name=_("technology fields"))
    expertise = models.TextField(_("expertise"), blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("appointed by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-term_start", "id"]
        indexes = [models.Index(fields=["-term_start", "id"], name="enterprise_mentor_order")]
        verbose_name = _("enterprise mentor")
        verbose_name_plural = _("enterprise mentors")
        constraints = [
            models.CheckConstraint(condition=Q(term_end__gt=F("term_start")), name="mentor_term_end_after_start"),
            models.UniqueConstraint(fields=["user", "university", "term_start"], name="mentor_one_appointment_per_term"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation}"


class DualMentorAssignment(models.Model):
    """An engineering master's or PhD student trained by one university and one enterprise mentor (双导师).

    Placement: in a joint R&D center or a project (a reference to the record, shown on its page), or in a unit
    of the enterprise named by `placement_label`; for a center or project the label is the record's name.
    """

    class Degree(models.TextChoices):
        MASTER = "master", _("Master of Engineering")
        DOCTOR = "doctor", _("Doctor of Engineering")

    class Status(models.TextChoices):
        IN_TRAINING = "in_training", _("In training")
        GRADUATED = "graduated", _("Graduated")
        WITHDRAWN = "withdrawn", pgettext_lazy("training outcome", "Withdrawn")

    class PlacementKind(models.TextChoices):
        CENTER = "center", _("Joint R&D center")
        PROJECT = "project", _("Project")
        ENTERPRISE = "enterprise", _("Enterprise")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dual_mentor_training",
                                verbose_name=_("student"))
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices)
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="dual_mentor_students",
                                   verbose_name=_("university"))
    university_mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("university mentor"))
    enterprise_mentor = models.ForeignKey(EnterpriseMentor, on_delete=models.PROTECT, related_name="students",
                                          verbose_name=_("enterprise mentor"))
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="dual_mentor_hosted",
                                   verbose_name=_("enterprise"))
    placement_kind = models.CharField(_("placed in"), max_length=12, choices=PlacementKind.choices)
    placement_label = models.CharField(_("center or project"), max_length=200)
    center = models.ForeignKey("consortia.JointCenter", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="dual_mentor_students", verbose_name=_("joint R&D center"))
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="dual_mentor_students", verbose_name=_("project"))
    thesis_topic = models.CharField(_("thesis topic"), max_length=300, blank=True)
    start_date = models.DateField(_("start"))
    expected_graduation = models.DateField(_("expected graduation"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_TRAINING)
    ended_on = models.DateField(_("graduated or withdrew on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["-start_date", "-id"], name="assignment_order")]
        verbose_name = _("dual-mentor assignment")
        verbose_name_plural = _("dual-mentor assignments")
        constraints = [
            models.CheckConstraint(condition=Q(expected_graduation__gt=F("start_date")),
                                   name="assignment_graduation_after_start"),
            # One university mentor per student at a time: a second open assignment is refused.
            models.UniqueConstraint(fields=["student"], condition=Q(status="in_training"),
                                    name="assignment_one_open_per_student"),
            models.CheckConstraint(condition=Q(status="in_training") | Q(ended_on__isnull=False),
                                   name="assignment_end_date_when_closed"),
            models.CheckConstraint(name="assignment_placement_matches_its_kind", condition=(
                Q(placement_kind="center", center__isnull=False, project=None)
                | Q(placement_kind="project", project__isnull=False, center=None)
                | Q(placement_kind="enterprise", center=None, project=None))),
        ]

    def __str__(self):
        return f"{self.student} · {self.get_degree_display()}"
