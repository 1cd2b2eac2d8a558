"""The whole chain in Chromium: post → refine → bid → award → milestone → evaluation → solved."""
import pytest

from platform_core.models import Role
from projects.models import Challenge, Project
from tests.conftest import choose_autocomplete
from tests.consortia_tests.factories import staffed_center
from tests.factories import member

from .factories import future

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username):
    """Log in through the form (pressing Enter, so the language switch in the header is never hit)."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def submit(page):
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit] >> nth=-1")


def sign_latest(page, base_url, username):
    """Open my signature queue and approve the newest decision waiting for me."""
    sign_in(page, base_url, username)
    page.goto(f"{base_url}/projects/workbench/")
    page.click("[data-testid=awaiting] a >> nth=0")
    page.wait_for_selector("[data-testid=signoff-content]")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("button[name=verdict][value=approve]")


def test_challenge_to_solved_in_the_browser(browser_page, live_server, enterprise, university):
    page, base = browser_page, live_server.url
    center, people = staffed_center(enterprise, university)
    pi = member(university, Role.RESEARCHER, username="pi")
    student = member(university, Role.STUDENT, username="student_wu")
    manager = people["ent_director"]

    # 企业出题
    sign_in(page, base, manager.username)
    page.goto(f"{base}/projects/challenges/new/")
    page.fill("#id_title_zh", "高镍正极材料循环寿命提升")
    page.fill("#id_summary_zh", "提升高镍正极 45℃ 循环寿命。")
    page.fill("#id_confidential_detail", "NCM811 500 次循环保持率 78%")
    page.fill("#id_current_trl", "3")
    page.fill("#id_target_trl", "6")
    page.fill("#id_budget_min", "500000")
    page.fill("#id_budget_max", "2000000")
    page.fill("#id_subsidy", "0")
    page.fill("#id_deadline", future(90).isoformat())
    page.select_option("#id_center", str(center.pk))
    submit(page)
    challenge = Challenge.objects.get()
    page.click("[data-testid=publish]")
    assert page.get_attribute("[data-testid=challenge-status] span", "data-status") == "published"

    # 校企共同凝练课题 (dual sign-off)
    page.click("[data-testid=refine]")
    page.fill("#id_objectives", "45℃ 循环 1000 次容量保持率 ≥ 90%")
    page.fill("#id_deliverables", "改性工艺包与中试样品")
    with page.expect_navigation():
        page.click("button[name=submit]")
    sign_latest(page, base, people["ent_chief"].username)
    sign_latest(page, base, people["uni_director"].username)
    challenge.refresh_from_db()
    assert challenge.status == "refined"

    # 揭榜挂帅: open the call
    sign_in(page, base, manager.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.click("[data-testid=open-call]")
    page.fill("#id_closes_on", future(30).isoformat())
    for panelist in (people["ent_chief"], people["uni_chief"]):
        choose_autocomplete(page, "id_panel", panelist.username)
    page.keyboard.press("Escape")  # a multiple select keeps its dropdown open for the next pick
    submit(page)
    assert page.get_attribute("[data-testid=challenge-status] span", "data-status") == "open"

    # a researcher bids
    sign_in(page, base, pi.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.click("[data-testid=bid]")
    page.fill("#id_team_name", "李明团队")
    page.fill("#id_approach", "原子层沉积包覆改性")
    page.fill("#id_plan", "小试、中试、电芯验证三阶段")
    page.fill("#id_budget", "1500000")
    choose_autocomplete(page, "id_students", "student_wu")
    page.keyboard.press("Escape")
    submit(page)
    assert page.get_attribute("[data-testid=bid-status] span", "data-status") == "submitted"
    assert [(m.user, m.role) for m in Project._meta.get_field("bid").related_model.objects.get().members.all()] \
        == [(student, "student")]
    bid_url = page.url

    # the panel scores, the enterprise proposes the award, both sides sign
    sign_in(page, base, people["uni_chief"].username)
    page.goto(bid_url)
    page.fill("#id_c0", "88")
    page.fill("#id_c1", "85")
    page.fill("#id_c2", "80")
    page.click("[data-testid=score]")
    sign_in(page, base, manager.username)
    page.goto(bid_url)
    with page.expect_navigation():
        page.click("[data-testid=propose-award]")
    sign_latest(page, base, manager.username)
    sign_latest(page, base, people["uni_chief"].username)
    project = Project.objects.get()
    assert project.challenge.status == "awarded"

    # 师生共同答题: milestone planned, project started, milestone accepted by dual sign-off
    sign_in(page, base, pi.username)
    page.goto(f"{base}/projects/list/{project.pk}/")
    page.fill("#id_title", "包覆工艺小试")
    page.fill("#id_deliverables", "包覆样品与测试报告")
    page.fill("#id_due_on", future(20).isoformat())
    page.fill("#id_tranche", "500000")
    with page.expect_navigation():
        page.click("[data-testid=add-milestone]")
    with page.expect_navigation():
        page.click("[data-testid=start]")
    page.fill("[data-testid=milestones] input[name=report]", "样品已交付")
    with page.expect_navigation():
        page.click("[data-testid=submit-milestone]")
    sign_latest(page, base, people["ent_chief"].username)
    sign_latest(page, base, people["uni_director"].username)

    # result, TRL and 校企共同评价
    sign_in(page, base, pi.username)
    page.goto(f"{base}/projects/list/{project.pk}/")
    page.fill("#id_trl", "5")
    page.fill("#id_evidence", "中试线验证报告")
    with page.expect_navigation():
        page.click("[data-testid=record-trl]")
    assert page.inner_text("[data-testid=trl]") == "5"
    page.fill("#id_result_abstract", "包覆工艺使容量保持率达 91%")
    with page.expect_navigation():
        page.click("[data-testid=submit-result]")
    for evaluator in (people["ent_director"], people["uni_director"]):
        sign_in(page, base, evaluator.username)
        page.goto(f"{base}/projects/list/{project.pk}/")
        page.fill("#id_technical_score", "90")
        page.fill("#id_application_score", "85")
        page.fill("#id_management_score", "88")
        with page.expect_navigation():
            page.click("[data-testid=evaluate]")
    sign_latest(page, base, people["ent_chief"].username)
    sign_latest(page, base, people["uni_chief"].username)

    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    assert page.get_attribute("[data-testid=challenge-status] span", "data-status") == "solved"
    project.refresh_from_db()
    assert project.status == "solved" and project.current_trl == 5
