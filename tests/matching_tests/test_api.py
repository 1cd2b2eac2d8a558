"""/api/matching/: visibility-filtered list, accept / dismiss / push, recompute for staff."""
import pytest

from matching.models import Direction, Match

pytestmark = pytest.mark.django_db

URL = "/api/matching/matches/"


@pytest.fixture
def computed(scene):
    scene.compute()
    return scene


def ids(response):
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_the_list_holds_only_what_the_user_may_see(api, computed):
    achievement_matches = set(Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_id__in=[
        computed.pv_achievement.pk, computed.chip_achievement.pk]).values_list("pk", flat=True))
    api.force_authenticate(computed.broker)
    assert ids(api.get(URL, {"direction": "achievement_enterprise"})) == achievement_matches
    api.force_authenticate(computed.competitor)
    assert ids(api.get(URL)) == set()
    api.force_authenticate(computed.li)
    mine = api.get(URL).json()["results"]
    assert {row["direction"] for row in mine} >= {"challenge_expert"}
    assert all(row["candidate"]["id"] == computed.li.pk for row in mine if row["direction"] == "challenge_expert")
    row = mine[0]
    assert {"score", "explanation", "source", "candidate", "status"} <= set(row)


def test_accept_dismiss_and_the_refusals(api, computed):
    match = Match.objects.get(direction=Direction.CHALLENGE_EXPERT, candidate_id=computed.li.pk)
    api.force_authenticate(computed.competitor)
    assert api.post(f"{URL}{match.pk}/accept/").status_code == 404
    api.force_authenticate(computed.li)  # sees the suggestion, may not decide on it
    assert api.post(f"{URL}{match.pk}/accept/").status_code == 403
    match.refresh_from_db()
    assert match.status == "new"
    api.force_authenticate(computed.rd)
    response = api.post(f"{URL}{match.pk}/accept/", {"reason": "团队匹配"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert api.post(f"{URL}{match.pk}/dismiss/", {"reason": "x" * 2001}, format="json").status_code == 400
    assert api.post(f"{URL}{match.pk}/dismiss/").json()["status"] == "dismissed"
    assert match.pk not in ids(api.get(URL))
    assert match.pk in ids(api.get(URL, {"status": "dismissed"}))


def test_push_through_the_api(api, computed):
    match = Match.objects.get(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_id=computed.pv_achievement.pk,
                              candidate_id=computed.pv_company.pk)
    api.force_authenticate(computed.broker)
    response = api.post(f"{URL}{match.pk}/push/", {"note": "推荐"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pushed"
    assert api.post(f"{URL}{match.pk}/push/").status_code == 400


def test_recompute_is_for_staff(api, computed, staff):
    api.force_authenticate(computed.rd)
    assert api.post(f"{URL}recompute/").status_code == 403
    api.force_authenticate(staff)
    Match.objects.all().delete()
    response = api.post(f"{URL}recompute/", {"direction": "challenge_expert", "source_id": computed.challenge.pk},
                        format="json")
    assert response.status_code == 202
    assert Match.objects.filter(direction=Direction.CHALLENGE_EXPERT).exists()  # eager in tests
    assert api.post(f"{URL}recompute/", {"direction": "challenge_expert"}, format="json").status_code == 400
    assert api.post(f"{URL}recompute/", {}, format="json").status_code == 202
    assert Match.objects.filter(direction=Direction.TALENT_ENTERPRISE).exists()


def test_the_schema_documents_the_endpoints(api, staff):
    api.force_authenticate(staff)
    schema = api.get("/api/schema/").content.decode()
    assert "/api/matching/matches/{id}/accept/" in schema and "/api/matching/matches/recompute/" in schema
