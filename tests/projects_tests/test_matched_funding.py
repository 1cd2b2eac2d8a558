"""Government-led money: the subsidy becomes the agency's commitment on award; the 1+1 rule bounds public tranches."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from funds import services as funds_services
from funds.models import FundingCommitment, Tranche
from platform_core.models import Organisation, Role
from projects import selectors, services
from projects.models import Call, Challenge
from tests.factories import OrganisationFactory, member

from .factories import CRITERIA, challenge_data, future, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(university, university_admin):
    government = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="省科技厅")
    officer = member(government, Role.ORG_ADMIN, Role.PROGRAM_OFFICER, username="officer")
    challenge = services.challenge_create(actor=officer, poster=government, partner=university,
                                          **challenge_data(subsidy=Decimal("3000000"), budget_max=4000000))
    services.challenge_publish(actor=officer, challenge=challenge)
    services.topic_save(actor=officer, challenge=challenge, title="t", objectives="o", deliverables="d")
    sign_all(services.topic_submit(actor=officer, challenge=challenge))
    return government, officer, Challenge.objects.get(pk=challenge.pk), university_admin


def _open(agency, **rule):
    government, officer, challenge, university_admin = agency
    return services.call_open(actor=officer, challenge=challenge, closes_on=future(20), criteria=CRITERIA,
                              panel=[officer, university_admin], winners=2, **rule)


def _award_two(agency, call):
    government, officer, challenge, _admin = agency
    bids = []
    for n, budget in ((1, 1000000), (2, 3000000)):
        company = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
        bids.append(services.bid_submit(actor=member(company, Role.RD_MANAGER, username=f"bidder{n}"), call=call,
                                        organisation=company, team_name=f"企业{n}", approach="a", plan="p",
                                        budget=budget))
    sign_all(services.award_propose(actor=officer, bids=bids))
    return [b.project for b in bids]


def test_the_subsidy_becomes_the_agencys_commitment_split_by_budget(agency):
    projects = _award_two(agency, _open(agency))
    commitments = FundingCommitment.objects.filter(kind=FundingCommitment.Kind.GOVERNMENT_SUBSIDY).order_by("pk")
    assert [(c.project, c.amount, c.source) for c in commitments] == [
        (projects[0], Decimal("750000.00"), agency[0]), (projects[1], Decimal("2250000.00"), agency[0])]


@pytest.mark.parametrize("rule", [
    {"match_ratio": "1", "match_cap": None}, {"match_ratio": "-1", "match_cap": "100"},
    {"match_ratio": "x", "match_cap": "100"},
])
def test_bad_matched_funding_rules_are_refused(agency, rule):
    with pytest.raises(ValidationError):
        _open(agency, **rule)
    assert not Call.objects.exists()


def test_a_matched_funding_rule_only_on_a_government_led_call(chain):
    chain.refined()
    with pytest.raises(ValidationError):
        services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(30), criteria=CRITERIA,
                           panel=[chain.people["ent_chief"], chain.people["uni_chief"]], match_ratio=1,
                           match_cap=100000)
    assert not Call.objects.exists()


def test_one_plus_one_public_share_follows_the_enterprise_and_refuses_a_tranche_above_it(agency):
    government, officer, _challenge, _admin = agency
    project = _award_two(agency, _open(agency, match_ratio="1.00", match_cap="600000"))[0]
    assert FundingCommitment.objects.get(project=project, kind="subsidy").amount == Decimal("600000.00")  # capped
    company = project.performer
    funds_services.commitment_create(actor=member(company, Role.RD_MANAGER, username="cfo"), source=company,
                                     title="企业配套", amount=400000, committed_on=timezone.localdate(),
                                     project=project)
    funding = selectors.matched_funding(project)
    assert funding["public_share"] == Decimal("400000.00")  # 1:1 with the enterprise's 400,000
    services.public_tranche_add(actor=officer, project=project, title="首期", amount=300000)
    with pytest.raises(ValidationError, match="1\\+1"):
        services.public_tranche_add(actor=officer, project=project, title="二期", amount=200000)
    assert list(Tranche.objects.values_list("amount", flat=True)) == [Decimal("300000.00")]
    services.public_tranche_add(actor=officer, project=project, title="二期", amount=100000)
    assert Tranche.objects.count() == 2


def test_the_call_page_sets_the_rule_and_the_project_page_schedules_public_tranches_within_it(agency, client):
    government, officer, challenge, university_admin = agency
    client.force_login(officer)
    form = client.get(f"/projects/challenges/{challenge.pk}/call/").content.decode()
    assert 'name="match_ratio"' in form and 'name="match_cap"' in form
    call = _open(agency, match_ratio="1.00", match_cap="600000")
    project = _award_two(agency, call)[0]
    company = project.performer
    funds_services.commitment_create(actor=member(company, Role.RD_MANAGER, username="cfo"), source=company,
                                     title="企业配套", amount=400000, committed_on=timezone.localdate(),
                                     project=project)
    url = f"/projects/list/{project.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="matched-funding"' in page and 'data-testid="public-tranche"' in page
    assert "¥400,000.00" in page  # the public share 1:1 with the enterprise
    refused = client.post(f"{url}public-tranches/", {"title": "首期", "amount": "450000"}, follow=True)
    assert "1+1" in refused.content.decode() and not Tranche.objects.exists()
    client.post(f"{url}public-tranches/", {"title": "首期", "amount": "300000"})
    assert list(Tranche.objects.values_list("amount", flat=True)) == [Decimal("300000.00")]
    client.force_login(member(company, Role.RD_MANAGER, username="viewer"))  # the performer reads, cannot schedule
    page = client.get(url).content.decode()
    assert 'data-testid="matched-funding"' in page and 'data-testid="public-tranche"' not in page


def test_an_enterprise_led_call_page_offers_no_matched_funding(chain, client):
    chain.refined()
    client.force_login(chain.manager)
    form = client.get(f"/projects/challenges/{chain.challenge.pk}/call/").content.decode()
    assert 'name="match_ratio"' not in form
