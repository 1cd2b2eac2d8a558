"""Issue 12 §4: writes never reach what the writer cannot see, and ownership fields are not writable."""
import datetime

import pytest
from rest_framework.test import APIClient

from funds.models import Fund, Investment
from platform_core.autocomplete import search
from projects.models import Project
from talent.models import TalentProfile
from tests.demo_data import demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_fund_manager_cannot_record_an_investment_into_a_project_he_cannot_see(demo):
    zhou = demo.users["zhou"]
    fund = Fund.objects.get(name_zh="长安科创种子投资基金")
    hidden = Project.objects.exclude(status=Project.Status.CLOSED).first()
    assert not zhou.has_perm("projects.view_project", hidden)
    before = Investment.objects.count()
    response = _api(zhou).post("/api/funds/investments/", {
        "fund": fund.pk, "project": hidden.pk, "round": "seed", "amount": "100000",
        "equity_percent": "1", "invested_on": datetime.date.today().isoformat()}, format="json")
    assert response.status_code == 400
    assert "project" in response.json()
    assert Investment.objects.count() == before
    # nor into a fund of another manager
    bank_fund = Fund.objects.get(manager=demo.orgs["bank"])
    company = Investment.objects.filter(company__isnull=False).first().company
    response = _api(zhou).post("/api/funds/investments/", {
        "fund": bank_fund.pk, "company": company.pk, "round": "debt", "amount": "1000",
        "invested_on": datetime.date.today().isoformat()}, format="json")
    assert response.status_code == 400 and "fund" in response.json()
    assert Investment.objects.count() == before


def test_the_investment_form_offers_no_project_the_fund_manager_cannot_see(demo, client):
    zhou = demo.users["zhou"]
    fund = Fund.objects.get(name_zh="长安科创种子投资基金")
    hidden = Project.objects.exclude(status=Project.Status.CLOSED).first()
    client.force_login(zhou)
    before = Investment.objects.count()
    response = client.post(f"/funds/{fund.pk}/invest/", {
        "round": "seed", "amount": "100000", "equity_percent": "1", "project": hidden.pk,
        "invested_on": datetime.date.today().isoformat()})
    assert response.status_code == 200  # the form comes back with the error
    assert "project" in response.context["form"].errors
    assert Investment.objects.count() == before
    offered = search("funds-projects", user=zhou, query="")
    assert str(hidden.pk) not in [str(row["id"]) for row in offered]


def test_a_researcher_cannot_repoint_his_talent_profile_to_another_account(demo):
    li = demo.users["li"]
    profile = TalentProfile.objects.get(user=li)
    other = demo.users["wang"]
    response = _api(li).patch(f"/api/talent/profiles/{profile.pk}/", {"user": other.pk, "title": "讲席教授"},
                              format="json")
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.user == li and profile.title == "讲席教授"
    assert not other.has_perm("talent.change_talentprofile", profile)
    # through the service (the page's path) it is refused with a reason, and nothing changes
    from django.core.exceptions import ValidationError

    from talent import services
    with pytest.raises(ValidationError) as refused:
        services.talent_profile_update(actor=li, profile=profile, user=other)
    assert "user" in refused.value.message_dict
    profile.refresh_from_db()
    assert profile.user == li


def test_the_profile_page_does_not_offer_the_account_to_the_person(demo, client):
    li = demo.users["li"]
    profile = TalentProfile.objects.get(user=li)
    client.force_login(li)
    page = client.get(f"/talent/profiles/{profile.pk}/edit/")
    assert "user" not in page.context["form"].fields
    client.force_login(demo.users["tto"])  # the university's HR links accounts
    assert "user" in client.get(f"/talent/profiles/{profile.pk}/edit/").context["form"].fields


def test_owner_and_organisation_fields_reach_only_what_the_writer_acts_for(demo):
    # a TTO of one university cannot file an achievement under another's name
    response = _api(demo.users["tto"]).post("/api/transfer/patents/", {
        "owner": demo.orgs["university_east"].pk, "application_number": "CN202310000001.X",
        "title": "冒名专利", "patent_type": "invention"}, format="json")
    assert response.status_code == 400 and "owner" in response.json()
    # a fund manager creates funds only for his own institution
    response = _api(demo.users["feng"]).post("/api/funds/funds/", {
        "name_zh": "冒名基金", "kind": "angel", "manager": demo.orgs["fund"].pk, "committed_size": "1000000",
        "vintage_year": 2024}, format="json")
    assert response.status_code == 400 and "manager" in response.json()
    assert not Fund.objects.filter(name_zh="冒名基金").exists()
    # a commitment from an enterprise the writer does not manage
    response = _api(demo.users["xu"]).post("/api/funds/commitments/", {
        "source": demo.orgs["enterprise_energy"].pk, "center": None, "project": None, "title": "冒名投入",
        "amount": "1000", "committed_on": "2024-01-01"}, format="json")
    assert response.status_code == 400 and "source" in response.json()
