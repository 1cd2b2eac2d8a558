"""Match panels on the four detail pages, "my matches", and the accept / dismiss / push buttons."""
import pytest
from django.urls import reverse

from matching.models import Direction, Match
from transfer.models import Push

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(scene):
    scene.compute()
    return scene


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_challenge_panel_is_for_the_running_side_not_for_competitors(client, computed):
    url = reverse("projects:challenge-detail", args=[computed.challenge.pk])
    html = page(client, computed.rd, url)
    assert 'data-testid="match-panel"' in html and "李明" in html and "钙钛矿叠层太阳电池封装技术" in html
    assert "Why this match?" not in html and "为什么推荐" in html  # Chinese by default
    assert 'data-testid="match-accept"' in html
    reader = page(client, computed.center_member, url)  # a center member reads but does not decide
    assert 'data-testid="match-panel"' in reader and 'data-testid="match-accept"' not in reader
    assert 'data-testid="match-panel"' not in page(client, computed.competitor, url)


def test_the_achievement_panel_is_for_the_owner_brokers(client, computed):
    url = reverse("transfer:achievement-detail", args=[computed.pv_achievement.pk])
    html = page(client, computed.broker, url)
    assert 'data-testid="match-panel"' in html and "秦岭光伏科技有限公司" in html and 'data-testid="match-push"' in html
    assert 'data-testid="match-panel"' not in page(client, computed.chip_rd, url)


def test_the_organisation_page_shows_what_was_matched_to_it(client, computed):
    url = reverse("platform:organisation-detail", args=[computed.pv_company.pk])
    html = page(client, computed.broker, url)
    assert "钙钛矿叠层太阳电池封装技术" in html
    assert 'data-testid="match-panel"' not in page(client, computed.competitor, url)


def test_the_talent_page_shows_enterprises_and_the_challenges_the_expert_may_solve(client, computed):
    url = reverse("talent:profile-detail", args=[computed.talent.pk])
    html = page(client, computed.li, url)
    assert "秦岭光伏科技有限公司" in html and "钙钛矿叠层电池组件湿热稳定性提升" in html
    assert 'data-testid="match-panel"' not in page(client, computed.competitor, url)


def test_my_matches_per_role(client, computed):
    url = reverse("matching:my-matches")
    assert "秦岭光伏科技有限公司" in page(client, computed.broker, url)
    assert "钙钛矿叠层电池组件湿热稳定性提升" in page(client, computed.li, url)  # suggested as an expert
    assert "钙钛矿叠层电池组件湿热稳定性提升" in page(client, computed.rd, url)
    assert 'data-testid="match"' not in page(client, computed.competitor, url)
    client.cookies["django_language"] = "en"
    assert "My matches" in page(client, computed.broker, url)


def test_accept_and_dismiss_through_the_page(client, computed):
    match = Match.objects.filter(direction=Direction.CHALLENGE_EXPERT, candidate_id=computed.li.pk).get()
    back = reverse("projects:challenge-detail", args=[computed.challenge.pk])
    client.force_login(computed.rd)
    response = client.post(reverse("matching:match-decide", args=[match.pk]), {"verdict": "accepted", "next": back})
    assert response.status_code == 302 and response.url == back
    match.refresh_from_db()
    assert match.status == "accepted" and match.decided_by == computed.rd
    client.post(reverse("matching:match-decide", args=[match.pk]), {"verdict": "dismissed", "reason": "已有团队"})
    match.refresh_from_db()
    assert match.status == "dismissed"
    assert "李明" not in page(client, computed.rd, back)


def test_refused_decisions_change_nothing(client, computed):
    match = Match.objects.filter(direction=Direction.CHALLENGE_EXPERT, candidate_id=computed.li.pk).get()
    url = reverse("matching:match-decide", args=[match.pk])
    client.force_login(computed.competitor)
    assert client.post(url, {"verdict": "accepted"}).status_code == 404
    client.force_login(computed.center_member)
    assert client.post(url, {"verdict": "accepted"}).status_code == 403
    client.force_login(computed.rd)
    response = client.post(url, {"verdict": "perhaps"}, follow=True)
    assert "Choose to accept or to dismiss" in response.content.decode() or "请选择" in response.content.decode()
    assert client.get(url).status_code == 405
    match.refresh_from_db()
    assert match.status == "new"


def test_push_from_a_match_and_the_message_when_repeated(client, computed):
    match = Match.objects.get(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_id=computed.pv_achievement.pk,
                              candidate_id=computed.pv_company.pk)
    client.force_login(computed.broker)
    url = reverse("matching:match-push", args=[match.pk])
    client.post(url, {"note": "请查看"})
    assert Push.objects.filter(source="matching", enterprise=computed.pv_company).count() == 1
    response = client.post(url, {"note": "再次"}, follow=True)
    assert "已推送" in response.content.decode() or "already pushed" in response.content.decode()
    assert Push.objects.count() == 1
    client.force_login(computed.rd)
    assert client.post(url).status_code == 404
