"""The main journey in Chromium: a shared hire signed by four parties, then a dual-mentor assignment."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from talent.models import DualMentorAssignment, SharedHire
from tests.consortia_tests.factories import JointCenterFactory
from tests.conftest import choose_autocomplete

from .factories import make_cast


def login(page, base_url: str, username: str) -> None:
    """Like tests.conftest.login, but clicks the login form's button, not the navbar's language button."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_shared_hire_signed_by_all_parties_and_dual_mentor_assignment(browser_page, live_server):
    cast = make_cast()
    mentor = cast.mentor()
    page, base = browser_page, live_server.url

    login(page, base, "hr")
    page.goto(f"{base}/talent/shared-hires/")
    page.click("[data-testid=new-hire]")
    choose_autocomplete(page, "id_talent", "林海")
    page.select_option("#id_university", str(cast.university.pk))
    page.fill("#id_position", "固态电池首席科学家")
    page.fill("#id_annual_cost", "1200000")
    page.fill("#id_start_date", "2025-07-01")
    page.fill("#id_end_date", "2028-06-30")
    for row, (org, salary, time) in enumerate([(cast.energy, "45", "40"), (cast.storage, "25", "20"),
                                              (cast.government, "30", "")]):
        choose_autocomplete(page, f"id_shares-{row}-organisation", org.name_zh)
        page.fill(f"#id_shares-{row}-salary_percent", salary)
        page.fill(f"#id_shares-{row}-time_percent", time)
    page.click("[data-testid=save]")
    expect(page.get_by_test_id("hire-status")).to_have_text("草稿")
    expect(page.get_by_test_id("cost-table")).to_contain_text("540,000.00")
    page.click("[data-testid=submit-hire]")
    expect(page.get_by_test_id("hire-status")).to_have_text("待签署")
    hire = SharedHire.objects.get()

    for username in ("hr", "energy_admin", "storage_admin", "officer"):
        login(page, base, username)
        page.goto(f"{base}/talent/shared-hires/{hire.pk}/")
        page.locator("[data-testid=hire-signoffs] a").first.click()
        expect(page.get_by_test_id("signoff-hire")).to_be_visible()  # what is signed is on the page
        page.check("input[name=confirm]")
        page.click("button[value=approve]")
        expect(page.locator(".alert-success")).to_be_visible()

    page.goto(f"{base}/talent/shared-hires/{hire.pk}/")
    expect(page.get_by_test_id("hire-status")).to_have_text("已生效")
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.IN_EFFECT

    center = JointCenterFactory(enterprise=cast.energy, university=cast.university, name_zh="储能技术联合研发中心")
    login(page, base, "hr")
    page.goto(f"{base}/talent/assignments/new/")
    page.fill("#id_student", "student")
    page.select_option("#id_degree", "doctor")
    page.select_option("#id_university", str(cast.university.pk))
    page.fill("#id_university_mentor", "professor")
    choose_autocomplete(page, "id_enterprise_mentor", "engineer", str(mentor))
    page.select_option("#id_placement_kind", "center")
    choose_autocomplete(page, "id_center", "储能", "储能技术联合研发中心")
    page.fill("#id_start_date", "2025-09-01")
    page.fill("#id_expected_graduation", "2029-06-30")
    page.click("[data-testid=save]")
    expect(page.get_by_test_id("assignment-status")).to_have_text("培养中")
    expect(page).to_have_url(re.compile(r"/talent/assignments/\d+/$"))
    page.screenshot(path="/tmp/talent-assignment.png", full_page=True)
    assignment = DualMentorAssignment.objects.get()
    assert assignment.enterprise == cast.energy and assignment.start_date == date(2025, 9, 1)
    assert assignment.center == center and assignment.placement_label == center.name_zh

    # The student sees it among "my assignments".
    login(page, base, "student")
    page.goto(f"{base}/talent/assignments/")
    expect(page.get_by_test_id("assignments")).to_contain_text("储能技术联合研发中心")
