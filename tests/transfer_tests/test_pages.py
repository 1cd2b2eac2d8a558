import pytest

from transfer import services

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_tto(client, world):
    achievement = world.achievement()
    push = world.negotiating_push(world.achievement(title="推送成果"))
    client.force_login(world.tto)
    for url in ["/transfer/", "/transfer/workbench/", "/transfer/supermarket/", f"/transfer/achievements/{achievement.pk}/",
                f"/transfer/pushes/{push.pk}/", f"/transfer/achievements/{push.achievement_id}/deal/",
                "/transfer/patents/", "/transfer/patents/new/", "/transfer/import/achievements/",
                "/transfer/import/patents/", "/transfer/incubators/", "/transfer/achievements/new/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "成果" in client.get("/transfer/").content.decode()


def test_enterprise_view_marks_viewed_and_hides_confidential_until_interest(client, world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="好")
    push = services.push_create(actor=world.broker, achievement=achievement, enterprise=world.enterprise)
    client.force_login(world.rd)
    assert achievement.title in client.get("/transfer/pushes/").content.decode()
    page = client.get(f"/transfer/pushes/{push.pk}/").content.decode()
    push.refresh_from_db()
    assert push.status == "viewed" and "Li6PS5Cl" not in page
    client.post(f"/transfer/pushes/{push.pk}/interest/", {"note": "想谈"})
    assert "Li6PS5Cl" in client.get(f"/transfer/pushes/{push.pk}/").content.decode()


def test_forbidden_and_missing_pages(client, world):
    achievement = world.achievement()
    client.force_login(world.outsider)
    assert client.get(f"/transfer/achievements/{achievement.pk}/").status_code == 404
    assert client.get("/transfer/workbench/").status_code == 403
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="好")
    assert client.get(f"/transfer/achievements/{achievement.pk}/").status_code == 200
    assert client.post(f"/transfer/achievements/{achievement.pk}/push/",
                       {"enterprise": world.other_enterprise.pk}).status_code == 403
    assert "Li6PS5Cl" not in client.get(f"/transfer/achievements/{achievement.pk}/").content.decode()


def test_supermarket_is_public(client, world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="好")
    page = client.get("/transfer/supermarket/").content.decode()
    assert achievement.title in page
    detail = client.get(f"/transfer/achievements/{achievement.pk}/")
    assert detail.status_code == 200 and "Li6PS5Cl" not in detail.content.decode()


def test_deal_form_refuses_shares_not_adding_up(client, world):
    push = world.negotiating_push()
    client.force_login(world.broker)
    data = {"push": push.pk, "kind": "assignment", "price": "1000", "signed_on": "2025-05-01",
            "shares-TOTAL_FORMS": "4", "shares-INITIAL_FORMS": "0", "shares-MIN_NUM_FORMS": "0",
            "shares-MAX_NUM_FORMS": "10", "shares-0-beneficiary": "inventor", "shares-0-percent": "50"}
    response = client.post(f"/transfer/achievements/{push.achievement_id}/deal/", data)
    assert response.status_code == 200 and "100" in response.content.decode()
    data["shares-1-beneficiary"] = world.school.name_zh
    data["shares-1-percent"] = "50"
    response = client.post(f"/transfer/achievements/{push.achievement_id}/deal/", data)
    assert response.status_code == 302
