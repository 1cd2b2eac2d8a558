"""The whole chain through the services: post → refine → bid → award → milestone → evaluation → solved."""
import pytest

from platform_core.models import Notification, SignoffRequest
from projects import selectors, services
from projects.models import Bid, Challenge, Milestone, Project

from .factories import sign_all

pytestmark = pytest.mark.django_db


def test_full_chain_reaches_solved_and_hands_result_to_transfer(chain):
    chain.in_progress()
    project, pi = chain.project, chain.pi
    assert chain._fresh().status == Challenge.Status.IN_PROGRESS
    sign_all(services.milestone_submit(actor=pi, milestone=chain.milestone, report="样品已交付"))
    chain.milestone.refresh_from_db()
    assert chain.milestone.status == Milestone.Status.ACCEPTED
    services.trl_record(actor=pi, project=project, trl=5, evidence="中试线验证报告")
    services.project_submit_for_evaluation(actor=pi, project=project, result_abstract="包覆工艺使容量保持率达 91%")
    assert chain._fresh().status == Challenge.Status.UNDER_EVALUATION
    services.evaluation_submit(actor=chain.people["ent_director"], project=project, technical_score=90,
                               application_score=85, management_score=80)
    services.evaluation_submit(actor=chain.people["uni_director"], project=project, technical_score=88,
                               application_score=80, management_score=90)
    request = SignoffRequest.objects.get(kind="projects.final_evaluation")
    sign_all(request)
    project.refresh_from_db()
    assert project.status == Project.Status.SOLVED
    assert chain._fresh().status == Challenge.Status.SOLVED
    result = selectors.project_result_for_transfer(project)
    assert result["trl"] == 5 and result["inventors"][0] == pi.pk
    assert result["owners"] == [chain.center.enterprise_id, chain.center.university_id]
    assert Notification.objects.filter(recipient=pi, event="projects.bid_awarded").exists()


def test_losing_bidders_are_told(chain):
    chain.bid()
    from platform_core.models import Role
    from tests.factories import member

    rival = member(chain.center.university, Role.RESEARCHER, username="rival")
    rival_bid = services.bid_submit(actor=rival, call=chain.call, organisation=chain.center.university,
                                    team_name="王强团队", approach="掺杂", plan="两阶段", budget=1000000)
    sign_all(services.award_propose(actor=chain.manager, bid=chain.the_bid))
    rival_bid.refresh_from_db()
    assert rival_bid.status == Bid.Status.NOT_SELECTED
    assert Notification.objects.filter(recipient=rival, event="projects.bid_not_selected").exists()
