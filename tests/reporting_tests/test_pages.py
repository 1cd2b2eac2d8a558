"""The dashboard page, drill-down, exports, reports and the KPI API: who reads what, bad input,
read-only, formula-safe exports."""
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from platform_core.models import Role
from projects.models import Challenge
from reporting import services, tasks
from reporting.models import DailyFigure, RecomputeRun, StoredReport
from tests.factories import OrganisationFactory, RegionFactory, member
from tests.querycount import assert_flat_queries

pytestmark = pytest.mark.django_db


def post_challenge(poster, user, title, day, **fields):
    challenge = Challenge.objects.create(poster=poster, posted_by=user, title_zh=title, summary_zh="公开摘要",
                                         confidential_detail="绝密工艺参数", deadline=day + datetime.timedelta(days=90),
                                         status=fields.pop("status", "published"), **fields)
    Challenge.objects.filter(pk=challenge.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))))
    return challenge


@pytest.fixture
def world(db):
    shaanxi = RegionFactory(code="610000", name_zh="陕西省", parent=None)
    xian = RegionFactory(code="610100", name_zh="西安市", parent=shaanxi)
    beijing = RegionFactory(code="110000", name_zh="北京市", parent=None)
    ours = OrganisationFactory(kind="enterprise", name_zh="秦岭新能源科技股份有限公司", region=xian)
    theirs = OrganisationFactory(kind="enterprise", name_zh="=HYPERLINK(1)京华装备", region=beijing)
    agency = OrganisationFactory(kind="government", name_zh="陕西省科技厅", region=shaanxi)
    university = OrganisationFactory(kind="university", name_zh="长安理工大学", region=xian)
    officer = member(agency, Role.PROGRAM_OFFICER, username="officer")
    leader = member(ours, Role.RD_MANAGER, username="leader")
    researcher = member(university, Role.RESEARCHER, username="researcher")
    other_leader = member(theirs, Role.ORG_ADMIN, username="other_leader")
    post_challenge(ours, leader, "储能电池热失控预警", datetime.date(2025, 2, 3))
    post_challenge(theirs, other_leader, "重载齿轮箱降噪", datetime.date(2025, 8, 9), status="solved")
    services.figures_full_recompute(run_id=services.recompute_run_create().pk)
    return {"officer": officer, "leader": leader, "researcher": researcher, "other_leader": other_leader,
            "ours": ours, "theirs": theirs, "shaanxi": shaanxi, "xian": xian, "beijing": beijing}


def headline(response, code):
    figures = {f.code: f for f in response.context["board"]["headline"]}
    return figures[code].value


def posted(response):
    return response.context["board"]["funnels"]["challenge"][0][1]


def test_program_officer_reads_every_organisation(client, world):
    client.force_login(world["officer"])
    page = client.get("/reporting/")
    assert page.status_code == 200 and posted(page) == 2
    assert b"echarts.min.js" in page.content and b'data-testid="table-challenge_funnel"' in page.content
    assert posted(client.get("/reporting/", {"province": world["shaanxi"].pk})) == 1
    assert posted(client.get("/reporting/", {"city": world["xian"].pk})) == 1
    assert posted(client.get("/reporting/", {"year": 2025, "quarter": 1})) == 1
    assert posted(client.get("/reporting/", {"year": 2025, "month": 8})) == 1
    assert posted(client.get("/reporting/", {"start": "2025-03-01", "end": "2025-12-31"})) == 1


def test_a_year_without_data_gives_zeros(client, world):
    client.force_login(world["officer"])
    page = client.get("/reporting/", {"year": 2003})
    assert page.status_code == 200 and posted(page) == 0 and headline(page, "challenge.solved") == 0
    data = client.get("/api/reporting/figures/", {"year": 2003}).json()
    assert all(f["value"] == 0 for f in data["headline"])


@pytest.mark.parametrize("params, field, zh, en", [
    ({"start": "2025-05-01", "end": "2025-01-01"}, "end", "结束日期早于开始日期", "The end of the period is before its start."),
    ({"month": 3}, "__all__", "季度或月份需要同时给出年份", "A quarter or a month needs a year."),
    ({"mode": "alien_led"}, "mode", "alien_led", "alien_led"),
    ({"province": 999999}, "province", "选择一个有效的选项", "Select a valid choice"),
    ({"start": "yesterday"}, "start", "输入一个有效的日期", "Enter a valid date"),
])
def test_bad_filters_are_refused_clearly(client, world, params, field, zh, en):
    client.force_login(world["officer"])
    page = client.get("/reporting/", params)
    assert page.status_code == 400 and zh in page.content.decode()
    english = client.get("/reporting/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    api = client.get("/api/reporting/figures/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    key = "non_field_errors" if field == "__all__" else field
    assert en in " ".join(api.json()[key])


def test_a_city_outside_the_province_and_a_node_off_the_chain_are_refused(client, world):
    client.force_login(world["officer"])
    page = client.get("/reporting/", {"province": world["beijing"].pk, "city": world["xian"].pk})
    assert page.status_code == 400 and "所选城市不在所选省份内" in page.content.decode()


def test_a_leader_sees_their_own_organisation_only(client, world):
    client.force_login(world["leader"])
    page = client.get("/reporting/")
    assert page.status_code == 200 and posted(page) == 1
    assert posted(client.get("/reporting/", {"organisation": world["ours"].pk})) == 1
    refused = client.get("/reporting/", {"organisation": world["theirs"].pk})
    assert refused.status_code == 403 and "只能查看本单位的数据" in refused.content.decode()
    assert client.get("/api/reporting/figures/", {"organisation": world["theirs"].pk}).status_code == 403
    assert client.get(f"/reporting/records/challenge.funnel/?organisation={world['theirs'].pk}").status_code == 403


def test_people_who_lead_nothing_are_refused(client, world):
    client.force_login(world["researcher"])
    assert client.get("/reporting/").status_code == 403
    assert client.get("/api/reporting/figures/").status_code == 403
    assert client.get("/reporting/export.xlsx").status_code == 403
    client.logout()
    assert client.get("/reporting/").status_code == 302


def test_the_api_is_read_only(client, world):
    client.force_login(world["officer"])
    rows = DailyFigure.objects.count()
    for url in ("/api/reporting/figures/", "/api/reporting/funnels/", "/api/reporting/series/"):
        assert client.get(url).status_code == 200
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url).status_code == 405
    assert DailyFigure.objects.count() == rows


def test_the_api_is_in_the_schema_and_gives_funnels_and_series(client, world):
    client.force_login(world["officer"])
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/reporting/figures/", "/api/reporting/funnels/", "/api/reporting/series/"):
        assert path in schema
    funnels = client.get("/api/reporting/funnels/").json()
    assert [step["count"] for step in funnels["challenge"]][:2] == [2, 2]
    series = client.get("/api/reporting/series/", {"by": "quarter", "year": 2025}).json()
    challenges = series["series"][0]
    assert [p["period"] for p in challenges["points"]] == ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"]
    assert [p["value"] for p in challenges["points"]] == [1, 0, 1, 0]
    assert client.get("/api/reporting/series/", {"by": "week"}).status_code == 400


def test_drill_down_lists_the_records_without_confidential_fields(client, world):
    client.force_login(world["officer"])
    page = client.get("/reporting/records/challenge.funnel/")
    text = page.content.decode()
    assert page.status_code == 200 and "储能电池热失控预警" in text and "重载齿轮箱降噪" in text
    assert "绝密" not in text
    assert "重载齿轮箱降噪" in client.get("/reporting/records/challenge.solved/").content.decode()
    assert client.get("/reporting/records/nonsense/").status_code == 404


def test_drill_down_queries_are_flat(client, world):
    client.force_login(world["officer"])
    made = []

    def grow(n):
        for i in range(n):
            made.append(post_challenge(world["ours"], world["leader"], f"难题{len(made)}", datetime.date(2025, 4, 1)))
        services.figures_recompute_range(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 4, 1))

    assert_flat_queries(grow=grow, fetch=lambda: client.get("/reporting/records/challenge.funnel/"))


def test_xlsx_has_one_sheet_per_section_numbers_and_chinese_headers(client, world):
    client.force_login(world["officer"])
    response = client.get("/reporting/export.xlsx", {"year": 2025})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["筛选条件", "1121 主要指标", "创新链"]
    funnel = book["难题漏斗"]
    assert [c.value for c in funnel[1]] == ["阶段", "数量"]
    assert funnel["B2"].value == 2 and isinstance(funnel["B2"].value, int)
    cover = [[c.value for c in row] for row in book["筛选条件"].iter_rows()]
    assert ["期间", "2025-01-01 – 2025-12-31"] in cover


def test_exported_cells_that_look_like_formulas_are_neutralised(client, world):
    client.force_login(world["officer"])
    response = client.get("/reporting/export.csv", {"organisation": world["theirs"].pk})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and "'=HYPERLINK(1)京华装备" in text
    book = load_workbook(io.BytesIO(client.get("/reporting/export.xlsx", {"organisation": world["theirs"].pk}).content))
    cover = [[c.value for c in row] for row in book["筛选条件"].iter_rows()]
    assert any(row[1] and str(row[1]).startswith("'=HYPERLINK") for row in cover)


def test_printable_page_states_the_filters_and_prints_to_pdf(client, world):
    client.force_login(world["officer"])
    page = client.get("/reporting/print/", {"year": 2025, "province": world["shaanxi"].pk})
    text = page.content.decode()
    assert page.status_code == 200 and "@media print" in text and "2025-01-01 – 2025-12-31" in text and "陕西省" in text
    pdf = client.get("/reporting/print/", {"year": 2025, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_requested_report_runs_in_the_background_and_is_downloaded(client, world,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(world["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/reporting/reports/new/?year=2025")
    assert started.status_code == 202
    status = client.get(started.json()["status_url"]).json()
    assert status["status"] == "done" and status["progress"] == 100
    download = client.get(status["download_url"])
    assert download.status_code == 200 and load_workbook(io.BytesIO(download.content)).sheetnames[0] == "筛选条件"
    client.force_login(world["other_leader"])
    assert client.get(status["download_url"]).status_code == 404
    client.force_login(world["researcher"])
    assert client.get(status["download_url"]).status_code == 403
    assert client.post("/reporting/reports/new/").status_code == 403
    assert StoredReport.objects.count() == 1


def test_scheduled_quarterly_reports_per_region_are_made_once(client, world):
    ids = tasks.scheduled_reports("quarter")
    reports = StoredReport.objects.filter(pk__in=ids)
    today = timezone.localdate()
    start, end = services.previous_period(today, "quarter")
    assert {r.region_id for r in reports} == {None, world["shaanxi"].pk, world["beijing"].pk}
    assert all(r.start == start and r.end == end and r.status == "done" for r in reports)
    assert tasks.scheduled_reports("quarter") == []
    client.force_login(world["officer"])
    listing = client.get("/reporting/reports/")
    assert listing.status_code == 200 and "全国" in listing.content.decode()
    assert client.get(f"/reporting/reports/{ids[0]}/download/").status_code == 200


def test_previous_periods():
    assert services.previous_period(datetime.date(2025, 5, 20), "quarter") == (
        datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert services.previous_period(datetime.date(2025, 1, 5), "quarter") == (
        datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    assert services.previous_period(datetime.date(2025, 3, 1), "month") == (
        datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))


def test_only_platform_administrators_recompute(client, world, staff, django_capture_on_commit_callbacks):
    client.force_login(world["officer"])
    runs = RecomputeRun.objects.count()
    assert client.post("/reporting/recompute/").status_code == 403
    assert RecomputeRun.objects.count() == runs
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/reporting/recompute/", HTTP_ACCEPT="application/json")
    assert started.status_code == 202
    progress = client.get(started.json()["status_url"]).json()
    assert progress["status"] == "done" and progress["progress"] == 100
    client.force_login(world["officer"])
    assert client.get(started.json()["status_url"]).status_code == 403


def test_the_menu_shows_the_dashboard_to_readers_only(client, world):
    client.force_login(world["officer"])
    assert 'href="/reporting/"' in client.get("/").content.decode()
    client.force_login(world["researcher"])
    assert 'href="/reporting/"' not in client.get("/").content.decode()


def test_the_sifted_figure_lists_the_pushed_achievements(client, world):
    from tests.factories import IndustryNodeFactory
    from transfer.models import Achievement, Push

    node = IndustryNodeFactory()
    university = OrganisationFactory(kind="university", name_zh="秦川理工大学")
    pushed = Achievement.objects.create(title="高镍正极包覆工艺", owner=university, industry_node=node, trl=5,
                                        abstract="摘要", status="pushed", screening_reason="易转化")
    Achievement.objects.create(title="仍在存量中的成果", owner=university, industry_node=node, trl=2, abstract="摘要")
    Push.objects.create(achievement=pushed, enterprise=world["ours"])
    services.figures_full_recompute(run_id=services.recompute_run_create().pk)
    client.force_login(world["officer"])
    page = client.get("/reporting/")
    assert headline(page, "achievement.screened") == 1
    assert "records/achievement.funnel/?" in page.content.decode() and "level=3" in page.content.decode()
    records = client.get("/reporting/records/achievement.funnel/", {"level": 3}).content.decode()
    assert "高镍正极包覆工艺" in records and "仍在存量中的成果" not in records
