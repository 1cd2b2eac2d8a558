"""Visibility and the dashboard figures of the capital chain (computed in the database, in Decimal)."""
import datetime
from decimal import Decimal

import pytest

from funds import selectors, services
from funds.models import Fund, FundingCommitment, Investment, Stage, Tranche
from platform_core.models import Role
from tests.factories import IndustryChainFactory, IndustryNodeFactory, RegionFactory, member

from . import factories as f

pytestmark = pytest.mark.django_db


def _investment(fund, amount, *, company=None, project=None, day=None, equity=Decimal("5")):
    return Investment.objects.create(fund=fund, company=company, project=project, round=Stage.SEED,
                                     amount=Decimal(amount), equity_percent=equity, invested_on=day or f.today())


def test_investments_are_seen_by_the_fund_side_the_investee_side_and_program_officers(
        fund, company, project, outsider, program_officer, fund_manager, researcher, enterprise_admin):
    into_company = _investment(fund, "100", company=company)
    into_project = _investment(fund, "200", project=project)
    assert set(selectors.investments_visible_to(fund_manager)) == {into_company, into_project}
    assert set(selectors.investments_visible_to(program_officer)) == {into_company, into_project}
    # the incubator host's managers do not read the amounts of its companies' rounds; the sponsor's do
    assert set(selectors.investments_visible_to(enterprise_admin)) == {into_project}
    assert set(selectors.investments_visible_to(researcher)) == {into_project}  # the project's lead
    assert not selectors.investments_visible_to(outsider).exists()


def test_commitments_are_seen_by_source_receivers_and_program_officers(
        enterprise, government, project, center, outsider, program_officer, researcher):
    subsidy = f.make_commitment(government, center=center)
    rd = f.make_commitment(enterprise, project=project)
    assert set(selectors.commitments_visible_to(program_officer)) == {subsidy, rd}
    # a researcher of the receiving university reads the project he leads, not the center's subsidy
    assert set(selectors.commitments_visible_to(researcher)) == {rd}
    assert not selectors.commitments_visible_to(outsider).exists()
    assert not selectors.tranches_visible_to(outsider).exists()
    assert set(selectors.commitments_of_my_organisations(program_officer)) == {subsidy}


def test_fund_summary_compares_committed_and_invested(fund, company):
    _investment(fund, "250000.25", company=company)
    _investment(fund, "0.50", company=company)
    summary = selectors.fund_summary(fund)
    assert summary["invested"] == Decimal("250000.75")
    assert summary["available"] == Decimal("749999.25")
    assert summary["count"] == 2


def test_total_invested_by_fund_kind_by_date_region_and_chain(fund_org, enterprise, university):
    xian = RegionFactory(code="610100", name_zh="西安市")
    energy = IndustryChainFactory(code="new-energy")
    chip_node = IndustryNodeFactory(chain=IndustryChainFactory(code="ic", name_zh="集成电路"))
    enterprise.region = xian
    enterprise.save()
    seed = f.make_fund(fund_org, kind=Fund.Kind.SEED)
    bank = f.make_fund(fund_org, kind=Fund.Kind.BANK_PRODUCT, name_zh="科创贷")
    energy_company = f.make_company(enterprise, node=IndustryNodeFactory(chain=energy))
    chip_company = f.make_company(f.OrganisationFactory(), node=chip_node, name="华芯微电子")
    _investment(seed, "100.10", company=energy_company, day=datetime.date(2024, 3, 1))
    _investment(seed, "200.20", company=chip_company, day=datetime.date(2024, 6, 1))
    Investment.objects.create(fund=bank, company=energy_company, round=Stage.DEBT, amount=Decimal("50"),
                              invested_on=datetime.date(2023, 1, 1))

    everything = selectors.total_invested_by_fund_kind()
    assert everything["seed"] == Decimal("300.30") and everything["bank"] == Decimal("50.00")
    assert everything["venture"] == Decimal("0.00")
    in_2024 = selectors.total_invested_by_fund_kind(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
    assert (in_2024["seed"], in_2024["bank"]) == (Decimal("300.30"), Decimal("0.00"))
    in_xian = selectors.total_invested_by_fund_kind(region=xian)
    assert (in_xian["seed"], in_xian["bank"]) == (Decimal("100.10"), Decimal("50.00"))
    in_shaanxi = selectors.total_invested_by_fund_kind(region=xian.parent or xian)
    assert in_shaanxi["seed"] == Decimal("100.10")
    chips = selectors.total_invested_by_fund_kind(chain=chip_node.chain)
    assert chips["seed"] == Decimal("200.20")


def test_counts_of_funds_and_financial_institutions(fund_org, government):
    f.make_fund(fund_org, kind=Fund.Kind.SEED)
    f.make_fund(fund_org, kind=Fund.Kind.ANGEL, name_zh="天使基金")
    f.make_fund(fund_org, kind=Fund.Kind.VENTURE, name_zh="创投基金")
    f.financial_org()  # a bank on the platform without a fund
    assert selectors.count_funds_brought_in() == 3
    assert selectors.count_funds_brought_in(kinds=selectors.SEED_AND_ANGEL) == 2
    assert selectors.count_financial_institutions() == 2
    assert selectors.count_financial_institutions(involved_only=True) == 1


def test_subsidy_and_rd_totals_by_date_region_and_chain(enterprise, university, government, enterprise_admin,
                                                        program_officer):
    xian = RegionFactory(code="610100")
    enterprise.region = xian
    enterprise.save()
    node = IndustryNodeFactory()
    project = f.make_project(enterprise, university, node=node)
    other_project = f.make_project(f.OrganisationFactory(), university)
    rd = f.make_commitment(enterprise, project=project, amount=Decimal("1000.00"),
                           committed_on=datetime.date(2024, 2, 1))
    f.make_commitment(government, project=project, amount=Decimal("300.00"), committed_on=datetime.date(2024, 4, 1))
    f.make_commitment(government, project=other_project, amount=Decimal("77.70"),
                      committed_on=datetime.date(2023, 4, 1))
    paid = services.tranche_add(actor=enterprise_admin, commitment=rd, title="首期", amount="400.40")
    services.tranche_pay(actor=enterprise_admin, tranche=paid, paid_on=datetime.date(2024, 3, 1))

    totals = selectors.commitment_totals()
    assert totals["enterprise_rd"] == {"committed": Decimal("1000.00"), "paid": Decimal("400.40")}
    assert totals["subsidy"] == {"committed": Decimal("377.70"), "paid": Decimal("0.00")}
    in_2024 = selectors.commitment_totals(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
    assert in_2024["subsidy"]["committed"] == Decimal("300.00")
    assert selectors.commitment_totals(region=xian)["subsidy"]["committed"] == Decimal("300.00")
    assert selectors.commitment_totals(chain=node.chain)["enterprise_rd"]["paid"] == Decimal("400.40")
    march = selectors.commitment_totals(start=datetime.date(2024, 3, 2))
    assert march["enterprise_rd"]["paid"] == Decimal("0.00")


def test_capital_inflow_adds_up_every_source(enterprise, government, project, fund, program_officer):
    f.make_commitment(enterprise, project=project, amount=Decimal("1000.00"))
    subsidy = f.make_commitment(government, project=project, amount=Decimal("500.00"))
    Tranche.objects.create(commitment=subsidy, title="首期", amount=Decimal("200.00"), status="paid",
                           paid_on=f.today())
    _investment(fund, "300.00", project=project)
    flow = selectors.capital_inflow(program_officer, project=project)
    assert flow["committed"] == Decimal("1500.00")
    assert flow["paid"] == Decimal("200.00")
    assert flow["invested"] == Decimal("300.00")
    assert flow["grand_total"] == Decimal("1800.00")
    assert {row["kind"] for row in flow["by_source"]} == {FundingCommitment.Kind.ENTERPRISE_RD,
                                                         FundingCommitment.Kind.GOVERNMENT_SUBSIDY, "investment"}
    outsider = member(f.OrganisationFactory(), Role.RD_MANAGER)
    assert selectors.capital_inflow(outsider, project=project)["grand_total"] == Decimal("0")
