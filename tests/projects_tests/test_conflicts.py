"""Conflict of interest in review (issue 12 §2): a panel member with a stake is recused, in services, pages and API."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platform_core.models import AuditEvent, Role, Signature, SignoffRequest
from platform_core.signoff import signoff_reject, signoff_sign
from projects import services
from projects.conflicts import is_conflicted
from projects.models import Bid, BidMember, BidScore, ConflictDeclaration
from tests.factories import member

from .factories import CRITERIA, future

pytestmark = pytest.mark.django_db
GOOD = {"技术路线": 99, "团队实力": 99}
BAD = {"技术路线": 1, "团队实力": 1}


def _bid(chain, lead, team_name, members=()):
    return services.bid_submit(actor=lead, call=chain.call, organisation=chain.center.university, team_name=team_name,
                               approach=f"{team_name}的技术路线", plan="三阶段", budget=1000000, members=members)


@pytest.fixture
def contest(chain):
    """Two teams bid; the university's chief scientist, on the panel, sits on the first team."""
    chain.opened()
    chief = chain.people["uni_chief"]
    own = _bid(chain, chain.pi, "李明团队", members=[(chief, BidMember.Role.MEMBER)])
    rival = _bid(chain, member(chain.center.university, Role.RESEARCHER, username="rival_pi"), "王强团队")
    return chain, chief, own, rival


def test_a_bidder_on_the_panel_cannot_read_the_rival_bid(client, api, contest):
    chain, chief, own, rival = contest
    client.force_login(chief)
    assert client.get(f"/projects/bids/{rival.pk}/").status_code == 404
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert "王强团队" not in page and 'data-testid="bids"' not in page
    own_page = client.get(f"/projects/bids/{own.pk}/").content.decode()  # his own team's bid, as a member
    assert "李明团队" in own_page and 'data-testid="score"' not in own_page
    api.force_authenticate(chief)
    assert api.get(f"/api/projects/bids/{rival.pk}/").status_code == 404
    assert api.get(f"/api/projects/bids/{rival.pk}/scores/").status_code == 404
    assert api.get(f"/api/projects/bids/{own.pk}/scores/").status_code == 403
    assert [b["id"] for b in api.get("/api/projects/bids/").json()["results"]] == [own.pk]


def test_a_bidder_on_the_panel_cannot_score_his_own_bid_or_the_rival(client, api, contest):
    chain, chief, own, rival = contest
    services.bid_score(actor=chain.people["ent_chief"], bid=rival, scores=GOOD)
    for bid, scores in [(own, GOOD), (rival, BAD)]:
        with pytest.raises(PermissionDenied, match="回避"):
            services.bid_score(actor=chief, bid=bid, scores=scores)
    api.force_authenticate(chief)
    response = api.post(f"/api/projects/bids/{own.pk}/score/", {"scores": GOOD}, format="json")
    assert response.status_code == 403
    client.force_login(chief)
    response = client.post(f"/projects/bids/{own.pk}/", {"c0": 99, "c1": 99})
    assert response.status_code == 403
    assert list(BidScore.objects.values_list("panelist__user__username", "bid__team_name")) == [
        ("c_ent_chief", "王强团队")]


def test_scores_given_before_joining_a_team_are_voided(chain):
    chain.opened()
    chief = chain.people["uni_chief"]
    first = _bid(chain, chain.pi, "李明团队")
    services.bid_score(actor=chief, bid=first, scores=BAD)
    assert BidScore.objects.filter(panelist__user=chief).exists()
    _bid(chain, member(chain.center.university, Role.RESEARCHER, username="late_pi"), "后来团队",
         members=[(chief, BidMember.Role.MEMBER)])
    assert not BidScore.objects.filter(panelist__user=chief).exists()
    voided = AuditEvent.objects.get(action="bid.score_voided")
    assert voided.data["total"] == "1.00" and voided.data["bid"] == first.pk


def test_organisation_stake_counts_only_where_the_call_says_so(chain):
    chain.refined()
    panel = [chain.people["ent_chief"], chain.people["uni_chief"]]
    call = services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(30), criteria=CRITERIA,
                              panel=panel, organisation_conflicts=True)
    chain.call = call
    bid = _bid(chain, chain.pi, "李明团队")
    chief = chain.people["uni_chief"]
    assert is_conflicted(chief, call) and not is_conflicted(chain.people["ent_chief"], call)
    with pytest.raises(PermissionDenied):
        services.bid_score(actor=chief, bid=bid, scores=GOOD)
    call.organisation_conflicts = False
    call.save()
    assert not is_conflicted(chief, call)
    services.bid_score(actor=chief, bid=bid, scores=GOOD)


def test_the_award_waits_for_the_declaration_then_both_sides_see_it(client, api, contest):
    chain, chief, own, rival = contest
    with pytest.raises(ValidationError, match="尚未声明"):
        services.award_propose(actor=chain.manager, bid=rival)
    rival.refresh_from_db()
    assert rival.status == Bid.Status.SUBMITTED and not SignoffRequest.objects.filter(kind="projects.bid_award").exists()

    client.force_login(chain.manager)
    assert 'data-testid="undeclared"' in client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    client.force_login(chief)
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert 'data-testid="my-stakes"' in page
    client.post(f"/projects/bids/{own.pk}/conflict/", {"stake": "team"})
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.user, declaration.bid, declaration.stake) == (chief, own, "team")
    assert AuditEvent.objects.filter(action="conflict.declare", data__bid=own.pk).exists()

    client.force_login(chain.manager)  # the posting side
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert 'data-testid="undeclared"' not in page and str(chief) in page
    client.force_login(chain.pi)  # the team concerned
    assert 'data-testid="bid-conflicts"' in client.get(f"/projects/bids/{own.pk}/").content.decode()
    api.force_authenticate(chain.people["uni_director"])  # the partner side
    assert [d["bid"] for d in api.get(f"/api/projects/challenges/{chain.challenge.pk}/conflicts/").json()] == [own.pk]
    api.force_authenticate(rival.lead)  # the rival team sees no declaration about another bid
    assert api.get(f"/api/projects/challenges/{chain.challenge.pk}/conflicts/").json() == []

    request = services.award_propose(actor=chain.manager, bid=rival)
    assert request.status == SignoffRequest.Status.PENDING


@pytest.mark.parametrize("who, stake, note, error", [
    ("ent_chief", "team", "", ValidationError),  # the records show no such stake
    ("ent_chief", "other", " ", ValidationError),  # another interest needs a description
    ("ent_chief", "nonsense", "x", ValidationError),
    ("uni_director", "other", "旧识", PermissionDenied),  # not on the panel
])
def test_bad_declarations_are_refused_and_nothing_is_recorded(contest, who, stake, note, error):
    chain, _chief, own, _rival = contest
    with pytest.raises(error):
        services.conflict_declare(actor=chain.people[who], bid=own, stake=stake, note=note)
    assert not ConflictDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(action="conflict.declare").exists()


def test_another_interest_recuses_and_voids_scores_and_cannot_be_declared_twice(api, contest):
    chain, _chief, own, rival = contest
    ent_chief = chain.people["ent_chief"]
    services.bid_score(actor=ent_chief, bid=rival, scores=GOOD)
    api.force_authenticate(ent_chief)
    response = api.post(f"/api/projects/bids/{rival.pk}/declare-conflict/", {"stake": "other", "note": "曾为其导师"},
                        format="json")
    assert response.status_code == 201 and response.json()["stake"] == "other"
    assert not BidScore.objects.filter(panelist__user=ent_chief).exists()
    assert api.get(f"/api/projects/bids/{own.pk}/").status_code == 404  # recused from the whole call
    response = api.post(f"/api/projects/bids/{rival.pk}/declare-conflict/", {"stake": "other", "note": "再次"},
                        format="json")
    assert response.status_code == 400 and ConflictDeclaration.objects.count() == 1


def test_a_signatory_with_a_stake_cannot_sign_the_award_another_of_his_side_does(contest):
    chain, chief, own, rival = contest
    services.conflict_declare(actor=chief, bid=own, stake="team")
    request = services.award_propose(actor=chain.manager, bid=rival)
    university_side = request.parties.get(organisation=chain.center.university)
    assert university_side.signatories.filter(pk=chief.pk).exists()  # he holds the side's authority
    for verdict in (lambda: signoff_sign(actor=chief, request_id=request.pk, party_id=university_side.pk),
                    lambda: signoff_reject(actor=chief, request_id=request.pk, party_id=university_side.pk,
                                           reason="不同意")):
        with pytest.raises(PermissionDenied, match="利益关系"):
            verdict()
    assert not Signature.objects.filter(request=request).exists()
    signoff_sign(actor=chain.people["uni_director"], request_id=request.pk, party_id=university_side.pk)
    signoff_sign(actor=chain.people["ent_director"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.APPROVED
