"""Staged review: formal check → expert review (outside experts see only what they review) → shortlist → defence → award."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from platform_core.models import AuditEvent, Notification, Organisation, Role, SignoffRequest
from projects import selectors, services
from projects.models import Bid, BidScore, Call, PanelMember
from tests.factories import OrganisationFactory, member
from tests.talent_tests.factories import TalentProfileFactory

from .factories import CRITERIA, future, sign_all

pytestmark = pytest.mark.django_db
RULES = {"expert_review": {"weight": 60, "advance": 2}, "defence": {"weight": 40, "scorers": "panel"}}
SCORES = {"技术路线": 90, "团队实力": 80}


class Review:
    def __init__(self, chain, rules=RULES):
        chain.refined()
        self.chain, self.manager = chain, chain.manager
        self.judges = [chain.people["ent_chief"], chain.people["uni_chief"]]
        self.call = services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(30),
                                       criteria=CRITERIA, panel=self.judges, stage_rules=rules)
        chain.call = self.call
        self.bids = [services.bid_submit(actor=lead, call=self.call, organisation=chain.center.university,
                                         team_name=f"团队{i}", approach="路线", plan="计划", budget=800000)
                     for i, lead in enumerate([chain.pi, *(member(chain.center.university, Role.RESEARCHER,
                                                                  username=f"lead{i}") for i in (1, 2))])]
        self.expert = member(OrganisationFactory(kind=Organisation.Kind.RESEARCH_INSTITUTE), Role.RESEARCHER,
                             username="outside_expert")
        TalentProfileFactory(user=self.expert)

    def fresh(self) -> Call:
        self.call.refresh_from_db()
        return self.call

    def to_expert_review(self, failed=()):
        services.review_advance(actor=self.manager, call=self.call)
        for bid in self.bids:
            services.formal_check_record(actor=self.manager, bid=bid, passed=bid not in failed,
                                         note="缺少承诺书" if bid in failed else "")
        services.review_advance(actor=self.manager, call=self.fresh())
        return self

    def score_all(self, bids=None, judges=None):
        for judge in judges or self.judges:
            for bid in bids or self.bids:
                services.bid_score(actor=judge, bid=bid, scores=SCORES)


@pytest.fixture
def review(chain):
    return Review(chain)


def test_stage_rules_are_fixed_at_opening_and_shown_to_bidders(client, api, review):
    client.force_login(review.chain.pi)
    page = client.get(f"/projects/challenges/{review.chain.challenge.pk}/").content.decode()
    assert 'data-testid="stage-rules"' in page and "60%" in page and "40%" in page
    api.force_authenticate(review.chain.pi)
    call = api.get(f"/api/projects/challenges/{review.chain.challenge.pk}/").json()["call"]
    assert call["stage_rules"] == RULES and call["stage"] == "bidding"


@pytest.mark.parametrize("rules", [
    {"expert_review": {"weight": 60, "advance": 2}, "defence": {"weight": 30}},  # weights do not add up
    {"expert_review": {"weight": 100, "advance": 0}},
    {"expert_review": {"weight": "x", "advance": 1}},
    {"expert_review": {"weight": 50, "advance": 1}, "defence": {"weight": 50, "scorers": "everyone"}},
    {"defence": {"weight": 100}},
])
def test_bad_stage_rules_are_refused(chain, rules):
    chain.refined()
    with pytest.raises(ValidationError) as exc:
        services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(30), criteria=CRITERIA,
                           panel=[chain.people["ent_chief"], chain.people["uni_chief"]], stage_rules=rules)
    assert "stage_rules" in exc.value.message_dict and not Call.objects.exists()


def test_formal_check_gates_the_expert_review(review):
    manager = review.manager
    with pytest.raises(ValidationError):  # the formal check has not started
        services.formal_check_record(actor=manager, bid=review.bids[0], passed=True)
    services.review_advance(actor=manager, call=review.call)
    assert review.fresh().status == Call.Status.CLOSED and review.call.stage == Call.Stage.FORMAL_CHECK
    with pytest.raises(ValidationError):  # bids are no longer taken
        services.bid_submit(actor=member(review.chain.center.university, Role.RESEARCHER, username="late"),
                            call=review.call, organisation=review.chain.center.university, team_name="迟到",
                            approach="a", plan="p", budget=1)
    with pytest.raises(ValidationError) as exc:  # a failure needs its reason
        services.formal_check_record(actor=manager, bid=review.bids[0], passed=False)
    assert "note" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.formal_check_record(actor=review.chain.pi, bid=review.bids[0], passed=True)
    with pytest.raises(ValidationError, match="每个"):  # unchecked bids remain
        services.review_advance(actor=manager, call=review.call)
    assert review.fresh().stage == Call.Stage.FORMAL_CHECK
    with pytest.raises(ValidationError):  # no scores before the expert review
        services.bid_score(actor=review.judges[0], bid=review.bids[0], scores=SCORES)
    assert not BidScore.objects.exists()

    for bid in review.bids[1:]:
        services.formal_check_record(actor=manager, bid=bid, passed=True)
    services.formal_check_record(actor=manager, bid=review.bids[0], passed=False, note="缺少承诺书")
    services.review_advance(actor=manager, call=review.fresh())
    failed = Bid.objects.get(pk=review.bids[0].pk)
    assert failed.status == Bid.Status.NOT_SELECTED
    assert Notification.objects.filter(recipient=review.chain.pi, event="projects.bid_not_selected").exists()
    with pytest.raises(ValidationError):
        services.bid_score(actor=review.judges[0], bid=failed, scores=SCORES)


def test_outside_expert_sees_and_scores_only_the_assigned_bids(client, api, review):
    review.to_expert_review()
    assigned, other = review.bids[0], review.bids[1]
    services.expert_invite(actor=review.manager, call=review.call, user=review.expert, bids=[assigned])
    assert Notification.objects.filter(recipient=review.expert, event="projects.expert_invited").exists()
    assert list(selectors.bids_visible_to(review.expert)) == [assigned]
    client.force_login(review.expert)
    assert client.get(f"/projects/bids/{assigned.pk}/").status_code == 200
    assert client.get(f"/projects/bids/{other.pk}/").status_code == 404
    assert 'data-testid="bids"' not in client.get(f"/projects/challenges/{review.chain.challenge.pk}/").content.decode()
    services.bid_score(actor=review.judges[0], bid=assigned, scores={"技术路线": 10, "团队实力": 10})
    assert "10.00" not in client.get(f"/projects/bids/{assigned.pk}/").content.decode()  # not the others' scores
    services.bid_score(actor=review.expert, bid=assigned, scores=SCORES)
    with pytest.raises(PermissionDenied):  # outside the assignment
        services.bid_score(actor=review.expert, bid=other, scores=SCORES)
    api.force_authenticate(review.expert)
    assert api.post(f"/api/projects/bids/{other.pk}/score/", {"scores": SCORES}, format="json").status_code == 404
    assert BidScore.objects.filter(panelist__user=review.expert).count() == 1


def test_an_expert_from_either_side_or_with_a_stake_is_refused(review):
    review.to_expert_review()
    for user in [review.chain.people["uni_director"], review.chain.pi]:
        with pytest.raises(ValidationError):
            services.expert_invite(actor=review.manager, call=review.call, user=user, bids=[review.bids[1]])
    with pytest.raises(PermissionDenied):
        services.expert_invite(actor=review.chain.pi, call=review.call, user=review.expert, bids=[review.bids[1]])
    assert not PanelMember.objects.filter(is_outside_expert=True).exists()


def test_shortlist_cannot_advance_more_teams_than_the_rule(api, review):
    review.to_expert_review()
    review.score_all()
    with pytest.raises(ValidationError, match="最多允许 2"):
        services.shortlist(actor=review.manager, call=review.call, bids=review.bids)
    api.force_authenticate(review.manager)
    response = api.post(f"/api/projects/challenges/{review.chain.challenge.pk}/shortlist/",
                        {"bids": [b.pk for b in review.bids]}, format="json")
    assert response.status_code == 400
    assert not Bid.objects.filter(shortlisted=True).exists() and review.fresh().stage == Call.Stage.EXPERT_REVIEW


def test_defence_slots_scores_and_the_award(client, review):
    review.to_expert_review()
    review.score_all()
    first, second, dropped = review.bids
    services.shortlist(actor=review.manager, call=review.call, bids=[first, second])
    assert review.fresh().stage == Call.Stage.DEFENCE
    assert Bid.objects.get(pk=dropped.pk).status == Bid.Status.NOT_SELECTED
    slot = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError):  # not shortlisted
        services.defence_schedule(actor=review.manager, bid=dropped, at=slot, place="会议室 A")
    services.defence_schedule(actor=review.manager, bid=first, at=slot, place="会议室 A")
    with pytest.raises(ValidationError) as exc:  # one slot per team
        services.defence_schedule(actor=review.manager, bid=second, at=slot, place="会议室 A")
    assert "at" in exc.value.message_dict
    with pytest.raises(ValidationError):  # every team needs its slot before the award
        services.review_advance(actor=review.manager, call=review.fresh())
    services.defence_schedule(actor=review.manager, bid=second, at=slot + timedelta(hours=1), place="会议室 A")
    with pytest.raises(ValidationError):  # the award waits for the defence
        services.award_propose(actor=review.manager, bid=first)
    for judge in review.judges:
        services.bid_score(actor=judge, bid=first, scores={"技术路线": 95, "团队实力": 95})
        services.bid_score(actor=judge, bid=second, scores={"技术路线": 60, "团队实力": 60})
    services.review_advance(actor=review.manager, call=review.fresh())
    ranked = list(selectors.ranked_bids(review.fresh()))
    assert ranked[0] == first and ranked[0].mean_score == pytest.approx(86 * 0.6 + 95 * 0.4)
    client.force_login(review.chain.pi)
    assert 'data-testid="defence-slot"' in client.get(f"/projects/bids/{first.pk}/").content.decode()
    with pytest.raises(ValidationError):  # a team dropped at the shortlist is not awarded
        services.award_propose(actor=review.manager, bid=dropped)
    request = sign_all(services.award_propose(actor=review.manager, bid=first))
    assert request.status == SignoffRequest.Status.APPROVED
    assert Bid.objects.get(pk=first.pk).status == Bid.Status.AWARDED
    assert AuditEvent.objects.filter(action="call.stage").count() == 4
