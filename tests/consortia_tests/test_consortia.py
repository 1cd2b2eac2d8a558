"""Innovation consortia (创新联合体): three types, members with roles, council."""
import pytest
from django.core.exceptions import ValidationError

from consortia import services
from consortia.models import Consortium, ConsortiumMember, CouncilMember
from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def government(db):
    return OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="省科技厅")


def test_enterprise_led_consortium_with_members_and_council(enterprise, university, enterprise_admin):
    consortium = services.consortium_create(actor=enterprise_admin, lead=enterprise, name_zh="储能创新联合体")
    assert consortium.members.get().role == ConsortiumMember.Role.LEAD
    services.consortium_member_add(actor=enterprise_admin, consortium=consortium, organisation=university,
                                   role=ConsortiumMember.Role.CORE)
    professor = member(university, Role.RESEARCHER, username="prof")
    services.council_member_add(actor=enterprise_admin, consortium=consortium, user=enterprise_admin,
                                organisation=enterprise, position=CouncilMember.Position.CHAIR)
    services.council_member_add(actor=enterprise_admin, consortium=consortium, user=professor,
                                organisation=university)
    assert consortium.council.count() == 2


def test_type_must_match_the_lead(enterprise, enterprise_admin, government):
    with pytest.raises(ValidationError):
        services.consortium_create(actor=enterprise_admin, lead=enterprise, name_zh="x",
                                   kind=Consortium.Kind.GOVERNMENT_LED)
    officer = member(government, Role.ORG_ADMIN, Role.PROGRAM_OFFICER, username="officer")
    consortium = services.consortium_create(actor=officer, lead=government, name_zh="功率半导体联合体",
                                            kind=Consortium.Kind.GOVERNMENT_LED)
    assert Consortium.objects.get() == consortium


def test_member_twice_and_second_chair_are_refused(enterprise, university, enterprise_admin):
    consortium = services.consortium_create(actor=enterprise_admin, lead=enterprise, name_zh="联合体")
    services.consortium_member_add(actor=enterprise_admin, consortium=consortium, organisation=university)
    with pytest.raises(ValidationError):
        services.consortium_member_add(actor=enterprise_admin, consortium=consortium, organisation=university)
    services.council_member_add(actor=enterprise_admin, consortium=consortium, user=enterprise_admin,
                                organisation=enterprise, position=CouncilMember.Position.CHAIR)
    other = member(enterprise, Role.RD_MANAGER, username="other")
    with pytest.raises(ValidationError):
        services.council_member_add(actor=enterprise_admin, consortium=consortium, user=other,
                                    organisation=enterprise, position=CouncilMember.Position.CHAIR)
    assert consortium.members.count() == 2 and consortium.council.count() == 1


def test_consortium_pages_and_api(client, api, enterprise, university, enterprise_admin, researcher):
    consortium = services.consortium_create(actor=enterprise_admin, lead=enterprise, name_zh="储能创新联合体")
    client.force_login(researcher)
    assert "储能创新联合体" in client.get("/consortia/consortia/?kind=enterprise_led").content.decode()
    response = client.post(f"/consortia/consortia/{consortium.pk}/", {"add_member": "1",
                                                                     "organisation": university.pk, "role": "core"})
    assert response.status_code == 403 and consortium.members.count() == 1
    client.force_login(enterprise_admin)
    client.post(f"/consortia/consortia/{consortium.pk}/", {"add_member": "1", "organisation": university.pk,
                                                          "role": "core"})
    assert consortium.members.count() == 2
    api.force_authenticate(researcher)
    assert api.post(f"/api/consortia/consortia/{consortium.pk}/members/",
                    {"organisation": university.pk}, format="json").status_code == 403
    api.force_authenticate(enterprise_admin)
    dup = api.post(f"/api/consortia/consortia/{consortium.pk}/members/", {"organisation": university.pk},
                   format="json")
    assert dup.status_code == 400 and consortium.members.count() == 2
