"""The income API: contracts, receipts, royalty reports, payouts and annual reports, with the same rules."""
import pytest

from transfer.models import AnnualReport, Receipt

from .income_helpers import IncomeWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    return IncomeWorld()


def test_tto_records_a_royalty_and_reads_the_split(api, w):
    contract = w.licence()
    api.force_authenticate(w.tto)
    response = api.post(f"/api/transfer/contracts/{contract.pk}/royalty-reports/", {
        "period_start": "2025-01-01", "period_end": "2025-06-30", "royalty_amount": "90000.00",
        "sales_amount": "3000000", "received_on": "2025-07-10"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["distribution"]["inventors_amount"] == "63000.00"
    assert api.get(f"/api/transfer/contracts/{contract.pk}/").json()["received"] == "90000.00"
    assert len(api.get("/api/transfer/payouts/").json()["results"]) == 2


def test_bad_receipts_are_400_with_the_reason_and_nothing_written(api, w):
    contract = w.licence(price="100")
    api.force_authenticate(w.tto)
    for amount in ("0", "-1", "abc"):
        response = api.post(f"/api/transfer/contracts/{contract.pk}/receipts/",
                            {"received_on": "2025-07-10", "amount": amount}, format="json")
        assert response.status_code == 400 and "amount" in response.json()
    response = api.post(f"/api/transfer/contracts/{contract.pk}/receipts/",
                        {"received_on": "2025-07-10", "amount": "101"}, format="json")
    assert response.status_code == 400 and "over_reason" in response.json()
    assert not Receipt.objects.exists()


def test_others_see_no_split_no_payouts_and_cannot_write(api, w):
    contract = w.licence()
    api.force_authenticate(w.tto)
    api.post(f"/api/transfer/contracts/{contract.pk}/receipts/", {"received_on": "2025-07-10", "amount": "1000"},
             format="json")
    api.force_authenticate(w.rd)  # the licensee reads its contract and ledger, not the university's split
    ledger = api.get(f"/api/transfer/contracts/{contract.pk}/ledger/").json()["results"]
    assert ledger[0]["amount"] == "1000.00" and ledger[0]["distribution"] is None
    assert "shares" not in api.get(f"/api/transfer/deals/{contract.deal_id}/").json()
    assert api.post(f"/api/transfer/contracts/{contract.pk}/receipts/",
                    {"received_on": "2025-07-10", "amount": "1"}, format="json").status_code == 403
    for user in (w.rd, w.student, w.other_broker, w.officer):
        api.force_authenticate(user)
        assert api.get("/api/transfer/payouts/").json()["results"] == []
    api.force_authenticate(w.student)
    assert api.get(f"/api/transfer/contracts/{contract.pk}/").status_code == 404
    api.force_authenticate(w.inventor)
    mine = api.get("/api/transfer/payouts/").json()["results"]
    assert [p["person"] for p in mine] == [w.inventor.pk]
    assert "shares" in api.get(f"/api/transfer/deals/{contract.deal_id}/").json()
    assert api.post(f"/api/transfer/payouts/{mine[0]['id']}/approve/", {}, format="json").status_code == 403


def test_annual_report_through_the_api(api, w):
    w.licence()
    api.force_authenticate(w.tto)
    response = api.post("/api/transfer/annual-reports/", {"institution": w.university.pk, "year": 2025,
                                                         "narrative": "工作总结"}, format="json")
    assert response.status_code == 201, response.content
    report = AnnualReport.objects.get()
    assert api.get(f"/api/transfer/annual-reports/{report.pk}/").json()["status"] in ("generating", "ready")
    api.force_authenticate(w.broker)
    assert api.post("/api/transfer/annual-reports/", {"institution": w.university.pk, "year": 2025},
                    format="json").status_code == 400  # not an institution the broker may choose
    assert AnnualReport.objects.count() == 1


def test_income_operations_are_in_the_schema(api, w):
    api.force_authenticate(w.tto)
    schema = api.get("/api/schema/?format=json").json()
    for path in ("/api/transfer/contracts/", "/api/transfer/contracts/{id}/receipts/",
                 "/api/transfer/contracts/{id}/royalty-reports/", "/api/transfer/payouts/{id}/paid/",
                 "/api/transfer/annual-reports/"):
        assert path in schema["paths"], path
