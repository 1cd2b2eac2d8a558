"""Pages of the capital chain: who sees what, forms that refuse bad input, Chinese by default."""
from decimal import Decimal

import pytest
from django.urls import reverse

from funds.models import Fund, FundingCommitment, Investment, Tranche
from projects.models import Milestone

from . import factories as f

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def test_fund_list_and_detail_read_chinese_and_show_committed_vs_invested(client, fund, fund_manager, company):
    Investment.objects.create(fund=fund, company=company, round="seed", amount=Decimal("250000.00"),
                              equity_percent=Decimal("10"), invested_on=f.today())
    page = logged_in(client, fund_manager).get(reverse("funds:fund-list")).content.decode()
    assert "基金" in page and fund.name_zh in page and "种子基金" in page
    detail = client.get(reverse("funds:fund-detail", args=[fund.pk])).content.decode()
    assert "认缴与已投" in detail and "250,000.00" in detail and "750,000.00" in detail
    assert company.name in detail
    assert reverse("funds:investment-create", args=[fund.pk]) in detail


def test_outsiders_see_the_fund_profile_but_not_its_portfolio(client, fund, outsider, company):
    Investment.objects.create(fund=fund, company=company, round="seed", amount=Decimal("250000.00"),
                              equity_percent=Decimal("10"), invested_on=f.today())
    detail = logged_in(client, outsider).get(reverse("funds:fund-detail", args=[fund.pk])).content.decode()
    assert fund.name_zh in detail
    assert company.name not in detail and "250,000.00" not in detail
    assert client.get(reverse("funds:investment-create", args=[fund.pk])).status_code == 403
    assert client.get(reverse("funds:fund-detail", args=[999999])).status_code == 404


def test_fund_manager_records_an_investment_through_the_page(client, fund, fund_manager, company):
    url = reverse("funds:investment-create", args=[fund.pk])
    form = {"company": company.pk, "round": "angel", "amount": "400000", "equity_percent": "12.5",
            "invested_on": f.today().isoformat()}
    response = logged_in(client, fund_manager).post(url, form)
    assert response.status_code == 302
    assert Investment.objects.get().amount == Decimal("400000.00")


@pytest.mark.parametrize("changes, message", [
    ({"amount": "700000"}, "该笔投资将超出基金认缴规模"),
    ({"amount": "-3"}, "金额必须大于零"),
    ({"amount": "三十万"}, "请输入数字金额"),
    ({"equity_percent": "120"}, "股权比例必须大于 0 且不超过 100%"),
])
def test_investment_page_refuses_bad_input_with_a_chinese_message(client, fund, fund_manager, company, changes,
                                                                   message):
    Investment.objects.create(fund=fund, company=company, round="seed", amount=Decimal("400000.00"),
                              equity_percent=Decimal("10"), invested_on=f.today())
    form = {"company": company.pk, "round": "angel", "amount": "100", "equity_percent": "5",
            "invested_on": f.today().isoformat(), **changes}
    response = logged_in(client, fund_manager).post(reverse("funds:investment-create", args=[fund.pk]), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Investment.objects.count() == 1


def test_pages_switch_to_english(client, fund, fund_manager):
    client = logged_in(client, fund_manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("funds:fund-detail", args=[fund.pk])).content.decode()
    assert "Committed vs invested" in page and "Seed fund" in page


def test_fund_manager_creates_a_fund_through_the_page(client, fund_org, fund_manager, outsider):
    form = {"manager": fund_org.pk, "name_zh": "秦创原天使基金", "kind": "angel", "committed_size": "-1",
            "currency": "CNY", "vintage_year": 2024, "status": "investing"}
    response = logged_in(client, fund_manager).post(reverse("funds:fund-create"), form)
    assert "金额必须大于零" in response.content.decode() and not Fund.objects.exists()
    response = client.post(reverse("funds:fund-create"), {**form, "committed_size": "20000000"})
    assert response.status_code == 302 and Fund.objects.get().committed_size == Decimal("20000000.00")
    assert logged_in(client, outsider).get(reverse("funds:fund-create")).status_code == 403


def test_deal_flow_is_for_fund_managers(client, fund_manager, outsider, company, fund):
    page = logged_in(client, fund_manager).get(reverse("funds:deal-flow")).content.decode()
    assert company.name in page and f"?company={company.pk}" in page
    assert logged_in(client, outsider).get(reverse("funds:deal-flow")).status_code == 403


def test_commitment_pages_schedule_and_pay_tranches(client, enterprise, enterprise_admin, project):
    client = logged_in(client, enterprise_admin)
    response = client.post(reverse("funds:commitment-create"), {
        "source": enterprise.pk, "project": project.pk, "title": "2025年度研发经费", "amount": "1000000",
        "currency": "CNY", "committed_on": f.today().isoformat()})
    commitment = FundingCommitment.objects.get()
    assert response.status_code == 302
    milestone = f.make_milestone(project, status=Milestone.Status.SUBMITTED)
    detail_url = reverse("funds:commitment-detail", args=[commitment.pk])
    too_much = client.post(detail_url, {"title": "一期", "amount": "1000000.01"})
    assert "分期合计将超出承诺金额" in too_much.content.decode() and not Tranche.objects.exists()
    client.post(detail_url, {"title": "里程碑拨款", "amount": "600000", "milestone": milestone.pk})
    tranche = Tranche.objects.get()

    refused = client.post(reverse("funds:tranche-pay", args=[tranche.pk]), {"paid_on": f.today().isoformat()},
                          follow=True)
    assert "验收通过后才能拨付" in refused.content.decode()
    tranche.refresh_from_db()
    assert tranche.status == "planned"

    milestone.status = Milestone.Status.ACCEPTED
    milestone.save()
    client.post(reverse("funds:tranche-pay", args=[tranche.pk]), {"paid_on": f.today().isoformat()})
    tranche.refresh_from_db()
    assert tranche.status == "paid"
    listing = client.get(reverse("funds:commitment-list")).content.decode()
    assert "2025年度研发经费" in listing and "600,000.00" in listing


def test_commitment_pages_refuse_people_of_other_organisations(client, enterprise, enterprise_admin, project,
                                                               outsider, researcher, government):
    commitment = f.make_commitment(enterprise, project=project)
    tranche = Tranche.objects.create(commitment=commitment, title="首期", amount=Decimal("1"))
    detail_url = reverse("funds:commitment-detail", args=[commitment.pk])
    assert logged_in(client, outsider).get(detail_url).status_code == 404
    assert client.post(reverse("funds:tranche-pay", args=[tranche.pk]), {"paid_on": f.today()}).status_code == 404
    assert logged_in(client, researcher).get(detail_url).status_code == 200  # the performing side reads it
    assert client.post(detail_url, {"title": "x", "amount": "1"}).status_code == 403
    assert client.post(reverse("funds:tranche-pay", args=[tranche.pk]), {"paid_on": f.today()}).status_code == 403
    assert client.get(reverse("funds:commitment-create")).status_code == 403
    response = logged_in(client, enterprise_admin).post(reverse("funds:commitment-create"), {
        "source": government.pk, "project": project.pk, "title": "冒名补助", "amount": "1", "currency": "CNY",
        "committed_on": f.today().isoformat()})
    assert response.status_code == 200  # government is not offered: the form refuses it
    assert Tranche.objects.get().status == "planned" and FundingCommitment.objects.count() == 1


def test_capital_views_of_a_center_and_a_project(client, enterprise, government, project, center, fund,
                                                 program_officer, outsider):
    f.make_commitment(enterprise, center=center, amount=Decimal("3000000.00"), title="中心年度研发投入")
    f.make_commitment(government, project=project, amount=Decimal("500000.00"), title="揭榜挂帅补助")
    Investment.objects.create(fund=fund, project=project, round="pre_a", amount=Decimal("800000.00"),
                              equity_percent=Decimal("6"), invested_on=f.today())
    client = logged_in(client, program_officer)
    center_page = client.get(reverse("funds:center-capital", args=[center.pk])).content.decode()
    assert "中心年度研发投入" in center_page and "3,000,000.00" in center_page
    project_page = client.get(reverse("funds:project-capital", args=[project.pk])).content.decode()
    assert "1,300,000.00" in project_page and fund.name_zh in project_page and "政府补助" in project_page
    assert logged_in(client, outsider).get(reverse("funds:project-capital", args=[project.pk])).status_code == 404
    outsider_center = client.get(reverse("funds:center-capital", args=[center.pk])).content.decode()
    assert "中心年度研发投入" not in outsider_center  # the center is public, its money is not
