"""Home-page cards of the capital chain: the fund manager's deal flow and the platform's 资金链 figures."""
import datetime

from django.utils import timezone

from platform_core.models import Role
from platform_core.permissions import member_organisation_ids
from transfer import selectors as transfer_selectors

from . import selectors
from .models import FundingCommitment, Investment

NEW_COMPANY_DAYS = 90


def is_fund_manager(user) -> bool:
    return bool(member_organisation_ids(user, Role.FUND_MANAGER))


def fund_manager_panel(request) -> dict:
    user = request.user
    since = timezone.localdate() - datetime.timedelta(days=NEW_COMPANY_DAYS)
    new_companies = transfer_selectors.companies_visible_to(user).filter(admitted_on__gte=since).exclude(stage="exited")
    my_investments = Investment.objects.filter(fund__in=selectors.funds_managed_by(user).values("pk"))
    return {
        "new_company_count": new_companies.count(),
        "new_companies": list(new_companies.order_by("-admitted_on")[:3]),
        "days": NEW_COMPANY_DAYS,
        "portfolio_total": selectors.total(my_investments),
        "investment_count": my_investments.count(),
    }


def capital_figures_panel(request) -> dict:
    invested = selectors.total_invested_by_fund_kind()
    commitments = selectors.commitment_totals()
    return {
        "seed_angel_funds": selectors.count_funds_brought_in(kinds=selectors.SEED_AND_ANGEL),
        "funds": selectors.count_funds_brought_in(),
        "institutions": selectors.count_financial_institutions(),
        "invested": sum(invested.values()),
        "subsidies": commitments[FundingCommitment.Kind.GOVERNMENT_SUBSIDY]["committed"],
        "enterprise_rd": commitments[FundingCommitment.Kind.ENTERPRISE_RD]["committed"],
    }
