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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_incubator_and_company_forms_search_their_choices_in_chromium(browser_page, live_server):
    from transfer import services
    from transfer.models import IncubatedCompany, Incubator

    world = World()
    achievement = world.achievement(title="退役电池快速分选技术")
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="可直接中试")
    page, base = browser_page, live_server.url

    # The enterprise's administrator opens an incubator: host and partner university are searched.
    login(page, base, "rd")
    page.goto(f"{base}/transfer/incubators/new/")
    page.fill("input[name=name]", "秦岭新能源孵化器")
    choose_autocomplete(page, "id_host", world.enterprise.name_zh[:2], world.enterprise.name_zh)
    choose_autocomplete(page, "id_partner_university", "长安", world.university.name_zh)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=companies]")
    incubator = Incubator.objects.get()
    assert (incubator.host, incubator.partner_university) == (world.enterprise, world.university)

    # It admits a spin-off built on the screened achievement, with two founders picked by name.
    page.goto(f"{base}/transfer/incubators/{incubator.pk}/admit/")
    page.fill("input[name=name]", "西安循能科技有限公司")
    page.select_option("select[name=industry_node]", str(world.node.pk))
    page.fill("input[name=admitted_on]", "2025-05-01")
    choose_autocomplete(page, "id_founders", "inventor")
    choose_autocomplete(page, "id_founders", "engineer")
    choose_autocomplete(page, "id_achievements", "退役电池", achievement.title)
    page.screenshot(path="/tmp/transfer_company_admit.png", full_page=True)
    page.click("[data-testid=submit]")
    page.wait_for_url("**/transfer/companies/**")
    company = IncubatedCompany.objects.get()
    assert set(company.founders.all()) == {world.inventor, world.engineer}
    assert list(company.achievements.all()) == [achievement]
