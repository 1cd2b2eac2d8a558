"""Every refusal of the chain: refused with a clear message, and nothing changes."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from platform_core.models import Role, SignoffRequest
from platform_core.signoff import signoff_reject, signoff_sign
from projects import services
from projects.models import Bid, Call, Challenge, Milestone, Topic
from tests.factories import member

from .factories import CRITERIA, challenge_data, future

pytestmark = pytest.mark.django_db


def _snapshot(challenge):
    challenge.refresh_from_db()
    return challenge.status, challenge.updated_at


@pytest.mark.parametrize("overrides, field", [
    ({"current_trl": 0}, "current_trl"),
    ({"target_trl": 10}, "target_trl"),
    ({"current_trl": 5, "target_trl": 3}, "target_trl"),
    ({"budget_min": -1}, "budget_min"),
    ({"budget_min": 200, "budget_max": 100}, "budget_max"),
    ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
    ({"subsidy": 1000}, "subsidy"),
])
def test_bad_challenge_input_is_refused(chain, overrides, field):
    with pytest.raises(ValidationError) as exc:
        chain.draft(**overrides)
    assert field in exc.value.message_dict
    assert not Challenge.objects.exists()


def test_only_managers_of_the_poster_can_post(chain, researcher):
    with pytest.raises(PermissionDenied):
        services.challenge_create(actor=researcher, poster=chain.center.enterprise, **challenge_data())
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("step, action", [
    ("draft", "open_call"), ("draft", "submit_topic"), ("published", "publish"), ("published", "start"),
])
def test_illegal_transitions_are_refused(chain, step, action):
    getattr(chain, step)()
    before = _snapshot(chain.challenge)
    with pytest.raises(ValidationError):
        if action == "open_call":
            services.call_open(actor=chain.manager, challenge=chain.challenge, closes_on=future(10),
                               criteria=CRITERIA, panel=[chain.people["ent_chief"], chain.people["uni_chief"]])
        elif action == "submit_topic":
            services.topic_submit(actor=chain.manager, challenge=chain.challenge)
        elif action == "publish":
            services.challenge_publish(actor=chain.manager, challenge=chain.challenge)
        else:
            services._move(chain.challenge, Challenge.Status.IN_PROGRESS, actor=chain.manager)
    assert _snapshot(chain.challenge) == before
    assert not Call.objects.exists()


def test_transition_table_refuses_everything_not_listed(chain):
    chain.draft()
    for target in Challenge.Status.values:
        if target in services.CHALLENGE_TRANSITIONS[Challenge.Status.DRAFT]:
            continue
        with pytest.raises(ValidationError, match="不能从"):
            services._move(chain.challenge, target, actor=chain.manager)
    assert chain._fresh().status == Challenge.Status.DRAFT


def test_final_states_have_no_way_out():
    assert services.CHALLENGE_TRANSITIONS[Challenge.Status.SOLVED] == set()
    assert services.CHALLENGE_TRANSITIONS[Challenge.Status.CLOSED] == set()


def test_closing_needs_a_reason_and_then_nothing_moves(chain):
    chain.published()
    with pytest.raises(ValidationError):
        services.challenge_close(actor=chain.manager, challenge=chain.challenge, reason=" ")
    services.challenge_close(actor=chain.manager, challenge=chain.challenge, reason="战略调整")
    with pytest.raises(ValidationError):
        services.topic_save(actor=chain.manager, challenge=chain._fresh(), title="t", objectives="o",
                            deliverables="d")
    assert chain._fresh().status == Challenge.Status.CLOSED and not Topic.objects.exists()


def test_rejected_topic_goes_back_to_draft_and_challenge_stays_published(chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="t", objectives="o", deliverables="d")
    request = services.topic_submit(actor=chain.manager, challenge=chain.challenge)
    signoff_reject(actor=chain.people["uni_director"], request_id=request.pk, reason="指标需量化")
    assert chain._fresh().status == Challenge.Status.PUBLISHED
    assert Topic.objects.get().status == Topic.Status.DRAFT


def test_signing_twice_and_signing_for_the_other_side_are_refused(chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="t", objectives="o", deliverables="d")
    request = services.topic_submit(actor=chain.manager, challenge=chain.challenge)
    enterprise_party, university_party = request.parties.all()
    signoff_sign(actor=chain.people["ent_director"], request_id=request.pk)
    with pytest.raises(ValidationError):
        signoff_sign(actor=chain.people["ent_director"], request_id=request.pk)
    with pytest.raises(PermissionDenied):
        signoff_sign(actor=chain.people["ent_chief"], request_id=request.pk, party_id=university_party.pk)
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.PENDING and request.signatures.count() == 1
    assert chain._fresh().status == Challenge.Status.PUBLISHED


def test_panel_needs_both_sides_and_criteria_must_add_up(chain):
    chain.refined()
    with pytest.raises(ValidationError, match="双方"):
        services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(10), criteria=CRITERIA,
                           panel=[chain.people["ent_chief"]])
    with pytest.raises(ValidationError):
        services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(10),
                           criteria=[{"name": "a", "weight": 50}],
                           panel=[chain.people["ent_chief"], chain.people["uni_chief"]])
    assert chain._fresh().status == Challenge.Status.REFINED and not Call.objects.exists()


def _bid(chain, actor=None, **kw):
    data = dict(organisation=chain.center.university, team_name="团队", approach="a", plan="p", budget=100000)
    data.update(kw)
    return services.bid_submit(actor=actor or chain.pi, call=Call.objects.get(), **data)


def test_second_bid_by_the_same_team_is_refused(chain):
    chain.bid()
    with pytest.raises(ValidationError, match="已揭过"):
        _bid(chain)
    assert Bid.objects.count() == 1


def test_bid_on_a_closed_call_is_refused(chain):
    chain.opened()
    services.call_close(actor=chain.manager, call=chain.call)
    with pytest.raises(ValidationError, match="已截止"):
        _bid(chain)
    Call.objects.update(status=Call.Status.OPEN, closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="已截止"):
        _bid(chain)
    assert not Bid.objects.exists()


@pytest.mark.parametrize("kw", [{"budget": -5}, {"budget": 99_000_000}])
def test_bad_bid_budget_is_refused(chain, kw):
    chain.opened()
    with pytest.raises(ValidationError):
        _bid(chain, **kw)
    assert not Bid.objects.exists()


def test_enterprise_cannot_bid_on_an_enterprise_led_call(chain):
    chain.opened()
    with pytest.raises(ValidationError):
        _bid(chain, actor=chain.people["ent_chief"], organisation=chain.center.enterprise)
    assert not Bid.objects.exists()


def test_scores_only_by_panel_and_within_range(chain):
    chain.bid()
    with pytest.raises(PermissionDenied):
        services.bid_score(actor=chain.pi, bid=chain.the_bid, scores={"技术路线": 90, "团队实力": 80})
    with pytest.raises(ValidationError):
        services.bid_score(actor=chain.people["ent_chief"], bid=chain.the_bid, scores={"技术路线": 190, "团队实力": 80})
    score = services.bid_score(actor=chain.people["ent_chief"], bid=chain.the_bid,
                               scores={"技术路线": 90, "团队实力": 80})
    assert str(score.total) == "86.00" and chain.the_bid.scores.count() == 1


def test_rejected_award_returns_bid_and_keeps_call_open_for_another_award(chain):
    chain.bid()
    request = services.award_propose(actor=chain.manager, bid=chain.the_bid)
    signoff_reject(actor=chain.people["uni_chief"], request_id=request.pk, reason="预算偏高")
    chain.the_bid.refresh_from_db()
    assert chain.the_bid.status == Bid.Status.SUBMITTED
    assert chain._fresh().status == Challenge.Status.OPEN and chain._fresh().project is None


def test_milestone_rules(chain):
    chain.awarded()
    with pytest.raises(ValidationError):
        services.project_start(actor=chain.pi, project=chain.project)  # no milestone yet
    with pytest.raises(ValidationError):
        services.milestone_add(actor=chain.pi, project=chain.project, title="m", deliverables="d",
                               due_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.milestone_add(actor=chain.pi, project=chain.project, title="m", deliverables="d",
                               due_on=future(5), tranche=chain.project.budget + 1)
    assert not Milestone.objects.exists()
    outsider = member(chain.center.university, Role.RESEARCHER, username="outsider")
    with pytest.raises(PermissionDenied):
        services.milestone_add(actor=outsider, project=chain.project, title="m", deliverables="d", due_on=future(5))


def test_trl_progress_rules(chain):
    chain.in_progress()
    for bad in (0, 10, 2):
        with pytest.raises(ValidationError):
            services.trl_record(actor=chain.pi, project=chain.project, trl=bad, evidence="e")
    chain.project.refresh_from_db()
    assert chain.project.current_trl == 3 and not chain.project.trl_records.exists()


def test_evaluation_needs_all_milestones_and_one_score_per_side(chain):
    chain.in_progress()
    with pytest.raises(ValidationError, match="里程碑"):
        services.project_submit_for_evaluation(actor=chain.pi, project=chain.project, result_abstract="r")
    from .factories import sign_all

    sign_all(services.milestone_submit(actor=chain.pi, milestone=chain.milestone, report="done"))
    services.project_submit_for_evaluation(actor=chain.pi, project=chain.project, result_abstract="r")
    scores = dict(technical_score=80, application_score=80, management_score=80)
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(actor=chain.pi, project=chain.project, **scores)
    services.evaluation_submit(actor=chain.people["ent_chief"], project=chain.project, **scores)
    with pytest.raises(ValidationError, match="已评价过"):
        services.evaluation_submit(actor=chain.people["ent_director"], project=chain.project, **scores)
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=chain.people["uni_chief"], project=chain.project,
                                   **{**scores, "technical_score": 101})
    assert chain.project.evaluations.count() == 1


def test_rejected_final_evaluation_sends_the_project_back(chain):
    chain.in_progress()
    from .factories import sign_all

    sign_all(services.milestone_submit(actor=chain.pi, milestone=chain.milestone, report="done"))
    services.project_submit_for_evaluation(actor=chain.pi, project=chain.project, result_abstract="r")
    scores = dict(technical_score=60, application_score=60, management_score=60)
    services.evaluation_submit(actor=chain.people["ent_chief"], project=chain.project, **scores)
    services.evaluation_submit(actor=chain.people["uni_chief"], project=chain.project, **scores)
    request = SignoffRequest.objects.get(kind="projects.final_evaluation")
    signoff_reject(actor=chain.people["ent_director"], request_id=request.pk, reason="指标未达到")
    chain.project.refresh_from_db()
    assert chain.project.status == "in_progress" and chain._fresh().status == Challenge.Status.IN_PROGRESS


def test_budget_change_by_dual_signoff(chain):
    chain.in_progress()
    from .factories import sign_all

    with pytest.raises(ValidationError):
        services.budget_change_request(actor=chain.pi, project=chain.project, new_budget=100, reason="r")
    sign_all(services.budget_change_request(actor=chain.pi, project=chain.project, new_budget=1800000,
                                            reason="增加中试"))
    chain.project.refresh_from_db()
    assert chain.project.budget == 1800000


def test_transfer_hook_refuses_unsolved_projects(chain):
    from projects.selectors import project_result_for_transfer

    chain.in_progress()
    with pytest.raises(ValueError):
        project_result_for_transfer(chain.project)
