"""Searchable selects of centers and consortia: the people and organisations the services accept, nobody else."""
import pytest

from consortia import services
from consortia.models import CenterMember, ConsortiumMember
from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, member

from .factories import JointCenterFactory

pytestmark = pytest.mark.django_db


def _found(api, user, source, **params):
    api.force_authenticate(user)
    response = api.get(f"/api/autocomplete/{source}/", params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_center_appointments_offer_the_two_organisations_people(api, enterprise, university, enterprise_admin,
                                                                 researcher):
    center = JointCenterFactory(enterprise=enterprise, university=university)
    school = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, parent=university)
    in_school = member(school, Role.RESEARCHER)
    stranger = member(OrganisationFactory(), Role.RESEARCHER)
    found = _found(api, enterprise_admin, "consortia-center-people", center=center.pk)
    assert {enterprise_admin.pk, researcher.pk, in_school.pk} <= found and stranger.pk not in found
    # whoever may not change the center finds nobody
    assert _found(api, researcher, "consortia-center-people", center=center.pk) == set()
    assert _found(api, enterprise_admin, "consortia-center-people", center="") == set()


def test_appointment_page_refuses_a_person_from_outside(client, enterprise, university, enterprise_admin):
    center = JointCenterFactory(enterprise=enterprise, university=university)
    stranger = member(OrganisationFactory(), Role.RESEARCHER)
    client.force_login(enterprise_admin)
    response = client.post(f"/consortia/centers/{center.pk}/", {
        "user": stranger.pk, "side": "enterprise", "position": "director"})
    assert response.status_code == 200 and response.context["appoint_form"].errors["user"]
    assert not CenterMember.objects.exists()
    client.post(f"/consortia/centers/{center.pk}/", {"user": enterprise_admin.pk, "side": "enterprise",
                                                     "position": "director"})
    assert CenterMember.objects.get().user == enterprise_admin


def test_council_seats_offer_people_of_member_organisations(api, enterprise, university, enterprise_admin,
                                                            researcher):
    consortium = services.consortium_create(actor=enterprise_admin, lead=enterprise, name_zh="联合体")
    found = _found(api, enterprise_admin, "consortia-council-candidates", consortium=consortium.pk)
    assert enterprise_admin.pk in found and researcher.pk not in found
    services.consortium_member_add(actor=enterprise_admin, consortium=consortium, organisation=university,
                                   role=ConsortiumMember.Role.CORE)
    assert researcher.pk in _found(api, enterprise_admin, "consortia-council-candidates", consortium=consortium.pk)
    assert _found(api, researcher, "consortia-council-candidates", consortium=consortium.pk) == set()


def test_a_consortium_is_led_by_an_organisation_one_administers(api, enterprise, enterprise_admin):
    assert _found(api, enterprise_admin, "consortia-leads") == {enterprise.pk}
