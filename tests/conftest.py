import os

import pytest
from rest_framework.test import APIClient

from tests.factories import OrganisationFactory, member
from platform_core.models import Organisation, Role

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from such a thread unless told it is safe (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def enterprise(db):
    return OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦岭新能源科技股份有限公司")


@pytest.fixture
def university(db):
    return OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")


@pytest.fixture
def enterprise_admin(enterprise):
    return member(enterprise, Role.ORG_ADMIN, Role.RD_MANAGER, username="ent_admin")


@pytest.fixture
def university_admin(university):
    return member(university, Role.ORG_ADMIN, Role.TTO_STAFF, username="uni_admin")


@pytest.fixture
def researcher(university):
    return member(university, Role.RESEARCHER, username="researcher")


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(username="staff", is_staff=True, is_superuser=True)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's headless Chromium (never a downloaded browser).

    Use with `live_server.url`; tests using it are marked `browser` and skipped
    only where Chromium is not installed and we are not in CI.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs it)")
        pytest.skip("Chromium not installed (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run"],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


def login(page, base_url: str, username: str, password: str = "pw") -> None:
    """Log in through the real login form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
