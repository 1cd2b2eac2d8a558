"""In Chromium: an enterprise asks about a listed achievement, registers for its roadshow, and the
broker finds the lead in the workbench."""
import datetime

import pytest
from django.utils import timezone

from transfer import services
from transfer.models import Push, RoadshowRegistration

from .factories import World
from .test_browser import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enterprise_asks_and_registers_broker_sees_the_lead(browser_page, live_server):
    world = World()
    achievement = services.achievement_screen(actor=world.broker, achievement=world.achievement(), reason="易转化")
    services.achievement_set_terms(actor=world.broker, achievement=achievement, asking_price=None,
                                   price_negotiable=True, licence_types=["exclusive"])
    now = timezone.now()
    roadshow = services.roadshow_create(actor=world.tto, organiser=world.university, title="固态电池成果路演",
                                        starts_at=now + datetime.timedelta(days=3),
                                        registration_deadline=now + datetime.timedelta(days=2), place="创新港",
                                        capacity=10, achievements=[achievement])
    page, base = browser_page, live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login(page, base, "rd")
    page.goto(f"{base}/transfer/supermarket/?licence_type=exclusive")
    assert "价格面议" in page.inner_text("[data-testid=supermarket-terms]")
    page.click(f"text={achievement.title}")
    page.fill("#id_message", "希望了解独占许可的费用和中试数据。")
    page.click("[data-testid=send-inquiry]")
    page.wait_for_selector(".alert-success")
    push = Push.objects.get(achievement=achievement, enterprise=world.enterprise)
    assert push.status == Push.Status.INTERESTED
    page.goto(f"{base}/transfer/roadshows/{roadshow.pk}/")
    page.click("[data-testid=register]")
    page.wait_for_selector("[data-testid=my-registration]")
    assert RoadshowRegistration.objects.filter(roadshow=roadshow, user=world.rd).exists()

    page.context.clear_cookies()
    login(page, base, "broker")
    page.goto(f"{base}/transfer/workbench/")
    assert world.enterprise.name_zh in page.inner_text("main")
    page.goto(f"{base}/transfer/pushes/{push.pk}/")
    assert "希望了解独占许可的费用" in page.inner_text("[data-testid=inquiries]")
    assert not errors, errors
