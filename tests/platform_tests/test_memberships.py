import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platform_core import services
from platform_core.models import Membership, Notification, Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def test_admin_adds_member_and_member_is_notified(enterprise_admin, enterprise):
    newcomer = UserFactory(username="newcomer")
    membership = services.membership_add(actor=enterprise_admin, organisation=enterprise, user=newcomer,
                                         role=Role.RD_MANAGER)
    assert membership.is_active
    assert Notification.objects.filter(recipient=newcomer, event="platform.membership_added").exists()


def test_unknown_role_is_refused(enterprise_admin, enterprise):
    newcomer = UserFactory()
    with pytest.raises(ValidationError):
        services.membership_add(actor=enterprise_admin, organisation=enterprise, user=newcomer, role="king")
    assert not Membership.objects.filter(user=newcomer).exists()


def test_same_role_twice_is_refused(enterprise_admin, enterprise):
    newcomer = UserFactory()
    services.membership_add(actor=enterprise_admin, organisation=enterprise, user=newcomer, role=Role.RESEARCHER)
    with pytest.raises(ValidationError):
        services.membership_add(actor=enterprise_admin, organisation=enterprise, user=newcomer, role=Role.RESEARCHER)
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_member_of_a_cannot_change_members_of_b(enterprise_admin, university, researcher):
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=enterprise_admin, organisation=university, user=UserFactory(),
                                role=Role.RESEARCHER)
    membership = Membership.objects.get(user=researcher)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=enterprise_admin, membership=membership)
    assert Membership.objects.get(user=researcher).is_active


def test_last_admin_cannot_be_removed(enterprise_admin, enterprise):
    own = Membership.objects.get(user=enterprise_admin, role=Role.ORG_ADMIN)
    with pytest.raises(ValidationError):
        services.membership_remove(actor=enterprise_admin, membership=own)
    own.refresh_from_db()
    assert own.is_active


def test_removed_role_can_be_given_again(enterprise_admin, enterprise):
    user = member(enterprise, Role.RESEARCHER)
    membership = Membership.objects.get(user=user)
    services.membership_remove(actor=enterprise_admin, membership=membership)
    again = services.membership_add(actor=enterprise_admin, organisation=enterprise, user=user, role=Role.RESEARCHER)
    assert again.pk == membership.pk and again.is_active


def test_page_member_of_a_cannot_manage_b(client, enterprise_admin, university, researcher):
    client.force_login(enterprise_admin)
    assert client.get(f"/organisations/{university.pk}/members/").status_code == 403
    response = client.post(f"/organisations/{university.pk}/members/", {"user": "ent_admin", "role": "org_admin"})
    assert response.status_code == 403
    membership = Membership.objects.get(user=researcher)
    assert client.post(f"/memberships/{membership.pk}/remove/").status_code == 403
    assert not Membership.objects.filter(organisation=university, user=enterprise_admin).exists()
    assert Membership.objects.get(pk=membership.pk).is_active


def test_page_admin_adds_member_by_email_and_sees_errors(client, enterprise_admin, enterprise):
    UserFactory(username="wang", email="wang@example.com")
    client.force_login(enterprise_admin)
    response = client.post(f"/organisations/{enterprise.pk}/members/",
                           {"user": "wang@example.com", "role": Role.RD_MANAGER})
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="wang", organisation=enterprise).exists()
    missing = client.post(f"/organisations/{enterprise.pk}/members/", {"user": "nobody", "role": Role.RD_MANAGER})
    assert missing.status_code == 200
    assert "nobody" in missing.content.decode()


def test_api_member_of_a_cannot_change_members_of_b(api, enterprise_admin, university, researcher):
    api.force_authenticate(enterprise_admin)
    response = api.post("/api/memberships/", {"organisation": university.pk, "user_identifier": "ent_admin",
                                              "role": "org_admin"}, format="json")
    assert response.status_code == 403
    assert not Membership.objects.filter(organisation=university, user=enterprise_admin).exists()
    # B's memberships are not even visible to a member of A: same answer as a missing row.
    membership = Membership.objects.get(user=researcher)
    assert api.delete(f"/api/memberships/{membership.pk}/").status_code == 404
    assert Membership.objects.get(pk=membership.pk).is_active


def test_api_admin_adds_and_removes_member(api, enterprise_admin, enterprise):
    UserFactory(username="liu")
    api.force_authenticate(enterprise_admin)
    created = api.post("/api/memberships/", {"organisation": enterprise.pk, "user_identifier": "liu",
                                             "role": "researcher", "title": "工程师"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["user"]["username"] == "liu"
    assert api.delete(f"/api/memberships/{created.json()['id']}/").status_code == 204
    assert not Membership.objects.get(pk=created.json()["id"]).is_active


def test_api_unknown_role_gives_400(api, enterprise_admin, enterprise):
    UserFactory(username="liu")
    api.force_authenticate(enterprise_admin)
    response = api.post("/api/memberships/", {"organisation": enterprise.pk, "user_identifier": "liu",
                                              "role": "king"}, format="json")
    assert response.status_code == 400
    assert "未知角色" in str(response.json()["role"]) and "Unknown role" in str(response.json()["role"])
    assert not Membership.objects.filter(user__username="liu").exists()


def test_api_lists_only_memberships_of_own_organisations(api, enterprise_admin, researcher):
    api.force_authenticate(enterprise_admin)
    usernames = {m["user"]["username"] for m in api.get("/api/memberships/").json()["results"]}
    assert usernames == {"ent_admin"}
