"""Notifications: stored as an event and its parameters, read in the recipient's language, grouped, e-mailed once."""
import importlib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Max
from django.test import override_settings
from django.utils import translation

from platform_core import tasks
from platform_core.models import Notification, NotificationPreference, Role
from platform_core.notifications import notify, render_notifications
from platform_core.tasks import send_daily_digests, send_notification_email
from tests.factories import OrganisationFactory, UserFactory
from tests.transfer_tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _welcome(user, org):
    return notify(recipients=[user], event="platform.membership_added", params={"role": Role.RESEARCHER,
                                                                                "organisation": org},
                  url=f"/organisations/{org.pk}/")


def test_stored_as_event_and_parameters_and_read_in_each_language():
    org = OrganisationFactory(name_zh="西安交通大学", name_en="Xi'an Jiaotong University")
    user = UserFactory(email="li@example.com")
    [n] = _welcome(user, org)
    n.refresh_from_db()
    assert n.title == "" and n.params == {"role": "researcher", "organisation": {"$ref": "platform.organisation",
                                                                                 "pk": org.pk}}
    with translation.override("zh-hans"):
        [zh] = render_notifications([n])
    assert zh.rendered_title == f"您在 西安交通大学 被授予角色“{translation.gettext('Researcher')}”"
    with translation.override("en"):
        [en] = render_notifications([Notification.objects.get(pk=n.pk)])
    assert en.rendered_title.startswith("You were given the role") and "Xi'an Jiaotong University" in en.rendered_title


def test_an_english_api_call_does_not_put_english_into_a_chinese_inbox(api):
    org = OrganisationFactory(name_zh="西安交通大学", name_en="Xi'an Jiaotong University")
    chinese, english = UserFactory(email="zh@example.com"), UserFactory(email="en@example.com", language="en")
    with translation.override("en"):  # the actor works in English
        notify(recipients=[chinese, english], event="platform.membership_added",
               params={"role": Role.RESEARCHER, "organisation": org})
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "您在" in subjects["zh@example.com"] and "西安交通大学" in subjects["zh@example.com"]
    assert "You were given" in subjects["en@example.com"]
    api.force_authenticate(chinese)
    # The API answers in the recipient's language, whatever the request's language.
    [row] = api.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert "您在" in row["title"] and row["count"] == 1


def test_immediate_email_is_marked_and_committed_before_sending_and_never_resent():
    user = UserFactory(email="li@example.com")
    org = OrganisationFactory()
    with mock.patch.object(tasks, "send_mail", side_effect=ConnectionError("smtp down")):
        with pytest.raises(ConnectionError):
            _welcome(user, org)
    [n] = Notification.objects.filter(recipient=user)
    assert n.emailed_at is not None  # committed before the attempt: a crash never resends
    assert send_notification_email(n.pk) is False
    assert mail.outbox == []


def test_email_links_use_the_configured_site_address():
    user, org = UserFactory(email="li@example.com"), OrganisationFactory()
    with override_settings(SITE_URL="https://platform.example.edu.cn"):
        _welcome(user, org)
    [message] = mail.outbox
    assert f"https://platform.example.edu.cn/organisations/{org.pk}/" in message.body
    assert ":8000" not in message.body


def test_repeated_events_group_into_one_unread_entry_with_a_count(client):
    user = UserFactory(email="tto@example.com")
    NotificationPreference.objects.create(user=user, event="transfer.achievement_added", delivery="in_app")
    achievements = [AchievementFactory(title=f"成果 {i}") for i in range(12)]
    for a in achievements:
        notify(recipients=[user], event="transfer.achievement_added", params={"achievement": a, "label": ""},
               url=f"/transfer/achievements/{a.pk}/")
    [entry] = Notification.objects.filter(recipient=user)
    assert entry.count == 12 and entry.url == "/transfer/"
    with translation.override("zh-hans"):
        [entry] = render_notifications([entry])
    assert entry.rendered_title == "成果库新增 12 项成果（最新：成果 11）"
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "成果库新增 12 项成果" in page
    assert client.get("/").context["unread_count"] == 1  # the badge counts entries
    # Once read, the next event starts a new entry.
    Notification.objects.update(read_at=entry.created_at)
    notify(recipients=[user], event="transfer.achievement_added",
           params={"achievement": achievements[0], "label": ""})
    assert Notification.objects.filter(recipient=user).count() == 2


def test_matches_for_one_source_add_up_in_english_and_chinese():
    user = UserFactory(email="rd@example.com", language="en")
    org = OrganisationFactory(name_zh="储能电站", name_en="Storage plant")
    for matches in (5, 7):
        notify(recipients=[user], event="matching.new_match", params={"source": org, "matches": matches,
                                                                       "directions": {}})
    [entry] = Notification.objects.filter(recipient=user)
    assert entry.count == 2 and entry.params["matches"] == 12
    with translation.override("en"):
        assert render_notifications([entry])[0].rendered_title == "12 new strong matches for Storage plant"
    with translation.override("zh-hans"):
        assert render_notifications([entry])[0].rendered_title == "12 条新的高分匹配：储能电站"
    assert len(mail.outbox) == 1  # the group was e-mailed once


def test_digest_preference_batches_grouped_entries_into_one_daily_email_in_the_recipients_language():
    user = UserFactory(email="wang@example.com", language="en")
    org = OrganisationFactory(name_zh="某大学", name_en="Some University")
    NotificationPreference.objects.create(user=user, event="platform.membership_added", delivery="digest")
    NotificationPreference.objects.create(user=user, event="matching.new_match", delivery="digest")
    _welcome(user, org)
    for _ in range(3):
        notify(recipients=[user], event="matching.new_match", params={"source": org, "matches": 2, "directions": {}})
    assert mail.outbox == []
    assert send_daily_digests() == 1
    [message] = mail.outbox
    assert "2 new notifications" in message.subject
    assert "You were given the role" in message.body and "6 new strong matches for Some University" in message.body
    assert send_daily_digests() == 0
    # A later event joining the group re-arms it for the next digest, with the new count.
    notify(recipients=[user], event="matching.new_match", params={"source": org, "matches": 1, "directions": {}})
    assert send_daily_digests() == 1 and "7 new strong matches" in mail.outbox[-1].body


def test_digest_rows_are_marked_before_sending():
    user = UserFactory(email="wang@example.com")
    NotificationPreference.objects.create(user=user, event="platform.membership_added", delivery="digest")
    _welcome(user, OrganisationFactory())
    with mock.patch.object(tasks, "send_mail", side_effect=ConnectionError("smtp down")):
        with pytest.raises(ConnectionError):
            send_daily_digests()
    assert not Notification.objects.filter(recipient=user, emailed_at__isnull=True).exists()
    assert send_daily_digests() == 0


def test_the_daily_digest_runs_from_beat():
    from django.conf import settings

    assert any(entry["task"] == "platform.send_daily_digests" for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_off_preference_creates_nothing_and_in_app_sends_no_email():
    user, org = UserFactory(email="zhao@example.com"), OrganisationFactory()
    NotificationPreference.objects.create(user=user, event="platform.membership_added", delivery="off")
    assert _welcome(user, org) == []
    NotificationPreference.objects.create(user=user, event="platform.signoff_decided", delivery="in_app")
    notify(recipients=[user], event="platform.signoff_decided", title="y")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == []


def test_unregistered_event_and_translated_parameters_are_programming_errors():
    with pytest.raises(ValueError):
        notify(recipients=[UserFactory()], event="nope", params={})
    with pytest.raises(TypeError):
        notify(recipients=[UserFactory()], event="platform.membership_added",
               params={"role": translation.gettext_lazy("Researcher")})


def test_pages_mark_read_and_save_preferences_and_language(client):
    user, org = UserFactory(), OrganisationFactory(name_zh="欢迎单位")
    [n] = _welcome(user, org)
    other = UserFactory()
    client.force_login(user)
    assert "欢迎单位" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{n.pk}/read/")["Location"] == f"/organisations/{org.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
    response = client.post("/notifications/preferences/", {
        "language": "en",
        "platform.membership_added": "digest", "platform.signoff_requested": "off",
        "platform.signoff_decided": "immediate", "platform.import_finished": "in_app",
    })
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert NotificationPreference.objects.get(user=user, event="platform.membership_added").delivery == "digest"
    user.refresh_from_db()
    assert user.language == "en"
    # Someone else's notification is not found, not "forbidden".
    [theirs] = _welcome(other, org)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404


def test_the_language_switch_updates_the_users_language(client):
    user = UserFactory()
    assert user.language == "zh-hans"
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    client.post("/i18n/setlang/", {"language": "klingon", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_api_notifications_are_private(api):
    user, other, org = UserFactory(), UserFactory(), OrganisationFactory(name_zh="我的单位")
    _welcome(user, org)
    [theirs] = _welcome(other, OrganisationFactory(name_zh="别人的单位"))
    api.force_authenticate(user)
    titles = [n["title"] for n in api.get("/api/notifications/").json()["results"]]
    assert len(titles) == 1 and "我的单位" in titles[0]
    assert api.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post("/api/notifications/read-all/").json() == {"marked_read": 1}
    bad = api.post("/api/notification-preferences/", {"event": "nope", "delivery": "digest"}, format="json")
    assert bad.status_code == 400


def test_old_rows_keep_their_text():
    user = UserFactory()
    old = Notification.objects.create(recipient=user, event="platform.membership_added", title="旧的通知", body="正文",
                                      params=None)
    migration = importlib.import_module("platform_core.migrations.0005_notification_events_user_language")
    from django.apps import apps as global_apps

    migration.old_rows_keep_their_text(global_apps, None)
    old.refresh_from_db()
    assert old.last_at == old.created_at and old.count == 1
    [shown] = render_notifications([old])
    assert shown.rendered_title == "旧的通知" and shown.rendered_body == "正文"


def test_generated_activity_is_not_news():
    from platform_core.activity import generating, is_generating

    user, org = UserFactory(email="gen@example.com"), OrganisationFactory()
    with generating():
        assert is_generating()
        assert _welcome(user, org) == []
    assert not is_generating()
    assert not Notification.objects.filter(recipient=user).exists() and mail.outbox == []
    _welcome(user, org)
    assert Notification.objects.filter(recipient=user).count() == 1 and len(mail.outbox) == 1


def test_load_demo_is_quiet():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert mail.outbox == []
    most = (Notification.objects.filter(read_at__isnull=True).values("recipient")
            .annotate(n=Max("count")).count())
    per_user = Notification.objects.filter(read_at__isnull=True).values_list("recipient", flat=True)
    assert all(list(per_user).count(u) <= 5 for u in set(per_user)), most


def test_inbox_page_and_api_queries_do_not_grow_with_notifications(client, api):
    from tests.querycount import assert_flat_queries

    user = UserFactory()

    def grow(n):
        for _ in range(n):  # each names another organisation: nothing to group, every row its own object
            _welcome(user, OrganisationFactory())

    client.force_login(user)
    assert_flat_queries(grow=grow, fetch=lambda: client.get("/notifications/"))
    api.force_authenticate(user)
    assert_flat_queries(grow=grow, fetch=lambda: api.get("/api/notifications/"))
