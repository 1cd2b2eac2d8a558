"""Joint R&D centers: registration rules, appointments (双管理、双首席), signatories, pages and API."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consortia import selectors, services
from consortia.models import CenterMember, JointCenter, Side
from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, member

from .factories import staffed_center

pytestmark = pytest.mark.django_db


def test_org_admin_registers_a_center(enterprise, university, enterprise_admin):
    center = services.center_create(actor=enterprise_admin, enterprise=enterprise, university=university,
                                    name_zh="储能联合研发中心", funding_commitment=Decimal("5000000"))
    assert center.enterprise == enterprise and center.status == JointCenter.Status.ACTIVE


@pytest.mark.parametrize("field, value", [("funding_commitment", Decimal("-1")), ("agreement_end", "inverted")])
def test_bad_center_input_is_refused_and_nothing_is_written(enterprise, university, enterprise_admin, field, value):
    from datetime import date

    data = {"funding_commitment": Decimal("1")}
    if value == "inverted":
        data.update(agreement_start=date(2026, 1, 1), agreement_end=date(2025, 1, 1))
    else:
        data[field] = value
    with pytest.raises(ValidationError) as exc:
        services.center_create(actor=enterprise_admin, enterprise=enterprise, university=university,
                               name_zh="中心", **data)
    assert field in exc.value.message_dict
    assert not JointCenter.objects.exists()


def test_sides_must_be_an_enterprise_and_a_university(enterprise, enterprise_admin):
    other_enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
    with pytest.raises(ValidationError):
        services.center_create(actor=enterprise_admin, enterprise=enterprise, university=other_enterprise,
                               name_zh="中心")
    assert not JointCenter.objects.exists()


def test_outsider_cannot_register_or_change_a_center(enterprise, university, researcher):
    with pytest.raises(PermissionDenied):
        services.center_create(actor=researcher, enterprise=enterprise, university=university, name_zh="中心")
    center, _people = staffed_center(enterprise, university)
    with pytest.raises(PermissionDenied):
        services.center_update(actor=researcher, center=center, name_zh="改名")
    center.refresh_from_db()
    assert center.name_zh != "改名"


def test_two_directors_one_per_side_and_a_new_director_replaces_the_old(enterprise, university, enterprise_admin):
    center, people = staffed_center(enterprise, university)
    newcomer = member(enterprise, Role.RD_MANAGER, username="newcomer")
    services.center_appoint(actor=enterprise_admin, center=center, user=newcomer, side=Side.ENTERPRISE,
                            position=CenterMember.Position.DIRECTOR)
    directors = center.members.filter(position=CenterMember.Position.DIRECTOR)
    assert {(d.side, d.user.username) for d in directors} == {
        (Side.ENTERPRISE, "newcomer"), (Side.UNIVERSITY, people["uni_director"].username)}


def test_cannot_serve_a_side_one_does_not_belong_to(enterprise, university, enterprise_admin):
    center, people = staffed_center(enterprise, university)
    with pytest.raises(ValidationError):
        services.center_appoint(actor=enterprise_admin, center=center, user=people["uni_chief"],
                                side=Side.ENTERPRISE, position=CenterMember.Position.MEMBER)
    assert not center.members.filter(user=people["uni_chief"], side=Side.ENTERPRISE).exists()


def test_signatories_are_each_sides_director_and_chief_scientist(enterprise, university):
    center, people = staffed_center(enterprise, university)
    parties = selectors.center_parties(center)
    assert {u.username for u in parties[0].signatories} == {"c_ent_director", "c_ent_chief"}
    assert {u.username for u in parties[1].signatories} == {"c_uni_director", "c_uni_chief"}


def test_vacant_side_falls_back_to_its_org_admins(enterprise, university, university_admin):
    center, people = staffed_center(enterprise, university)
    center.members.filter(side=Side.UNIVERSITY).delete()
    assert selectors.center_side_signatories(center, Side.UNIVERSITY) == [university_admin]


def test_center_pages(client, enterprise, university, researcher):
    center, people = staffed_center(enterprise, university)
    client.force_login(researcher)
    listing = client.get("/consortia/?q=联合研发")
    assert center.name_zh in listing.content.decode()
    detail = client.get(f"/consortia/centers/{center.pk}/").content.decode()
    assert str(people["ent_director"]) in detail and str(people["uni_chief"]) in detail
    assert client.get(f"/consortia/centers/{center.pk}/edit/").status_code == 403
    assert client.get("/consortia/centers/99999/").status_code == 404


def test_center_api_create_update_and_appoint(api, enterprise, university, enterprise_admin, researcher):
    api.force_authenticate(enterprise_admin)
    response = api.post("/api/consortia/centers/", {
        "name_zh": "储能中心", "enterprise": enterprise.pk, "university": university.pk,
        "funding_commitment": "1000000.00"}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    bad = api.patch(f"/api/consortia/centers/{pk}/", {"funding_commitment": "-5"}, format="json")
    assert bad.status_code == 400
    assert JointCenter.objects.get(pk=pk).funding_commitment == Decimal("1000000.00")
    director = member(enterprise, Role.RD_MANAGER, username="dir")
    appointed = api.post(f"/api/consortia/centers/{pk}/appoint/", {
        "user": director.pk, "side": "enterprise", "position": "director"}, format="json")
    assert appointed.status_code == 201, appointed.content
    api.force_authenticate(researcher)
    assert api.patch(f"/api/consortia/centers/{pk}/", {"name_zh": "x"}, format="json").status_code == 403
    assert api.get("/api/consortia/centers/?search=储能").json()["count"] == 1
