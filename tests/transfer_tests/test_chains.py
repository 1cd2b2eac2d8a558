"""两围绕: demand and supply on every node of an industry chain, gaps, pages and API, and what each user sees."""
import datetime

import pytest
from django.utils import timezone

from consortia.models import JointCenter
from platform_core.models import IndustryNode, Organisation, Role
from projects.models import Challenge
from tests.factories import IndustryChainFactory, IndustryNodeFactory, OrganisationFactory, member
from transfer import selectors
from transfer.models import IncubatedCompany, Incubator

from .factories import AchievementFactory

pytestmark = pytest.mark.django_db

SECRET = "产线良率 83.4%，缺陷分布见附件"


def challenge(node, poster, author, status="open", **extra):
    return Challenge.objects.create(
        poster=poster, posted_by=author, title_zh=f"{node.name_zh}难题{status}", summary_zh="公开摘要",
        confidential_detail=SECRET, industry_node=node, status=status,
        deadline=timezone.localdate() + datetime.timedelta(days=30), **extra)


class ChainWorld:
    """One chain with four nodes: demand only, supply only, both, nothing."""

    def __init__(self):
        self.chain = IndustryChainFactory(code="ic", name_zh="集成电路")
        segment = IndustryNode.Segment
        self.demand_only = IndustryNodeFactory(chain=self.chain, code="ic-fab", name_zh="晶圆制造",
                                               segment=segment.MIDSTREAM)
        self.supply_only = IndustryNodeFactory(chain=self.chain, code="ic-eda", name_zh="EDA 工具",
                                               segment=segment.UPSTREAM)
        self.both = IndustryNodeFactory(chain=self.chain, code="ic-power", name_zh="功率器件应用",
                                        segment=segment.DOWNSTREAM)
        self.empty = IndustryNodeFactory(chain=self.chain, code="ic-design", name_zh="芯片设计",
                                         segment=segment.MIDSTREAM)
        self.enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="华芯集成电路")
        self.enterprise.industry_nodes.set([self.demand_only, self.both])
        self.rival = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦岭微电子")
        self.university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")
        self.university.industry_nodes.set([self.supply_only])
        self.rd = member(self.enterprise, Role.RD_MANAGER, username="rd")
        self.rival_rd = member(self.rival, Role.RD_MANAGER, username="rival_rd")
        self.tto = member(self.university, Role.TTO_STAFF, username="tto")
        self.open_challenge = challenge(self.demand_only, self.enterprise, self.rd)
        self.draft = challenge(self.demand_only, self.enterprise, self.rd, status="draft")
        challenge(self.both, self.enterprise, self.rd, status="in_progress")
        challenge(self.both, self.enterprise, self.rd, status="solved")  # solved: no longer demand
        self.stock = AchievementFactory(owner=self.university, industry_node=self.supply_only, title="版图验证工具")
        self.screened = AchievementFactory(owner=self.university, industry_node=self.both, status="screened",
                                           screening_reason="样机验证", title="SiC 模块封装")
        AchievementFactory(owner=self.university, industry_node=self.both, status="transferred",
                           screening_reason="已转让", title="已转让的驱动芯片")
        center = JointCenter.objects.create(name_zh="功率半导体联合研发中心", enterprise=self.enterprise,
                                            university=self.university)
        center.industry_nodes.set([self.both, self.supply_only])
        closed = JointCenter.objects.create(name_zh="已撤销中心", enterprise=self.rival, university=self.university,
                                            status="closed")
        closed.industry_nodes.set([self.demand_only])
        incubator = Incubator.objects.create(name="芯谷孵化器", host=self.enterprise)
        IncubatedCompany.objects.create(incubator=incubator, name="芯驰科技", industry_node=self.both,
                                        admitted_on=datetime.date(2024, 3, 1))
        IncubatedCompany.objects.create(incubator=incubator, name="已退出公司", industry_node=self.demand_only,
                                        stage="exited", admitted_on=datetime.date(2023, 3, 1))


@pytest.fixture
def cw():
    return ChainWorld()


def figures_of(overview):
    return {f.node.code: f for f in overview["nodes"]}


def test_overview_counts_demand_and_supply_per_node(cw):
    figures = figures_of(selectors.chain_overview(cw.chain))
    fab, eda, power, design = figures["ic-fab"], figures["ic-eda"], figures["ic-power"], figures["ic-design"]
    # Demand: the enterprise's position and its live challenges (not the draft, not the solved one).
    assert (fab.enterprises, fab.challenges, fab.demand) == (1, 1, 2)
    assert (power.enterprises, power.challenges) == (1, 1)
    # Supply: available achievements (not the transferred one), capabilities, live centers, companies in the incubator.
    assert (eda.achievements_stock, eda.capabilities, eda.centers, eda.supply) == (1, 1, 1, 3)
    assert (power.achievements_screened, power.achievements_stock, power.centers, power.companies) == (1, 0, 1, 1)
    assert fab.supply == 0  # the closed center and the exited company do not count
    assert design.demand == design.supply == 0


def test_gaps_are_nodes_with_demand_but_no_supply_and_supply_but_no_demand(cw):
    overview = selectors.chain_overview(cw.chain)
    assert [f.node.code for f in overview["unmet_demand"]] == ["ic-fab"]
    assert [f.node.code for f in overview["unused_supply"]] == ["ic-eda"]
    figures = figures_of(overview)
    assert figures["ic-power"].gap is None and figures["ic-design"].gap is None
    assert overview["demand"] == 4 and overview["supply"] == 3 + 3


def test_nodes_ordered_upstream_to_downstream(cw):
    overview = selectors.chain_overview(cw.chain)
    assert [f.node.code for f in overview["nodes"]] == ["ic-eda", "ic-design", "ic-fab", "ic-power"]
    assert [segment for segment, _label, _nodes in overview["segments"]] == ["upstream", "midstream", "downstream"]


def test_a_new_challenge_closes_the_supply_gap_check(cw):
    challenge(cw.supply_only, cw.enterprise, cw.rd, status="published")
    assert figures_of(selectors.chain_overview(cw.chain))["ic-eda"].gap is None


def test_query_count_does_not_grow_with_nodes_or_chains(cw, django_assert_num_queries):
    with django_assert_num_queries(7):  # chains, nodes, then one grouped query per kind of record
        overviews = selectors.chains_overview()
    more = IndustryChainFactory(code="am", name_zh="先进制造")
    for index in range(5):
        node = IndustryNodeFactory(chain=more, code=f"am-{index}")
        AchievementFactory(owner=cw.university, industry_node=node, title=f"成果{index}")
    with django_assert_num_queries(7):
        overviews = selectors.chains_overview()
    assert len(overviews) == 2 and sum(o["supply"] for o in overviews) == 6 + 5
    with django_assert_num_queries(6):  # nodes, then the five grouped queries
        selectors.chain_overview(cw.chain)


def test_node_detail_lists_only_what_the_user_may_see_but_counts_all(cw):
    seen_by_rival = selectors.node_detail(cw.demand_only, user=cw.rival_rd)
    assert list(seen_by_rival["challenges"]) == [cw.open_challenge]  # the draft stays with its poster
    assert list(seen_by_rival["enterprises"]) == [cw.enterprise]
    detail = selectors.node_detail(cw.supply_only, user=cw.rival_rd)
    assert list(detail["achievements"]) == []  # stock is not public
    assert detail["figures"].achievements_stock == 1
    assert list(selectors.node_detail(cw.supply_only, user=cw.tto)["achievements"]) == [cw.stock]


# ---------------------------------------------------------------- pages


def test_chain_index_shows_every_chain_with_gap_badges(client, cw):
    client.force_login(cw.rival_rd)
    html = client.get("/transfer/chains/").content.decode()
    assert "集成电路" in html and 'data-node="ic-fab"' in html
    assert html.count('data-gap="unmet_demand"') == 1 and html.count('data-gap="unused_supply"') == 1
    assert "产业链" in html  # the menu entry, in Chinese by default


def test_chain_detail_has_the_demand_supply_chart(client, cw):
    client.force_login(cw.rival_rd)
    response = client.get(f"/transfer/chains/{cw.chain.pk}/")
    html = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in html and 'id="demand-supply-data"' in html
    chart = response.context["chart"]
    assert chart["labels"] == ["EDA 工具", "芯片设计", "晶圆制造", "功率器件应用"]
    assert {d["stack"] for d in chart["datasets"]} == {"demand", "supply"}
    assert client.get("/transfer/chains/999999/").status_code == 404


def test_node_page_never_shows_confidential_detail_or_hidden_records(client, cw):
    client.force_login(cw.rival_rd)
    html = client.get(f"/transfer/chains/nodes/{cw.demand_only.pk}/").content.decode()
    assert cw.open_challenge.title_zh in html and "公开摘要" in html
    assert SECRET not in html and cw.draft.title_zh not in html
    html = client.get(f"/transfer/chains/nodes/{cw.supply_only.pk}/").content.decode()
    assert "版图验证工具" not in html and "长安理工大学" in html


def test_chain_pages_need_signing_in(client, cw):
    assert client.get("/transfer/chains/").status_code == 302
    assert client.get(f"/transfer/chains/nodes/{cw.both.pk}/").status_code == 302


# ---------------------------------------------------------------- API


def test_api_lists_chains_and_gaps(api, cw):
    api.force_authenticate(cw.rival_rd)
    rows = api.get("/api/transfer/chains/").json()
    assert rows == [{"id": cw.chain.pk, "code": "ic", "name_zh": "集成电路", "name_en": "New energy", "demand": 4,
                     "supply": 6, "unmet_demand": ["ic-fab"], "unused_supply": ["ic-eda"]}]
    overview = api.get(f"/api/transfer/chains/{cw.chain.pk}/overview/").json()
    fab = next(n for n in overview["nodes"] if n["node"]["code"] == "ic-fab")
    assert fab["gap"] == "unmet_demand" and fab["challenges"] == 1 and fab["supply"] == 0
    assert api.get("/api/transfer/chains/999999/overview/").status_code == 404


def test_api_node_detail_respects_visibility(api, cw):
    api.force_authenticate(cw.rival_rd)
    data = api.get(f"/api/transfer/chain-nodes/{cw.demand_only.pk}/").json()
    assert [c["id"] for c in data["challenges"]] == [cw.open_challenge.pk]
    assert "confidential_detail" not in data["challenges"][0] and SECRET not in str(data)
    data = api.get(f"/api/transfer/chain-nodes/{cw.supply_only.pk}/").json()
    assert data["achievements"] == [] and data["figures"]["achievements_stock"] == 1
    api.force_authenticate(cw.tto)
    data = api.get(f"/api/transfer/chain-nodes/{cw.supply_only.pk}/").json()
    assert [a["title"] for a in data["achievements"]] == ["版图验证工具"]


def test_api_needs_authentication(api, cw):
    assert api.get("/api/transfer/chains/").status_code in (401, 403)
