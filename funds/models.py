"""The capital chain (资金链, seed 004): funds and their investments, enterprise R&D money and
government subsidies flowing into joint centers and projects.

All amounts are Decimal in the record's currency (CNY unless stated); investments and
tranches are in the currency of their fund or commitment. Totals are computed by the
database (`selectors.py`), never summed as floats. The rules that compare one row with
others (a fund never invests beyond its committed size, tranches never exceed their
commitment) live in `services.py`, which locks the parent row while checking them.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consortia.models import JointCenter
from platform_core.models import IndustryChain, Organisation
from projects.models import Milestone, Project
from transfer.models import IncubatedCompany

MONEY = {"max_digits": 16, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    HKD = "HKD", _("Hong Kong dollar (HKD)")


class Stage(models.TextChoices):
    """Financing stage: a fund's focus and an investment's round."""

    SEED = "seed", pgettext_lazy("investment round", "Seed")
    ANGEL = "angel", _("Angel")
    PRE_A = "pre_a", _("Pre-A")
    SERIES_A = "series_a", _("Series A")
    SERIES_B = "series_b", _("Series B")
    SERIES_C = "series_c", _("Series C and later")
    GROWTH = "growth", _("Growth / pre-IPO")
    DEBT = "debt", _("Debt financing (科技贷)")


class Fund(models.Model):
    """A fund or bank product brought in to finance the incubator's companies and projects (一孵化)."""

    class Kind(models.TextChoices):
        SEED = "seed", _("Seed fund")
        ANGEL = "angel", _("Angel fund")
        GOVERNMENT_GUIDANCE = "guidance", _("Government guidance fund")
        VENTURE = "venture", _("Venture capital fund")
        BANK_PRODUCT = "bank", _("Bank sci-tech finance product")

    class Status(models.TextChoices):
        FUNDRAISING = "fundraising", _("Fundraising")
        INVESTING = "investing", _("Investing")
        EXITING = "exiting", _("Exiting")
        CLOSED = "closed", pgettext_lazy("fund status", "Closed")

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("fund type"), max_length=12, choices=Kind.choices, db_index=True)
    manager = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="managed_funds", verbose_name=_("manager"),
        help_text=_("A financial institution; a government agency may manage a guidance fund."),
    )
    committed_size = models.DecimalField(_("committed size"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    vintage_year = models.PositiveSmallIntegerField(_("vintage year"))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    focus_chains = models.ManyToManyField(IndustryChain, blank=True, related_name="funds",
                                          verbose_name=_("focus industry chains"))
    focus_stages = models.JSONField(_("focus stages"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.INVESTING,
                              db_index=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-vintage_year", "name_zh", "id"]
        indexes = [models.Index(fields=["-vintage_year", "name_zh", "id"], name="fund_order")]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.CheckConstraint(condition=Q(committed_size__gt=0), name="fund_committed_size_positive"),
            models.CheckConstraint(condition=Q(vintage_year__gte=1980, vintage_year__lte=2100),
                                   name="fund_vintage_year_plausible"),
            models.CheckConstraint(
                condition=Q(established_on__isnull=True) | Q(term_ends_on__isnull=True)
                | Q(term_ends_on__gte=F("established_on")),
                name="fund_term_after_establishment",
            ),
            models.UniqueConstraint(fields=["manager", "name_zh"], name="fund_unique_name_per_manager"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def focus_stage_labels(self) -> list[str]:
        return [str(Stage(code).label) for code in self.focus_stages if code in Stage.values]


class Investment(models.Model):
    """A fund's investment into an incubated company or a project."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="investments", verbose_name=_("fund"))
    company = models.ForeignKey(IncubatedCompany, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="investments", verbose_name=_("incubated company"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="investments", verbose_name=_("project"))
    round = models.CharField(_("round"), max_length=10, choices=Stage.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    equity_percent = models.DecimalField(_("equity (%)"), **PERCENT, null=True, blank=True,
                                         help_text=_("Empty for debt financing."))
    invested_on = models.DateField(_("invested on"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-invested_on", "-id"]
        indexes = [models.Index(fields=["-invested_on", "-id"], name="investment_order")]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="investment_amount_positive"),
            models.CheckConstraint(
                condition=Q(company__isnull=False, project__isnull=True)
                | Q(company__isnull=True, project__isnull=False),
                name="investment_one_target",
            ),
            # Equity rounds carry a share in (0, 100]; debt carries none. (A CHECK on NULL passes, hence isnull.)
            models.CheckConstraint(
                condition=Q(round="debt", equity_percent__isnull=True)
                | (~Q(round="debt") & Q(equity_percent__isnull=False, equity_percent__gt=0, equity_percent__lte=100)),
                name="investment_equity_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.fund} → {self.target}"

    @property
    def target(self):
        return self.company or self.project


class FundingCommitment(models.Model):
    """Money an enterprise (R&D investment) or a government agency (subsidy) commits to a center or project."""

    class Kind(models.TextChoices):
        ENTERPRISE_RD = "enterprise_rd", _("Enterprise R&D investment")
        GOVERNMENT_SUBSIDY = "subsidy", _("Government subsidy")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, db_index=True)
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funding_commitments",
                               verbose_name=_("source organisation"))
    center = models.ForeignKey(JointCenter, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="funding_commitments", verbose_name=_("joint center"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="funding_commitments", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("document number"), max_length=100, blank=True,
                                 help_text=_("Contract or approval document number, e.g. 陕科发〔2024〕12号."))
    amount = models.DecimalField(_("committed amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    committed_on = models.DateField(_("committed on"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-committed_on", "-id"]
        indexes = [models.Index(fields=["-committed_on", "-id"], name="commitment_order")]
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(
                condition=Q(center__isnull=False, project__isnull=True)
                | Q(center__isnull=True, project__isnull=False),
                name="commitment_one_target",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def target(self):
        return self.center or self.project


class Tranche(models.Model):
    """One disbursement of a commitment, payable once its milestone (if any) was accepted."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PAID = "paid", _("Paid")

    commitment = models.ForeignKey(FundingCommitment, on_delete=models.CASCADE, related_name="tranches",
                                   verbose_name=_("commitment"))
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="funding_tranches", verbose_name=_("milestone"),
                                  help_text=_("Payable only after this milestone was accepted."))
    due_on = models.DateField(_("planned date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, db_index=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("recorded as paid by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["commitment", "due_on", "id"]
        verbose_name = _("disbursement tranche")
        verbose_name_plural = _("disbursement tranches")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="planned", paid_on__isnull=True) | Q(status="paid", paid_on__isnull=False),
                name="tranche_paid_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_payable(self) -> bool:
        """Planned and either free of a milestone or its milestone was accepted (双签字 in projects)."""
        return self.status == self.Status.PLANNED and (
            self.milestone_id is None or self.milestone.status == Milestone.Status.ACCEPTED
        )
