"""Technology transfer (一孵化): the achievement and patent pool, pushes, deals and the incubator.

State changes happen only in `services.py`; the tables below hold the data and the
constraints the database itself enforces.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from platform_core.models import IndustryNode, Organisation, TechField

from .patent_numbers import validate_application_number, validate_ipc_codes

TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]
MONEY = {"max_digits": 16, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
# Statuses in which an achievement is on offer to everyone (the supermarket).
PUBLIC_STATUSES = ("screened", "pushed", "negotiating")


class LicenceType(models.TextChoices):
    """How the owner offers an achievement (listing terms)."""
    ASSIGNMENT = "assignment", _("Assignment (转让)")
    EXCLUSIVE = "exclusive", _("Exclusive licence (独占许可)")
    SOLE = "sole", _("Sole licence (排他许可)")
    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive licence (普通许可)")
    EQUITY = "equity", _("Equity contribution (作价入股)")


class Achievement(models.Model):
    """科技成果: a research result in the university's pool."""

    class Status(models.TextChoices):
        STOCK = "stock", _("Stock")
        SCREENED = "screened", _("Screened: easy to transfer")
        PUSHED = "pushed", _("Pushed to enterprises")
        NEGOTIATING = "negotiating", _("Negotiating")
        TRANSFERRED = "transferred", _("Transferred")
        LICENSED = "licensed", _("Licensed")
        SPUN_OFF = "spun_off", _("Spun off")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Bulk import")
        PROJECT = "project", _("Result of a project")

    title = models.CharField(_("title"), max_length=200)
    external_ref = models.CharField(
        _("reference number"), max_length=60, blank=True,
        help_text=_("The owner's own number for the achievement (成果编号); used to match re-imports."),
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_achievements",
        verbose_name=_("first owner"), help_text=_("The first rights holder (第一权利人), usually the university."),
    )
    co_owners = models.ManyToManyField(
        Organisation, blank=True, related_name="co_owned_achievements", verbose_name=_("co-owners")
    )
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="school_achievements",
        verbose_name=_("school or college"), help_text=_("The unit whose technology brokers look after it."),
    )
    inventors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="invented_achievements", verbose_name=_("inventors")
    )
    inventor_names = models.CharField(
        _("inventor names"), max_length=300, blank=True,
        help_text=_("Inventors without an account, separated by 、 or commas."),
    )
    field = models.ForeignKey(
        TechField, on_delete=models.PROTECT, null=True, blank=True, related_name="achievements",
        verbose_name=_("technology field"),
    )
    industry_node = models.ForeignKey(
        IndustryNode, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("industry-chain node")
    )
    trl = models.PositiveSmallIntegerField(_("TRL"), validators=TRL_VALIDATORS)
    abstract = models.TextField(_("abstract"))
    confidential_detail = models.TextField(
        _("confidential technical detail"), blank=True,
        help_text=_("Visible only to the owner's technology-transfer staff, its brokers, the inventors and "
                    "enterprises that have expressed interest in a push."),
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # Listing terms (挂牌条件): an asking price in CNY or "negotiable", and the licence types offered.
    asking_price = models.DecimalField(_("asking price (CNY)"), **MONEY, null=True, blank=True)
    price_negotiable = models.BooleanField(_("price negotiable (面议)"), default=False)
    # Stored as ",code,code," so that one type is found with a plain (portable) contains lookup.
    licence_types = models.CharField(_("licence types offered"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.STOCK,
                              db_index=True)
    screening_reason = models.TextField(_("screening reason"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("screened by"),
    )
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="brokered_achievements", verbose_name=_("technology broker"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_label = models.CharField(_("source detail"), max_length=200, blank=True)
    source_project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="pool_achievement",
        verbose_name=_("source project"),
        help_text=_("The solved project whose result this is; a project's result enters the pool once."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.CheckConstraint(condition=Q(trl__gte=1, trl__lte=9), name="achievement_trl_1_9"),
            models.CheckConstraint(condition=Q(asking_price__isnull=True) | Q(asking_price__gte=0),
                                   name="achievement_asking_price_not_negative"),
            models.UniqueConstraint(fields=["owner", "title"], name="achievement_unique_owner_title"),
            models.UniqueConstraint(fields=["owner", "external_ref"], condition=~Q(external_ref=""),
                                    name="achievement_unique_owner_ref"),
            models.CheckConstraint(
                condition=Q(status="stock") | ~Q(screening_reason=""), name="achievement_screened_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status"]), models.Index(fields=["school", "status"]),
            # Supply per industry-chain node (the chains pages count it from the index alone).
            models.Index(fields=["industry_node", "status"], name="achievement_node_status"),
            # The pool's order (ids break ties between rows imported in the same second), and the supermarket's.
            models.Index(fields=["-created_at", "-id"], name="achievement_newest_first"),
            models.Index(fields=["-screened_at", "-id"], name="achievement_public_newest",
                         condition=Q(status__in=PUBLIC_STATUSES)),
        ]

    def __str__(self):
        return self.title

    @property
    def owners(self) -> list[Organisation]:
        return [self.owner, *self.co_owners.all()]

    @property
    def inventor_name_list(self) -> list[str]:
        names = [str(u) for u in self.inventors.all()]
        extra = self.inventor_names.replace("，", "、").replace(",", "、").split("、")
        return names + [n.strip() for n in extra if n.strip() and n.strip() not in names]

    @property
    def licence_type_list(self) -> list[str]:
        return [code for code in (self.licence_types or "").split(",") if code]

    @property
    def licence_type_labels(self) -> list[str]:
        return [LicenceType(code).label for code in self.licence_type_list if code in LicenceType.values]

    @property
    def asking_price_text(self) -> str:
        return f"{self.asking_price:,.2f}" if self.asking_price is not None else ""

    @property
    def has_listing_terms(self) -> bool:
        return self.asking_price is not None or self.price_negotiable or bool(self.licence_types)


def store_licence_types(codes) -> str:
    """The stored form of a set of licence types: ",a,b," in the order of LicenceType (empty when none)."""
    chosen = [code for code in LicenceType.values if code in set(codes or ())]
    return f",{','.join(chosen)}," if chosen else ""


class Patent(models.Model):
    class Type(models.TextChoices):
        INVENTION = "invention", _("Invention")
        UTILITY_MODEL = "utility_model", _("Utility model")
        DESIGN = "design", _("Design")

    class LegalStatus(models.TextChoices):
        PENDING = "pending", _("Under examination")
        GRANTED = "granted", _("Granted, in force")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LAPSED = "lapsed", _("Lapsed (fees not paid)")
        EXPIRED = "expired", _("Expired")

    application_number = models.CharField(
        _("application number"), max_length=20, unique=True, validators=[validate_application_number],
        help_text=_("e.g. 201910123456.X: 12 digits and the check digit."),
    )
    publication_number = models.CharField(_("publication number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    patent_type = models.CharField(_("patent type"), max_length=15, choices=Type.choices)
    legal_status = models.CharField(_("legal status"), max_length=10, choices=LegalStatus.choices,
                                    default=LegalStatus.PENDING)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="patents", verbose_name=_("patentee")
    )
    filing_date = models.DateField(_("filing date"))
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    ipc_codes = models.JSONField(_("IPC codes"), default=list, blank=True, validators=[validate_ipc_codes])
    next_fee_due = models.DateField(_("next annual fee due"), null=True, blank=True, db_index=True)
    fee_reminder_sent_for = models.DateField(
        _("reminder sent for due date"), null=True, blank=True,
        help_text=_("The due date of the last reminder, so that each deadline is announced once."),
    )
    fee_reminder_stage = models.CharField(
        _("reminder stage"), max_length=10, blank=True,
        help_text=_("The last reminder's stage for that due date (due, grace period, last days)."),
    )
    achievements = models.ManyToManyField(
        Achievement, blank=True, related_name="patents", verbose_name=_("achievements")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-filing_date", "-id"]
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        constraints = [
            models.CheckConstraint(
                condition=Q(grant_date__isnull=True) | Q(grant_date__gte=F("filing_date")),
                name="patent_granted_after_filing",
            ),
            models.UniqueConstraint(fields=["publication_number"], condition=~Q(publication_number=""),
                                    name="patent_unique_publication_number"),
        ]
        indexes = [models.Index(fields=["-filing_date", "-id"], name="patent_newest_first")]

    def __str__(self):
        return f"{self.title} ({self.application_number})"


class Push(models.Model):
    """An achievement recommended to one enterprise, and how far the enterprise took it."""

    class Status(models.TextChoices):
        PUSHED = "pushed", _("Pushed")
        VIEWED = "viewed", _("Viewed")
        INTERESTED = "interested", _("Interested")
        NEGOTIATING = "negotiating", _("Negotiating")
        DEAL = "deal", pgettext_lazy("push status", "Deal")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        MANUAL = "manual", _("By a broker")
        MATCHING = "matching", _("By the matching engine")
        INQUIRY = "inquiry", _("Enterprise inquiry")

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="pushes",
                                    verbose_name=_("achievement"))
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="received_pushes",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PUSHED,
                              db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.TextField(_("note to the enterprise"), blank=True)
    response_note = models.TextField(_("enterprise's reply"), blank=True)
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("pushed by"))
    created_at = models.DateTimeField(_("pushed at"), auto_now_add=True)
    viewed_at = models.DateTimeField(_("viewed at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        constraints = [
            # One live push per achievement and enterprise; after a decline it may be pushed again.
            models.UniqueConstraint(fields=["achievement", "enterprise"], condition=~Q(status="declined"),
                                    name="push_one_live_per_enterprise"),
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="push_newest_first")]

    def __str__(self):
        return f"{self.achievement} → {self.enterprise}"


class Deal(models.Model):
    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment (转让)")
        LICENCE = "licence", _("Licence (许可)")
        EQUITY = "equity", _("Equity contribution (作价入股)")
        SPIN_OFF = "spin_off", _("Spin-off company (赋权成立公司)")

    class Exclusivity(models.TextChoices):
        EXCLUSIVE = "exclusive", _("Exclusive")
        NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")

    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="deals",
                                    verbose_name=_("achievement"))
    push = models.OneToOneField(Push, on_delete=models.PROTECT, null=True, blank=True, related_name="deal",
                                verbose_name=_("push"))
    kind = models.CharField(_("deal type"), max_length=12, choices=Kind.choices)
    counterparty = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="technology_deals",
        verbose_name=_("counterparty"), help_text=_("The enterprise taking the technology; empty for a new spin-off."),
    )
    exclusivity = models.CharField(_("exclusivity"), max_length=14, choices=Exclusivity.choices, blank=True)
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    term_start = models.DateField(_("term from"), null=True, blank=True)
    term_end = models.DateField(_("term until"), null=True, blank=True)
    price = models.DecimalField(_("price (CNY)"), **MONEY, default=0)
    royalty_rate = models.DecimalField(_("royalty rate (%)"), **PERCENT, default=0)
    equity_percent = models.DecimalField(_("equity share (%)"), **PERCENT, null=True, blank=True)
    signed_on = models.DateField(_("signed on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="deal_price_not_negative"),
            models.CheckConstraint(condition=Q(royalty_rate__gte=0, royalty_rate__lte=100),
                                   name="deal_royalty_0_100"),
            models.CheckConstraint(
                condition=Q(equity_percent__isnull=True) | Q(equity_percent__gt=0, equity_percent__lte=100),
                name="deal_equity_0_100",
            ),
            models.CheckConstraint(condition=~Q(kind="licence") | ~Q(exclusivity=""),
                                   name="deal_licence_has_exclusivity"),
            models.CheckConstraint(
                condition=Q(term_start__isnull=True) | Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="deal_term_ordered",
            ),
        ]
        indexes = [models.Index(fields=["-signed_on", "-id"], name="deal_newest_first")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.achievement}"


class RevenueShare(models.Model):
    """Who receives what part of a deal's income (inventors, school, university); the shares sum to 100%."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="revenue_shares", verbose_name=_("deal"))
    beneficiary_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", verbose_name=pgettext_lazy("beneficiary", "person"))
    beneficiary_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                                 related_name="+", verbose_name=_("organisation"))
    beneficiary_name = models.CharField(_("name"), max_length=100, blank=True)
    percent = models.DecimalField(_("share (%)"), **PERCENT)

    class Meta:
        ordering = ["-percent", "id"]
        verbose_name = _("revenue share")
        verbose_name_plural = _("revenue shares")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0, percent__lte=100), name="revenue_share_0_100"),
            models.CheckConstraint(
                condition=Q(beneficiary_user__isnull=False) | Q(beneficiary_organisation__isnull=False)
                | ~Q(beneficiary_name=""),
                name="revenue_share_has_beneficiary",
            ),
        ]

    def __str__(self):
        who = self.beneficiary_user or self.beneficiary_organisation or self.beneficiary_name
        return f"{who}: {self.percent}%"


class Incubator(models.Model):
    """An incubator hosted by a (large) enterprise, often run with a university."""

    name = models.CharField(_("name"), max_length=200)
    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hosted_incubators",
                             verbose_name=_("host enterprise"))
    partner_university = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="partner_incubators",
        verbose_name=_("partner university"),
    )
    industry_nodes = models.ManyToManyField(IndustryNode, blank=True, related_name="incubators",
                                            verbose_name=_("industry-chain focus"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")
        constraints = [models.UniqueConstraint(fields=["host", "name"], name="incubator_unique_name_per_host")]

    def __str__(self):
        return self.name


class IncubatedCompany(models.Model):
    class Stage(models.TextChoices):
        SEED = "seed", _("Seed")
        STARTUP = "startup", _("Start-up")
        GROWTH = "growth", _("Growth")
        GRADUATED = "graduated", _("Graduated")
        EXITED = "exited", _("Left without graduating")

    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="companies",
                                  verbose_name=_("incubator"))
    name = models.CharField(_("company name"), max_length=200)
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="incubation",
        verbose_name=_("organisation record"),
    )
    founders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="founded_companies",
                                      verbose_name=_("founders"))
    founder_names = models.CharField(_("founder names"), max_length=300, blank=True)
    achievements = models.ManyToManyField(Achievement, blank=True, related_name="companies",
                                          verbose_name=_("achievements built on"))
    industry_node = models.ForeignKey(IndustryNode, on_delete=models.PROTECT, related_name="incubated_companies",
                                      verbose_name=_("industry-chain node"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.SEED)
    admitted_on = models.DateField(_("admitted on"))
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    spin_off_deal = models.OneToOneField(Deal, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="company", verbose_name=_("spin-off deal"))
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-admitted_on", "name", "id"]
        verbose_name = _("incubated company")
        verbose_name_plural = _("incubated companies")
        constraints = [
            models.UniqueConstraint(fields=["incubator", "name"], name="incubated_company_unique_name"),
            models.CheckConstraint(
                condition=Q(graduated_on__isnull=True) | Q(graduated_on__gte=F("admitted_on")),
                name="incubated_company_graduates_after_admission",
            ),
            models.CheckConstraint(
                condition=~Q(stage="graduated") | Q(graduated_on__isnull=False),
                name="incubated_company_graduated_has_date",
            ),
        ]

    def __str__(self):
        return self.name


class Inquiry(models.Model):
    """An enterprise asks about a listed achievement ("express interest / ask the TTO").

    It is a lead in the push funnel: it hangs on the enterprise's push of the achievement (made for
    it when there was none) and moves that push to 'interested'. One row per push and person: asking
    again updates the question instead of adding a lead."""

    push = models.ForeignKey(Push, on_delete=models.CASCADE, related_name="inquiries", verbose_name=_("push"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("asked by"))
    message = models.TextField(_("question"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        constraints = [models.UniqueConstraint(fields=["push", "asked_by"], name="inquiry_one_per_push_and_person")]

    def __str__(self):
        return f"{self.asked_by} → {self.push}"


class Roadshow(models.Model):
    """路演: an event where listed achievements are presented to enterprises, who register to attend."""

    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roadshows",
                                  verbose_name=_("organiser"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    achievements = models.ManyToManyField(Achievement, blank=True, related_name="roadshows",
                                          verbose_name=_("achievements presented"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    registration_deadline = models.DateTimeField(_("registration deadline"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("roadshow")
        verbose_name_plural = _("roadshows")
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_url=""), name="roadshow_has_place_or_link"),
            models.CheckConstraint(condition=Q(registration_deadline__lte=F("starts_at")),
                                   name="roadshow_deadline_before_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="roadshow_capacity_positive"),
        ]

    def __str__(self):
        return self.title


class RoadshowRegistration(models.Model):
    roadshow = models.ForeignKey(Roadshow, on_delete=models.CASCADE, related_name="registrations",
                                 verbose_name=_("roadshow"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roadshow_registrations",
                             verbose_name=_("registrant"))
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("roadshow registration")
        verbose_name_plural = _("roadshow registrations")
        constraints = [models.UniqueConstraint(fields=["roadshow", "user"], name="roadshow_one_registration_per_user")]

    def __str__(self):
        return f"{self.user} @ {self.roadshow}"


# ---------------------------------------------------------------- income (issue 11)
# Contracts and the money received, the income-distribution rule, payouts to people and the
# statutory annual report (科技成果转化年度报告). Amounts are Decimal CNY.

def _shares_sum_100():
    return Q(inventors_percent__gte=0, school_percent__gte=0, tto_percent__gte=0, university_percent__gte=0) & Q(
        inventors_percent=100 - F("school_percent") - F("tto_percent") - F("university_percent"))


class Contract(models.Model):
    """技术合同: a transformation contract (the deal's assignment, licence or equity contribution) or a
    technology development / consulting / service contract (技术开发 / 技术咨询 / 技术服务)."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment (转让)")
        LICENCE = "licence", _("Licence (许可)")
        EQUITY = "equity", _("Equity investment (作价投资)")
        DEVELOPMENT = "development", _("Technology development (技术开发)")
        CONSULTING = "consulting", _("Technology consulting (技术咨询)")
        SERVICE = "service", _("Technology service (技术服务)")

    class LicenceType(models.TextChoices):
        EXCLUSIVE = "exclusive", _("Exclusive licence (独占许可)")
        SOLE = "sole", _("Sole licence (排他许可)")
        NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive licence (普通许可)")

    institution = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="technology_contracts",
        verbose_name=_("institution"), help_text=_("The university or institute whose contract it is."),
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("school or college"))
    kind = models.CharField(_("contract type"), max_length=12, choices=Kind.choices, db_index=True)
    licence_type = models.CharField(_("licence type"), max_length=14, choices=LicenceType.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="contract",
                                verbose_name=_("deal"))
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="contracts", verbose_name=_("achievement"))
    counterparty = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("counterparty"))
    joint_center = models.ForeignKey("consortia.JointCenter", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="technology_contracts", verbose_name=_("joint center"))
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="technology_contracts", verbose_name=_("project"))
    amount = models.DecimalField(_("contract amount (CNY)"), **MONEY)
    signed_on = models.DateField(_("signed on"))
    registration_number = models.CharField(_("technology contract registration number (技术合同认定登记号)"),
                                           max_length=40, blank=True)
    registration_date = models.DateField(_("registered on"), null=True, blank=True)
    # Per-contract override of the institution's distribution rule (all four or none).
    inventors_percent = models.DecimalField(_("inventors' team share (%)"), **PERCENT, null=True, blank=True)
    school_percent = models.DecimalField(_("school share (%)"), **PERCENT, null=True, blank=True)
    tto_percent = models.DecimalField(_("TTO share (%)"), **PERCENT, null=True, blank=True)
    university_percent = models.DecimalField(_("university share (%)"), **PERCENT, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    TRANSFORMATION_KINDS = ("assignment", "licence", "equity")
    COLLABORATION_KINDS = ("development", "consulting", "service")

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_not_negative"),
            models.CheckConstraint(condition=~Q(kind="licence") | ~Q(licence_type=""),
                                   name="contract_licence_has_type"),
            models.CheckConstraint(condition=Q(kind="licence") | Q(licence_type=""),
                                   name="contract_only_licence_has_type"),
            models.UniqueConstraint(fields=["registration_number"], condition=~Q(registration_number=""),
                                    name="contract_unique_registration_number"),
            models.CheckConstraint(
                condition=Q(inventors_percent__isnull=True, school_percent__isnull=True, tto_percent__isnull=True,
                            university_percent__isnull=True)
                | Q(inventors_percent__isnull=False, school_percent__isnull=False, tto_percent__isnull=False,
                    university_percent__isnull=False),
                name="contract_override_all_or_none",
            ),
            models.CheckConstraint(condition=Q(inventors_percent__isnull=True) | _shares_sum_100(),
                                   name="contract_override_sums_100"),
        ]
        indexes = [models.Index(fields=["institution", "signed_on"], name="contract_institution_signed"),
                   models.Index(fields=["-signed_on", "-id"], name="contract_newest_first")]

    def __str__(self):
        return self.title

    @property
    def has_override(self) -> bool:
        return self.inventors_percent is not None


class ContractTeamShare(models.Model):
    """How the inventors' team share of a contract's income is split among named people of the team."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="team_shares",
                                 verbose_name=_("technology contract"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=pgettext_lazy("beneficiary", "person"))
    percent = models.DecimalField(_("share (%)"), **PERCENT)

    class Meta:
        ordering = ["-percent", "id"]
        verbose_name = _("team share")
        verbose_name_plural = _("team shares")
        constraints = [
            models.UniqueConstraint(fields=["contract", "person"], name="team_share_one_per_person"),
            models.CheckConstraint(condition=Q(percent__gt=0, percent__lte=100), name="team_share_0_100"),
        ]


class RoyaltyReport(models.Model):
    """A licensee's royalty report for a period: its sales base and the royalty due (提成)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="royalty_reports",
                                 verbose_name=_("technology contract"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    sales_amount = models.DecimalField(_("licensee's sales (CNY)"), **MONEY, default=0)
    royalty_amount = models.DecimalField(_("royalty (CNY)"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("royalty report")
        verbose_name_plural = _("royalty reports")
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_start"], name="royalty_report_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="royalty_period_ordered"),
            models.CheckConstraint(condition=Q(royalty_amount__gt=0, sales_amount__gte=0),
                                   name="royalty_amounts_positive"),
        ]

    def __str__(self):
        return f"{self.contract} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class EquityHolding(models.Model):
    """Shares the institution holds from an equity contribution (作价投资), and their value when received."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="holding",
                                    verbose_name=_("technology contract"))
    company = models.ForeignKey(IncubatedCompany, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="equity_holdings", verbose_name=_("company"))
    company_name = models.CharField(_("company name"), max_length=200)
    shares = models.DecimalField(_("shares acquired"), max_digits=18, decimal_places=4)
    acquired_on = models.DateField(_("acquired on"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("equity holding")
        verbose_name_plural = _("equity holdings")
        constraints = [models.CheckConstraint(condition=Q(shares__gt=0), name="holding_shares_positive")]

    def __str__(self):
        return f"{self.company_name}: {self.shares}"


class EquityDisposal(models.Model):
    """A later sale of part of a holding; its proceeds are a receipt."""

    holding = models.ForeignKey(EquityHolding, on_delete=models.PROTECT, related_name="disposals",
                                verbose_name=_("equity holding"))
    disposed_on = models.DateField(_("disposed on"))
    shares = models.DecimalField(_("shares disposed"), max_digits=18, decimal_places=4)
    proceeds = models.DecimalField(_("proceeds (CNY)"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["disposed_on", "id"]
        verbose_name = _("equity disposal")
        verbose_name_plural = _("equity disposals")
        constraints = [models.CheckConstraint(condition=Q(shares__gt=0, proceeds__gte=0),
                                              name="disposal_positive")]


class Receipt(models.Model):
    """到账: money (or, for an equity contribution, shares at their value) received under a contract."""

    class Form(models.TextChoices):
        CASH = "cash", _("Cash")
        EQUITY = "equity", _("Shares")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="receipts",
                                 verbose_name=_("technology contract"))
    received_on = models.DateField(_("received on"), db_index=True)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    form = models.CharField(_("form"), max_length=6, choices=Form.choices, default=Form.CASH)
    note = models.CharField(_("note"), max_length=300, blank=True)
    over_reason = models.CharField(_("reason for exceeding the contract amount"), max_length=300, blank=True)
    royalty_report = models.OneToOneField(RoyaltyReport, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="receipt", verbose_name=_("royalty report"))
    holding = models.OneToOneField(EquityHolding, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="receipt", verbose_name=_("equity holding"))
    disposal = models.OneToOneField(EquityDisposal, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="receipt", verbose_name=_("equity disposal"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive")]
        indexes = [models.Index(fields=["contract", "received_on"], name="receipt_contract_date")]

    def __str__(self):
        return f"{self.contract} · {self.received_on:%Y-%m-%d} · {self.amount}"


class DistributionRule(models.Model):
    """An institution's income-distribution rule (收益分配办法): the four shares of every receipt, and the
    limits within which one contract may override the inventors' share."""

    institution = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="distribution_rule",
                                       verbose_name=_("institution"))
    inventors_percent = models.DecimalField(_("inventors' team share (%)"), **PERCENT)
    school_percent = models.DecimalField(_("school share (%)"), **PERCENT)
    tto_percent = models.DecimalField(_("TTO share (%)"), **PERCENT)
    university_percent = models.DecimalField(_("university share (%)"), **PERCENT)
    inventors_min = models.DecimalField(_("inventors' share at least (%)"), **PERCENT)
    inventors_max = models.DecimalField(_("inventors' share at most (%)"), **PERCENT)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("income-distribution rule")
        verbose_name_plural = _("income-distribution rules")
        constraints = [
            models.CheckConstraint(condition=_shares_sum_100(), name="distribution_rule_sums_100"),
            models.CheckConstraint(
                condition=Q(inventors_min__gte=0, inventors_max__lte=100, inventors_min__lte=F("inventors_max"),
                            inventors_percent__gte=F("inventors_min"), inventors_percent__lte=F("inventors_max")),
                name="distribution_rule_within_limits",
            ),
        ]

    def __str__(self):
        return f"{self.institution}: {self.inventors_percent}/{self.school_percent}/{self.tto_percent}/" \
               f"{self.university_percent}"


class Distribution(models.Model):
    """A receipt split by the rule in force when it was recorded; the four parts sum exactly to the receipt."""

    receipt = models.OneToOneField(Receipt, on_delete=models.CASCADE, related_name="distribution",
                                   verbose_name=_("receipt"))
    inventors_percent = models.DecimalField(_("inventors' team share (%)"), **PERCENT)
    school_percent = models.DecimalField(_("school share (%)"), **PERCENT)
    tto_percent = models.DecimalField(_("TTO share (%)"), **PERCENT)
    university_percent = models.DecimalField(_("university share (%)"), **PERCENT)
    inventors_amount = models.DecimalField(_("inventors' team (CNY)"), **MONEY)
    school_amount = models.DecimalField(_("school (CNY)"), **MONEY)
    tto_amount = models.DecimalField(_("TTO (CNY)"), **MONEY)
    university_amount = models.DecimalField(_("university (CNY)"), **MONEY)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("income distribution")
        verbose_name_plural = _("income distributions")
        constraints = [
            models.CheckConstraint(condition=_shares_sum_100(), name="distribution_sums_100"),
            models.CheckConstraint(condition=Q(inventors_amount__gte=0, school_amount__gte=0, tto_amount__gte=0,
                                               university_amount__gte=0), name="distribution_parts_not_negative"),
        ]

    def __str__(self):
        return str(self.receipt)

    @property
    def total(self):
        return self.inventors_amount + self.school_amount + self.tto_amount + self.university_amount


class Payout(models.Model):
    """A reward to one named person of the team: cash (现金奖励) or shares (股权奖励)."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash reward (现金奖励)")
        EQUITY = "equity", _("Equity reward (股权奖励)")

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    class Tax(models.TextChoices):
        HALF_WAGE = "half_wage", _("Cash reward taxed at 50% as wages (财税〔2018〕58号)")
        DEFERRED = "deferred", _("Equity reward, tax deferred (递延纳税, 财税〔2016〕101号)")
        ORDINARY = "ordinary", _("Ordinary tax treatment")

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="payouts",
                                     verbose_name=_("income distribution"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="income_payouts",
                               verbose_name=pgettext_lazy("beneficiary", "person"))
    kind = models.CharField(_("reward type"), max_length=6, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    shares = models.DecimalField(_("shares"), max_digits=18, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DUE, db_index=True)
    tax_treatment = models.CharField(_("tax treatment"), max_length=10, choices=Tax.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.UniqueConstraint(fields=["distribution", "person"], name="payout_one_per_person"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payout_amount_not_negative"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_on__isnull=False), name="payout_paid_has_date"),
        ]

    def __str__(self):
        return f"{self.person}: {self.amount}"


class AnnualReport(models.Model):
    """科技成果转化年度报告 of one institution for one year. A second report for the same year is a new
    version; earlier versions are kept. Parts 2–6 are computed from the records (`data`), never typed."""

    class Status(models.TextChoices):
        GENERATING = "generating", _("Generating")
        READY = "ready", _("Ready")
        SUBMITTED = "submitted", _("Submitted")
        FAILED = "failed", _("Failed")

    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="annual_reports",
                                    verbose_name=_("institution"))
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GENERATING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    narrative = models.TextField(_("the year's work (part 1)"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    data = models.JSONField(_("computed figures"), default=dict, blank=True)
    submitted_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="received_annual_reports", verbose_name=_("submitted to"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("generated by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "institution_id", "-version"]
        verbose_name = _("annual transformation report")
        verbose_name_plural = _("annual transformation reports")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "version"], name="annual_report_one_version"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2200), name="annual_report_year_range"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="annual_report_progress_0_100"),
        ]

    def __str__(self):
        return f"{self.institution} {self.year} v{self.version}"


class PatentStatusChange(models.Model):
    """One step of a patent's legal-status history (法律状态变更), newest last."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="status_history",
                               verbose_name=_("patent"))
    status = models.CharField(_("legal status"), max_length=10, choices=Patent.LegalStatus.choices)
    changed_on = models.DateField(_("changed on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("legal-status change")
        verbose_name_plural = _("legal-status changes")
        indexes = [models.Index(fields=["patent", "changed_on"], name="patent_status_history")]

    def __str__(self):
        return f"{self.patent_id} {self.status} {self.changed_on}"
