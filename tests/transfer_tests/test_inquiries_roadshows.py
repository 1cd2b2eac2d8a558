"""The supermarket is no dead end (issue 13 item 7): inquiries reach the broker as leads in the push
funnel, listings carry their terms, and roadshows take registrations."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from platform_core.models import Notification
from transfer import selectors, services
from transfer.models import Achievement, Inquiry, LicenceType, Push, Roadshow, RoadshowRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world):
    achievement = world.achievement()
    return services.achievement_screen(actor=world.broker, achievement=achievement, reason="有样机")


# ---------------------------------------------------------------- inquiries


def test_inquiry_creates_an_interested_lead_for_the_broker(world, listed):
    services.achievement_assign_broker(actor=world.tto, achievement=listed, broker=world.broker)
    inquiry = services.achievement_inquire(actor=world.engineer, achievement=listed, enterprise=world.enterprise,
                                           message="能否提供样品？")
    push = inquiry.push
    assert (push.enterprise, push.status, push.source) == (world.enterprise, Push.Status.INTERESTED,
                                                          Push.Source.INQUIRY)
    assert Achievement.objects.get(pk=listed.pk).status == Achievement.Status.PUSHED
    # In the broker's workbench and in the funnel as 'interested'.
    assert push in selectors.pushes_awaiting_follow_up(world.broker)
    assert selectors.push_funnel(selectors.pushes_of_managed_achievements(world.broker))["interested"] == 1
    assert Notification.objects.filter(recipient=world.broker, event="transfer.inquiry_received").count() == 1
    from platform_core.notifications import render_notifications

    [shown] = render_notifications(Notification.objects.filter(recipient=world.broker, event="transfer.inquiry_received"),
                                   reader=world.broker)
    assert world.enterprise.name_zh in str(shown.rendered_title) and listed.title in str(shown.rendered_title)


def test_duplicates_collapse(world, listed):
    first = services.achievement_inquire(actor=world.engineer, achievement=listed, enterprise=world.enterprise,
                                         message="第一次提问")
    again = services.achievement_inquire(actor=world.engineer, achievement=listed, enterprise=world.enterprise,
                                         message="补充：需要独占许可")
    colleague = services.achievement_inquire(actor=world.rd, achievement=listed, enterprise=world.enterprise,
                                             message="价格？")
    assert again.pk == first.pk and Inquiry.objects.get(pk=first.pk).message == "补充：需要独占许可"
    assert colleague.push_id == first.push_id  # one lead per enterprise
    assert Push.objects.filter(achievement=listed).count() == 1
    # Two people asked, so two inquiries were announced (grouped into one unread entry); asking again
    # announced nothing.
    recipient = services._inquiry_recipients(Achievement.objects.get(pk=listed.pk))[0]
    announced = Notification.objects.filter(event="transfer.inquiry_received", recipient=recipient)
    assert sum(n.count for n in announced) == 2


def test_inquiry_moves_an_existing_push_to_interested(world, listed):
    push = services.push_create(actor=world.broker, achievement=listed, enterprise=world.enterprise)
    inquiry = services.achievement_inquire(actor=world.rd, achievement=listed, enterprise=world.enterprise,
                                           message="我们有兴趣")
    assert inquiry.push_id == push.pk and Push.objects.get(pk=push.pk).status == Push.Status.INTERESTED


def test_inquiry_refused_to_non_enterprise_users_and_on_unlisted_achievements(world, listed):
    with pytest.raises(PermissionDenied):
        services.achievement_inquire(actor=world.inventor, achievement=listed, enterprise=world.enterprise,
                                     message="?")
    with pytest.raises(ValidationError):  # not their enterprise
        services.achievement_inquire(actor=world.outsider, achievement=listed, enterprise=world.enterprise,
                                     message="?")
    with pytest.raises(ValidationError):
        services.achievement_inquire(actor=world.rd, achievement=listed, enterprise=world.enterprise, message=" ")
    stock = world.achievement(title="未筛选的成果")
    with pytest.raises(PermissionDenied):
        services.achievement_inquire(actor=world.rd, achievement=stock, enterprise=world.enterprise, message="?")
    assert not Push.objects.exists() and not Inquiry.objects.exists()


def test_inquiry_page_and_api(client, world, listed):
    client.force_login(world.rd)
    page = client.get(reverse("transfer:achievement-detail", args=[listed.pk])).content.decode()
    assert 'data-testid="inquiry"' in page
    response = client.post(reverse("transfer:achievement-inquire", args=[listed.pk]),
                           {"enterprise": world.enterprise.pk, "message": "请联系我们"})
    assert response.status_code == 302 and Inquiry.objects.count() == 1
    response = client.post(f"/api/transfer/supermarket/{listed.pk}/inquire/",
                           {"enterprise": world.enterprise.pk, "message": "再问一次"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["push_status"] == "interested" and Inquiry.objects.count() == 1
    client.force_login(world.inventor)  # a researcher sees no inquiry box
    assert 'data-testid="inquiry"' not in client.get(
        reverse("transfer:achievement-detail", args=[listed.pk])).content.decode()


# ---------------------------------------------------------------- listing terms


def test_listing_terms_are_shown_and_filterable(client, world, listed):
    services.achievement_set_terms(actor=world.broker, achievement=listed, asking_price=Decimal("1800000"),
                                   price_negotiable=False, licence_types=["exclusive", "assignment"])
    other = services.achievement_screen(actor=world.broker, achievement=world.achievement(title="另一项成果"),
                                        reason="易转化")
    services.achievement_set_terms(actor=world.broker, achievement=other, asking_price=None, price_negotiable=True,
                                   licence_types=["non_exclusive"])
    assert Achievement.objects.get(pk=listed.pk).licence_type_list == ["assignment", "exclusive"]
    assert list(selectors.supermarket_achievements(licence_type="exclusive")) == [listed]
    assert list(selectors.supermarket_achievements(licence_type="non_exclusive")) == [other]
    assert set(selectors.supermarket_achievements(max_price=Decimal("1000000"))) == {other}  # negotiable fits
    client.force_login(world.rd)
    page = client.get(reverse("transfer:supermarket") + "?licence_type=exclusive").content.decode()
    assert "1,800,000.00" in page and "另一项成果" not in page
    data = client.get("/api/transfer/supermarket/?licence_type=non_exclusive").json()
    assert [row["id"] for row in data["results"]] == [other.pk]
    assert data["results"][0]["price_negotiable"] is True


def test_listing_terms_refused_and_validated(world, listed):
    with pytest.raises(PermissionDenied):
        services.achievement_set_terms(actor=world.rd, achievement=listed, asking_price=Decimal("1"),
                                       price_negotiable=False, licence_types=[])
    with pytest.raises(ValidationError):
        services.achievement_set_terms(actor=world.broker, achievement=listed, asking_price=Decimal("1"),
                                       price_negotiable=True, licence_types=[])
    with pytest.raises(ValidationError):
        services.achievement_set_terms(actor=world.broker, achievement=listed, asking_price=None,
                                       price_negotiable=False, licence_types=["rent"])
    assert not Achievement.objects.get(pk=listed.pk).has_listing_terms
    assert set(LicenceType.values) == {"assignment", "exclusive", "sole", "non_exclusive", "equity"}


# ---------------------------------------------------------------- roadshows


def make_roadshow(world, listed, **kwargs):
    now = timezone.now()
    data = dict(title="新能源成果专场路演", starts_at=now + datetime.timedelta(days=7),
                registration_deadline=now + datetime.timedelta(days=5), place="西安创新港", capacity=2)
    data.update(kwargs)
    return services.roadshow_create(actor=world.tto, organiser=world.university, achievements=[listed], **data)


def test_roadshow_register_cancel_capacity_and_deadline(world, listed):
    roadshow = make_roadshow(world, listed)
    services.roadshow_register(actor=world.rd, roadshow=roadshow, enterprise=world.enterprise)
    services.roadshow_register(actor=world.rd, roadshow=roadshow, enterprise=world.enterprise)  # idempotent
    services.roadshow_register(actor=world.outsider, roadshow=roadshow, enterprise=world.other_enterprise)
    with pytest.raises(ValidationError, match="full|满"):
        services.roadshow_register(actor=world.engineer, roadshow=roadshow, enterprise=world.enterprise)
    services.roadshow_cancel(actor=world.rd, roadshow=roadshow)
    services.roadshow_register(actor=world.engineer, roadshow=roadshow, enterprise=world.enterprise)
    assert set(roadshow.registrations.values_list("user__username", flat=True)) == {"outsider", "engineer"}
    Roadshow.objects.filter(pk=roadshow.pk).update(registration_deadline=timezone.now() - datetime.timedelta(hours=1))
    services.roadshow_cancel(actor=world.engineer, roadshow=roadshow)
    with pytest.raises(ValidationError):
        services.roadshow_register(actor=world.engineer, roadshow=roadshow, enterprise=world.enterprise)
    with pytest.raises(PermissionDenied):
        services.roadshow_register(actor=world.inventor, roadshow=roadshow, enterprise=world.enterprise)


def test_roadshow_creation_rules(world, listed):
    with pytest.raises(PermissionDenied):
        services.roadshow_create(actor=world.rd, organiser=world.university, title="x", starts_at=timezone.now(),
                                 registration_deadline=timezone.now(), place="x", capacity=1)
    with pytest.raises(ValidationError):
        make_roadshow(world, listed, place="", online_url="")
    with pytest.raises(ValidationError):
        make_roadshow(world, listed, registration_deadline=timezone.now() + datetime.timedelta(days=9))
    stock = world.achievement(title="库存成果")
    with pytest.raises(ValidationError):
        services.roadshow_create(actor=world.tto, organiser=world.university, achievements=[stock],
                                 title="x", starts_at=timezone.now() + datetime.timedelta(days=2),
                                 registration_deadline=timezone.now() + datetime.timedelta(days=1), place="x",
                                 capacity=5)
    assert not Roadshow.objects.exists()


def test_roadshow_pages_api_and_export(client, world, listed):
    roadshow = make_roadshow(world, listed, online_url="https://meeting.example.com/abc")
    client.force_login(world.rd)
    assert client.get(reverse("transfer:roadshow-list")).status_code == 200
    page = client.get(reverse("transfer:roadshow-detail", args=[roadshow.pk])).content.decode()
    assert 'data-testid="register"' in page and "meeting.example.com" not in page
    assert 'data-testid="export-registrations"' not in page
    client.post(reverse("transfer:roadshow-register", args=[roadshow.pk]), {"enterprise": world.enterprise.pk})
    assert RoadshowRegistration.objects.filter(user=world.rd).exists()
    assert client.get(reverse("transfer:roadshow-export", args=[roadshow.pk])).status_code == 403
    api = client.get(f"/api/transfer/roadshows/{roadshow.pk}/").json()
    assert api["registered"] == 1 and api["online_url"].startswith("https://")
    response = client.post(f"/api/transfer/roadshows/{roadshow.pk}/cancel/")
    assert response.status_code == 204 and not RoadshowRegistration.objects.exists()
    response = client.post(f"/api/transfer/roadshows/{roadshow.pk}/register/", {"enterprise": world.enterprise.pk},
                           content_type="application/json")
    assert response.status_code == 201
    assert client.get(f"/api/transfer/roadshows/{roadshow.pk}/registrations/").status_code == 403
    client.force_login(world.tto)
    page = client.get(reverse("transfer:roadshow-detail", args=[roadshow.pk])).content.decode()
    assert 'data-testid="registrations"' in page
    export = client.get(reverse("transfer:roadshow-export", args=[roadshow.pk]))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 2 and sheet.cell(row=2, column=4).value == world.enterprise.name_zh
    assert client.get(f"/api/transfer/roadshows/{roadshow.pk}/registrations/").json()["count"] == 1
    assert client.get(reverse("transfer:roadshow-create")).status_code == 200


def test_roadshow_list_and_api_queries_are_flat(client, world, listed):
    from tests.querycount import assert_flat_queries

    def grow(n):
        for _ in range(n):
            roadshow = make_roadshow(world, listed, capacity=50)
            services.roadshow_register(actor=world.rd, roadshow=roadshow, enterprise=world.enterprise)

    client.force_login(world.rd)
    assert_flat_queries(grow=grow, fetch=lambda: client.get(reverse("transfer:roadshow-list")), small=3, big=30)
    assert_flat_queries(grow=grow, fetch=lambda: client.get("/api/transfer/roadshows/"), small=3, big=30)
