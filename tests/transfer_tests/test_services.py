import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from platform_core.models import AuditEvent, Notification
from transfer import selectors, services
from transfer.models import Achievement, Deal, IncubatedCompany, Patent, Push, RevenueShare
from transfer.tasks import send_fee_reminders

from .factories import valid_application_number

pytestmark = pytest.mark.django_db

SHARES = [{"name": "李明", "percent": "60"}, {"name": "电气学院", "percent": "25.5"}, {"name": "学校", "percent": "14.5"}]


def test_screen_needs_a_reason_and_a_transfer_role(world):
    achievement = world.achievement()
    with pytest.raises(ValidationError):
        services.achievement_screen(actor=world.broker, achievement=achievement, reason="  ")
    with pytest.raises(PermissionDenied):
        services.achievement_screen(actor=world.inventor, achievement=achievement, reason="好")
    achievement.refresh_from_db()
    assert achievement.status == "stock" and achievement.screening_reason == ""
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="已有样机")
    achievement.refresh_from_db()
    assert achievement.status == "screened" and achievement.broker == world.broker
    assert AuditEvent.objects.filter(action="achievement.screen").count() == 1


def test_stock_cannot_be_pushed_and_nothing_changes(world):
    achievement = world.achievement()
    with pytest.raises(ValidationError):
        services.push_create(actor=world.broker, achievement=achievement, enterprise=world.enterprise)
    assert not Push.objects.exists()
    achievement.refresh_from_db()
    assert achievement.status == "stock"


def test_push_funnel_to_deal(world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="有样机")
    push = services.push_create(actor=world.broker, achievement=achievement, enterprise=world.enterprise, note="请看")
    assert Notification.objects.filter(recipient=world.rd, event="transfer.push_received").exists()
    achievement.refresh_from_db()
    assert achievement.status == "pushed"
    # Confidential detail stays closed until the enterprise is interested.
    assert not world.rd.has_perm("transfer.view_confidential_achievement", achievement)
    push = services.push_mark_viewed(actor=world.engineer, push=push)
    assert push.status == "viewed" and push.viewed_at
    with pytest.raises(PermissionDenied):  # an engineer may look but not decide
        services.push_express_interest(actor=world.engineer, push=push)
    push = services.push_express_interest(actor=world.rd, push=push, note="感兴趣")
    assert push.status == "interested"
    assert world.rd.has_perm("transfer.view_confidential_achievement", achievement)
    assert not world.outsider.has_perm("transfer.view_confidential_achievement", achievement)
    push = services.push_start_negotiation(actor=world.broker, push=push)
    achievement.refresh_from_db()
    assert achievement.status == "negotiating"
    deal = services.deal_create(actor=world.broker, achievement=achievement, push=push, kind="licence",
                                exclusivity="exclusive", territory="中国", price="1,200,000", royalty_rate="3",
                                signed_on=datetime.date(2025, 5, 1), shares=SHARES)
    achievement.refresh_from_db()
    push.refresh_from_db()
    assert achievement.status == "licensed" and push.status == "deal"
    assert deal.price == Decimal("1200000.00") and deal.counterparty == world.enterprise
    assert sum(s.percent for s in deal.revenue_shares.all()) == Decimal("100")
    assert selectors.count_deals_by_kind()["licence"] == 1


def test_duplicate_push_is_refused(world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="有样机")
    services.push_create(actor=world.broker, achievement=achievement, enterprise=world.enterprise)
    with pytest.raises(ValidationError):
        services.push_create(actor=world.broker, achievement=achievement, enterprise=world.enterprise)
    assert Push.objects.count() == 1


def test_push_to_a_non_enterprise_is_refused(world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="有样机")
    with pytest.raises(ValidationError):
        services.push_create(actor=world.broker, achievement=achievement, enterprise=world.university)
    assert not Push.objects.exists()


def test_matching_engine_may_push_without_an_actor(world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="有样机")
    push = services.push_create(actor=None, achievement=achievement, enterprise=world.enterprise, source="matching")
    assert push.source == "matching"
    with pytest.raises(PermissionDenied):
        services.push_create(actor=None, achievement=achievement, enterprise=world.other_enterprise)


@pytest.mark.parametrize("shares, message", [
    ([{"name": "李明", "percent": "60"}, {"name": "学校", "percent": "30"}], "100"),
    ([{"name": "李明", "percent": "abc"}], "数字"),
    ([{"name": "李明", "percent": "-10"}, {"name": "学校", "percent": "110"}], "0.01"),
    ([], "收益分配"),
    ([{"percent": "100"}], "只能指定一个"),
])
def test_bad_shares_are_refused_and_nothing_changes(world, shares, message):
    push = world.negotiating_push()
    with pytest.raises(ValidationError) as exc:
        services.deal_create(actor=world.broker, achievement=push.achievement, push=push, kind="assignment",
                             price="1000", signed_on=datetime.date(2025, 5, 1), shares=shares)
    assert message in str(exc.value)
    push.refresh_from_db()
    assert push.status == "negotiating" and push.achievement.status == "negotiating"
    assert not Deal.objects.exists() and not RevenueShare.objects.exists()


@pytest.mark.parametrize("price", ["-1", "一百万", "NaN", ""])
def test_bad_amounts_are_refused(world, price):
    push = world.negotiating_push()
    with pytest.raises(ValidationError):
        services.deal_create(actor=world.broker, achievement=push.achievement, push=push, kind="assignment",
                             price=price, signed_on=datetime.date(2025, 5, 1), shares=SHARES)
    assert not Deal.objects.exists()


def test_licence_needs_exclusivity_and_deal_needs_negotiation(world):
    push = world.negotiating_push()
    with pytest.raises(ValidationError):
        services.deal_create(actor=world.broker, achievement=push.achievement, push=push, kind="licence",
                             signed_on=datetime.date(2025, 5, 1), shares=SHARES)
    other = world.achievement(title="另一项成果")
    services.achievement_screen(actor=world.broker, achievement=other, reason="好")
    with pytest.raises(ValidationError):
        services.deal_create(actor=world.broker, achievement=other, kind="assignment", counterparty=world.enterprise,
                             signed_on=datetime.date(2025, 5, 1), shares=SHARES)
    other.refresh_from_db()
    assert other.status == "screened" and not Deal.objects.exists()


def test_illegal_status_moves_are_refused(world):
    push = world.negotiating_push()
    services.deal_create(actor=world.broker, achievement=push.achievement, push=push, kind="assignment",
                         price="5000", signed_on=datetime.date(2025, 5, 1), shares=SHARES)
    achievement = Achievement.objects.get(pk=push.achievement_id)
    assert achievement.status == "transferred"
    with pytest.raises(ValidationError):
        services.achievement_return_to_stock(actor=world.tto, achievement=achievement, reason="误操作")
    with pytest.raises(ValidationError):
        services.push_create(actor=world.broker, achievement=achievement, enterprise=world.other_enterprise)
    push.refresh_from_db()
    with pytest.raises(ValidationError):
        services.push_decline(actor=world.rd, push=push, reason="反悔")
    achievement.refresh_from_db()
    push.refresh_from_db()
    assert achievement.status == "transferred" and push.status == "deal"


def test_declining_a_negotiation_returns_the_achievement_to_pushed(world):
    push = world.negotiating_push()
    services.push_decline(actor=world.rd, push=push, reason="预算不足")
    push.refresh_from_db()
    assert push.status == "declined" and push.achievement.status == "pushed"


def test_spin_off_creates_the_company(world):
    from transfer.models import Incubator

    incubator = Incubator.objects.create(name="创新孵化器", host=world.enterprise, partner_university=world.university)
    achievement = world.achievement()
    services.achievement_screen(actor=world.tto, achievement=achievement, reason="团队有意创业")
    deal = services.deal_create(actor=world.tto, achievement=achievement, kind="spin_off", equity_percent="20",
                                signed_on=datetime.date(2025, 5, 1), shares=[{"user": world.inventor, "percent": 100}],
                                company={"incubator": incubator, "name": "西安循能科技有限公司",
                                         "founders": [world.inventor]})
    company = IncubatedCompany.objects.get(spin_off_deal=deal)
    assert company.industry_node == world.node and list(company.achievements.all()) == [achievement]
    achievement.refresh_from_db()
    assert achievement.status == "spun_off"
    assert selectors.count_incubated_companies() == 1


def test_company_stage_only_moves_forward(world):
    from transfer.models import Incubator

    incubator = Incubator.objects.create(name="创新孵化器", host=world.enterprise)
    company = services.company_admit(actor=world.rd, incubator=incubator, name="秦智视觉", industry_node=world.node,
                                     admitted_on=datetime.date(2023, 1, 1), stage="growth")
    with pytest.raises(ValidationError):
        services.company_update(actor=world.rd, company=company, stage="seed")
    with pytest.raises(ValidationError):
        services.company_update(actor=world.rd, company=company, stage="graduated")
    with pytest.raises(ValidationError):
        services.company_update(actor=world.rd, company=company, stage="graduated",
                                graduated_on=datetime.date(2022, 1, 1))
    company.refresh_from_db()
    assert company.stage == "growth" and company.graduated_on is None
    with pytest.raises(PermissionDenied):
        services.company_update(actor=world.outsider, company=company, description="x")


def test_patent_duplicates_and_bad_numbers(world):
    number = valid_application_number()
    services.patent_create(actor=world.tto, application_number=f"CN{number}", title="固态电解质",
                           patent_type="invention", owner=world.university, filing_date=datetime.date(2019, 3, 1))
    with pytest.raises(ValidationError):
        services.patent_create(actor=world.tto, application_number=number.replace(".", ""), title="重复",
                               patent_type="invention", owner=world.university, filing_date=datetime.date(2019, 3, 1))
    with pytest.raises(ValidationError):
        services.patent_create(actor=world.tto, application_number="201910123456.7", title="错误校验位",
                               patent_type="invention", owner=world.university, filing_date=datetime.date(2019, 3, 1))
    with pytest.raises(ValidationError):  # the type digit says invention
        services.patent_create(actor=world.tto, application_number=valid_application_number(9), title="类型不符",
                               patent_type="utility_model", owner=world.university,
                               filing_date=datetime.date(2019, 3, 1))
    with pytest.raises(ValidationError):
        services.patent_create(actor=world.tto, application_number=valid_application_number(8), title="坏IPC",
                               patent_type="invention", owner=world.university, filing_date=datetime.date(2019, 3, 1),
                               ipc_codes=["XYZ"])
    with pytest.raises(PermissionDenied):
        services.patent_create(actor=world.rd, application_number=valid_application_number(7), title="别人的",
                               patent_type="invention", owner=world.university, filing_date=datetime.date(2019, 3, 1))
    assert Patent.objects.count() == 1


def test_fee_reminder_is_sent_once_per_due_date(world, django_capture_on_commit_callbacks):
    from django.utils import timezone

    achievement = world.achievement()
    achievement.broker = world.broker
    achievement.save()
    patent = services.patent_create(
        actor=world.tto, application_number=valid_application_number(), title="固态电解质", patent_type="invention",
        owner=world.university, filing_date=datetime.date(2019, 3, 1), legal_status="granted",
        grant_date=datetime.date(2020, 6, 1), next_fee_due=timezone.localdate() + datetime.timedelta(days=10),
        achievements=[achievement])
    far = services.patent_create(
        actor=world.tto, application_number=valid_application_number(99), title="远期", patent_type="invention",
        owner=world.university, filing_date=datetime.date(2019, 3, 1), legal_status="granted",
        grant_date=datetime.date(2020, 6, 1), next_fee_due=timezone.localdate() + datetime.timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_fee_reminders.delay(30).get() == 1
    assert send_fee_reminders.delay(30).get() == 0
    recipients = set(Notification.objects.filter(event="transfer.fee_due").values_list("recipient__username", flat=True))
    assert recipients == {"tto", "broker"}
    assert any("201910" in m.subject or "年费" in m.subject or "fee" in m.subject for m in mail.outbox)
    services.patent_record_fee_paid(actor=world.tto, patent=patent)
    patent.refresh_from_db()
    assert patent.next_fee_due.year == (timezone.localdate() + datetime.timedelta(days=10)).year + 1
    far.refresh_from_db()
    assert far.fee_reminder_sent_for is None


def test_first_fee_due_is_the_filing_anniversary_after_grant():
    assert services.first_fee_due(datetime.date(2019, 3, 10), datetime.date(2021, 5, 1)) == datetime.date(2022, 3, 10)
    assert services.first_fee_due(datetime.date(2020, 2, 29), datetime.date(2021, 1, 1)) == datetime.date(2021, 2, 28)


def test_achievement_from_a_project(world):
    achievement = services.achievement_create_from_source(
        actor=world.inventor, title="项目成果：SiC 驱动保护电路", abstract="揭榜项目结题成果", owners=[world.school],
        inventors=[world.inventor, "赵雪"], field=None, industry_node=world.node, trl=6, keywords="SiC；驱动",
        source_label="项目 #12 结题")
    assert achievement.owner == world.university and achievement.school == world.school
    assert achievement.status == "stock" and achievement.source == "project"
    assert achievement.inventor_names == "赵雪" and achievement.keywords == ["SiC", "驱动"]
    with pytest.raises(PermissionDenied):
        services.achievement_create_from_source(
            actor=world.rd, title="别人的", abstract="x", owners=[world.school], inventors=[world.rd], field=None,
            industry_node=world.node, trl=6, keywords=[], source_label="x")


def test_visibility_selectors(world):
    stock = world.achievement()
    screened = world.achievement(title="已筛选成果")
    services.achievement_screen(actor=world.broker, achievement=screened, reason="好")
    outsider_sees = set(selectors.achievements_visible_to(world.outsider))
    assert screened in outsider_sees and stock not in outsider_sees
    assert stock in set(selectors.achievements_visible_to(world.inventor))
    assert set(selectors.screening_queue(world.broker)) == {stock}
    summary = selectors.pool_summary()
    assert (summary["stock"], summary["screened"]) == (1, 1)
