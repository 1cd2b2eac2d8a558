"""The sign-off page shows what is being signed, links to it, and signs only after an explicit confirmation."""
import pytest

from platform_core.models import Signature, SignoffRequest
from platform_core.signoff import DECISION_VIEWS, DECISIONS
from projects import services
from tests.consortia_tests.factories import staffed_center
from tests.factories import UserFactory
from tests.projects_tests.factories import Chain, future

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(enterprise, university):
    return Chain(*staffed_center(enterprise, university))


def _signatory(request: SignoffRequest):
    party = request.parties.first()
    return party.signatories.first()


def test_every_kind_of_decision_registers_what_its_page_shows():
    kinds = {k for k in DECISIONS if not k.startswith("test.")}
    assert {"projects.topic_approval", "projects.bid_award", "projects.milestone_acceptance",
            "projects.budget_change", "projects.final_evaluation", "talent.shared_hire_agreement"} <= kinds
    assert kinds - set(DECISION_VIEWS) == set()


def test_topic_approval_shows_the_topic_and_links_to_the_challenge_and_needs_the_checkbox(client, chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="高镍正极表面包覆改性",
                        objectives="45℃ 循环 1000 次容量保持率 ≥ 90%", deliverables="改性工艺包与中试样品")
    request = services.topic_submit(actor=chain.manager, challenge=chain.challenge)
    signer = _signatory(request)
    client.force_login(signer)
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    for text in ("高镍正极表面包覆改性", "容量保持率", "改性工艺包与中试样品", chain.challenge.title_zh):
        assert text in page
    assert f'href="/projects/challenges/{chain.challenge.pk}/"' in page
    assert 'name="confirm"' in page and "我已阅读以上决定内容" in page

    # One click is not a signature: without the box ticked nothing is signed.
    response = client.post(f"/signoffs/{request.pk}/", {"verdict": "approve"})
    assert response.status_code == 200
    assert "签字前请勾选" in response.content.decode()
    assert not Signature.objects.filter(request=request).exists()

    response = client.post(f"/signoffs/{request.pk}/", {"verdict": "approve", "confirm": "on"})
    assert response.status_code == 302
    assert Signature.objects.filter(request=request, signer=signer).exists()


def test_award_shows_the_bid_its_scores_and_the_ranking(client, chain):
    chain.bid()
    services.bid_score(actor=chain.people["ent_chief"], bid=chain.the_bid, scores={"技术路线": 90, "团队实力": 70})
    request = services.award_propose(actor=chain.manager, bid=chain.the_bid)
    client.force_login(_signatory(request))
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert 'data-testid="signoff-bid"' in page and "李明团队" in page and "原子层沉积包覆" in page
    assert 'data-testid="signoff-scores"' in page and str(chain.the_bid.scores.get().total) in page
    assert f'href="/projects/challenges/{chain.challenge.pk}/"' in page


def test_milestone_acceptance_shows_the_deliverables_and_the_report(client, chain):
    chain.in_progress()
    request = services.milestone_submit(actor=chain.pi, milestone=chain.milestone, report="样品 20 组已送检")
    client.force_login(_signatory(request))
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert "包覆样品与测试报告" in page and "样品 20 组已送检" in page and "小试验证" in page
    assert f'href="/projects/list/{chain.project.pk}/"' in page


def test_budget_change_shows_old_and_new_budget(client, chain):
    chain.in_progress()
    request = services.budget_change_request(actor=chain.pi, project=chain.project, new_budget=1800000,
                                             reason="增加中试线")
    client.force_login(_signatory(request))
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert 'data-testid="signoff-budget"' in page and "增加中试线" in page and "1,800,000" in page


def test_shared_hire_agreement_shows_the_shares():
    from django.test import Client

    from talent import services as talent_services
    from tests.talent_tests.factories import make_cast

    cast = make_cast()
    hire = talent_services.shared_hire_submit(actor=cast.hr, hire=cast.hire())
    request = SignoffRequest.objects.get(kind="talent.shared_hire_agreement", target_id=str(hire.pk))
    client = Client()
    client.force_login(_signatory(request))
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert 'data-testid="signoff-hire"' in page and hire.position in page
    assert page.count("<tr>") >= 4  # header + the three shares


def test_a_reader_who_cannot_open_the_record_sees_no_link(client, enterprise, university):
    from django.contrib.auth import get_user_model

    from platform_core.signoff import PartySpec, signoff_open

    other = UserFactory()
    staff = get_user_model().objects.create_user("auditor", password="pw", is_staff=True)
    request = signoff_open(actor=staff, target=enterprise, kind="projects.budget_change", title="x",
                           parties=[PartySpec(enterprise, "A", [other]), PartySpec(university, "B", [staff])])
    client.force_login(other)
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert 'data-testid="signoff-content"' in page


def test_api_sign_requires_an_explicit_confirmation(api, chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="课题", objectives="目标",
                        deliverables="交付物")
    request = services.topic_submit(actor=chain.manager, challenge=chain.challenge)
    api.force_authenticate(_signatory(request))
    for body in ({}, {"confirm": False}, {"confirm": "maybe"}):
        response = api.post(f"/api/signoffs/{request.pk}/sign/", body, format="json")
        assert response.status_code == 400
        assert "confirm" in response.content.decode()
    assert not Signature.objects.filter(request=request).exists()
    response = api.post(f"/api/signoffs/{request.pk}/sign/", {"confirm": True}, format="json")
    assert response.status_code == 200 and len(response.json()["signatures"]) == 1


def test_open_call_still_reaches_its_page(client, chain):
    chain.opened()
    # The topic approval was signed by both sides; its page still shows the content, without the sign form.
    request = SignoffRequest.objects.get(kind="projects.topic_approval")
    client.force_login(_signatory(request))
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert 'data-testid="signoff-topic"' in page and 'name="confirm"' not in page
    assert future(1)  # the chain helpers stay importable from here
