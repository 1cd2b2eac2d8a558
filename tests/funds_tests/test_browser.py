"""A fund manager records an investment in Chromium and sees the portfolio total update."""
import pytest

from funds.models import Investment
from tests.conftest import choose_autocomplete, login

from . import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_fund_manager_records_an_investment_and_sees_the_total(browser_page, live_server, fund, fund_manager,
                                                               company):
    page = browser_page
    login(page, live_server.url, fund_manager.username)
    page.goto(f"{live_server.url}/funds/{fund.pk}/")
    assert page.inner_text("[data-testid=invested-total]") == "¥0.00"

    page.click("[data-testid=record-investment]")
    choose_autocomplete(page, "id_company", company.name)
    page.select_option("select[name=round]", "angel")
    page.fill("input[name=amount]", "1200000")  # beyond the 1,000,000 committed
    page.fill("input[name=equity_percent]", "12.5")
    page.fill("input[name=invested_on]", f.today().isoformat())
    page.click("[data-testid=investment-form] button[type=submit]")
    assert "该笔投资将超出基金认缴规模" in page.inner_text("main")
    assert not Investment.objects.exists()

    page.fill("input[name=amount]", "350000")
    page.click("[data-testid=investment-form] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/funds/{fund.pk}/")
    assert page.inner_text("[data-testid=invested-total]") == "¥350,000.00"
    assert page.inner_text("[data-testid=available-total]") == "¥650,000.00"
    assert company.name in page.inner_text("[data-testid=portfolio]")
