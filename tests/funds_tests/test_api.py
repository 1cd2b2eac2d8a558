"""The funds REST API: same rules as the services; refused writes answer 400/403/404 and change nothing."""
from decimal import Decimal

import pytest

from funds.models import Fund, FundingCommitment, Investment, Tranche
from projects.models import Milestone

from . import factories as f

pytestmark = pytest.mark.django_db

FUNDS, INVESTMENTS = "/api/funds/funds/", "/api/funds/investments/"
COMMITMENTS, TRANCHES = "/api/funds/commitments/", "/api/funds/tranches/"


def as_user(api, user):
    api.force_authenticate(user)
    return api


def investment_payload(fund, company, **overrides):
    data = {"fund": fund.pk, "company": company.pk, "round": "seed", "amount": "300000.00",
            "equity_percent": "10.00", "invested_on": f.today().isoformat()}
    data.update(overrides)
    return data


def test_fund_registry_is_public_but_the_invested_total_is_not(api, fund, fund_manager, outsider, company):
    Investment.objects.create(fund=fund, company=company, round="seed", amount=Decimal("100.00"),
                              equity_percent=Decimal("1"), invested_on=f.today())
    mine = as_user(api, fund_manager).get(f"{FUNDS}{fund.pk}/").json()
    assert mine["invested_total"] == "100.00"
    theirs = as_user(api, outsider).get(FUNDS).json()["results"][0]
    assert theirs["name_zh"] == fund.name_zh and "invested_total" not in theirs


def test_fund_manager_creates_and_updates_a_fund(api, fund_org, fund_manager, other_fund_manager):
    payload = {"name_zh": "秦创原天使基金", "kind": "angel", "manager": fund_org.pk, "committed_size": "20000000",
               "vintage_year": 2024, "focus_stages": ["angel"]}
    response = as_user(api, fund_manager).post(FUNDS, payload, format="json")
    assert response.status_code == 201, response.json()
    fund_id = response.json()["id"]
    # another institution's manager is not a choice he has: refused as a bad reference (400), nothing created
    refused = as_user(api, other_fund_manager).post(FUNDS, {**payload, "name_zh": "冒名"}, format="json")
    assert refused.status_code == 400 and "manager" in refused.json()
    assert as_user(api, other_fund_manager).patch(f"{FUNDS}{fund_id}/", {"status": "closed"}, format="json") \
        .status_code == 403
    assert as_user(api, fund_manager).patch(f"{FUNDS}{fund_id}/", {"status": "exiting"}, format="json") \
        .status_code == 200
    assert Fund.objects.get(pk=fund_id).status == "exiting"
    assert Fund.objects.count() == 1


def test_recording_investments_and_the_committed_size_limit(api, fund, fund_manager, company):
    client = as_user(api, fund_manager)
    assert client.post(INVESTMENTS, investment_payload(fund, company, amount="700000"), format="json") \
        .status_code == 201
    over = client.post(INVESTMENTS, investment_payload(fund, company, amount="300000.01"), format="json")
    assert over.status_code == 400
    assert "amount" in over.json()
    assert Investment.objects.count() == 1


@pytest.mark.parametrize("overrides, field", [
    ({"amount": "-5"}, "amount"), ({"amount": "abc"}, "amount"), ({"amount": "0"}, "amount"),
    ({"equity_percent": "0"}, "equity_percent"), ({"equity_percent": "100.01"}, "equity_percent"),
    ({"equity_percent": "abc"}, "equity_percent"), ({"round": "debt"}, "equity_percent"),
])
def test_bad_investment_input_is_refused(api, fund, fund_manager, company, overrides, field):
    response = as_user(api, fund_manager).post(INVESTMENTS, investment_payload(fund, company, **overrides),
                                               format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Investment.objects.exists()


def test_messages_come_in_chinese_by_default_and_english_on_request(api, fund, fund_manager, company):
    client = as_user(api, fund_manager)
    payload = investment_payload(fund, company, amount="2000000")
    chinese = client.post(INVESTMENTS, payload, format="json").json()["amount"][0]
    english = client.post(INVESTMENTS, payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["amount"][0]
    assert "认缴规模" in chinese
    assert "exceed the fund's committed size" in english
    assert not Investment.objects.exists()


def test_others_cannot_record_a_funds_investment(api, fund, other_fund_manager, enterprise_admin, company):
    for intruder in (other_fund_manager, enterprise_admin):  # a fund they do not manage is no choice of theirs
        refused = as_user(api, intruder).post(INVESTMENTS, investment_payload(fund, company), format="json")
        assert refused.status_code == 400 and "fund" in refused.json()
    assert not Investment.objects.exists()


def test_investments_list_only_what_concerns_the_user(api, fund, company, outsider, program_officer):
    investment = Investment.objects.create(fund=fund, company=company, round="seed", amount=Decimal("1"),
                                           equity_percent=Decimal("1"), invested_on=f.today())
    assert as_user(api, outsider).get(INVESTMENTS).json()["count"] == 0
    assert as_user(api, outsider).get(f"{INVESTMENTS}{investment.pk}/").status_code == 404
    assert as_user(api, program_officer).get(INVESTMENTS).json()["count"] == 1


def test_commitments_and_tranches_through_the_api(api, enterprise, enterprise_admin, project, outsider,
                                                  program_officer, researcher):
    client = as_user(api, enterprise_admin)
    created = client.post(COMMITMENTS, {"source": enterprise.pk, "project": project.pk, "title": "研发经费",
                                        "amount": "1000000", "committed_on": f.today().isoformat()}, format="json")
    assert created.status_code == 201, created.json()
    commitment_id = created.json()["id"]
    assert created.json()["kind"] == "enterprise_rd"
    milestone = f.make_milestone(project, status=Milestone.Status.SUBMITTED)
    tranche = client.post(TRANCHES, {"commitment": commitment_id, "title": "里程碑拨款", "amount": "600000",
                                     "milestone": milestone.pk}, format="json")
    assert tranche.status_code == 201, tranche.json()
    tranche_id = tranche.json()["id"]
    too_much = client.post(TRANCHES, {"commitment": commitment_id, "title": "二期", "amount": "400000.01"},
                           format="json")
    assert too_much.status_code == 400 and Tranche.objects.count() == 1

    not_yet = client.post(f"{TRANCHES}{tranche_id}/pay/", {}, format="json")
    assert not_yet.status_code == 400
    assert Tranche.objects.get(pk=tranche_id).status == "planned"
    assert as_user(api, researcher).post(f"{TRANCHES}{tranche_id}/pay/", {}, format="json").status_code == 403
    assert as_user(api, outsider).post(f"{TRANCHES}{tranche_id}/pay/", {}, format="json").status_code == 404

    milestone.status = Milestone.Status.ACCEPTED
    milestone.save()
    paid = as_user(api, enterprise_admin).post(f"{TRANCHES}{tranche_id}/pay/", {"paid_on": f.today().isoformat()},
                                               format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    detail = client.get(f"{COMMITMENTS}{commitment_id}/").json()
    assert (detail["scheduled_total"], detail["paid_total"]) == ("600000.00", "600000.00")

    assert as_user(api, outsider).get(f"{COMMITMENTS}{commitment_id}/").status_code == 404
    assert as_user(api, outsider).post(TRANCHES, {"commitment": commitment_id, "title": "x", "amount": "1"},
                                       format="json").status_code == 400
    assert as_user(api, program_officer).get(COMMITMENTS).json()["count"] == 1
    assert as_user(api, researcher).patch(f"{COMMITMENTS}{commitment_id}/", {"amount": "5"}, format="json") \
        .status_code == 403
    assert FundingCommitment.objects.get().amount == Decimal("1000000.00")


def test_nobody_commits_money_for_someone_elses_organisation(api, government, enterprise_admin, project):
    response = as_user(api, enterprise_admin).post(COMMITMENTS, {
        "source": government.pk, "project": project.pk, "title": "冒名补助", "amount": "1",
        "committed_on": f.today().isoformat()}, format="json")
    assert response.status_code == 400 and "source" in response.json()
    assert not FundingCommitment.objects.exists()
