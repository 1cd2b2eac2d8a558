"""Invitations by an organisation admin: roles it may grant, signed expiring links, list, revoke, re-invite, API."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from platform_core.accounts import services
from platform_core.models import Invitation, Membership, Role
from tests.factories import UserFactory, member
from tests.querycount import assert_flat_queries

pytestmark = pytest.mark.django_db

SITE = "https://platform.example.cn"


def link_of(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).removeprefix(SITE)


@pytest.fixture
def invite(enterprise_admin, enterprise, django_capture_on_commit_callbacks):
    def make(email="new@example.com", role=Role.RD_MANAGER, language="zh-hans"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.invitation_create(actor=enterprise_admin, organisation=enterprise, email=email, role=role,
                                              language=language)
    return make


@override_settings(SITE_URL=SITE)
def test_invitee_sets_name_and_password_and_lands_in_the_organisation(client, invite, enterprise):
    invitation = invite()
    message = mail.outbox[-1]
    assert message.to == ["new@example.com"] and enterprise.name_zh in message.subject
    assert "研发经理" in message.body or "研发" in message.body
    path = link_of(message)
    assert path.startswith("/accounts/invitation/")
    page = client.get(path)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    response = client.post(path, {"username": "newbie", "display_name": "新同事", "password1": "Qinling-2026!",
                                  "password2": "Qinling-2026!"})
    assert response.status_code == 302 and response["Location"] == f"/organisations/{enterprise.pk}/"
    user = Membership.objects.get(organisation=enterprise, role=Role.RD_MANAGER, user__username="newbie").user
    assert user.email == "new@example.com" and user.display_name == "新同事" and user.check_password("Qinling-2026!")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_by == user
    assert client.get("/").status_code == 200  # signed in, not held on the waiting page
    # The link works once.
    client.logout()
    assert client.get(path).status_code == 400


def test_bad_password_keeps_everything_unchanged(client, invite):
    invite()
    path = link_of(mail.outbox[-1])
    response = client.post(path, {"username": "newbie", "display_name": "新同事", "password1": "123",
                                  "password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not Membership.objects.filter(user__username="newbie").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_admin_grants_only_the_roles_of_its_kind_of_organisation(enterprise_admin, enterprise):
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(actor=enterprise_admin, organisation=enterprise, email="s@example.com",
                                   role=Role.STUDENT)
    assert "不能" in str(exc.value.message_dict["role"])
    assert services.grantable_roles(enterprise_admin, enterprise) == [
        Role.RD_MANAGER, Role.MENTOR, Role.RESEARCHER, Role.ORG_ADMIN]
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_member_who_is_not_admin_cannot_invite(enterprise):
    rd = member(enterprise, Role.RD_MANAGER, username="rd")
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=rd, organisation=enterprise, email="x@example.com", role=Role.RD_MANAGER)
    assert services.grantable_roles(rd, enterprise) == []
    assert not Invitation.objects.exists()


def test_page_of_another_organisation_is_refused(client, enterprise_admin, university):
    client.force_login(enterprise_admin)
    assert client.get(f"/accounts/organisations/{university.pk}/invitations/").status_code == 403
    assert client.post(f"/accounts/organisations/{university.pk}/invitations/",
                       {"email": "x@example.com", "role": Role.RESEARCHER, "language": "zh-hans"}).status_code == 403
    assert not Invitation.objects.exists()


def test_expired_link_is_refused(client, invite):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link_of(mail.outbox[-1]))
    assert response.status_code == 400 and "已过期" in response.content.decode()


def test_revoked_link_is_refused_and_revoke_is_listed(client, invite, enterprise_admin, enterprise):
    invitation = invite()
    client.force_login(enterprise_admin)
    client.post(f"/accounts/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    client.logout()
    assert client.get(link_of(mail.outbox[-1])).status_code == 400


def test_reinvite_replaces_the_link_and_revives_an_expired_invitation(client, invite, enterprise_admin,
                                                                      django_capture_on_commit_callbacks):
    invitation = invite()
    old = link_of(mail.outbox[-1])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(enterprise_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and len(mail.outbox) == 2
    new = link_of(mail.outbox[-1])
    client.logout()
    assert client.get(old).status_code == 400
    assert client.get(new).status_code == 200


def test_existing_user_accepting_joins_with_the_role(client, invite, enterprise, researcher):
    invite(email=researcher.email, role=Role.MENTOR)
    path = link_of(mail.outbox[-1])
    anonymous = client.get(path)
    assert 'href="/accounts/login/?next=' in anonymous.content.decode()  # asked to sign in, not to register
    client.post(path, {"username": "dup", "display_name": "x", "password1": "Qinling-2026!",
                       "password2": "Qinling-2026!"})
    assert not Membership.objects.filter(organisation=enterprise, user__username="dup").exists()
    client.force_login(researcher)
    assert client.post(path).status_code == 302
    assert Membership.objects.active().filter(organisation=enterprise, user=researcher, role=Role.MENTOR).exists()


def test_same_pending_invitation_twice_is_refused(invite):
    invite()
    with pytest.raises(ValidationError):
        invite()
    assert Invitation.objects.count() == 1


@override_settings(ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR=2)
def test_reinviting_cannot_flood_an_address(invite, enterprise_admin):
    invitation = invite()
    services.invitation_resend(actor=enterprise_admin, invitation=invitation)
    with pytest.raises(ValidationError):
        services.invitation_resend(actor=enterprise_admin, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.token_version == 2  # the refused re-invitation changed nothing


def test_page_lists_statuses_and_shows_only_grantable_roles(client, invite, enterprise_admin, enterprise):
    pending = invite(email="p@example.com")
    expired = invite(email="e@example.com")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(enterprise_admin)
    page = client.get(f"/accounts/organisations/{enterprise.pk}/invitations/")
    html = page.content.decode()
    assert "p@example.com" in html and "e@example.com" in html
    assert "待接受" in html and "已过期" in html
    roles = [value for value, _ in page.context["form"].fields["role"].choices]
    assert Role.STUDENT not in roles and Role.RD_MANAGER in roles
    assert pending.pk


def test_invitation_list_queries_are_flat(client, enterprise_admin, enterprise):
    client.force_login(enterprise_admin)
    counter = iter(range(10_000))

    def grow(n):
        now = timezone.now()
        Invitation.objects.bulk_create([
            Invitation(organisation=enterprise, email=f"u{next(counter)}@example.com", role=Role.RD_MANAGER,
                       invited_by=enterprise_admin, sent_at=now, expires_at=now + timedelta(days=7))
            for _ in range(n)])
    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/accounts/organisations/{enterprise.pk}/invitations/"))


def test_api_invite_list_resend_revoke(api, enterprise_admin, enterprise, university_admin,
                                       django_capture_on_commit_callbacks):
    api.force_authenticate(enterprise_admin)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/accounts/invitations/", {"organisation": enterprise.pk, "email": "api@example.com",
                                                          "role": Role.MENTOR}, format="json")
    assert created.status_code == 201, created.content
    assert created.data["status"] == "pending" and len(mail.outbox) == 1
    pk = created.data["id"]
    refused = api.post("/api/accounts/invitations/", {"organisation": enterprise.pk, "email": "s@example.com",
                                                      "role": Role.STUDENT}, format="json")
    assert refused.status_code == 400 and "role" in refused.data
    assert api.post(f"/api/accounts/invitations/{pk}/resend/").data["status"] == "pending"
    assert api.post(f"/api/accounts/invitations/{pk}/revoke/").data["status"] == "revoked"
    assert api.post(f"/api/accounts/invitations/{pk}/revoke/").status_code == 400
    # Another organisation's admin neither sees nor touches it, nor invites into this organisation.
    api.force_authenticate(university_admin)
    assert api.get("/api/accounts/invitations/").data["count"] == 0
    assert api.post(f"/api/accounts/invitations/{pk}/resend/").status_code == 404
    assert api.post("/api/accounts/invitations/", {"organisation": enterprise.pk, "email": "x@example.com",
                                                   "role": Role.MENTOR}, format="json").status_code == 403
    assert Invitation.objects.count() == 1


def test_members_page_links_to_invitations_and_requests(client, enterprise_admin, enterprise):
    client.force_login(enterprise_admin)
    html = client.get(f"/organisations/{enterprise.pk}/members/").content.decode()
    assert f"/accounts/organisations/{enterprise.pk}/invitations/" in html
    assert f"/accounts/organisations/{enterprise.pk}/requests/" in html


def test_the_invitation_mail_is_in_the_language_chosen_for_the_invitee(invite, enterprise):
    enterprise.name_en = "Qinling New Energy"
    enterprise.save()
    invite(email="en@example.com", role=Role.MENTOR, language="en")
    message = mail.outbox[-1]
    assert message.subject == "You are invited to join Qinling New Energy on the 1121 platform"
    assert "as Mentor" in message.body and "邀请" not in message.body
    invite(email="zh@example.com", role=Role.MENTOR, language="zh-hans")
    assert "邀请您加入" in mail.outbox[-1].subject and enterprise.name_zh in mail.outbox[-1].subject


def test_membership_request_queue_queries_are_flat(client, university, university_admin):
    from platform_core.models import MembershipRequest

    client.force_login(university_admin)
    counter = iter(range(10_000))

    def grow(n):
        for _ in range(n):
            user = UserFactory(username=f"applicant{next(counter)}")
            MembershipRequest.objects.create(user=user, organisation=university, role=Role.STUDENT)
    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/accounts/organisations/{university.pk}/requests/"))
