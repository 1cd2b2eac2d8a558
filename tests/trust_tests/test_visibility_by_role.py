"""Issue 12 §3: visibility follows the role inside an organisation, in pages, API, exports and search.

Demo accounts: zhao is a doctoral student of the university (and a member of its joint center),
ma an enterprise mentor at the incubator's host, li a researcher who is a plain member of the center.
"""
import pytest
from rest_framework.test import APIClient

from funds.models import FundingCommitment, Investment
from projects.models import Challenge
from talent.models import SharedHire
from tests.demo_data import demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _count(client, url) -> int:
    return client.get(url).json()["count"]


# Shared hires: salary and shares


def test_a_student_of_the_recruiting_university_sees_no_shared_hire_salary_anywhere(demo, client):
    zhao = demo.users["zhao"]
    hire = SharedHire.objects.get(position="固态电池首席科学家")
    api = _api(zhao)
    assert _count(api, "/api/talent/shared-hires/") == 0
    assert _count(api, "/api/talent/shared-hires/?search=固态") == 0
    assert api.get(f"/api/talent/shared-hires/{hire.pk}/").status_code == 404
    assert api.get(f"/api/talent/shared-hires/{hire.pk}/costs/").status_code == 404
    assert _count(api, "/api/talent/cost-report/") == 0
    client.force_login(zhao)
    page = client.get("/talent/shared-hires/").content.decode()
    assert "固态电池首席科学家" not in page
    assert client.get(f"/talent/shared-hires/{hire.pk}/").status_code == 404
    assert client.get(f"/talent/shared-hires/{hire.pk}/costs.csv").status_code == 404
    assert "秦岭新能源" not in client.get("/talent/cost-report/?format=csv").content.decode("utf-8-sig")
    assert not zhao.has_perm("talent.view_sharedhire", hire)


def test_shared_hire_terms_are_read_by_hr_the_paying_managers_the_agency_and_the_person(demo):
    hire = SharedHire.objects.get(position="固态电池首席科学家")  # energy 45 %, storage 25 %, government 30 %
    for username in ("tto", "zhang", "qian", "sun"):
        api = _api(demo.users[username])
        response = api.get(f"/api/talent/shared-hires/{hire.pk}/")
        assert response.status_code == 200, username
        assert response.json()["annual_cost"] == f"{hire.annual_cost:.2f}"
    assert _count(_api(demo.users["tto"]), "/api/talent/shared-hires/") == SharedHire.objects.count()
    # a researcher of the university and the enterprise mentor of another enterprise see none of it
    for username in ("wang", "ma", "broker"):
        assert _api(demo.users[username]).get(f"/api/talent/shared-hires/{hire.pk}/").status_code == 404, username
    # the person hired reads his own agreement
    sunyu_hire = SharedHire.objects.get(talent__user=demo.users["sunyu"])
    assert _api(demo.users["sunyu"]).get(f"/api/talent/shared-hires/{sunyu_hire.pk}/").status_code == 200
    assert _count(_api(demo.users["sunyu"]), "/api/talent/shared-hires/") == 1


# Investments: amounts and equity


def test_a_mentor_at_the_incubator_host_sees_no_investment(demo, client):
    ma = demo.users["ma"]
    company_rounds = Investment.objects.filter(company__incubator__host=demo.orgs["enterprise_heavy"])
    assert company_rounds.exists()
    api = _api(ma)
    assert _count(api, "/api/funds/investments/") == 0
    assert api.get(f"/api/funds/investments/{company_rounds.first().pk}/").status_code == 404
    fund = company_rounds.first().fund
    response = api.get(f"/api/funds/funds/{fund.pk}/")
    assert response.status_code == 200 and "invested_total" not in response.json()
    client.force_login(ma)
    page = client.get(f"/funds/{fund.pk}/").content.decode()
    assert company_rounds.filter(fund=fund).first().note not in page


def test_investments_are_read_by_the_funds_managers_the_investee_and_program_officers(demo):
    spin_off = Investment.objects.filter(company__name="西安循能梯次科技有限公司")
    assert spin_off.exists()
    assert _count(_api(demo.users["sun"]), "/api/funds/investments/") == Investment.objects.count()
    zhou_funds = Investment.objects.filter(fund__manager=demo.orgs["fund"]).count()
    assert _count(_api(demo.users["zhou"]), "/api/funds/investments/") == zhou_funds
    feng = _api(demo.users["feng"])  # the bank: its loans only
    assert _count(feng, "/api/funds/investments/") == Investment.objects.filter(fund__manager=demo.orgs["bank"]).count()
    # li founded the spin-off: he reads its rounds, and no other company's
    li = {row["id"] for row in _api(demo.users["li"]).get("/api/funds/investments/?page_size=100").json()["results"]}
    assert set(spin_off.values_list("pk", flat=True)) <= li
    assert not Investment.objects.filter(pk__in=li, company__isnull=False).exclude(
        company__name="西安循能梯次科技有限公司").exists()
    # the host's managers (liu) do not read their tenants' rounds
    liu = _api(demo.users["liu"])
    assert _count(liu, "/api/funds/investments/?company=" + str(spin_off.first().company_id)) == 0


def test_the_deal_flow_shows_only_the_amounts_a_fund_manager_may_read(demo, client):
    client.force_login(demo.users["feng"])
    companies = list(client.get("/funds/deal-flow/").context["page"].object_list)
    bank_rounds = Investment.objects.filter(fund__manager=demo.orgs["bank"])
    assert bank_rounds.filter(company__isnull=False).exists()
    assert Investment.objects.filter(company__in=companies).exclude(fund__manager=demo.orgs["bank"]).exists()
    for company in companies:  # what other funds put in stays theirs
        assert (company.raised or 0) == sum(i.amount for i in bank_rounds.filter(company=company)), company.name


# Funding commitments


def test_students_and_researchers_do_not_read_funding_commitments(demo, client):
    assert FundingCommitment.objects.exists()
    for username in ("zhao", "wu", "ma"):  # students of the receiving university, a mentor of a receiving enterprise
        api = _api(demo.users[username])
        assert _count(api, "/api/funds/commitments/") == 0, username
        assert _count(api, "/api/funds/tranches/") == 0, username
    # li, a plain member of the energy center, reads the money of the projects he leads, not the center's
    li = _api(demo.users["li"]).get("/api/funds/commitments/?page_size=100").json()["results"]
    assert li and all(row["center"] is None for row in li)
    client.force_login(demo.users["zhao"])
    assert client.get(f"/funds/commitments/{FundingCommitment.objects.first().pk}/").status_code == 404
    # the source, the receiving center's leaders and program officers do
    assert _count(_api(demo.users["sun"]), "/api/funds/commitments/") == FundingCommitment.objects.count()
    center_money = FundingCommitment.objects.filter(center__enterprise=demo.orgs["enterprise_energy"])
    assert center_money.exists()
    chen = {row["id"] for row in _api(demo.users["chen"]).get("/api/funds/commitments/?page_size=100").json()["results"]}
    assert set(center_money.values_list("pk", flat=True)) <= chen


# Confidential challenge detail


def _open_center_challenge():
    return Challenge.objects.get(title_zh="固态电解质界面阻抗降低")


def test_center_members_students_and_bidders_do_not_read_confidential_detail(demo, client):
    challenge = _open_center_challenge()
    assert challenge.center is not None and challenge.status == Challenge.Status.OPEN
    secret = challenge.confidential_detail
    for username in ("li", "zhao"):  # plain center members; li leads a bid, zhao is on his team
        user = demo.users[username]
        assert not user.has_perm("projects.view_confidential", challenge), username
        detail = _api(user).get(f"/api/projects/challenges/{challenge.pk}/").json()
        assert "confidential_detail" not in detail, username
        rows = _api(user).get("/api/projects/challenges/?page_size=100").json()["results"]
        assert all("confidential_detail" not in row for row in rows if row["id"] == challenge.pk)
        client.force_login(user)
        assert secret not in client.get(f"/projects/challenges/{challenge.pk}/").content.decode(), username


def test_confidential_detail_is_read_by_the_poster_side_center_leaders_and_the_awarded_team(demo, client):
    challenge = _open_center_challenge()
    for username in ("zhang", "chen", "tto", "wang"):  # poster side, center directors and chief scientists
        assert demo.users[username].has_perm("projects.view_confidential", challenge), username
        client.force_login(demo.users[username])
        assert challenge.confidential_detail in client.get(f"/projects/challenges/{challenge.pk}/").content.decode()
    awarded = Challenge.objects.get(title_zh="退役动力电池快速分选技术")
    for username in ("li", "zhao"):  # the awarded team's lead and member
        response = _api(demo.users[username]).get(f"/api/projects/challenges/{awarded.pk}/").json()
        assert response["confidential_detail"] == awarded.confidential_detail, username
    assert not demo.users["sunyu"].has_perm("projects.view_confidential", awarded)
