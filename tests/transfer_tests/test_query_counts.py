"""Size is a test condition: every list page and list endpoint of transfer reads as many queries
with 200 rows as with a few, each row with what its list prints about it (owner, school, node,
broker, inventors, co-owners, patents, pushes, revenue shares, founders…)."""
import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, TechFieldFactory, UserFactory, member
from tests.querycount import assert_flat_queries
from transfer.models import (
    Achievement,
    Deal,
    IncubatedCompany,
    Incubator,
    Patent,
    Push,
    RevenueShare,
)

from .factories import valid_application_number
from .test_project_hand_over import solved_project

pytestmark = pytest.mark.django_db

serial = itertools.count(1)


def assert_flat(*, grow, fetch):
    """From fewer rows than a page holds (so that a query per row shows) to 200."""
    return assert_flat_queries(grow=grow, fetch=fetch, small=5)


class Rows:
    """Rows the world's users see, created in bulk, each with the related rows its lists show."""

    def __init__(self, world):
        self.w = world
        self.field = TechFieldFactory()
        self.co_owner = OrganisationFactory(kind=Organisation.Kind.RESEARCH_INSTITUTE, name_zh="合作研究院")
        self.people = [UserFactory() for _ in range(3)]

    def achievements(self, n, *, status="stock", **fields):
        w = self.w
        rows = Achievement.objects.bulk_create([Achievement(**{
            "title": f"规模成果{next(serial)}", "owner": w.university, "school": w.school, "industry_node": w.node,
            "field": self.field, "trl": 5, "abstract": "摘要", "confidential_detail": "机密", "broker": w.broker,
            "status": status, "screening_reason": "" if status == "stock" else "易转化",
            "screened_at": None if status == "stock" else datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            "keywords": ["电池"], **fields}) for _ in range(n)])
        Achievement.inventors.through.objects.bulk_create(
            [Achievement.inventors.through(achievement_id=a.pk, user_id=u.pk)
             for a in rows for u in (w.inventor, self.people[0])])
        Achievement.co_owners.through.objects.bulk_create(
            [Achievement.co_owners.through(achievement_id=a.pk, organisation_id=self.co_owner.pk) for a in rows])
        Patent.achievements.through.objects.bulk_create(
            [Patent.achievements.through(achievement_id=a.pk, patent_id=p.pk)
             for a, p in zip(rows, self.patents(n, with_achievements=False), strict=True)])
        return rows

    def patents(self, n, *, with_achievements=True, fee_due=None):
        rows = Patent.objects.bulk_create([Patent(
            application_number=valid_application_number(serial=100000 + (k := next(serial))), title=f"专利{k}",
            patent_type="invention", legal_status="granted", owner=self.w.university,
            filing_date=datetime.date(2019, 1, 1), next_fee_due=fee_due) for _ in range(n)])
        if with_achievements:
            achievement = self.achievements(1)[0]
            Patent.achievements.through.objects.bulk_create(
                [Patent.achievements.through(achievement_id=achievement.pk, patent_id=p.pk) for p in rows])
        return rows

    def pushes(self, n, *, enterprise=None, status="pushed", achievement=None):
        enterprises = [enterprise] if enterprise else OrganisationFactory.create_batch(n, kind="enterprise")
        achievements = [achievement] * n if achievement else self.achievements(n, status="pushed")
        return Push.objects.bulk_create([Push(
            achievement=a, enterprise=enterprises[i % len(enterprises)], status=status, pushed_by=self.w.broker,
            note="请看") for i, a in enumerate(achievements)])

    def deals(self, n, *, achievement=None):
        achievements = [achievement] * n if achievement else self.achievements(n, status="licensed")
        rows = Deal.objects.bulk_create([Deal(
            achievement=a, kind="licence", exclusivity="non_exclusive", counterparty=self.w.enterprise, price=1000,
            signed_on=datetime.date(2025, 1, 1), created_by=self.w.tto) for a in achievements])
        RevenueShare.objects.bulk_create(
            [RevenueShare(deal=d, beneficiary_user=self.w.inventor, percent=50) for d in rows]
            + [RevenueShare(deal=d, beneficiary_organisation=self.w.school, percent=30) for d in rows]
            + [RevenueShare(deal=d, beneficiary_name="学院基金", percent=20) for d in rows])
        return rows

    def companies(self, n, *, incubator=None):
        incubator = incubator or self.incubators(1)[0]
        rows = IncubatedCompany.objects.bulk_create([IncubatedCompany(
            incubator=incubator, name=f"孵化公司{next(serial)}", industry_node=self.w.node, stage="seed",
            admitted_on=datetime.date(2024, 1, 1), founder_names="张三") for _ in range(n)])
        achievement = self.achievements(1, status="screened")[0]
        IncubatedCompany.founders.through.objects.bulk_create(
            [IncubatedCompany.founders.through(incubatedcompany_id=c.pk, user_id=u.pk)
             for c in rows for u in self.people[:2]])
        IncubatedCompany.achievements.through.objects.bulk_create(
            [IncubatedCompany.achievements.through(incubatedcompany_id=c.pk, achievement_id=achievement.pk)
             for c in rows])
        return rows

    def incubators(self, n, *, host=None):
        hosts = [host] * n if host else OrganisationFactory.create_batch(n, kind="enterprise")
        rows = Incubator.objects.bulk_create([Incubator(
            name=f"孵化器{next(serial)}", host=h, partner_university=self.w.university, description="描述")
            for h in hosts])
        Incubator.industry_nodes.through.objects.bulk_create(
            [Incubator.industry_nodes.through(incubator_id=i.pk, industrynode_id=self.w.node.pk) for i in rows])
        IncubatedCompany.objects.bulk_create([IncubatedCompany(
            incubator=i, name="在孵公司", industry_node=self.w.node, admitted_on=datetime.date(2024, 1, 1))
            for i in rows])
        return rows

    def workload(self, n):
        """What the broker's workbench and home card list: stock, pushes, deals, fee deadlines, projects."""
        self.achievements(n)
        self.pushes(n)
        self.deals(n)
        self.patents(n, fee_due=datetime.date.today() + datetime.timedelta(days=10))
        for _ in range(max(1, n // 20)):
            solved_project(self.w, title=f"已结题项目{next(serial)}")


@pytest.fixture
def rows(world):
    world.student = member(world.school, Role.STUDENT, username="student")
    world.officer = member(OrganisationFactory(kind="government", name_zh="科技厅"), Role.PROGRAM_OFFICER,
                           username="officer")
    world.fund_manager = member(OrganisationFactory(kind="financial", name_zh="天使基金"), Role.FUND_MANAGER,
                                username="fund")
    return Rows(world)


def logged_in(client, user):
    client.force_login(user)
    return client


# ------------------------------------------------------------------ pages


@pytest.mark.parametrize("who", ["tto", "broker", "officer"])
def test_pool(client, world, rows, who):
    client = logged_in(client, getattr(world, who))
    assert_flat(grow=rows.achievements, fetch=lambda: client.get("/transfer/"))


def test_pool_of_an_enterprise_sees_what_was_pushed_to_it(client, world, rows):
    client = logged_in(client, world.rd)
    assert_flat(grow=lambda n: rows.pushes(n, enterprise=world.enterprise), fetch=lambda: client.get("/transfer/"))


def test_pool_search_and_deep_page(client, world, rows):
    client = logged_in(client, world.tto)
    assert_flat(grow=rows.achievements, fetch=lambda: client.get("/transfer/?q=规模&status=stock&page=999"))


def test_pool_is_counted_once(client, world, rows):
    """The pool's summary counts it, and each status: the paginator does not count again (searches it must)."""
    rows.achievements(25)
    rows.achievements(3, status="screened")
    client = logged_in(client, world.tto)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/transfer/")
    assert "1 / 2" in response.content.decode()
    assert not [q for q in queries.captured_queries if 'COUNT(*)' in q["sql"] and "transfer_achievement" in q["sql"]]
    screened = client.get("/transfer/?status=screened").context["page"]
    assert (screened.paginator.count, len(screened)) == (3, 3)
    found = client.get("/transfer/?q=规模成果&status=stock").context["page"]
    assert (found.paginator.count, found.paginator.num_pages, len(found)) == (25, 2, 20)


def test_supermarket(client, world, rows):
    assert_flat(grow=lambda n: rows.achievements(n, status="screened"),
                fetch=lambda: client.get("/transfer/supermarket/"))


@pytest.mark.parametrize("who", ["broker", "tto"])
def test_workbench(client, world, rows, who):
    client = logged_in(client, getattr(world, who))
    assert_flat(grow=rows.workload, fetch=lambda: client.get("/transfer/workbench/"))


def test_achievement_detail_with_its_pushes_and_deals(client, world, rows):
    achievement = rows.achievements(1, status="licensed")[0]
    client = logged_in(client, world.tto)

    def grow(n):
        rows.pushes(n, achievement=achievement)
        rows.deals(n, achievement=achievement)

    assert_flat(grow=grow, fetch=lambda: client.get(f"/transfer/achievements/{achievement.pk}/"))


def test_pushes_received_by_an_enterprise(client, world, rows):
    client = logged_in(client, world.rd)
    assert_flat(grow=lambda n: rows.pushes(n, enterprise=world.enterprise),
                fetch=lambda: client.get("/transfer/pushes/"))


@pytest.mark.parametrize("url", ["/transfer/patents/", "/transfer/patents/?mine=1&q=专利"])
def test_patents(client, world, rows, url):
    client = logged_in(client, world.tto)
    assert_flat(grow=rows.patents, fetch=lambda: client.get(url))


def test_incubators(client, world, rows):
    client = logged_in(client, world.fund_manager)
    assert_flat(grow=rows.incubators, fetch=lambda: client.get("/transfer/incubators/"))


def test_incubator_detail_with_its_companies(client, world, rows):
    incubator = rows.incubators(1)[0]
    client = logged_in(client, world.fund_manager)
    assert_flat(grow=lambda n: rows.companies(n, incubator=incubator),
                fetch=lambda: client.get(f"/transfer/incubators/{incubator.pk}/"))


def test_chains_and_a_node(client, world, rows):
    client = logged_in(client, world.tto)

    def grow(n):
        rows.achievements(n, status="screened")
        rows.companies(n)

    def fetch():
        for url in ["/transfer/chains/", f"/transfer/chains/{world.node.chain_id}/",
                    f"/transfer/chains/nodes/{world.node.pk}/"]:
            response = client.get(url)
            assert response.status_code == 200, url
        return response

    assert_flat(grow=grow, fetch=fetch)


@pytest.mark.parametrize("who", ["broker", "officer"])
def test_home_page_cards(client, world, rows, who):
    client = logged_in(client, getattr(world, who))
    assert_flat(grow=rows.workload, fetch=lambda: client.get("/"))


@pytest.mark.parametrize("who", ["staff", "tto"])
def test_forms_do_not_list_whole_tables(client, world, rows, staff, who):
    """Users, enterprises, incubators and achievements are searched (autocomplete), not printed as options."""
    achievement = rows.achievements(1, status="negotiating")[0]
    incubator = rows.incubators(1, host=world.enterprise)[0]
    urls = ["/transfer/patents/new/", f"/transfer/incubators/{incubator.pk}/admit/",
            f"/transfer/achievements/{achievement.pk}/", f"/transfer/achievements/{achievement.pk}/deal/",
            f"/transfer/achievements/{achievement.pk}/edit/", "/transfer/achievements/new/"]
    client = logged_in(client, staff if who == "staff" else world.tto)
    if who == "staff":
        urls.append("/transfer/incubators/new/")

    def grow(n):
        rows.achievements(n)
        rows.incubators(n)
        UserFactory.create_batch(n)
        OrganisationFactory.create_batch(n, kind="enterprise")

    sizes = []

    def fetch():
        sizes.append([])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            sizes[-1].append(len(response.content))
        return response

    assert_flat(grow=grow, fetch=fetch)
    grown = {url: (few, many) for url, few, many in zip(urls, sizes[0], sizes[-1], strict=True) if many - few > 1000}
    assert not grown, f"forms that print every row (bytes with 5 rows, with 200): {grown}"


# ------------------------------------------------------------------ API lists


@pytest.mark.parametrize("who", ["tto", "officer", "rd"])
def test_api_achievements(api, world, rows, who):
    api.force_authenticate(getattr(world, who))

    def grow(n):
        rows.achievements(n, status="pushed")
        rows.pushes(n, enterprise=world.enterprise, status="interested")

    assert_flat(grow=grow, fetch=lambda: api.get("/api/transfer/achievements/"))


def test_api_supermarket(api, world, rows):
    assert_flat(grow=lambda n: rows.achievements(n, status="screened"),
                fetch=lambda: api.get("/api/transfer/supermarket/"))


def test_api_patents(api, world, rows):
    api.force_authenticate(world.tto)
    assert_flat(grow=rows.patents, fetch=lambda: api.get("/api/transfer/patents/"))


@pytest.mark.parametrize("who", ["broker", "rd"])
def test_api_pushes(api, world, rows, who):
    api.force_authenticate(getattr(world, who))
    assert_flat(grow=lambda n: rows.pushes(n, enterprise=world.enterprise), fetch=lambda: api.get("/api/transfer/pushes/"))


@pytest.mark.parametrize("who", ["tto", "officer", "inventor"])
def test_api_deals(api, world, rows, who):
    api.force_authenticate(getattr(world, who))
    assert_flat(grow=rows.deals, fetch=lambda: api.get("/api/transfer/deals/"))


def test_api_incubators_and_companies(api, world, rows):
    api.force_authenticate(world.fund_manager)

    def fetch():
        api.get("/api/transfer/incubators/")
        return api.get("/api/transfer/companies/")

    assert_flat(grow=rows.companies, fetch=fetch)
    assert_flat(grow=rows.incubators, fetch=lambda: api.get("/api/transfer/incubators/"))


def test_api_workbench_projects_and_chains(api, world, rows):
    api.force_authenticate(world.broker)

    def fetch():
        for url in ["/api/transfer/workbench/", "/api/transfer/achievements/awaiting-hand-over/",
                    "/api/transfer/achievements/summary/", "/api/transfer/chains/",
                    f"/api/transfer/chain-nodes/{world.node.pk}/"]:
            response = api.get(url)
            assert response.status_code == 200, url
        return response

    assert_flat(grow=rows.workload, fetch=fetch)
