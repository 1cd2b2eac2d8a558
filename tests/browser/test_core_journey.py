"""The core in a real browser: log in as a demo-like user, see and manage their organisation."""
import pytest

from platform_core.models import Membership, Role
from tests.conftest import login
from tests.factories import UserFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_user_logs_in_and_sees_their_organisation(browser_page, live_server, enterprise):
    member(enterprise, Role.ORG_ADMIN, Role.RD_MANAGER, username="zhang", display_name="张伟")
    UserFactory(username="newhire", display_name="新同事")
    page = browser_page
    login(page, live_server.url, "zhang")
    assert "张伟" in page.inner_text("nav")
    page.click("[data-testid=my-organisations] a")
    assert page.inner_text("[data-testid=organisation-name]") == enterprise.name_zh
    page.click("text=成员管理")
    page.fill("input[name=user]", "newhire")
    page.select_option("select[name=role]", Role.RESEARCHER)
    with page.expect_navigation():
        page.click("[data-testid=add-member]")
    assert "新同事" in page.inner_text("[data-testid=members]")
    assert Membership.objects.filter(user__username="newhire", organisation=enterprise, role=Role.RESEARCHER).exists()
    # The language switch turns the page into English.
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert "Members" in page.inner_text("main")


def test_wrong_password_shows_an_error(browser_page, live_server, enterprise):
    member(enterprise, Role.RESEARCHER, username="li")
    login(browser_page, live_server.url, "li", password="wrong")
    assert "/accounts/login/" in browser_page.url
    assert browser_page.locator(".alert-danger").count() == 1
