"""Contracts, receipts (到账), the distribution rule and payouts: the arithmetic, the refusals, who sees what."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings as hsettings, strategies as st

from transfer import selectors, services
from transfer.income import split_amount
from transfer.models import Contract, Distribution, DistributionRule, Payout, Receipt, RoyaltyReport

from .income_helpers import IncomeWorld

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.date(2025, 6, 30)


@pytest.fixture
def w(db):
    return IncomeWorld()


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the pages' Chinese comes from the same catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _counts():
    return (Receipt.objects.count(), Distribution.objects.count(), Payout.objects.count(),
            RoyaltyReport.objects.count(), DistributionRule.objects.count())


# ------------------------------------------------------------------ the arithmetic

def test_split_gives_the_leftover_fen_to_the_largest_fractions():
    # 100.00 in thirds: 33.33 each and one fen left, to the first of equal fractions.
    assert split_amount(D("100.00"), [("a", 1), ("b", 1), ("c", 1)]) == {"a": D("33.34"), "b": D("33.33"),
                                                                        "c": D("33.33")}
    assert split_amount(D("0.01"), [("a", D("70")), ("b", D("30"))]) == {"a": D("0.01"), "b": D("0.00")}


@hsettings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=1, max_value=10**13),
       weights=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=8))
def test_parts_always_sum_exactly_to_the_amount(cents, weights):
    amount = D(cents) / 100
    parts = split_amount(amount, [(i, D(w) / 100) for i, w in enumerate(weights)])
    assert sum(parts.values()) == amount
    total = sum(weights)
    for i, w in enumerate(weights):
        assert abs(parts[i] - amount * w / total) < D("0.01")


# ------------------------------------------------------------------ contracts and receipts

def test_a_deal_has_its_contract(w):
    contract = w.licence()
    assert contract.kind == Contract.Kind.LICENCE and contract.licence_type == "exclusive"
    assert contract.institution == w.university and contract.school == w.school
    assert contract.amount == D("1000000.00") and contract.counterparty == w.enterprise


def test_receipt_is_distributed_exactly_into_parts_and_payouts(w):
    contract = w.licence()
    receipt = services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="100000.01")
    d = receipt.distribution
    assert (d.inventors_percent, d.school_percent, d.tto_percent, d.university_percent) == (70, 10, 5, 15)
    assert d.total == receipt.amount == D("100000.01")
    assert d.inventors_amount == D("70000.01")  # the fen left over goes to the largest fraction (0.7 of a fen)
    payouts = list(d.payouts.order_by("person_id"))
    assert {p.person for p in payouts} == {w.inventor, w.inventor2}
    assert sum(p.amount for p in payouts) == d.inventors_amount
    assert {p.status for p in payouts} == {"due"} and {p.kind for p in payouts} == {"cash"}
    assert {p.tax_treatment for p in payouts} == {Payout.Tax.HALF_WAGE}


@pytest.mark.parametrize("amount", ["0", "-5", "0.00", "abc"])
def test_zero_negative_or_non_numeric_receipts_are_refused(w, amount):
    contract = w.licence()
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount=amount)
    assert "amount" in str(exc.value).lower() or "number" in str(exc.value).lower()
    assert _counts() == before


def test_receipt_beyond_the_contract_needs_a_reason(w):
    contract = w.licence(price="1000.00")
    services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="800")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="300")
    assert exc.value.message_dict["over_reason"][0].startswith("With this receipt 1,100.00 CNY")
    assert _counts() == before
    receipt = services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="300",
                                      over_reason="补充协议增加了培训费")
    assert receipt.over_reason == "补充协议增加了培训费"
    assert selectors.contract_received(contract) == D("1100.00")


def test_only_the_institutions_transfer_staff_record_receipts(w):
    contract = w.licence()
    before = _counts()
    for outsider in (w.rd, w.inventor, w.student, w.other_broker, w.officer):
        with pytest.raises(PermissionDenied):
            services.receipt_record(actor=outsider, contract=contract, received_on=DAY, amount="10")
    assert _counts() == before
    services.receipt_record(actor=w.broker, contract=contract, received_on=DAY, amount="10")  # the school's broker


def test_royalty_report_is_a_receipt_and_only_for_licences(w):
    contract = w.licence()
    report = services.royalty_report_record(
        actor=w.tto, contract=contract, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30),
        sales_amount="5000000", royalty_amount="150000", received_on=datetime.date(2025, 7, 15))
    assert report.receipt.amount == D("150000.00") and report.receipt.distribution.payouts.count() == 2
    before = _counts()
    with pytest.raises(ValidationError):  # the same period twice
        services.royalty_report_record(actor=w.tto, contract=contract, period_start=datetime.date(2025, 1, 1),
                                       period_end=datetime.date(2025, 6, 30), royalty_amount="1",
                                       received_on=DAY)
    with pytest.raises(ValidationError):  # a period ending before it starts
        services.royalty_report_record(actor=w.tto, contract=contract, period_start=datetime.date(2025, 7, 1),
                                       period_end=datetime.date(2025, 6, 30), royalty_amount="1", received_on=DAY)
    dev = services.contract_create(actor=w.tto, kind="development", institution=w.university, title="电池管理系统开发",
                                   amount="200000", signed_on=DAY, counterparty=w.enterprise, project=None,
                                   joint_center=_center(w))
    with pytest.raises(ValidationError):
        services.royalty_report_record(actor=w.tto, contract=dev, period_start=datetime.date(2025, 1, 1),
                                       period_end=datetime.date(2025, 6, 30), royalty_amount="1", received_on=DAY)
    assert _counts() == before


def _center(w):
    from tests.consortia_tests.factories import JointCenterFactory

    return JointCenterFactory(enterprise=w.enterprise, university=w.university)


def test_development_contract_needs_its_origin_and_a_unique_registration(w):
    with pytest.raises(ValidationError) as exc:
        services.contract_create(actor=w.tto, kind="consulting", institution=w.university, title="咨询",
                                 amount="1000", signed_on=DAY)
    assert "joint_center" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.contract_create(actor=w.tto, kind="licence", institution=w.university, title="许可",
                                 amount="1000", signed_on=DAY, joint_center=_center(w))
    center = _center(w)
    services.contract_create(actor=w.tto, kind="service", institution=w.university, title="检测服务", amount="1000",
                             signed_on=DAY, joint_center=center, registration_number="2025610000123",
                             registration_date=DAY)
    with pytest.raises(ValidationError) as exc:
        services.contract_create(actor=w.tto, kind="service", institution=w.university, title="检测服务二",
                                 amount="1000", signed_on=DAY, joint_center=center,
                                 registration_number="2025610000123")
    assert "registration_number" in exc.value.message_dict
    assert Contract.objects.filter(kind="service").count() == 1
    with pytest.raises(PermissionDenied):
        services.contract_create(actor=w.rd, kind="service", institution=w.university, title="x", amount="1",
                                 signed_on=DAY, joint_center=center)


def test_equity_holding_gives_equity_rewards_and_disposals_are_bounded(w):
    achievement = w.achievement(title="碳化硅功率模块封装", inventors=[w.inventor, w.inventor2])
    push = w.negotiating_push(achievement)
    deal = services.deal_create(actor=w.tto, achievement=achievement, push=push, kind="equity", equity_percent=20,
                                signed_on=DAY, price="3000000", shares=[{"user": w.inventor, "percent": 100}])
    holding = services.equity_holding_record(actor=w.tto, contract=deal.contract, shares="1000000",
                                             acquired_on=DAY, company_name="秦岭碳化硅科技有限公司")
    payouts = list(holding.receipt.distribution.payouts.all())
    assert {p.kind for p in payouts} == {"equity"} and {p.tax_treatment for p in payouts} == {"deferred"}
    assert sum(p.shares for p in payouts) == D("700000")  # 70 % of the shares to the team
    assert sum(p.amount for p in payouts) == D("2100000.00")
    services.equity_disposal_record(actor=w.tto, holding=holding, disposed_on=DAY, shares="400000",
                                    proceeds="1500000", over_reason="股权溢价出售")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.equity_disposal_record(actor=w.tto, holding=holding, disposed_on=DAY, shares="600001", proceeds="1")
    assert "600000.0000 shares are still held" in exc.value.messages[0]
    assert _counts() == before


# ------------------------------------------------------------------ the rule and the override

def test_a_rule_must_sum_to_exactly_100(w):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.distribution_rule_set(actor=w.tto, institution=w.university, inventors_percent="70",
                                       school_percent="10", tto_percent="10", university_percent="15",
                                       inventors_min="50", inventors_max="90")
    assert "105.00%" in exc.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.distribution_rule_set(actor=w.broker, institution=w.university, inventors_percent="70",
                                       school_percent="10", tto_percent="5", university_percent="15",
                                       inventors_min="50", inventors_max="90")
    assert _counts() == before
    rule = services.distribution_rule_set(actor=w.tto, institution=w.university, inventors_percent="60",
                                          school_percent="20", tto_percent="5", university_percent="15",
                                          inventors_min="50", inventors_max="80")
    contract = w.licence()
    receipt = services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    assert receipt.distribution.inventors_amount == D("600.00") and rule.pk


def test_override_within_policy_limits_and_payouts_only_to_the_team(w):
    contract = w.licence()
    with pytest.raises(ValidationError) as exc:
        services.contract_set_distribution(actor=w.tto, contract=contract, shares={
            "inventors_percent": "95", "school_percent": "5", "tto_percent": "0", "university_percent": "0"})
    assert "between 50.00% and 90.00%" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.contract_set_distribution(actor=w.tto, contract=contract,
                                           team=[{"person": w.student, "percent": "100"}])
    assert "not on the team" in exc.value.messages[0]
    contract.refresh_from_db()
    assert not contract.has_override and not contract.team_shares.exists()
    services.contract_set_distribution(
        actor=w.tto, contract=contract,
        shares={"inventors_percent": "80", "school_percent": "10", "tto_percent": "5", "university_percent": "5"},
        team=[{"person": w.inventor, "percent": "75"}, {"person": w.inventor2, "percent": "25"}])
    receipt = services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    amounts = {p.person: p.amount for p in receipt.distribution.payouts.all()}
    assert amounts == {w.inventor: D("600.00"), w.inventor2: D("200.00")}


def test_payout_moves_due_approved_paid_only(w):
    contract = w.licence()
    receipt = services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    payout = receipt.distribution.payouts.first()
    with pytest.raises(ValidationError):
        services.payout_mark_paid(actor=w.tto, payout=payout, paid_on=DAY)
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=payout.person, payout=payout)
    payout = services.payout_approve(actor=w.tto, payout=payout)
    payout = services.payout_mark_paid(actor=w.tto, payout=payout, paid_on=DAY)
    assert payout.status == "paid" and payout.paid_on == DAY


# ------------------------------------------------------------------ who sees what (issue 12 §3)

def test_payouts_and_splits_are_seen_by_tto_and_the_inventors_own_only(w):
    contract = w.licence()
    services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    assert selectors.payouts_visible_to(w.tto).count() == 2
    assert selectors.payouts_visible_to(w.broker).count() == 2
    assert list(selectors.payouts_visible_to(w.inventor).values_list("person", flat=True)) == [w.inventor.pk]
    for reader in (w.student, w.mentor, w.other_broker, w.rd, w.engineer, w.officer, w.outsider):
        assert selectors.payouts_visible_to(reader).count() == 0, reader
        assert selectors.distributions_visible_to(reader).count() == 0, reader
        assert not reader.has_perm("transfer.view_revenue_split", contract.deal), reader
    deals = selectors.with_split_access(selectors.deals_visible_to(w.rd), w.rd)
    assert [d.split_open for d in deals] == [False]
    assert selectors.with_split_access(selectors.deals_visible_to(w.inventor), w.inventor).get().split_open
    assert w.tto.has_perm("transfer.view_revenue_split", contract.deal)
