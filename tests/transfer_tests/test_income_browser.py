"""Chromium: a TTO records a licence's royalty, sees the payouts, generates last year's annual report,
downloads it as xlsx and prints it."""
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from transfer.models import AnnualReport, Payout

from .income_helpers import IncomeWorld
from .test_browser import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_royalty_payouts_and_annual_report_in_chromium(browser_page, live_server):
    world = IncomeWorld()
    last_year = timezone.localdate().year - 1
    contract = world.licence(price="2000000.00", signed_on=datetime.date(last_year, 2, 1))
    page, base = browser_page, live_server.url

    login(page, base, "tto")
    page.goto(f"{base}/transfer/income/")
    page.click(f"[data-testid=contracts] >> text={contract.title}")
    page.fill("input[name=royalty-period_start]", f"{last_year}-01-01")
    page.fill("input[name=royalty-period_end]", f"{last_year}-06-30")
    page.fill("input[name=royalty-sales_amount]", "8000000")
    page.fill("input[name=royalty-royalty_amount]", "240000.01")
    page.fill("input[name=royalty-received_on]", f"{last_year}-07-15")
    page.click("[data-testid=submit-royalty]")
    page.wait_for_selector("[data-testid=payout-row]")
    assert page.inner_text("[data-testid=contract-received]") == "¥240,000.01"
    amounts = page.locator("[data-testid=payouts] [data-testid=payout-amount]").all_inner_texts()
    payouts = Payout.objects.filter(distribution__receipt__contract=contract)
    assert sorted(amounts) == sorted(f"¥{p.amount:,.2f}" for p in payouts) and len(amounts) == 2
    assert sum(p.amount for p in payouts) == Decimal("168000.01")  # 70 % of the royalty, to the fen
    page.screenshot(path="/tmp/income_contract.png", full_page=True)

    page.goto(f"{base}/transfer/income/reports/")
    page.fill("input[name=year]", str(last_year))
    page.fill("textarea[name=narrative]", "学校全年完成技术许可一项，许可费按期到账。")
    page.click("[data-testid=generate]")
    page.wait_for_selector("[data-testid=part-3]")
    report = AnnualReport.objects.get()
    part3 = page.inner_text("[data-testid=part-3]")
    assert "¥2,000,000.00" in part3 and "¥240,000.01" in part3
    assert report.data["part3"]["total"]["received"] == "240000.01"
    page.screenshot(path="/tmp/income_report.png", full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=download-xlsx]")
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert len(workbook.sheetnames) == 6

    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("[data-testid=print]")
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=download-xlsx]").is_visible()  # the buttons are not printed
    page.screenshot(path="/tmp/income_report_print.png", full_page=True)
