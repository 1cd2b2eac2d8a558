import pytest
from django.core import mail

from platform_core.models import Notification, NotificationPreference
from platform_core.notifications import notify
from platform_core.tasks import send_daily_digests, send_notification_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_immediate_notification_is_emailed_once():
    user = UserFactory(email="li@example.com")
    [notification] = notify(recipients=[user, user], event="platform.membership_added", title="欢迎")
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1 and "欢迎" in mail.outbox[0].subject
    # Delivered twice (Celery may redeliver): still one email.
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_digest_preference_batches_into_one_daily_email():
    user = UserFactory(email="wang@example.com")
    NotificationPreference.objects.create(user=user, event="platform.signoff_requested", delivery="digest")
    notify(recipients=[user], event="platform.signoff_requested", title="请签署 A")
    notify(recipients=[user], event="platform.signoff_requested", title="请签署 B")
    assert mail.outbox == []
    assert send_daily_digests() == 1
    assert len(mail.outbox) == 1 and "请签署 A" in mail.outbox[0].body and "请签署 B" in mail.outbox[0].body
    assert send_daily_digests() == 0


def test_off_preference_creates_nothing_and_in_app_sends_no_email():
    user = UserFactory(email="zhao@example.com")
    NotificationPreference.objects.create(user=user, event="platform.membership_added", delivery="off")
    NotificationPreference.objects.create(user=user, event="platform.signoff_decided", delivery="in_app")
    assert notify(recipients=[user], event="platform.membership_added", title="x") == []
    notify(recipients=[user], event="platform.signoff_decided", title="y")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == []


def test_unregistered_event_is_a_programming_error():
    with pytest.raises(ValueError):
        notify(recipients=[UserFactory()], event="nope", title="x")


def test_pages_mark_read_and_save_preferences(client):
    user = UserFactory()
    [n] = notify(recipients=[user], event="platform.membership_added", title="欢迎加入", url="/organisations/")
    other = UserFactory()
    client.force_login(user)
    assert "欢迎加入" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{n.pk}/read/")["Location"] == "/organisations/"
    n.refresh_from_db()
    assert n.read_at is not None
    response = client.post("/notifications/preferences/", {
        "platform.membership_added": "digest", "platform.signoff_requested": "off",
        "platform.signoff_decided": "immediate", "platform.import_finished": "in_app",
    })
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user, event="platform.membership_added").delivery == "digest"
    # Someone else's notification is not found, not "forbidden".
    [theirs] = notify(recipients=[other], event="platform.membership_added", title="x")
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404


def test_api_notifications_are_private(api):
    user, other = UserFactory(), UserFactory()
    notify(recipients=[user], event="platform.membership_added", title="mine")
    [theirs] = notify(recipients=[other], event="platform.membership_added", title="theirs")
    api.force_authenticate(user)
    titles = [n["title"] for n in api.get("/api/notifications/").json()["results"]]
    assert titles == ["mine"]
    assert api.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post("/api/notifications/read-all/").json() == {"marked_read": 1}
    bad = api.post("/api/notification-preferences/", {"event": "nope", "delivery": "digest"}, format="json")
    assert bad.status_code == 400


def test_generated_activity_is_not_news():
    from platform_core.activity import generating, is_generating

    user = UserFactory(email="gen@example.com")
    with generating():
        assert is_generating()
        assert notify(recipients=[user], event="platform.membership_added", title="生成数据") == []
    assert not is_generating()
    assert not Notification.objects.filter(recipient=user).exists() and mail.outbox == []
    notify(recipients=[user], event="platform.membership_added", title="真实事件")
    assert Notification.objects.filter(recipient=user).count() == 1 and len(mail.outbox) == 1
