"""The program officer's journey in Chromium (issue 10 "Done when"): headline figures, filters by
region, chain and quarter, drill-down, xlsx export, the printable page, last quarter's scheduled report."""
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from platform_core.models import Role
from projects.models import Challenge
from reporting import services, tasks
from tests.conftest import login
from tests.factories import IndustryChainFactory, IndustryNodeFactory, OrganisationFactory, RegionFactory, member

SCREENSHOTS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screenshots"


def challenge(poster, user, title, node, day, status="published"):
    made = Challenge.objects.create(poster=poster, posted_by=user, title_zh=title, summary_zh="公开摘要",
                                    confidential_detail="绝密工艺参数", industry_node=node, status=status,
                                    deadline=day + datetime.timedelta(days=90))
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    Challenge.objects.filter(pk=made.pk).update(created_at=moment, updated_at=moment)
    return made


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_program_officer_reads_filters_drills_exports_prints_and_downloads(browser_page, live_server):
    shaanxi = RegionFactory(code="610000", name_zh="陕西省", parent=None)
    xian = RegionFactory(code="610100", name_zh="西安市", parent=shaanxi)
    beijing = RegionFactory(code="110000", name_zh="北京市", parent=None)
    energy = IndustryChainFactory(code="new-energy", name_zh="新能源")
    battery = IndustryNodeFactory(chain=energy, code="battery", name_zh="动力电池")
    ours = OrganisationFactory(kind="enterprise", name_zh="秦岭新能源科技股份有限公司", region=xian)
    theirs = OrganisationFactory(kind="enterprise", name_zh="京华装备集团", region=beijing)
    agency = OrganisationFactory(kind="government", name_zh="陕西省科技厅", region=shaanxi)
    officer = member(agency, Role.PROGRAM_OFFICER, username="officer")
    poster = member(ours, Role.RD_MANAGER, username="poster")
    start, end = services.previous_period(timezone.localdate(), "quarter")
    quarter = (start.month - 1) // 3 + 1
    in_quarter = start + datetime.timedelta(days=20)
    challenge(ours, poster, "储能电池热失控预警", battery, in_quarter, status="solved")
    challenge(ours, poster, "电池包轻量化", battery, in_quarter)
    challenge(theirs, poster, "重载齿轮箱降噪", battery, in_quarter, status="solved")
    challenge(ours, poster, "去年的难题", battery, in_quarter - datetime.timedelta(days=400), status="solved")
    services.figures_full_recompute(run_id=services.recompute_run_create().pk)
    tasks.scheduled_reports("quarter")

    page = browser_page
    login(page, live_server.url, officer.username)
    page.click("nav >> text=统计看板")
    page.wait_for_url(f"{live_server.url}/reporting/")
    assert page.inner_text("[data-testid='value-challenge.solved']") == "3"
    page.wait_for_selector("[data-chart=challenge_funnel] canvas")

    page.select_option("select[name=province]", str(shaanxi.pk))
    page.select_option("select[name=chain]", str(energy.pk))
    page.fill("input[name=year]", str(start.year))
    page.select_option("select[name=quarter]", str(quarter))
    page.click("[data-testid=apply-filters]")
    page.wait_for_url("**/reporting/?**")
    assert page.inner_text("[data-testid='value-challenge.solved']") == "1"
    assert f"{start.isoformat()} – {end.isoformat()}" in page.inner_text("[data-testid=stated-filters]")
    assert "陕西省" in page.inner_text("[data-testid=stated-filters]")
    page.wait_for_selector("[data-chart=provinces] canvas")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reporting-dashboard.png"), full_page=True)

    page.click("[data-testid='figure-challenge.solved']")
    page.wait_for_url("**/reporting/records/challenge.solved/**")
    records = page.inner_text("[data-testid=drill-records]")
    assert "储能电池热失控预警" in records
    assert "重载齿轮箱降噪" not in records and "去年的难题" not in records and "绝密" not in page.content()
    page.go_back()

    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "1121 主要指标" in book.sheetnames

    page.click("[data-testid=print]")
    page.wait_for_url("**/reporting/print/**")
    assert "陕西省" in page.inner_text("[data-testid=print-filters]")
    page.emulate_media(media="print")
    assert not page.is_visible("[data-testid=print-now]")
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/reporting/reports/")
    row = page.locator("[data-testid=report-list] tr", has_text="全国")
    with page.expect_download() as download:
        row.locator("a").first.click()
    report = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cover = [[c.value for c in r] for r in report["筛选条件"].iter_rows()]
    assert ["期间", f"{start.isoformat()} – {end.isoformat()}"] in cover
