"""Self-registration: join an organisation (its admin approves) or register a new one (the platform verifies
its credit code); e-mail verification; the waiting page; rate limits."""
import re

import pytest
from django.core import mail
from django.test import override_settings

from platform_core.accounts import services
from platform_core.models import Membership, MembershipRequest, Organisation, OrganisationApplication, Role, User
from tests.factories import RegionFactory, UserFactory, member, valid_credit_code

pytestmark = pytest.mark.django_db

SITE = "https://platform.example.cn"


def link_of(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).removeprefix(SITE)


def account(**extra):
    return {"username": "newcomer", "display_name": "新来的", "email": "newcomer@example.com",
            "password1": "Qinling-2026!", "password2": "Qinling-2026!", **extra}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)
    return send


@override_settings(SITE_URL=SITE)
def test_join_verify_wait_approve(client, post, university, university_admin):
    page = post("/accounts/register/", account(mode="join", organisation=university.pk, role=Role.RESEARCHER,
                                               message="材料学院新进教师"))
    assert page.status_code == 200 and 'data-testid="register-done"' in page.content.decode()
    user = User.objects.get(username="newcomer")
    assert not user.is_active  # until the address is verified
    request = MembershipRequest.objects.get(user=user)
    assert request.status == MembershipRequest.Status.PENDING and request.organisation == university
    # Not verified yet: the admin neither sees nor can approve it.
    client.force_login(university_admin)
    assert "newcomer" not in client.get(f"/accounts/organisations/{university.pk}/requests/").content.decode()
    client.logout()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.com"]
    verify = link_of(mail.outbox[0])
    response = client.get(verify)
    assert response.status_code == 302 and response["Location"] == "/accounts/waiting/"
    user.refresh_from_db()
    assert user.is_active
    # Signed in, but every page leads to the waiting page; the API answers 403.
    assert client.get("/").url == "/accounts/waiting/"
    assert client.get("/projects/challenges/").url == "/accounts/waiting/"
    assert client.get("/api/organisations/").status_code == 403
    waiting = client.get("/accounts/waiting/").content.decode()
    assert "等待审核" in waiting and university.name_zh in waiting
    # The admin approves (the page offers the requested role) and the user gets in on the next page.
    admin = client.__class__()
    admin.force_login(university_admin)
    requests_page = admin.get(f"/accounts/organisations/{university.pk}/requests/").content.decode()
    assert "newcomer" in requests_page and "材料学院新进教师" in requests_page
    assert admin.post(f"/accounts/requests/{request.pk}/approve/", {"role": Role.RESEARCHER}).status_code == 302
    assert Membership.objects.active().filter(user=user, organisation=university, role=Role.RESEARCHER).exists()
    assert client.get("/").status_code == 200


def test_verification_tells_the_organisation_admins(university, university_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, _ = services.register_to_join(ip="10.0.0.1", username="n1", display_name="新人", email="n1@example.com",
                                            password="Qinling-2026!", organisation=university, role=Role.STUDENT,
                                            language="zh-hans")
    assert [m.to for m in mail.outbox] == [["n1@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.email_verify(user=user)
    assert mail.outbox[-1].to == [university_admin.email]
    assert "申请加入" in mail.outbox[-1].subject


def test_refused_request_is_shown_and_the_user_told(client, university, university_admin,
                                                    django_capture_on_commit_callbacks):
    user, request = services.register_to_join(ip="10.0.0.1", username="n1", display_name="新人",
                                              email="n1@example.com", password="Qinling-2026!",
                                              organisation=university, role=Role.STUDENT, language="zh-hans")
    services.email_verify(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_refuse(actor=university_admin, request=request, reason="查无此人")
    assert mail.outbox[-1].to == ["n1@example.com"] and "拒绝" in mail.outbox[-1].subject
    assert not Membership.objects.filter(user=user).exists()
    client.force_login(user)
    page = client.get("/accounts/waiting/").content.decode()
    assert "查无此人" in page and "已拒绝" in page


def test_only_the_organisation_admin_decides(university, enterprise_admin, researcher):
    user, request = services.register_to_join(ip="10.0.0.1", username="n1", display_name="新人",
                                              email="n1@example.com", password="Qinling-2026!",
                                              organisation=university, role=Role.STUDENT, language="zh-hans")
    services.email_verify(user=user)
    from django.core.exceptions import PermissionDenied

    for outsider in (enterprise_admin, researcher):
        with pytest.raises(PermissionDenied):
            services.membership_request_approve(actor=outsider, request=request)
    request.refresh_from_db()
    assert request.status == MembershipRequest.Status.PENDING
    assert not Membership.objects.filter(user=user).exists()


def test_asking_for_a_role_the_organisation_has_not_is_refused(client, post, university):
    page = post("/accounts/register/", account(mode="join", organisation=university.pk, role=Role.FUND_MANAGER))
    assert page.status_code == 200
    assert "没有可申请的" in str(page.context["form"].errors["role"])
    assert not User.objects.filter(username="newcomer").exists() and mail.outbox == []


def test_same_address_twice_is_refused(post, university):
    UserFactory(username="old", email="newcomer@example.com")
    page = post("/accounts/register/", account(mode="join", organisation=university.pk, role=Role.STUDENT))
    assert "该邮箱已注册账号" in str(page.context["form"].errors["email"])
    assert not User.objects.filter(username="newcomer").exists()


@override_settings(SITE_URL=SITE)
def test_new_organisation_waits_for_the_platform_to_verify_its_credit_code(client, post, staff,
                                                                          django_capture_on_commit_callbacks):
    region = RegionFactory()
    wrong = valid_credit_code(4321)[:-1] + ("0" if valid_credit_code(4321)[-1] != "0" else "1")
    page = post("/accounts/register/", account(mode="create", kind="enterprise", name_zh="渭河智能装备有限公司",
                                               credit_code=wrong, region=region.pk, role=Role.RD_MANAGER))
    assert page.status_code == 200
    assert "校验位不正确" in str(page.context["form"].errors["credit_code"])
    assert not User.objects.filter(username="newcomer").exists() and not OrganisationApplication.objects.exists()

    code = valid_credit_code(4321)
    page = post("/accounts/register/", account(mode="create", kind="enterprise", name_zh="渭河智能装备有限公司",
                                               credit_code=code, region=region.pk, role=Role.RD_MANAGER))
    assert 'data-testid="register-done"' in page.content.decode()
    application = OrganisationApplication.objects.get()
    assert application.credit_code == code and not Organisation.objects.filter(credit_code=code).exists()
    user = application.applicant
    with django_capture_on_commit_callbacks(execute=True):
        client.get(link_of(mail.outbox[-1]))
    assert client.get("/").url == "/accounts/waiting/"
    assert mail.outbox[-1].to == [staff.email]  # the platform admins are told
    # A platform admin approves: the organisation exists and the applicant administers it.
    admin = client.__class__()
    admin.force_login(staff)
    assert "渭河智能装备有限公司" in admin.get("/accounts/applications/").content.decode()
    admin.post(f"/accounts/applications/{application.pk}/approve/")
    organisation = Organisation.objects.get(credit_code=code)
    assert set(Membership.objects.active().filter(user=user, organisation=organisation)
               .values_list("role", flat=True)) == {Role.ORG_ADMIN, Role.RD_MANAGER}
    assert client.get("/").status_code == 200


def test_only_platform_admins_verify_organisations(client, enterprise_admin):
    user, application = services.register_organisation(
        ip="10.0.0.1", username="n1", display_name="新人", email="n1@example.com", password="Qinling-2026!",
        kind="enterprise", name_zh="某公司", credit_code=valid_credit_code(77), language="zh-hans")
    services.email_verify(user=user)
    client.force_login(enterprise_admin)
    assert client.get("/accounts/applications/").status_code == 403
    assert client.post(f"/accounts/applications/{application.pk}/approve/").status_code == 404
    application.refresh_from_db()
    assert application.status == OrganisationApplication.Status.PENDING
    assert not Organisation.objects.filter(credit_code=valid_credit_code(77)).exists()


def test_a_credit_code_already_on_the_platform_is_refused(post, enterprise):
    enterprise.credit_code = valid_credit_code(55)
    enterprise.save()
    page = post("/accounts/register/", account(mode="create", kind="enterprise", name_zh="重复公司",
                                               credit_code=valid_credit_code(55)))
    assert "已在平台上" in str(page.context["form"].errors["credit_code"])
    assert not User.objects.filter(username="newcomer").exists()


@override_settings(ACCOUNT_REGISTRATIONS_PER_IP_PER_HOUR=2)
def test_registrations_from_one_network_are_limited(post, university):
    for n in range(2):
        page = post("/accounts/register/", account(mode="join", organisation=university.pk, role=Role.STUDENT,
                                                   username=f"n{n}", email=f"n{n}@example.com"))
        assert 'data-testid="register-done"' in page.content.decode()
    page = post("/accounts/register/", account(mode="join", organisation=university.pk, role=Role.STUDENT,
                                               username="n3", email="n3@example.com"))
    assert "注册次数过多" in page.content.decode()
    assert not User.objects.filter(username="n3").exists()


def test_an_invalid_verification_link_is_refused(client, university):
    user, _ = services.register_to_join(ip="10.0.0.1", username="n1", display_name="新人", email="n1@example.com",
                                        password="Qinling-2026!", organisation=university, role=Role.STUDENT,
                                        language="zh-hans")
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert client.get(f"/accounts/verify/{uid}/wrong-token/").status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_organisation_search_works_without_a_session(client, university):
    data = client.get("/accounts/register/organisations/", {"q": "长安"}).json()
    assert [r["id"] for r in data["results"]] == [university.pk]


def test_members_of_an_organisation_are_not_held_on_the_waiting_page(client, university):
    user = member(university, Role.RESEARCHER, username="r2")
    MembershipRequest.objects.create(user=user, organisation=university, role=Role.STUDENT)
    client.force_login(user)
    assert client.get("/").status_code == 200


def test_api_admin_approves_and_refuses(api, university, university_admin, enterprise_admin):
    made = []
    for n in range(2):
        user, request = services.register_to_join(
            ip="10.0.0.1", username=f"n{n}", display_name="新人", email=f"n{n}@example.com", password="Qinling-2026!",
            organisation=university, role=Role.STUDENT, language="zh-hans")
        services.email_verify(user=user)
        made.append(request)
    api.force_authenticate(enterprise_admin)
    assert api.get("/api/accounts/membership-requests/").data["count"] == 0
    assert api.post(f"/api/accounts/membership-requests/{made[0].pk}/approve/").status_code == 404
    api.force_authenticate(university_admin)
    assert api.get("/api/accounts/membership-requests/", {"status": "pending"}).data["count"] == 2
    refused = api.post(f"/api/accounts/membership-requests/{made[0].pk}/approve/", {"role": Role.FUND_MANAGER},
                       format="json")
    assert refused.status_code == 400
    approved = api.post(f"/api/accounts/membership-requests/{made[0].pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.data["status"] == "approved"
    assert api.post(f"/api/accounts/membership-requests/{made[1].pk}/refuse/", {"reason": "不符"},
                    format="json").data["status"] == "refused"
    assert Membership.objects.filter(organisation=university, role=Role.STUDENT).count() == 1


def test_a_refused_user_asks_another_organisation_from_the_waiting_page(client, university, university_admin,
                                                                       enterprise, enterprise_admin):
    user, request = services.register_to_join(ip="10.0.0.1", username="n1", display_name="新人",
                                              email="n1@example.com", password="Qinling-2026!",
                                              organisation=university, role=Role.STUDENT, language="zh-hans")
    services.email_verify(user=user)
    services.membership_request_refuse(actor=university_admin, request=request, reason="不是本校学生")
    client.force_login(user)
    assert client.get("/").status_code == 200  # nothing pending any more: not held
    wrong = client.post("/accounts/waiting/", {"organisation": enterprise.pk, "role": Role.STUDENT})
    assert "没有可申请的" in wrong.content.decode()
    assert not MembershipRequest.objects.filter(organisation=enterprise).exists()
    response = client.post("/accounts/waiting/", {"organisation": enterprise.pk, "role": Role.RD_MANAGER,
                                                  "message": "新入职"})
    assert response.status_code == 302
    assert MembershipRequest.objects.get(organisation=enterprise, user=user).status == MembershipRequest.Status.PENDING
    assert client.get("/").url == "/accounts/waiting/"  # held again until this one is decided
