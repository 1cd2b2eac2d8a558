"""赛马制: a call awards several teams, each with its own project and budget; a stage gate later keeps one."""
import pytest
from django.core.exceptions import ValidationError

from platform_core.models import Notification, Role, SignoffRequest
from projects import services
from projects.models import Bid, Challenge, Project
from tests.factories import member

from .factories import CRITERIA, future, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def race(chain):
    chain.refined()  # the challenge's budget is 500,000 – 2,000,000
    chain.call = services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(30),
                                    criteria=CRITERIA, panel=[chain.people["ent_chief"], chain.people["uni_chief"]],
                                    winners=2)
    leads = [chain.pi, *(member(chain.center.university, Role.RESEARCHER, username=f"racer{i}") for i in (1, 2))]
    chain.bids = [services.bid_submit(actor=lead, call=chain.call, organisation=chain.center.university,
                                      team_name=f"赛马团队{i}", approach="路线", plan="计划", budget=budget)
                  for i, (lead, budget) in enumerate(zip(leads, [800000, 900000, 1500000]))]
    return chain


def _unchanged(chain):
    assert set(Bid.objects.values_list("status", flat=True)) == {Bid.Status.SUBMITTED}
    assert not SignoffRequest.objects.filter(kind="projects.bid_award").exists()


def test_more_winners_than_the_call_allows_are_refused(race):
    with pytest.raises(ValidationError, match="最多"):
        services.award_propose(actor=race.manager, bids=race.bids)
    _unchanged(race)


def test_winners_above_the_budget_in_total_are_refused(api, race):
    with pytest.raises(ValidationError, match="超过"):
        services.award_propose(actor=race.manager, bids=[race.bids[0], race.bids[2]])
    api.force_authenticate(race.manager)
    response = api.post(f"/api/projects/challenges/{race.challenge.pk}/propose-award/",
                        {"bids": [race.bids[1].pk, race.bids[2].pk]}, format="json")
    assert response.status_code == 400
    _unchanged(race)


def test_two_winners_each_run_a_project_until_the_stage_gate_keeps_one(client, race):
    client.force_login(race.manager)
    client.post(f"/projects/challenges/{race.challenge.pk}/award/", {"bids": [race.bids[0].pk, race.bids[1].pk]})
    sign_all(SignoffRequest.objects.get(kind="projects.bid_award"))
    challenge = race._fresh()
    first, second = projects = list(Project.objects.filter(challenge=challenge).order_by("pk"))
    assert challenge.status == Challenge.Status.AWARDED
    assert [(p.lead, p.budget) for p in projects] == [(race.pi, 800000), (race.bids[1].lead, 900000)]
    assert Bid.objects.get(pk=race.bids[2].pk).status == Bid.Status.NOT_SELECTED

    milestones = {}
    for project in projects:
        milestones[project.pk] = services.milestone_add(actor=project.lead, project=project, title="小试",
                                                        deliverables="样品", due_on=future(20), tranche=300000)
        services.project_start(actor=project.lead, project=project)
    assert race._fresh().status == Challenge.Status.IN_PROGRESS
    first.refresh_from_db()
    sign_all(services.milestone_submit(actor=first.lead, milestone=milestones[first.pk], report="交付样品"))
    with pytest.raises(ValidationError, match="赛马"):
        services.project_submit_for_evaluation(actor=first.lead, project=first, result_abstract="结果")
    with pytest.raises(ValidationError):  # a reason is needed
        services.stage_gate_propose(actor=race.manager, project=first, reason=" ")

    page = client.get(f"/projects/list/{first.pk}/").content.decode()
    assert 'data-testid="stage-gate"' in page
    client.post(f"/projects/list/{first.pk}/stage-gate/", {"reason": "中期考核第一"})
    sign_all(SignoffRequest.objects.get(kind="projects.stage_gate"))
    second.refresh_from_db()
    assert second.status == Project.Status.CLOSED
    assert Notification.objects.filter(recipient=second.lead, event="projects.stage_gate_closed").exists()
    assert race._fresh().project == first
    services.project_submit_for_evaluation(actor=first.lead, project=Project.objects.get(pk=first.pk),
                                           result_abstract="结果")
    assert race._fresh().status == Challenge.Status.UNDER_EVALUATION
