"""The searchable selects of the chain offer exactly the people the services accept, and nobody to outsiders."""
import pytest

from platform_core.models import Organisation, Role
from projects.models import Call
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
    colleague = member(university, Role.STUDENT, username="colleague")
    found = _found(api, chain.pi, "projects-team", challenge=chain.challenge.pk)
    assert colleague.pk in found
    assert chain.pi.pk not in found and chain.manager.pk not in found  # not oneself, not the poster's people
    chain.challenge.status = "draft"
    chain.challenge.save()
    outsider = member(OrganisationFactory(kind=Organisation.Kind.UNIVERSITY), Role.RESEARCHER)
    assert _found(api, outsider, "projects-team", challenge=chain.challenge.pk) == set()


def test_searching_narrows_the_people(api, chain):
    chain.refined()
    found = _found(api, chain.manager, "projects-panel", challenge=chain.challenge.pk,
                   q=chain.people["uni_chief"].username)
    assert found == {chain.people["uni_chief"].pk}

