"""Rules of the capital chain, exercised on the services: each refusal changes nothing."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from funds import services
from funds.models import Fund, FundingCommitment, Investment, Stage, Tranche
from platform_core.models import AuditEvent, Notification, Role
from projects.models import Milestone
from tests.conftest import run_at_the_same_moment
from tests.factories import member

from . import factories as f

pytestmark = pytest.mark.django_db


def invest(actor, fund, **overrides):
    data = {"round": Stage.SEED, "amount": "300000", "equity_percent": "10", "invested_on": f.today()}
    data.update(overrides)
    if "company" not in data and "project" not in data:
        raise AssertionError("give a target")
    return services.investment_record(actor=actor, fund=fund, **data)


# Funds


def test_fund_manager_creates_a_fund_for_their_institution(fund_org, fund_manager):
    fund = services.fund_create(actor=fund_manager, manager=fund_org, name_zh="秦创原天使基金", kind=Fund.Kind.ANGEL,
                                committed_size="20000000", vintage_year=2024, focus_stages=["angel", "pre_a"])
    assert fund.committed_size == Decimal("20000000.00")
    assert fund.focus_stages == ["angel", "pre_a"]
    assert AuditEvent.objects.filter(action="fund.create", target_id=str(fund.pk)).exists()


def test_nobody_creates_a_fund_for_another_institution(fund_org, other_fund_manager):
    with pytest.raises(PermissionDenied):
        services.fund_create(actor=other_fund_manager, manager=fund_org, name_zh="冒名基金", kind=Fund.Kind.SEED,
                             committed_size="1000000", vintage_year=2024)
    assert not Fund.objects.exists()


def test_only_a_guidance_fund_may_be_managed_by_a_government_agency(government):
    officer = member(government, Role.FUND_MANAGER)
    with pytest.raises(ValidationError) as exc:
        services.fund_create(actor=officer, manager=government, name_zh="政府种子基金", kind=Fund.Kind.SEED,
                             committed_size="1000000", vintage_year=2024)
    assert "manager" in exc.value.message_dict
    assert not Fund.objects.exists()
    fund = services.fund_create(actor=officer, manager=government, name_zh="省科技成果转化引导基金",
                                kind=Fund.Kind.GOVERNMENT_GUIDANCE, committed_size="1000000000", vintage_year=2020)
    assert fund.manager == government


@pytest.mark.parametrize("size", ["-5", "0", "abc", "", "1.001", "NaN", "Infinity"])
def test_fund_size_must_be_a_positive_amount(fund_org, fund_manager, size):
    with pytest.raises(ValidationError) as exc:
        services.fund_create(actor=fund_manager, manager=fund_org, name_zh="基金", kind=Fund.Kind.SEED,
                             committed_size=size, vintage_year=2024)
    assert "committed_size" in exc.value.message_dict
    assert not Fund.objects.exists()


def test_fund_size_cannot_drop_below_what_it_invested(fund, fund_manager, company):
    invest(fund_manager, fund, company=company, amount="600000")
    with pytest.raises(ValidationError) as exc:
        services.fund_update(actor=fund_manager, fund=fund, committed_size="500000")
    assert "committed_size" in exc.value.message_dict
    fund.refresh_from_db()
    assert fund.committed_size == Decimal("1000000.00")
    services.fund_update(actor=fund_manager, fund=fund, committed_size="600000", status=Fund.Status.EXITING)
    fund.refresh_from_db()
    assert (fund.committed_size, fund.status) == (Decimal("600000.00"), "exiting")


# Investments


def test_fund_manager_records_an_investment_into_a_company_and_a_project(fund, fund_manager, company, project):
    first = invest(fund_manager, fund, company=company, amount="300000.50", equity_percent="12.5")
    second = invest(fund_manager, fund, project=project, round=Stage.PRE_A, amount="200000", equity_percent="100")
    assert first.amount == Decimal("300000.50") and first.equity_percent == Decimal("12.50")
    assert second.project == project
    assert AuditEvent.objects.filter(action="investment.record").count() == 2
    assert Notification.objects.filter(event="funds.investment_recorded").exists()


def test_a_fund_never_invests_beyond_its_committed_size(fund, fund_manager, company):
    invest(fund_manager, fund, company=company, amount="700000")
    with pytest.raises(ValidationError) as exc:
        invest(fund_manager, fund, company=company, amount="300000.01")
    assert "amount" in exc.value.message_dict
    assert Investment.objects.count() == 1
    invest(fund_manager, fund, company=company, amount="300000.00")  # exactly the committed size is allowed
    assert Investment.objects.count() == 2


def test_totals_are_exact_decimals_not_floats(fund_org, fund_manager, company):
    """0.1 + 0.2 exceeds 0.3 in floating point; in Decimal it is exactly 0.3."""
    fund = f.make_fund(fund_org, committed_size=Decimal("0.30"))
    invest(fund_manager, fund, company=company, amount=0.1)
    invest(fund_manager, fund, company=company, amount=0.2)
    assert sum(i.amount for i in Investment.objects.all()) == Decimal("0.30")


@pytest.mark.parametrize("amount", ["-100", "0", "abc", "", None, "12.345", "1e20"])
def test_investment_amount_must_be_positive_and_numeric(fund, fund_manager, company, amount):
    with pytest.raises(ValidationError) as exc:
        invest(fund_manager, fund, company=company, amount=amount)
    assert "amount" in exc.value.message_dict
    assert not Investment.objects.exists()


@pytest.mark.parametrize("equity", ["0", "-1", "100.01", "150", "x", "", None, "10.005"])
def test_equity_must_be_above_zero_and_at_most_100(fund, fund_manager, company, equity):
    with pytest.raises(ValidationError) as exc:
        invest(fund_manager, fund, company=company, equity_percent=equity)
    assert "equity_percent" in exc.value.message_dict
    assert not Investment.objects.exists()


def test_debt_financing_has_no_equity(fund, fund_manager, company):
    with pytest.raises(ValidationError):
        invest(fund_manager, fund, company=company, round=Stage.DEBT, equity_percent="5")
    assert not Investment.objects.exists()
    loan = invest(fund_manager, fund, company=company, round=Stage.DEBT, equity_percent=None)
    assert loan.equity_percent is None


def test_investment_needs_exactly_one_target(fund, fund_manager, company, project):
    with pytest.raises(ValidationError):
        services.investment_record(actor=fund_manager, fund=fund, round=Stage.SEED, amount="1000",
                                   equity_percent="1", invested_on=f.today())
    with pytest.raises(ValidationError):
        invest(fund_manager, fund, company=company, project=project)
    assert not Investment.objects.exists()


def test_investment_cannot_be_dated_in_the_future(fund, fund_manager, company):
    with pytest.raises(ValidationError) as exc:
        invest(fund_manager, fund, company=company, invested_on=f.today() + datetime.timedelta(days=1))
    assert "invested_on" in exc.value.message_dict
    assert not Investment.objects.exists()


def test_a_closed_fund_takes_no_investment(fund_org, fund_manager, company):
    fund = f.make_fund(fund_org, status=Fund.Status.CLOSED)
    with pytest.raises(ValidationError):
        invest(fund_manager, fund, company=company)
    assert not Investment.objects.exists()


def test_only_the_funds_own_managers_record_its_investments(fund, other_fund_manager, enterprise_admin, company):
    for intruder in (other_fund_manager, enterprise_admin, member(fund.manager, Role.RESEARCHER)):
        with pytest.raises(PermissionDenied):
            invest(intruder, fund, company=company)
    assert not Investment.objects.exists()


def test_database_refuses_bad_amounts_and_equity_even_without_the_service(fund, company):
    for bad in ({"amount": Decimal("-1"), "equity_percent": Decimal("5")},
                {"amount": Decimal("1"), "equity_percent": Decimal("150")},
                {"amount": Decimal("1"), "equity_percent": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Investment.objects.create(fund=fund, company=company, round=Stage.SEED, invested_on=f.today(), **bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.create(manager=fund.manager, name_zh="零规模", kind=Fund.Kind.SEED, committed_size=0,
                            vintage_year=2024)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_investments_cannot_overshoot_the_committed_size(fund, fund_manager, company):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (CI)")
    errors = run_at_the_same_moment(*[lambda: invest(fund_manager, fund, company=company, amount="600000") for _ in range(3)])
    assert sorted(type(e).__name__ for e in errors if e) == ["ValidationError", "ValidationError"]
    assert Investment.objects.filter(fund=fund).count() == 1


# Commitments and tranches


def test_enterprise_commits_rd_money_and_government_a_subsidy(enterprise, enterprise_admin, government,
                                                              program_officer, project, center):
    rd = services.commitment_create(actor=enterprise_admin, source=enterprise, project=project, title="研发经费",
                                    amount="2000000", committed_on=f.today())
    subsidy = services.commitment_create(actor=program_officer, source=government, center=center,
                                         title="平台建设补助", amount="5000000", committed_on="2024-05-01")
    assert rd.kind == FundingCommitment.Kind.ENTERPRISE_RD
    assert subsidy.kind == FundingCommitment.Kind.GOVERNMENT_SUBSIDY
    assert subsidy.committed_on == datetime.date(2024, 5, 1)


def test_nobody_commits_for_an_organisation_they_do_not_manage(enterprise, government, researcher, outsider,
                                                               enterprise_admin, fund_org, fund_manager, project):
    attempts = [
        (outsider, enterprise), (member(enterprise, Role.RESEARCHER), enterprise), (enterprise_admin, government),
        (fund_manager, fund_org), (member(government, Role.FUND_MANAGER), government),
    ]
    for actor, source in attempts:
        with pytest.raises(PermissionDenied):
            services.commitment_create(actor=actor, source=source, project=project, title="冒名", amount="1",
                                       committed_on=f.today())
    assert not FundingCommitment.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "0", "一百万", "1.111"])
def test_commitment_amount_must_be_positive(enterprise, enterprise_admin, project, amount):
    with pytest.raises(ValidationError):
        services.commitment_create(actor=enterprise_admin, source=enterprise, project=project, title="研发经费",
                                   amount=amount, committed_on=f.today())
    assert not FundingCommitment.objects.exists()


def test_commitment_needs_exactly_one_target(enterprise, enterprise_admin, project, center):
    for target in ({}, {"project": project, "center": center}):
        with pytest.raises(ValidationError):
            services.commitment_create(actor=enterprise_admin, source=enterprise, title="研发经费", amount="1",
                                       committed_on=f.today(), **target)
    assert not FundingCommitment.objects.exists()


def test_tranches_never_exceed_the_commitment(enterprise, enterprise_admin, project):
    commitment = f.make_commitment(enterprise, project=project, amount=Decimal("1000000.00"))
    services.tranche_add(actor=enterprise_admin, commitment=commitment, title="首期", amount="600000")
    with pytest.raises(ValidationError) as exc:
        services.tranche_add(actor=enterprise_admin, commitment=commitment, title="二期", amount="400000.01")
    assert "amount" in exc.value.message_dict
    assert commitment.tranches.count() == 1
    services.tranche_add(actor=enterprise_admin, commitment=commitment, title="二期", amount="400000")
    with pytest.raises(ValidationError):
        services.commitment_update(actor=enterprise_admin, commitment=commitment, amount="999999.99")
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("1000000.00")


def test_tranche_milestone_must_belong_to_the_commitments_target(enterprise, university, enterprise_admin, project,
                                                                 center):
    elsewhere = f.make_milestone(f.make_project(enterprise, university))
    commitment = f.make_commitment(enterprise, project=project)
    with pytest.raises(ValidationError) as exc:
        services.tranche_add(actor=enterprise_admin, commitment=commitment, title="首期", amount="1",
                             milestone=elsewhere)
    assert "milestone" in exc.value.message_dict
    # A center's commitment may use milestones of projects run in that center.
    center_project = f.make_project(enterprise, university, center=center)
    in_center = f.make_milestone(center_project)
    center_commitment = f.make_commitment(enterprise, center=center)
    services.tranche_add(actor=enterprise_admin, commitment=center_commitment, title="首期", amount="1",
                         milestone=in_center)
    with pytest.raises(ValidationError):
        services.tranche_add(actor=enterprise_admin, commitment=center_commitment, title="二期", amount="1",
                             milestone=elsewhere)
    assert Tranche.objects.count() == 1


def test_a_tranche_is_payable_only_after_its_milestone_was_accepted(enterprise, enterprise_admin, project):
    milestone = f.make_milestone(project, status=Milestone.Status.SUBMITTED)
    commitment = f.make_commitment(enterprise, project=project)
    tranche = services.tranche_add(actor=enterprise_admin, commitment=commitment, title="里程碑拨款", amount="500000",
                                   milestone=milestone)
    assert not tranche.is_payable
    with pytest.raises(ValidationError):
        services.tranche_pay(actor=enterprise_admin, tranche=tranche, paid_on=f.today())
    tranche.refresh_from_db()
    assert (tranche.status, tranche.paid_on) == (Tranche.Status.PLANNED, None)

    milestone.status = Milestone.Status.ACCEPTED  # as projects' dual sign-off does
    milestone.save()
    tranche.refresh_from_db()
    services.tranche_pay(actor=enterprise_admin, tranche=tranche, paid_on=f.today())
    tranche.refresh_from_db()
    assert (tranche.status, tranche.paid_on, tranche.paid_by) == (Tranche.Status.PAID, f.today(), enterprise_admin)
    assert Notification.objects.filter(event="funds.tranche_paid").exists()
    with pytest.raises(ValidationError):
        services.tranche_pay(actor=enterprise_admin, tranche=tranche)
    with pytest.raises(ValidationError):
        services.tranche_remove(actor=enterprise_admin, tranche=tranche)
    assert Tranche.objects.filter(pk=tranche.pk, status="paid").exists()


def test_only_the_source_side_records_payments(enterprise, government, program_officer, project, researcher):
    subsidy = f.make_commitment(government, project=project)
    tranche = services.tranche_add(actor=program_officer, commitment=subsidy, title="首期补助", amount="100000")
    receiving_admin = member(enterprise, Role.ORG_ADMIN, Role.RD_MANAGER)
    for intruder in (receiving_admin, researcher):
        with pytest.raises(PermissionDenied):
            services.tranche_pay(actor=intruder, tranche=tranche)
        with pytest.raises(PermissionDenied):
            services.tranche_add(actor=intruder, commitment=subsidy, title="x", amount="1")
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PLANNED and subsidy.tranches.count() == 1


def test_payment_date_is_checked(enterprise, enterprise_admin, project):
    commitment = f.make_commitment(enterprise, project=project, committed_on=f.today() - datetime.timedelta(days=5))
    tranche = services.tranche_add(actor=enterprise_admin, commitment=commitment, title="首期", amount="1")
    for day in (f.today() + datetime.timedelta(days=1), f.today() - datetime.timedelta(days=6), "2024-13-01"):
        with pytest.raises(ValidationError):
            services.tranche_pay(actor=enterprise_admin, tranche=tranche, paid_on=day)
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PLANNED


def test_a_planned_tranche_can_be_removed(enterprise, enterprise_admin, project):
    commitment = f.make_commitment(enterprise, project=project)
    tranche = services.tranche_add(actor=enterprise_admin, commitment=commitment, title="首期", amount="1")
    services.tranche_remove(actor=enterprise_admin, tranche=tranche)
    assert not Tranche.objects.exists()
