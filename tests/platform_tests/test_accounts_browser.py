"""The way in, in Chromium: register asking to join (organisation picked by autocomplete), verify, wait,
get approved; invite a colleague who sets a password. Screenshots in $ACCOUNTS_SCREENSHOTS when set."""
import os
import re

import pytest
from django.core import mail

from platform_core.models import Invitation, Membership, MembershipRequest, Role
from tests.conftest import choose_autocomplete, login
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACCOUNTS_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_register_to_join_then_the_admin_approves(browser_page, live_server, university, settings):
    settings.SITE_URL = live_server.url
    admin = member(university, Role.ORG_ADMIN, username="uni_admin", display_name="王芳")
    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url')}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, "login")
    page.click("[data-testid=register]")
    page.fill("input[name=username]", "zhaoxue")
    page.fill("input[name=display_name]", "赵雪")
    page.fill("input[name=email]", "zhaoxue@example.com")
    page.fill("input[name=password1]", "Qinling-2026!")
    page.fill("input[name=password2]", "Qinling-2026!")
    assert page.is_hidden("input[name=credit_code]")  # the new-organisation fields only when chosen
    choose_autocomplete(page, "id_organisation", "长安", university.name_zh)
    page.select_option("select[name=role]", Role.STUDENT)
    shot(page, "register")
    with page.expect_navigation():
        page.click("[data-testid=register-submit]")
    assert page.is_visible("[data-testid=register-done]")
    request = MembershipRequest.objects.get(user__username="zhaoxue", organisation=university, role=Role.STUDENT)
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert page.url.endswith("/accounts/waiting/")
    shot(page, "waiting")
    page.goto(f"{live_server.url}/projects/challenges/")
    assert page.url.endswith("/accounts/waiting/")

    other = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    admin_page = other.new_page()
    login(admin_page, live_server.url, "uni_admin")
    admin_page.goto(f"{live_server.url}/organisations/{university.pk}/members/")
    admin_page.click("[data-testid=requests-link]")
    shot(admin_page, "requests")
    with admin_page.expect_navigation():
        admin_page.click(f"[data-testid=request-{request.pk}] [data-testid=approve]")
    assert "已加入" in admin_page.inner_text(".alert-success")
    other.close()
    assert Membership.objects.active().filter(user__username="zhaoxue", organisation=university).exists()
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/"
    assert [e for e in errors if "favicon.ico" not in e] == []  # the site has no favicon (not ours)
    assert admin


def test_admin_invites_and_the_invitee_sets_a_password(browser_page, live_server, enterprise, settings):
    settings.SITE_URL = live_server.url
    member(enterprise, Role.ORG_ADMIN, username="zhang", display_name="张伟")
    page = browser_page
    login(page, live_server.url, "zhang")
    page.goto(f"{live_server.url}/organisations/{enterprise.pk}/members/")
    page.click("[data-testid=invitations-link]")
    page.fill("input[name=email]", "chen@example.com")
    page.select_option("select[name=role]", Role.MENTOR)
    with page.expect_navigation():
        page.click("[data-testid=invite]")
    assert "chen@example.com" in page.inner_text("[data-testid=invitations]")
    shot(page, "invitations")
    invitation = Invitation.objects.get(email="chen@example.com")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    shot(page, "invitation_accept")
    page.fill("input[name=display_name]", "陈静")
    page.fill("input[name=password1]", "Qinling-2026!")
    page.fill("input[name=password2]", "Qinling-2026!")
    with page.expect_navigation():
        page.click("[data-testid=accept]")
    assert page.url.endswith(f"/organisations/{enterprise.pk}/")
    assert Membership.objects.active().filter(user__email="chen@example.com", role=Role.MENTOR).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_login_page_shows_the_configured_sign_in_buttons_in_english_on_a_phone(browser_page, live_server, settings):
    settings.CAS_SERVER_URL = "https://cas.example.edu.cn/cas/"
    settings.OIDC_RP_CLIENT_ID = "platform"
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.inner_text("[data-testid=sso-cas]").strip() == "University unified identity (CAS)"
    assert page.inner_text("[data-testid=sso-oidc]").strip() == "Organisation single sign-on (OIDC)"
    assert page.get_attribute("[data-testid=sso-cas]", "href") == "/accounts/cas/login/"
    shot(page, "login_sso_en_phone")
    page.click("[data-testid=register]")
    page.check("input[name=mode][value=create]")
    assert page.is_visible("input[name=credit_code]") and page.is_hidden("#id_organisation")
    shot(page, "register_create_en_phone")
