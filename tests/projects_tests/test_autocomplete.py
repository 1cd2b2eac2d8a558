"""The searchable selects of the chain offer exactly the people the services accept, and nobody to outsiders."""
import pytest
from django.core.exceptions import ValidationError

from platform_core.models import Organisation, Role
from projects import services
from projects.models import Bid, BidMember, Call
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


def _found(api, user, source, **params):
    api.force_authenticate(user)
    response = api.get(f"/api/autocomplete/{source}/", params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_panel_is_drawn_from_both_sides_of_the_challenge(api, chain):
    chain.refined()
    stranger = member(OrganisationFactory(kind=Organisation.Kind.ENTERPRISE), Role.RD_MANAGER)
    people = chain.people
    found = _found(api, chain.manager, "projects-panel", challenge=chain.challenge.pk)
    assert {people["ent_chief"].pk, people["uni_chief"].pk, chain.pi.pk} <= found
    assert stranger.pk not in found
    # Someone who may not open the call finds nobody, whether the challenge exists or not.
    assert _found(api, chain.pi, "projects-panel", challenge=chain.challenge.pk) == set()
    assert _found(api, chain.manager, "projects-panel", challenge=0) == set()
    assert _found(api, chain.manager, "projects-panel", challenge="x") == set()


def test_call_form_refuses_a_panelist_outside_both_sides(client, chain):
    chain.refined()
    stranger = member(OrganisationFactory(kind=Organisation.Kind.ENTERPRISE), Role.RD_MANAGER)
    client.force_login(chain.manager)
    response = client.post(f"/projects/challenges/{chain.challenge.pk}/call/", {
        "closes_on": "2099-01-01", "criteria": "技术: 100", "panel": [chain.people["ent_chief"].pk, stranger.pk]})
    assert response.status_code == 200 and response.context["form"].errors["panel"]
    assert not Call.objects.exists()


def test_team_is_drawn_from_the_organisations_one_may_bid_for(api, chain, university):
    chain.opened()
    colleague = member(university, Role.RESEARCHER, username="colleague")
    student = member(university, Role.STUDENT, username="student")
    broker = member(university, Role.BROKER, username="broker")
    tto = member(university, Role.TTO_STAFF, Role.ORG_ADMIN, username="tto")
    members = _found(api, chain.pi, "projects-team", challenge=chain.challenge.pk)
    students = _found(api, chain.pi, "projects-team-students", challenge=chain.challenge.pk)
    assert colleague.pk in members and student.pk not in members
    assert students == {student.pk}  # students only: no researcher, broker or TTO staff
    assert broker.pk not in members | students and tto.pk not in members | students
    assert chain.pi.pk not in members and chain.manager.pk not in members  # not oneself, not the poster's people
    chain.challenge.status = "draft"
    chain.challenge.save()
    outsider = member(OrganisationFactory(kind=Organisation.Kind.UNIVERSITY), Role.RESEARCHER)
    assert _found(api, outsider, "projects-team", challenge=chain.challenge.pk) == set()
    assert _found(api, outsider, "projects-team-students", challenge=chain.challenge.pk) == set()


def _bid_form(chain, **team):
    return {"organisation": chain.center.university.pk, "team_name": "固态电池攻关组", "approach": "路线",
            "plan": "计划", "budget": "100000", **team}


def test_bid_form_refuses_a_broker_as_student_and_a_student_as_member(client, chain, university):
    chain.opened()
    student = member(university, Role.STUDENT, username="student")
    broker = member(university, Role.BROKER, username="broker")
    client.force_login(chain.pi)
    url = f"/projects/challenges/{chain.challenge.pk}/bid/"
    for team in ({"students": [broker.pk]}, {"members": [student.pk]}, {"members": [broker.pk]}):
        response = client.post(url, _bid_form(chain, **team))
        assert response.status_code == 200 and set(response.context["form"].errors) == set(team), team
    assert not Bid.objects.exists()
    response = client.post(url, _bid_form(chain, students=[student.pk]))
    assert response.status_code == 302
    assert list(Bid.objects.get().members.values_list("user__username", "role")) == [("student", "student")]


def test_bid_submit_refuses_team_members_without_the_role(chain, university):
    chain.opened()
    broker = member(university, Role.BROKER, username="broker")
    with pytest.raises(ValidationError) as refused:
        services.bid_submit(actor=chain.pi, call=chain.call, organisation=chain.center.university, team_name="组",
                            approach="路线", plan="计划", budget="1000", members=[(broker, BidMember.Role.STUDENT)])
    assert "members" in refused.value.message_dict
    assert not Bid.objects.exists()


def test_searching_narrows_the_people(api, chain):
    chain.refined()
    found = _found(api, chain.manager, "projects-panel", challenge=chain.challenge.pk,
                   q=chain.people["uni_chief"].username)
    assert found == {chain.people["uni_chief"].pk}

