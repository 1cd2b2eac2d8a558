"""Pages of transfer income: who reads what, refusals with nothing written, and flat query counts."""
import datetime
import itertools
from decimal import Decimal

import pytest

from tests.querycount import assert_flat_queries
from transfer import selectors, services
from transfer.models import Achievement, AnnualReport, Contract, Distribution, Payout, Receipt

from .income_helpers import IncomeWorld

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 30)
serial = itertools.count(1)


@pytest.fixture
def w(db):
    return IncomeWorld()


def test_deal_page_shows_the_revenue_split_to_tto_and_inventors_only(client, w):
    contract = w.licence()
    for user, sees in ((w.tto, True), (w.broker, True), (w.inventor, True), (w.rd, False), (w.officer, False)):
        client.force_login(user)
        page = client.get(f"/transfer/deals/{contract.deal_id}/").content.decode()
        assert ('data-testid="shares"' in page) is sees, user


def test_contract_page_hides_the_split_from_the_licensee(client, w):
    contract = w.licence()
    services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    client.force_login(w.rd)
    page = client.get(f"/transfer/income/contracts/{contract.pk}/").content.decode()
    assert "¥1,000.00" in page and 'data-testid="distribution"' not in page and "¥700.00" not in page
    assert 'data-testid="payout-row"' not in page
    assert client.post(f"/transfer/income/contracts/{contract.pk}/",
                       {"action": "receipt", "receipt-received_on": "2025-07-01",
                        "receipt-amount": "5"}).status_code == 403
    client.force_login(w.student)
    assert client.get(f"/transfer/income/contracts/{contract.pk}/").status_code == 404
    client.force_login(w.inventor)
    page = client.get("/transfer/income/payouts/").content.decode()
    assert page.count('data-testid="payout-row"') == 1


def test_bad_receipt_on_the_page_shows_the_reason_and_writes_nothing(client, w):
    contract = w.licence(price="100")
    client.force_login(w.tto)
    response = client.post(f"/transfer/income/contracts/{contract.pk}/",
                           {"action": "receipt", "receipt-received_on": "2025-07-01", "receipt-amount": "150"})
    assert response.status_code == 200
    assert "超过合同金额" in response.content.decode()
    response = client.post(f"/transfer/income/contracts/{contract.pk}/",
                           {"action": "receipt", "receipt-received_on": "2025-07-01", "receipt-amount": "-1"})
    assert "必须大于零" in response.content.decode()
    assert not Receipt.objects.exists()
    response = client.post(f"/transfer/income/rules/{w.university.pk}/", {
        "inventors_percent": "70", "school_percent": "20", "tto_percent": "5", "university_percent": "15",
        "inventors_min": "50", "inventors_max": "90"})
    assert "必须恰好为 100%" in response.content.decode()


def test_payout_approve_and_pay_from_the_contract_page(client, w):
    contract = w.licence()
    receipt = services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    payout = receipt.distribution.payouts.first()
    client.force_login(w.inventor)
    client.post(f"/transfer/income/payouts/{payout.pk}/approve/")
    payout.refresh_from_db()
    assert payout.status == "due"
    client.force_login(w.tto)
    client.post(f"/transfer/income/payouts/{payout.pk}/approve/")
    client.post(f"/transfer/income/payouts/{payout.pk}/paid/", {"paid_on": "2025-08-01"})
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.paid_on == datetime.date(2025, 8, 1)


def test_lineage_reaches_contract_receipts_and_payouts(client, w):
    contract = w.licence()
    services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    client.force_login(w.tto)
    page = client.get(f"/transfer/achievements/{contract.achievement_id}/lineage/").content.decode()
    assert f"/transfer/income/contracts/{contract.pk}/" in page and f"/transfer/deals/{contract.deal_id}/" in page
    assert "¥700.00" in page  # the payouts' total, for the TTO
    client.force_login(w.rd)
    assert "¥700.00" not in client.get(f"/transfer/achievements/{contract.achievement_id}/lineage/").content.decode()
    client.force_login(w.tto)
    assert "/lineage/" in client.get(f"/transfer/achievements/{contract.achievement_id}/").content.decode()


# ------------------------------------------------------------------ size

def _grow(w, template: Contract):
    def grow(n):
        contracts = Contract.objects.bulk_create([Contract(
            institution=w.university, school=w.school, kind="development", title=f"技术开发合同{next(serial)}",
            amount=Decimal("100000"), signed_on=DAY, counterparty=w.enterprise, achievement=template.achievement,
            created_by=w.tto) for _ in range(n)])
        receipts = Receipt.objects.bulk_create([Receipt(contract=c, received_on=DAY, amount=Decimal("100"))
                                                for c in contracts])
        distributions = Distribution.objects.bulk_create([Distribution(
            receipt=r, inventors_percent=70, school_percent=10, tto_percent=5, university_percent=15,
            inventors_amount=70, school_amount=10, tto_amount=5, university_amount=15) for r in receipts])
        Payout.objects.bulk_create([Payout(distribution=d, person=w.inventor, kind="cash", amount=70,
                                           tax_treatment="half_wage") for d in distributions])
    return grow


@pytest.mark.parametrize("url", ["/transfer/income/", "/transfer/income/payouts/", "/api/transfer/contracts/",
                                 "/api/transfer/payouts/"])
def test_income_lists_are_flat(client, w, url):
    template = w.licence()
    client.force_login(w.tto)
    assert_flat_queries(grow=_grow(w, template), fetch=lambda: client.get(url))


def test_contract_ledger_is_flat(client, w):
    contract = w.licence(price="100000000")

    def grow(n):
        for _ in range(n):
            services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="10")
    client.force_login(w.tto)
    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/transfer/income/contracts/{contract.pk}/"),
                        big=60)


def test_report_list_is_flat(client, w):
    client.force_login(w.tto)

    def grow(n):
        start = AnnualReport.objects.count()
        AnnualReport.objects.bulk_create([AnnualReport(institution=w.university, year=2000 + (start + i) % 26,
                                                       version=start + i + 1, status="ready", created_by=w.tto)
                                          for i in range(n)])
    assert_flat_queries(grow=grow, fetch=lambda: client.get("/transfer/income/reports/"))


# ------------------------------------------------------------------ batch screening (issue 11 §5)

def test_batch_screening_one_reason_all_or_nothing(client, w):
    mine = [w.achievement(title=f"批量成果{i}", trl=4 + i % 3) for i in range(4)]
    other = w.achievement(title="已筛选成果", trl=5)
    services.achievement_screen(actor=w.broker, achievement=other, reason="已筛")
    client.force_login(w.broker)
    page = client.get("/transfer/workbench/screening/?min_trl=5").content.decode()
    assert "批量成果1" in page and "批量成果0" not in page  # TRL 4 filtered out
    response = client.post("/transfer/workbench/screening/", {
        "selected": [a.pk for a in mine[:2]] + [other.pk], "action": "screen", "reason": "中试完成"})
    assert response.status_code == 200  # the screened one cannot be screened again: none changes
    assert set(Achievement.objects.filter(pk__in=[a.pk for a in mine]).values_list("status", flat=True)) == {"stock"}
    response = client.post("/transfer/workbench/screening/", {"selected": [a.pk for a in mine[:3]],
                                                              "action": "screen", "reason": ""})
    assert "easy to transfer" in response.content.decode() or "易转化" in response.content.decode()
    client.post("/transfer/workbench/screening/", {"selected": [a.pk for a in mine[:3]], "action": "screen",
                                                   "reason": "中试完成，企业需求明确"})
    assert list(Achievement.objects.filter(pk__in=[a.pk for a in mine]).order_by("pk")
                .values_list("status", flat=True)) == ["screened", "screened", "screened", "stock"]
    assert set(Achievement.objects.filter(pk__in=[a.pk for a in mine[:3]])
               .values_list("screening_reason", flat=True)) == {"中试完成，企业需求明确"}
    client.force_login(w.rd)
    assert client.get("/transfer/workbench/screening/").status_code == 403


def test_workbench_figures_per_school_and_per_broker(client, api, w):
    contract = w.licence(signed_on=datetime.date(2025, 3, 1))
    Achievement.objects.filter(pk=contract.deal.achievement_id).update(
        screened_at=datetime.datetime(2025, 1, 30, 9, tzinfo=datetime.timezone.utc))
    services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    w.achievement(title="待筛成果")  # in stock: counted nowhere but the school's list of achievements
    expected = {"screened": 1, "pushes": 1, "answered": 1, "response_rate": 100, "deals": 1,
                "received": Decimal("1000"), "days_to_deal": 30}
    by_school = {row.pop("name"): row for row in selectors.transfer_kpis(w.broker, by="school")}
    assert by_school == {w.school.name_zh: expected}
    by_broker = selectors.transfer_kpis(w.broker, by="broker")
    assert [row.pop("name") for row in by_broker] == [w.broker.get_full_name() or w.broker.username]
    assert by_broker == [expected]
    with pytest.raises(ValueError):
        selectors.transfer_kpis(w.broker, by="region")

    client.force_login(w.broker)
    page = client.get("/transfer/workbench/").content.decode()
    assert 'data-testid="school-kpis"' in page and 'data-testid="broker-kpis"' in page and "¥1,000.00" in page
    api.force_authenticate(w.broker)
    body = api.get("/api/transfer/workbench/").json()
    assert body["kpis_by_broker"][0]["days_to_deal"] == 30 and body["kpis_by_school"][0]["received"] == "1000.00"
    client.force_login(w.rd)  # an enterprise R&D manager has no workbench
    assert client.get("/transfer/workbench/").status_code == 403


def test_an_inventors_transfer_record_counts_conversions_income_and_his_rewards(w):
    from transfer.models import Payout

    contract = w.licence()
    w.achievement(title="未转化成果", inventors=[w.inventor])
    services.receipt_record(actor=w.tto, contract=contract, received_on=DAY, amount="1000")
    record = selectors.transfer_performance_of(w.inventor)
    own = sum(p.amount for p in Payout.objects.filter(person=w.inventor, kind=Payout.Kind.CASH))
    assert own > 0
    assert record == {"achievements": 2, "converted": 1, "received": Decimal("1000"), "cash_rewards": own,
                      "equity_rewards": Decimal("0")}
