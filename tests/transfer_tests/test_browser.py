import pytest

from tests.conftest import choose_autocomplete
from transfer.models import Achievement, Deal

from .factories import World


def login(page, base_url: str, username: str, password: str = "pw") -> None:
    """Log in through the form in the page body (the shared helper's selector also matches the
    navbar's language-switch button, which comes first)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screen_push_interest_deal_in_chromium(browser_page, live_server):
    world = World()
    achievement = world.achievement()
    page, base = browser_page, live_server.url

    # The broker screens the stock achievement from its page and pushes it to the enterprise.
    login(page, base, "broker")
    page.goto(f"{base}/transfer/workbench/")
    page.screenshot(path="/tmp/transfer_workbench.png", full_page=True)
    page.click(f"[data-testid=screening-queue] >> text={achievement.title}")
    page.fill("textarea[name=reason]", "已有中试样品，企业需求明确")
    page.click("[data-testid=screen]")
    choose_autocomplete(page, "id_enterprise", world.enterprise.name_zh[:4], world.enterprise.name_zh)
    page.click("[data-testid=push]")
    page.wait_for_selector("[data-testid=push-status]")
    push_url = page.url
    page.screenshot(path="/tmp/transfer_push.png", full_page=True)
    page.context.clear_cookies()

    # The enterprise's R&D manager opens it (viewed), sees no secret yet, and says yes.
    login(page, base, "rd")
    page.goto(f"{base}/transfer/pushes/")
    page.click(f"[data-testid=received-pushes] >> text={achievement.title}")
    assert page.locator("[data-testid=confidential-detail]").count() == 0
    page.fill("textarea[name=note]", "请安排技术交流")
    page.click("[data-testid=interest]")
    page.wait_for_selector("[data-testid=confidential-detail]")
    page.context.clear_cookies()

    # The broker opens the negotiation and records an assignment with the revenue split.
    login(page, base, "broker")
    page.goto(push_url)
    page.click("[data-testid=negotiate]")
    page.click("[data-testid=record-deal]")
    page.select_option("select[name=kind]", "assignment")
    page.fill("input[name=price]", "1200000")
    page.fill("input[name=signed_on]", "2025-05-01")
    page.fill("input[name=shares-0-beneficiary]", "inventor")
    page.fill("input[name=shares-0-percent]", "70")
    page.fill("input[name=shares-1-beneficiary]", world.school.name_zh)
    page.fill("input[name=shares-1-percent]", "30")
    page.click("[data-testid=save-deal]")
    page.wait_for_selector("[data-testid=deal-price]")
    page.screenshot(path="/tmp/transfer_deal.png", full_page=True)
    assert "1200000" in page.inner_text("[data-testid=deal-price]").replace(",", "")
    assert Achievement.objects.get(pk=achievement.pk).status == "transferred"
    assert Deal.objects.get().revenue_shares.count() == 2
