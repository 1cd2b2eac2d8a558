"""Reads of the capital chain: rows a user may see, totals, the deal flow and dashboard figures.

Every total is a database aggregation on Decimal (Sum + Coalesce to 0), never a float sum.
"""
import datetime
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField, DecimalField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Sum, Value,
)
from django.db.models.functions import Coalesce

from consortia.models import JointCenter
from consortia.selectors import centers_visible_to
from platform_core.models import Membership, Organisation, Region
from platform_core.permissions import is_platform_admin, is_program_officer, member_organisation_ids
from projects.models import Milestone, Project
from projects.selectors import projects_visible_to
from platform_core.visibility import NOBODY, visible, visible_q
from transfer import selectors as transfer_selectors

from .models import Currency, Fund, FundingCommitment, Investment, Tranche

from .permissions import (
    COMMITMENT_ROLES_BY_KIND, COMMITMENT_VISIBILITY, FUND_MANAGER_ROLES, INVESTMENT_VISIBILITY, PORTFOLIO_VISIBILITY,
)

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))
SEED_AND_ANGEL = (Fund.Kind.SEED, Fund.Kind.ANGEL)


def _sum(field: str, **extra) -> Coalesce:
    return Coalesce(Sum(field, **extra), ZERO)


CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """SQLite returns sums without trailing zeros; give every total two decimals."""
    return Decimal(value or 0).quantize(CENT)


def total(queryset: QuerySet, field: str = "amount") -> Decimal:
    return cents(queryset.aggregate(total=_sum(field))["total"])


def _reads_everything(user) -> bool:
    return is_platform_admin(user) or is_program_officer(user)


# Funds and investments


def _invested_in(target: str, user=None) -> Subquery:
    """Sum of the investments whose `target` (fund, company) is the outer row, as a subquery
    (only those `user` may read, when given)."""
    investments = Investment.objects.all() if user is None else visible(INVESTMENT_VISIBILITY.key, user,
                                                                         Investment.objects.all())
    return Subquery(investments.filter(**{target: OuterRef("pk")}).order_by().values(target)
                    .annotate(s=Sum("amount")).values("s"), output_field=DecimalField(max_digits=16, decimal_places=2))


def funds_visible_to(user) -> QuerySet[Fund]:
    """The fund registry (public profile) for every signed-in user."""
    if not user.is_authenticated:
        return Fund.objects.none()
    return Fund.objects.select_related("manager").prefetch_related("focus_chains")


def fund_list(user, *, query: str = "", kind: str = "", status: str = "", chain=None, manager=None):
    funds = funds_visible_to(user)
    if query:
        funds = funds.filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query)
                             | Q(manager__name_zh__icontains=query))
    if kind:
        funds = funds.filter(kind=kind)
    if status:
        funds = funds.filter(status=status)
    if chain:
        funds = funds.filter(pk__in=Fund.objects.filter(focus_chains=chain).values("pk"))
    if manager:
        funds = funds.filter(manager=manager)
    return funds


def funds_managed_by(user) -> QuerySet[Fund]:
    if is_platform_admin(user):
        return Fund.objects.select_related("manager")
    return Fund.objects.filter(manager_id__in=member_organisation_ids(user, *FUND_MANAGER_ROLES)) \
        .select_related("manager")


def fund_managing_organisations(user) -> QuerySet[Organisation]:
    """Organisations the user may create funds for."""
    if is_platform_admin(user):
        return Organisation.objects.of_kind(Organisation.Kind.FINANCIAL, Organisation.Kind.GOVERNMENT)
    return Organisation.objects.filter(pk__in=member_organisation_ids(user, *FUND_MANAGER_ROLES))


def _portfolio_readable(user):
    """funds.view_portfolio as a column (`PORTFOLIO_VISIBILITY`: the fund's managers, program officers)."""
    if is_platform_admin(user):
        return Value(True)
    condition = visible_q(PORTFOLIO_VISIBILITY.key, user)
    if condition == Q():
        return Value(True)
    if condition == NOBODY:
        return Value(False)
    return ExpressionWrapper(condition, output_field=BooleanField())


def with_portfolio(user, funds: QuerySet[Fund]) -> QuerySet[Fund]:
    """Annotate each fund's `invested_total` and whether `user` may read it (`portfolio_readable`)."""
    return funds.annotate(invested_total=Coalesce(_invested_in("fund"), ZERO),
                          portfolio_readable=_portfolio_readable(user))


def fund_invested_total(fund: Fund) -> Decimal:
    return total(Investment.objects.filter(fund=fund))


def fund_summary(fund: Fund) -> dict:
    """Committed vs invested; `available` is what the fund may still invest."""
    invested = fund_invested_total(fund)
    share = (invested / fund.committed_size * 100) if fund.committed_size else Decimal(0)
    return {"committed": fund.committed_size, "invested": invested,
            "available": fund.committed_size - invested, "percent": share.quantize(Decimal("0.1")),
            "count": fund.investments.count()}


def investments_visible_to(user) -> QuerySet[Investment]:
    """Investments whose amounts the user may read (`INVESTMENT_VISIBILITY`: the fund's managers, the investee,
    program officers), never every member of an organisation involved."""
    return visible(INVESTMENT_VISIBILITY.key, user, Investment.objects.select_related(
        "fund__manager", "company__incubator__host", "company__organisation", "project__sponsor",
        "project__performer",
    ))


def portfolio(user, fund: Fund) -> QuerySet[Investment]:
    return investments_visible_to(user).filter(fund=fund)


def investable_companies(user) -> QuerySet:
    """Incubated companies a fund may invest in."""
    return transfer_selectors.companies_visible_to(user).order_by("name", "pk")


def open_projects() -> QuerySet[Project]:
    """Projects in progress or done: what a fund invests in and commitments finance."""
    return Project.objects.exclude(status=Project.Status.CLOSED).select_related("sponsor", "performer") \
        .order_by("-created_at", "-pk")


def projects_for_capital(user) -> QuerySet[Project]:
    """Open projects the user may see, so may name as the target of an investment or a commitment
    (program officers and staff read every project's capital; others the projects they take part in)."""
    if not user.is_authenticated:
        return Project.objects.none()
    if _reads_everything(user):
        return open_projects()
    return open_projects().filter(pk__in=projects_visible_to(user).values("pk"))


def milestones_for_capital(user) -> QuerySet[Milestone]:
    """Milestones of the projects the user may see (a tranche may wait for one)."""
    return Milestone.objects.filter(project__in=projects_for_capital(user).values("pk")).select_related("project")


def deal_flow(user, *, chain=None) -> dict:
    """What fund managers look at before investing (DESIGN §2): incubated companies and screened/pushed results."""
    companies = transfer_selectors.companies_visible_to(user).exclude(stage="exited")
    achievements = transfer_selectors.supermarket_achievements(chain=chain)
    if chain:
        companies = companies.filter(industry_node__chain=chain)
    companies = companies.annotate(raised=_invested_in("company", user))
    return {"companies": companies, "achievements": achievements}


# Commitments and tranches


def commitments_visible_to(user) -> QuerySet[FundingCommitment]:
    """Commitments the user may read (`COMMITMENT_VISIBILITY`: the source's and the receivers' managers,
    the receiving center's leaders and project lead, program officers)."""
    return visible(COMMITMENT_VISIBILITY.key, user, FundingCommitment.objects.select_related(
        "source", "center__enterprise", "center__university", "project__sponsor", "project__performer",
    ))


def commitments_of_my_organisations(user) -> QuerySet[FundingCommitment]:
    """Commitments whose source is an organisation the user commits money for."""
    return commitments_visible_to(user).filter(source__in=commitment_sources_for(user))


def commitment_sources_for(user) -> QuerySet[Organisation]:
    """Organisations on whose behalf the user may commit money (enterprise R&D, government subsidy)."""
    if is_platform_admin(user):
        return Organisation.objects.of_kind(*COMMITMENT_ROLES_BY_KIND)
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = Membership.objects.active().filter(user=user).order_by()
    return Organisation.objects.filter(reduce(or_, (
        Q(kind=kind, pk__in=memberships.filter(role__in=roles).values("organisation_id"))
        for kind, roles in COMMITMENT_ROLES_BY_KIND.items()
    )))


def with_paid_totals(commitments: QuerySet) -> QuerySet:
    """Annotate `scheduled` (all tranches) and `paid` (paid tranches) without multiplying rows."""
    def tranche_sum(**filters):
        return Coalesce(Subquery(
            Tranche.objects.filter(commitment=OuterRef("pk"), **filters).order_by().values("commitment")
            .annotate(s=Sum("amount")).values("s"),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ), ZERO)

    return commitments.annotate(scheduled=tranche_sum(), paid=tranche_sum(status=Tranche.Status.PAID))


def commitment_summary(commitment: FundingCommitment) -> dict:
    tranches = commitment.tranches.all()
    scheduled = total(tranches)
    paid = total(tranches.filter(status=Tranche.Status.PAID))
    return {"committed": commitment.amount, "scheduled": scheduled, "unscheduled": commitment.amount - scheduled,
            "paid": paid, "outstanding": commitment.amount - paid}


def tranches_visible_to(user) -> QuerySet[Tranche]:
    return Tranche.objects.filter(commitment__in=commitments_visible_to(user).values("pk")).select_related(
        "commitment__source", "milestone__project")


def milestones_for_commitment(commitment: FundingCommitment) -> QuerySet[Milestone]:
    """Milestones a tranche of this commitment may be tied to: of its project, or of the center's projects."""
    if commitment.project_id:
        return Milestone.objects.filter(project_id=commitment.project_id).select_related("project")
    return Milestone.objects.filter(project__challenge__center_id=commitment.center_id).select_related("project")


def commitment_centers(user) -> QuerySet[JointCenter]:
    """Joint centers a commitment may finance."""
    return centers_visible_to(user).order_by("name_zh", "pk")


# Capital view of a center or a project (all money flowing into it, by source)


def center_for_capital_view(user, pk: int) -> JointCenter | None:
    return centers_visible_to(user).filter(pk=pk).first()


def project_for_capital_view(user, pk: int) -> Project | None:
    projects = Project.objects.select_related("sponsor", "performer", "challenge") if _reads_everything(user) \
        else projects_visible_to(user)
    return projects.filter(pk=pk).first()


def capital_inflow(user, *, center: JointCenter | None = None, project: Project | None = None) -> dict:
    """Commitments and investments into one target that the user may see, with totals by source."""
    target = {"center": center} if center is not None else {"project": project}
    commitments = with_paid_totals(commitments_visible_to(user).filter(**target))
    investments = investments_visible_to(user).filter(project=project) if project is not None \
        else Investment.objects.none()
    by_source = list(
        commitments.order_by().values("source_id", "source__name_zh", "kind")
        .annotate(committed=_sum("amount")).order_by("-committed")
    )
    by_source += [
        {"source_id": row["fund__manager_id"], "source__name_zh": row["fund__name_zh"], "kind": "investment",
         "committed": row["committed"]}
        for row in investments.order_by().values("fund__manager_id", "fund__name_zh")
        .annotate(committed=_sum("amount")).order_by("-committed")
    ]
    committed = total(commitments)
    invested = total(investments)
    paid = total(Tranche.objects.filter(commitment__in=commitments.values("pk"), status=Tranche.Status.PAID))
    return {
        "commitments": commitments, "investments": investments, "by_source": by_source,
        "committed": committed, "paid": paid, "invested": invested, "grand_total": committed + invested,
    }


# Dashboard figures (资金链). Each takes an optional date range, region and industry chain.


def _region_q(prefix: str, region: Region | None) -> Q:
    if region is None:
        return Q()
    return Q(**{f"{prefix}region": region}) | Q(**{f"{prefix}region__parent": region})


def count_funds_brought_in(*, kinds=None, start: datetime.date | None = None, end: datetime.date | None = None,
                           region: Region | None = None, chain=None) -> int:
    """Funds on the platform (seed 001 counts 204 seed/angel funds; pass kinds=SEED_AND_ANGEL)."""
    funds = Fund.objects.filter(_region_q("manager__", region))
    if kinds:
        funds = funds.filter(kind__in=kinds)
    if start:
        funds = funds.filter(created_at__date__gte=start)
    if end:
        funds = funds.filter(created_at__date__lte=end)
    if chain:
        funds = funds.filter(pk__in=Fund.objects.filter(focus_chains=chain).values("pk"))
    return funds.count()


def count_financial_institutions(*, region: Region | None = None, involved_only: bool = False) -> int:
    """Financial institutions on the platform (seed 001: 338); `involved_only` counts those managing a fund."""
    institutions = Organisation.objects.of_kind(Organisation.Kind.FINANCIAL).filter(_region_q("", region))
    if involved_only:
        institutions = institutions.filter(Exists(Fund.objects.filter(manager=OuterRef("pk"))))
    return institutions.count()


def _investments_in_scope(start, end, region, chain, currency) -> QuerySet[Investment]:
    investments = Investment.objects.filter(fund__currency=currency)
    if start:
        investments = investments.filter(invested_on__gte=start)
    if end:
        investments = investments.filter(invested_on__lte=end)
    if region is not None:
        investments = investments.filter(
            _region_q("company__incubator__host__", region) | _region_q("project__sponsor__", region))
    if chain:
        investments = investments.filter(Q(company__industry_node__chain=chain)
                                         | Q(project__challenge__industry_node__chain=chain))
    return investments


def total_invested_by_fund_kind(*, start=None, end=None, region=None, chain=None,
                                currency: str = Currency.CNY) -> dict[str, Decimal]:
    """{fund kind: invested amount} for investments in scope (region/chain of the investee)."""
    rows = dict(_investments_in_scope(start, end, region, chain, currency).order_by().values("fund__kind")
                .annotate(s=_sum("amount")).values_list("fund__kind", "s"))
    return {kind: cents(rows.get(kind)) for kind in Fund.Kind.values}


def _commitments_in_scope(region, chain, currency) -> QuerySet[FundingCommitment]:
    commitments = FundingCommitment.objects.filter(currency=currency)
    if region is not None:
        commitments = commitments.filter(
            _region_q("center__enterprise__", region) | _region_q("project__sponsor__", region))
    if chain:
        commitments = commitments.filter(
            pk__in=FundingCommitment.objects.filter(Q(center__industry_nodes__chain=chain)
                                                    | Q(project__challenge__industry_node__chain=chain))
            .values("pk"))
    return commitments


def commitment_totals(*, start=None, end=None, region=None, chain=None,
                      currency: str = Currency.CNY) -> dict[str, dict[str, Decimal]]:
    """Government subsidies and enterprise R&D investment: committed (by commitment date) and paid
    (by payment date) in the range, for centers/projects in the region (of the enterprise or sponsor) and chain."""
    commitments = _commitments_in_scope(region, chain, currency)
    committed = commitments
    if start:
        committed = committed.filter(committed_on__gte=start)
    if end:
        committed = committed.filter(committed_on__lte=end)
    paid = Tranche.objects.filter(commitment__in=commitments.values("pk"), status=Tranche.Status.PAID)
    if start:
        paid = paid.filter(paid_on__gte=start)
    if end:
        paid = paid.filter(paid_on__lte=end)
    committed_by_kind = dict(committed.order_by().values("kind").annotate(s=_sum("amount")).values_list("kind", "s"))
    paid_by_kind = dict(paid.order_by().values("commitment__kind").annotate(s=_sum("amount"))
                        .values_list("commitment__kind", "s"))
    return {kind: {"committed": cents(committed_by_kind.get(kind)), "paid": cents(paid_by_kind.get(kind))}
            for kind in FundingCommitment.Kind.values}


def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    return {"fund": Fund.objects.all(), "investment": Investment.objects.all(),
            "commitment": FundingCommitment.objects.all()}
