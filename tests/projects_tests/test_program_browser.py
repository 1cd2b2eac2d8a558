"""揭榜挂帅 as programs run it, in Chromium: a government-led call with a public Q&A, a staged review with an
outside expert and a recused panel member, a defence, and two winners (赛马制) signed by both sides."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from platform_core.models import Organisation, Role, SignoffRequest
from projects import services
from funds import services as funds_services
from funds.models import FundingCommitment, Tranche
from projects.models import Bid, Call, Challenge, ConflictDeclaration, MilestoneAssessment, Project
from tests.conftest import choose_autocomplete
from tests.factories import OrganisationFactory, member
from tests.talent_tests.factories import TalentProfileFactory

from .factories import challenge_data, future, sign_all
from .test_browser_journey import sign_in, sign_latest, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screenshots"


def _click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _score(page, base, bid, values):
    page.goto(f"{base}/projects/bids/{bid.pk}/")
    for index, value in enumerate(values):
        page.fill(f"#id_c{index}", str(value))
    _click(page, "[data-testid=score]")


def test_government_led_program_in_the_browser(browser_page, live_server):
    page, base = browser_page, live_server.url
    government = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="省科学技术厅")
    university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="西部交通大学")
    enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦川半导体有限公司")
    officer = member(government, Role.ORG_ADMIN, Role.PROGRAM_OFFICER, username="officer")
    uni_admin = member(university, Role.ORG_ADMIN, Role.TTO_STAFF, username="uni_admin")
    judge = member(university, Role.RESEARCHER, username="judge")  # on the panel and on team A: recused
    pi_a = member(university, Role.RESEARCHER, username="pi_a")
    lead_b = member(enterprise, Role.RD_MANAGER, username="lead_b")
    lead_c = member(university, Role.RESEARCHER, username="lead_c")
    expert = member(OrganisationFactory(kind=Organisation.Kind.RESEARCH_INSTITUTE), Role.RESEARCHER,
                    username="expert")
    TalentProfileFactory(user=expert)
    challenge = services.challenge_create(
        actor=officer, poster=government, partner=university,
        **challenge_data(title_zh="车规级碳化硅器件可靠性攻关", subsidy=5000000, budget_max=3000000,
                         terms="省财政补助 500 万元"))
    services.challenge_publish(actor=officer, challenge=challenge)
    services.topic_save(actor=officer, challenge=challenge, title="SiC 栅氧可靠性", objectives="阈值漂移 ≤ 0.2V",
                        deliverables="工艺方案")
    sign_all(services.topic_submit(actor=officer, challenge=challenge))

    # The call opens with its stage rules and two winners, fixed for everyone to read.
    sign_in(page, base, officer.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/call/")
    page.fill("#id_closes_on", future(30).isoformat())
    page.fill("#id_questions_close_on", future(20).isoformat())
    page.fill("#id_winners", "2")
    page.check("#id_staged")
    page.fill("#id_expert_weight", "60")
    page.fill("#id_advance", "2")
    page.fill("#id_defence_weight", "40")
    page.fill("#id_match_ratio", "1.00")  # the 1+1 rule: public money matches the enterprise's, up to a cap
    page.fill("#id_match_cap", "2000000")
    for person in (officer, uni_admin, judge):
        choose_autocomplete(page, "id_panel", person.username)
    page.keyboard.press("Escape")
    submit(page)
    call = Call.objects.get()
    assert call.winners == 2 and call.stage_rules["defence"]["weight"] == 40 and call.match_ratio == 1

    # Teams bid (through the services; the bid page is covered by the chain's journey).
    bids = [services.bid_submit(actor=lead, call=call, organisation=org, team_name=name, approach="路线",
                                plan="计划", budget=budget, members=members)
            for lead, org, name, budget, members in [
                (pi_a, university, "甲团队", 1200000, [(judge, "member")]),
                (lead_b, enterprise, "乙团队", 1500000, []),
                (lead_c, university, "丙团队", 1000000, [])]]

    # Public Q&A: a bidder asks privately, the agency answers all bidders without naming the asker.
    sign_in(page, base, lead_b.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.fill("#id_text", "乙方能否使用省中试平台？")
    _click(page, "[data-testid=ask]")
    sign_in(page, base, officer.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.fill("[data-testid=question] #id_answer", "可以，按平台收费标准。")
    page.check("[data-testid=question] #id_public")
    page.fill("[data-testid=question] #id_public_text", "揭榜团队能否使用省中试平台？")
    _click(page, "[data-testid=answer]")
    sign_in(page, base, lead_c.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    questions = page.inner_text("[data-testid=questions]")
    assert "揭榜团队能否使用省中试平台" in questions and "乙方" not in questions and "lead_b" not in questions

    # The panel member on team A declares it and is recused: no rival bid, no scoring.
    sign_in(page, base, judge.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    _click(page, "[data-testid=declare-stake]")
    assert ConflictDeclaration.objects.filter(user=judge, bid=bids[0]).exists()
    assert page.goto(f"{base}/projects/bids/{bids[1].pk}/").status == 404

    # Formal check, then the expert review with an outside expert who sees only team C.
    sign_in(page, base, officer.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    _click(page, "[data-testid=advance]")
    for bid in bids:
        page.goto(f"{base}/projects/bids/{bid.pk}/")
        _click(page, "[data-testid=record-formal-check]")
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    _click(page, "[data-testid=advance]")
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.click("[data-testid=review] summary")
    choose_autocomplete(page, "id_expert", expert.username)
    page.check(f"form[action$='/review/experts/'] input[name=bids][value='{bids[2].pk}']")
    _click(page, "[data-testid=invite-expert]")
    assert Call.objects.get().panel.filter(user=expert, is_outside_expert=True).exists()
    for person in (officer, uni_admin):
        sign_in(page, base, person.username)
        for bid, value in zip(bids, (90, 85, 70)):
            _score(page, base, bid, [value] * 3)
    sign_in(page, base, expert.username)
    assert page.goto(f"{base}/projects/bids/{bids[0].pk}/").status == 404
    _score(page, base, bids[2], [75] * 3)

    # Shortlist two (the rule), defence slots and defence scores, then the award to both (赛马制).
    sign_in(page, base, officer.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.check(f"form[action$='/review/shortlist/'] input[name=bids][value='{bids[0].pk}']")
    page.check(f"form[action$='/review/shortlist/'] input[name=bids][value='{bids[1].pk}']")
    _click(page, "[data-testid=shortlist]")
    assert Call.objects.get().stage == Call.Stage.DEFENCE
    for hours, bid in enumerate(bids[:2]):
        page.goto(f"{base}/projects/bids/{bid.pk}/")
        slot = timezone.localtime(timezone.now() + timedelta(days=5, hours=hours))
        page.fill("#id_at", slot.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_place", "省科技厅 302 会议室")
        _click(page, "[data-testid=schedule-defence]")
    for person in (officer, uni_admin):
        sign_in(page, base, person.username)
        for bid, value in zip(bids[:2], (88, 92)):
            _score(page, base, bid, [value] * 3)
    sign_in(page, base, officer.username)
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    _click(page, "[data-testid=advance]")
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    page.check(f"form[action$='/award/'] input[name=bids][value='{bids[0].pk}']")
    page.check(f"form[action$='/award/'] input[name=bids][value='{bids[1].pk}']")
    _click(page, "[data-testid=award-several]")
    sign_latest(page, base, officer.username)
    sign_latest(page, base, uni_admin.username)
    assert SignoffRequest.objects.get(kind="projects.bid_award").status == SignoffRequest.Status.APPROVED
    assert sorted(Project.objects.values_list("lead__username", "budget")) == [("lead_b", 1500000), ("pi_a", 1200000)]
    assert Bid.objects.get(pk=bids[2].pk).status == Bid.Status.NOT_SELECTED
    page.goto(f"{base}/projects/challenges/{challenge.pk}/")
    assert page.get_attribute("[data-testid=challenge-status] span", "data-status") == Challenge.Status.AWARDED
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "calls_program_awarded.png"), full_page=True)

    # The subsidy is the agency's commitment to each winner (capped); under the 1+1 rule team B's public money
    # follows what its enterprise commits, and a tranche above it is refused.
    project_a, project_b = Project.objects.get(lead=pi_a), Project.objects.get(lead=lead_b)
    assert sorted(FundingCommitment.objects.filter(kind="subsidy", source=government)
                  .values_list("amount", flat=True)) == [2000000, 2000000]
    funds_services.commitment_create(actor=lead_b, source=enterprise, title="企业配套", amount=600000,
                                     committed_on=timezone.localdate(), project=project_b)
    sign_in(page, base, officer.username)
    page.goto(f"{base}/projects/list/{project_b.pk}/")
    assert page.inner_text("[data-testid=public-share]") == "¥600,000.00"
    for amount in ("700000", "500000"):
        page.fill("[data-testid=public-tranche] #id_title", "首期拨付")
        page.fill("[data-testid=public-tranche] #id_amount", amount)
        _click(page, "[data-testid=public-tranche] button")
        if amount == "700000":
            assert "1+1" in page.inner_text("main") and not Tranche.objects.exists()
    assert page.inner_text("[data-testid=public-scheduled]") == "¥500,000.00"

    # Team A delivers its first milestone; each side assesses it (score and verdict) on the project page.
    milestone = services.milestone_add(actor=pi_a, project=project_a, title="栅氧工艺验证", deliverables="HTGB 测试报告",
                                       due_on=future(40), tranche=0)
    services.project_start(actor=pi_a, project=project_a)
    services.milestone_submit(actor=pi_a, milestone=milestone, report="完成 HTGB 1000 h 测试，阈值漂移 0.15V")
    for person, score in ((officer, 85), (uni_admin, 91)):
        sign_in(page, base, person.username)
        page.goto(f"{base}/projects/list/{project_a.pk}/")
        page.click("details:has([data-testid=assess-milestone]) summary")
        page.fill(f"#id_m{milestone.pk}_score", str(score))
        page.select_option(f"#id_m{milestone.pk}_verdict", "pass")
        _click(page, "[data-testid=assess-milestone] button")
    assert sorted(MilestoneAssessment.objects.values_list("score", flat=True)) == [85, 91]
    assert page.locator("[data-testid=milestone-assessment]").count() == 2
    page.screenshot(path=str(SHOTS / "calls_program_assessed.png"), full_page=True)
