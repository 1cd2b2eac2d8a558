"""Writes of the capital chain. Each function checks permission, validates, writes, audits.

Rules enforced here (each refusal raises ValidationError or PermissionDenied and changes nothing):
- amounts are positive Decimals with at most two decimals; equity is in (0, 100] for equity
  rounds and empty for debt;
- a fund never invests more than its committed size: the fund row is locked
  (SELECT … FOR UPDATE) while the invested total is summed, so concurrent investments
  queue behind each other and cannot overshoot; its size cannot be cut below what it invested;
- the tranches of a commitment never add up to more than the commitment (commitment row locked);
- a tranche tied to a milestone becomes payable only once projects accepted that milestone
  (dual sign-off there); it is recorded as paid, with a date, by the source side only;
- people act only for organisations where they hold the role (see permissions.py).

Tranche states: planned ──pay (milestone accepted or none)──▶ paid (final). A planned tranche
may be removed; a paid one may not.
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from platform_core.audit import audit_log
from platform_core.models import IndustryChain, Membership, Organisation, Role
from platform_core.notifications import notify
from platform_core.permissions import require
from projects.models import Milestone, Project
from transfer.models import IncubatedCompany

from . import selectors
from .models import Currency, Fund, FundingCommitment, Investment, Stage, Tranche
from .permissions import MANAGER_KINDS_BY_FUND_KIND

MAX_AMOUNT = Decimal("99999999999999.99")  # max_digits=16, decimal_places=2
CLOSED_FUND_STATUSES = {Fund.Status.EXITING, Fund.Status.CLOSED}
KIND_BY_SOURCE = {
    Organisation.Kind.ENTERPRISE: FundingCommitment.Kind.ENTERPRISE_RD,
    Organisation.Kind.GOVERNMENT: FundingCommitment.Kind.GOVERNMENT_SUBSIDY,
}


# Input checks shared by the services


def parse_amount(value, field: str = "amount") -> Decimal:
    """A positive amount with at most two decimals, from a Decimal, number or text."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field: _("Enter an amount as a number, e.g. 1500000.00.")})
    if amount <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("An amount has at most two decimal places (fen).")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("The amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def parse_equity(value, round: str) -> Decimal | None:
    """Equity in (0, 100] for an equity round; none for debt financing."""
    if round == Stage.DEBT:
        if value not in (None, ""):
            raise ValidationError({"equity_percent": _("Debt financing carries no equity; leave equity empty.")})
        return None
    try:
        equity = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        equity = None
    if equity is None or not equity.is_finite():
        raise ValidationError({"equity_percent": _("Enter the equity share as a percentage, e.g. 8.5.")})
    if not Decimal(0) < equity <= Decimal(100):
        raise ValidationError({"equity_percent": _("Equity must be greater than 0 and at most 100%.")})
    if equity != equity.quantize(Decimal("0.01")):
        raise ValidationError({"equity_percent": _("Equity has at most two decimal places.")})
    return equity


def parse_day(value, field: str, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter a date.")})
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        day = parse_date(str(value))
    except ValueError:  # well formed but impossible, e.g. 2024-13-01
        day = None
    if day is None:
        raise ValidationError({field: _("Enter a valid date (YYYY-MM-DD).")})
    return day


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})


def _money_text(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# Funds


def _validate_fund(*, manager: Organisation, kind: str, vintage_year, established_on, term_ends_on, focus_stages,
                   currency: str, status: str) -> dict:
    errors, clean = {}, {}
    if kind not in Fund.Kind.values:
        errors["kind"] = _("Unknown fund type.")
    elif manager.kind not in MANAGER_KINDS_BY_FUND_KIND[kind]:
        errors["manager"] = _("A %(kind)s cannot manage a %(fund)s.") % {
            "kind": manager.get_kind_display(), "fund": Fund.Kind(kind).label}
    try:
        clean["vintage_year"] = int(vintage_year)
        if not 1980 <= clean["vintage_year"] <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["vintage_year"] = _("Enter the vintage year, e.g. 2023.")
    try:
        clean["established_on"] = parse_day(established_on, "established_on", required=False)
        clean["term_ends_on"] = parse_day(term_ends_on, "term_ends_on", required=False)
        if clean["established_on"] and clean["term_ends_on"] and clean["term_ends_on"] < clean["established_on"]:
            errors["term_ends_on"] = _("The term cannot end before the fund was established.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    stages = list(dict.fromkeys(focus_stages or []))
    if any(stage not in Stage.values for stage in stages):
        errors["focus_stages"] = _("Unknown stage in the focus.")
    clean["focus_stages"] = stages
    if currency not in Currency.values:
        errors["currency"] = _("Unknown currency.")
    if status not in Fund.Status.values:
        errors["status"] = _("Unknown status.")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def fund_create(*, actor, manager: Organisation, name_zh: str, kind: str, committed_size, vintage_year,
                name_en: str = "", currency: str = Currency.CNY, established_on=None, term_ends_on=None,
                focus_chains=(), focus_stages=(), status: str = Fund.Status.INVESTING,
                description: str = "") -> Fund:
    require(actor, "funds.add_fund", manager,
            _("Only fund managers of %(org)s may create its funds.") % {"org": manager})
    if not (name_zh or "").strip():
        raise ValidationError({"name_zh": _("Please give the fund's Chinese name.")})
    size = parse_amount(committed_size, "committed_size")
    clean = _validate_fund(manager=manager, kind=kind, vintage_year=vintage_year, established_on=established_on,
                           term_ends_on=term_ends_on, focus_stages=focus_stages, currency=currency, status=status)
    if Fund.objects.filter(manager=manager, name_zh=name_zh.strip()).exists():
        raise ValidationError({"name_zh": _("This manager already has a fund with this name.")})
    fund = Fund.objects.create(
        manager=manager, name_zh=name_zh.strip(), name_en=(name_en or "").strip(), kind=kind, committed_size=size,
        currency=currency, status=status, description=description or "", created_by=actor, **clean,
    )
    fund.focus_chains.set(IndustryChain.objects.filter(pk__in=[getattr(c, "pk", c) for c in focus_chains]))
    audit_log(actor=actor, action="fund.create", target=fund, committed_size=str(size), kind=kind)
    return fund


FUND_FIELDS = {"name_zh", "name_en", "kind", "committed_size", "currency", "vintage_year", "established_on",
               "term_ends_on", "focus_chains", "focus_stages", "status", "description"}


@transaction.atomic
def fund_update(*, actor, fund: Fund, **changes) -> Fund:
    """Change a fund's profile; its size never drops below what it has already invested."""
    unknown = set(changes) - FUND_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    require(actor, "funds.change_fund", fund, _("Only the fund's managers may change it."))
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    merged = {field: changes.get(field, getattr(fund, field)) for field in
              ("kind", "vintage_year", "established_on", "term_ends_on", "focus_stages", "currency", "status")}
    clean = _validate_fund(manager=fund.manager, **merged)
    if "committed_size" in changes:
        size = parse_amount(changes["committed_size"], "committed_size")
        invested = selectors.fund_invested_total(fund)
        if size < invested:
            raise ValidationError({"committed_size": _(
                "The committed size cannot be below the %(invested)s already invested.")
                % {"invested": _money_text(invested)}})
        fund.committed_size = size
    if "currency" in changes and changes["currency"] != fund.currency and fund.investments.exists():
        raise ValidationError({"currency": _("The currency cannot change once the fund has investments.")})
    if "name_zh" in changes:
        if not (changes["name_zh"] or "").strip():
            raise ValidationError({"name_zh": _("Please give the fund's Chinese name.")})
        fund.name_zh = changes["name_zh"].strip()
        if Fund.objects.filter(manager=fund.manager, name_zh=fund.name_zh).exclude(pk=fund.pk).exists():
            raise ValidationError({"name_zh": _("This manager already has a fund with this name.")})
    for field in ("name_en", "description"):
        if field in changes:
            setattr(fund, field, changes[field] or "")
    fund.kind, fund.currency, fund.status = merged["kind"], merged["currency"], merged["status"]
    for field, value in clean.items():
        setattr(fund, field, value)
    fund.save()
    if "focus_chains" in changes:
        fund.focus_chains.set(IndustryChain.objects.filter(
            pk__in=[getattr(c, "pk", c) for c in changes["focus_chains"]]))
    audit_log(actor=actor, action="fund.update", target=fund, fields=sorted(changes))
    return fund


# Investments


@transaction.atomic
def investment_record(*, actor, fund: Fund, round: str, amount, invested_on, equity_percent=None,
                      company: IncubatedCompany | None = None, project: Project | None = None,
                      note: str = "") -> Investment:
    """Record a fund's investment; refused if it would take the fund beyond its committed size."""
    require(actor, "funds.add_investment", fund, _("Only the fund's managers may record its investments."))
    if (company is None) == (project is None):
        raise ValidationError({"company": _("Choose either an incubated company or a project (exactly one).")})
    if round not in Stage.values:
        raise ValidationError({"round": _("Unknown round.")})
    value = parse_amount(amount, "amount")
    equity = parse_equity(equity_percent, round)
    day = parse_day(invested_on, "invested_on")
    _not_in_future(day, "invested_on")
    # Lock the fund: concurrent investments into the same fund wait here, then see each other's rows.
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.status in CLOSED_FUND_STATUSES:
        raise ValidationError(_("The fund is %(status)s and takes no new investments.")
                              % {"status": fund.get_status_display()})
    invested = selectors.fund_invested_total(fund)
    if invested + value > fund.committed_size:
        raise ValidationError({"amount": _(
            "This investment would exceed the fund's committed size: %(size)s committed, %(invested)s "
            "already invested, %(available)s available.") % {
            "size": _money_text(fund.committed_size), "invested": _money_text(invested),
            "available": _money_text(fund.committed_size - invested)}})
    investment = Investment.objects.create(
        fund=fund, company=company, project=project, round=round, amount=value, equity_percent=equity,
        invested_on=day, note=note or "", recorded_by=actor,
    )
    audit_log(actor=actor, action="investment.record", target=investment, fund=fund.pk, amount=str(value),
              equity_percent=str(equity) if equity is not None else None, round=round)
    audit_log(actor=actor, action="fund.invest", target=fund, investment=investment.pk, amount=str(value))
    notify(recipients=_investee_people(investment), event="funds.investment_recorded",
           params={"fund": fund, "target": investment.target, "round": investment.round, "amount": value,
                   "currency": fund.currency}, url=reverse("funds:fund-detail", args=[fund.pk]))
    return investment


def _investee_people(investment: Investment):
    if investment.company_id:
        company = investment.company
        people = list(company.founders.all())
        if company.organisation_id:
            people += _managers_of(company.organisation)
        return people
    return _managers_of(investment.project.sponsor) + [investment.project.lead]


def _managers_of(organisation: Organisation) -> list:
    return [m.user for m in Membership.objects.active().filter(
        organisation=organisation, role__in=[Role.ORG_ADMIN, Role.RD_MANAGER]).select_related("user")]


# Funding commitments (enterprise R&D investment, government subsidies)


def _lock_commitment(commitment: FundingCommitment) -> FundingCommitment:
    return FundingCommitment.objects.select_for_update(of=("self",)).select_related("source").get(pk=commitment.pk)


@transaction.atomic
def commitment_create(*, actor, source: Organisation, title: str, amount, committed_on, center=None,
                      project: Project | None = None, reference: str = "", note: str = "",
                      currency: str = Currency.CNY) -> FundingCommitment:
    """An enterprise commits R&D money, or a government agency a subsidy, to a center or project."""
    require(actor, "funds.add_commitment", source,
            _("You may commit money only for an enterprise or government agency where you hold a managing role."))
    kind = KIND_BY_SOURCE.get(source.kind)
    if kind is None:
        raise ValidationError({"source": _("Only an enterprise (R&D investment) or a government agency "
                                           "(subsidy) commits money here.")})
    if (center is None) == (project is None):
        raise ValidationError({"center": _("Choose either a joint center or a project (exactly one).")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Please give the commitment a title.")})
    value = parse_amount(amount, "amount")
    day = parse_day(committed_on, "committed_on")
    if currency not in Currency.values:
        raise ValidationError({"currency": _("Unknown currency.")})
    commitment = FundingCommitment.objects.create(
        kind=kind, source=source, center=center, project=project, title=title.strip(), amount=value,
        committed_on=day, reference=reference or "", note=note or "", currency=currency, created_by=actor,
    )
    audit_log(actor=actor, action="commitment.create", target=commitment, kind=kind, amount=str(value))
    return commitment


COMMITMENT_FIELDS = {"title", "reference", "amount", "committed_on", "note"}


@transaction.atomic
def commitment_update(*, actor, commitment: FundingCommitment, **changes) -> FundingCommitment:
    unknown = set(changes) - COMMITMENT_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    require(actor, "funds.change_commitment", commitment, _("Only the source organisation may change its commitment."))
    commitment = _lock_commitment(commitment)
    if "amount" in changes:
        value = parse_amount(changes["amount"], "amount")
        scheduled = selectors.total(commitment.tranches.all())
        if value < scheduled:
            raise ValidationError({"amount": _(
                "The commitment cannot be below its %(scheduled)s of scheduled tranches.")
                % {"scheduled": _money_text(scheduled)}})
        commitment.amount = value
    if "committed_on" in changes:
        commitment.committed_on = parse_day(changes["committed_on"], "committed_on")
    if "title" in changes:
        if not (changes["title"] or "").strip():
            raise ValidationError({"title": _("Please give the commitment a title.")})
        commitment.title = changes["title"].strip()
    for field in ("reference", "note"):
        if field in changes:
            setattr(commitment, field, changes[field] or "")
    commitment.save()
    audit_log(actor=actor, action="commitment.update", target=commitment, fields=sorted(changes))
    return commitment


@transaction.atomic
def tranche_add(*, actor, commitment: FundingCommitment, title: str, amount, milestone: Milestone | None = None,
                due_on=None) -> Tranche:
    """Schedule a disbursement; all tranches together stay within the commitment."""
    require(actor, "funds.change_commitment", commitment,
            _("Only the source organisation may schedule tranches of its commitment."))
    if not (title or "").strip():
        raise ValidationError({"title": _("Please give the tranche a title.")})
    value = parse_amount(amount, "amount")
    day = parse_day(due_on, "due_on", required=False)
    commitment = _lock_commitment(commitment)
    if milestone is not None and not selectors.milestones_for_commitment(commitment).filter(pk=milestone.pk).exists():
        raise ValidationError({"milestone": _("This milestone does not belong to the commitment's center or project.")})
    scheduled = selectors.total(commitment.tranches.all())
    if scheduled + value > commitment.amount:
        raise ValidationError({"amount": _(
            "The tranches would exceed the commitment: %(amount)s committed, %(scheduled)s already scheduled, "
            "%(left)s left.") % {"amount": _money_text(commitment.amount), "scheduled": _money_text(scheduled),
                                 "left": _money_text(commitment.amount - scheduled)}})
    tranche = Tranche.objects.create(commitment=commitment, title=title.strip(), amount=value, milestone=milestone,
                                     due_on=day)
    audit_log(actor=actor, action="tranche.add", target=commitment, tranche=tranche.pk, amount=str(value),
              milestone=milestone.pk if milestone else None)
    return tranche


@transaction.atomic
def tranche_pay(*, actor, tranche: Tranche, paid_on=None) -> Tranche:
    """The source side records a tranche as paid; only once its milestone was accepted."""
    require(actor, "funds.change_commitment", tranche.commitment,
            _("Only the source organisation may record its payments."))
    day = parse_day(paid_on, "paid_on", required=False) or timezone.localdate()
    _not_in_future(day, "paid_on")
    _lock_commitment(tranche.commitment)
    tranche = Tranche.objects.select_for_update(of=("self",)).select_related("milestone").get(pk=tranche.pk)
    if tranche.status == Tranche.Status.PAID:
        raise ValidationError(_("This tranche was already paid on %(day)s.") % {"day": tranche.paid_on})
    if not tranche.is_payable:
        raise ValidationError(_("This tranche is payable only after its milestone “%(milestone)s” is accepted "
                                "(its status is “%(status)s”).") % {
            "milestone": tranche.milestone, "status": tranche.milestone.get_status_display()})
    if day < tranche.commitment.committed_on:
        raise ValidationError({"paid_on": _("A tranche cannot be paid before the commitment was made.")})
    tranche.status, tranche.paid_on, tranche.paid_by = Tranche.Status.PAID, day, actor
    tranche.save(update_fields=["status", "paid_on", "paid_by"])
    commitment = tranche.commitment
    audit_log(actor=actor, action="tranche.pay", target=commitment, tranche=tranche.pk, amount=str(tranche.amount),
              paid_on=day.isoformat())
    notify(recipients=_receiving_people(commitment), event="funds.tranche_paid",
           params={"source": commitment.source, "amount": tranche.amount, "currency": commitment.currency,
                   "tranche": tranche, "commitment": commitment},
           url=reverse("funds:commitment-detail", args=[commitment.pk]))
    return tranche


def _receiving_people(commitment: FundingCommitment) -> list:
    if commitment.center_id:
        return _managers_of(commitment.center.enterprise) + _managers_of(commitment.center.university)
    project = commitment.project
    return _managers_of(project.sponsor) + _managers_of(project.performer) + [project.lead]


@transaction.atomic
def tranche_remove(*, actor, tranche: Tranche) -> None:
    require(actor, "funds.change_commitment", tranche.commitment,
            _("Only the source organisation may change its tranches."))
    _lock_commitment(tranche.commitment)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if tranche.status == Tranche.Status.PAID:
        raise ValidationError(_("A paid tranche cannot be removed."))
    audit_log(actor=actor, action="tranche.remove", target=tranche.commitment, tranche=tranche.pk,
              amount=str(tranche.amount))
    tranche.delete()


@transaction.atomic
def subsidy_commit_on_award(*, source: Organisation, project: Project, amount, title: str,
                            reference: str = "") -> FundingCommitment:
    """A government-led call's subsidy becomes the agency's commitment to an awarded project.

    Called by projects.services when the award's dual sign-off took effect: that sign-off is the
    authority, so there is no acting user (the audit row has none). Idempotent per project and source.
    """
    if source.kind != Organisation.Kind.GOVERNMENT:
        raise ValidationError({"source": _("Only a government agency commits a subsidy.")})
    existing = FundingCommitment.objects.filter(kind=FundingCommitment.Kind.GOVERNMENT_SUBSIDY, source=source,
                                                project=project).first()
    if existing is not None:
        return existing
    value = parse_amount(amount, "amount")
    commitment = FundingCommitment.objects.create(
        kind=FundingCommitment.Kind.GOVERNMENT_SUBSIDY, source=source, project=project, title=title.strip()[:200],
        amount=value, committed_on=timezone.localdate(), reference=reference, created_by=None,
        note=_("Committed on the award of the call (dual sign-off)."))
    audit_log(actor=None, action="commitment.create", target=commitment, kind=commitment.kind, amount=str(value))
    return commitment
