"""Home-page cards of every app (registered in each AppConfig.ready): each role sees its own cards and no card of
another role, with figures from the apps' selectors, and the home page stays a bounded number of queries."""
import datetime
import re
from decimal import Decimal

import pytest

from consortia.models import CenterMember, Side
from funds.models import Investment
from platform_core.models import Role
from talent import services as talent_services
from tests.consortia_tests.factories import JointCenterFactory
from tests.factories import IndustryNodeFactory, member
from tests.funds_tests.factories import financial_org, make_company, make_fund
from tests.talent_tests.factories import make_cast
from transfer.models import IncubatedCompany, Patent

from .factories import AchievementFactory

pytestmark = pytest.mark.django_db

OFFICER_CARDS = {"projects-center-figures", "transfer-incubator-figures", "talent-sharing-figures",
                 "funds-capital-figures"}


class Platform:
    """One person per role, with a little of everything so each card has something to show."""

    def __init__(self):
        c = self.cast = make_cast()
        self.rd, self.researcher, self.student, self.mentor = c.energy_admin, c.professor, c.student, c.engineer
        self.officer, self.tto = c.officer, c.hr
        self.broker = member(c.university, Role.BROKER, username="broker")
        self.bank = financial_org(name_zh="秦商银行科技支行")
        self.fund_manager = member(self.bank, Role.FUND_MANAGER, username="fund_manager")
        node = IndustryNodeFactory()
        AchievementFactory(owner=c.university, industry_node=node, title="存量成果一")
        AchievementFactory(owner=c.university, industry_node=node, title="已筛选成果", status="screened",
                           screening_reason="有样机")
        Patent.objects.create(application_number="201910123456.X", title="一种电极", patent_type="invention",
                              owner=c.university, filing_date=datetime.date(2019, 1, 1), legal_status="granted",
                              grant_date=datetime.date(2021, 1, 1),
                              next_fee_due=datetime.date.today() + datetime.timedelta(days=10))
        company = make_company(c.energy, node=node, name="西安循能梯次科技有限公司")
        IncubatedCompany.objects.filter(pk=company.pk).update(admitted_on=datetime.date.today())
        fund = make_fund(self.bank)
        Investment.objects.create(fund=fund, company=company, round="seed", amount=Decimal("1500000.00"), equity_percent=Decimal("10.00"),
                                  invested_on=datetime.date.today())
        mentor = c.mentor()
        talent_services.assignment_create(
            actor=c.hr, student=c.student, degree="doctor", university=c.university, university_mentor=c.professor,
            enterprise_mentor=mentor, placement_kind="enterprise", placement_label="秦岭新能源电池研究院",
            start_date=datetime.date(2025, 9, 1), expected_graduation=datetime.date(2029, 6, 30))


@pytest.fixture
def platform():
    return Platform()


def cards(client, user) -> tuple[set[str], str]:
    client.force_login(user)
    html = client.get("/").content.decode()
    return set(re.findall(r'data-panel="([\w-]+)"', html)), html


@pytest.mark.parametrize("role, expected", [
    ("rd", {"projects-rd-manager"}),
    ("researcher", {"projects-researcher"}),
    ("broker", {"transfer-broker"}),
    ("tto", {"transfer-broker"}),
    ("fund_manager", {"funds-fund-manager"}),
    ("officer", OFFICER_CARDS),
    ("student", {"talent-dual-mentor"}),
    ("mentor", {"talent-dual-mentor"}),
])
def test_each_role_sees_its_cards_and_no_other(client, platform, role, expected):
    shown, _html = cards(client, getattr(platform, role))
    assert shown == expected


def test_center_positions_add_the_my_centers_card(client, platform):
    center = JointCenterFactory(enterprise=platform.cast.energy, university=platform.cast.university,
                                name_zh="储能联合研发中心")
    CenterMember.objects.create(center=center, user=platform.rd, side=Side.ENTERPRISE,
                                position=CenterMember.Position.DIRECTOR)
    shown, html = cards(client, platform.rd)
    assert shown == {"projects-rd-manager", "consortia-my-centers"} and "储能联合研发中心" in html


def test_broker_card_counts_the_queues(client, platform):
    _shown, html = cards(client, platform.broker)
    assert re.search(r'data-testid="panel-screening">1<', html)  # one stock achievement
    assert "201910123456.X" in html  # fee due in 10 days
    assert "待筛选存量成果" in html  # Chinese by default


def test_officer_cards_show_platform_figures(client, platform):
    _shown, html = cards(client, platform.officer)
    assert re.search(r'data-testid="screened-of-stock">1 <span[^>]*>/ 2<', html)
    assert "¥1,500,000.00" in html  # invested by funds


def test_fund_manager_sees_new_companies_and_portfolio(client, platform):
    _shown, html = cards(client, platform.fund_manager)
    assert "西安循能梯次科技有限公司" in html
    assert re.search(r'data-testid="portfolio-total">¥1,500,000.00<', html)


def test_student_sees_both_mentors(client, platform):
    _shown, html = cards(client, platform.student)
    assert str(platform.researcher) in html and str(platform.mentor) in html and "秦岭新能源电池研究院" in html


def test_home_page_query_count_stays_bounded(client, platform, django_assert_max_num_queries):
    for user in (platform.officer, platform.broker, platform.rd, platform.researcher, platform.student):
        client.force_login(user)
        with django_assert_max_num_queries(50):
            assert client.get("/").status_code == 200
    # More records do not mean more queries.
    for index in range(10):
        AchievementFactory(owner=platform.cast.university, title=f"更多成果{index}")
    client.force_login(platform.broker)
    with django_assert_max_num_queries(50):
        client.get("/")
