"""The whole chain through the REST API, and its refusals (400/403/404, nothing changed)."""
import pytest

from platform_core.models import SignoffRequest
from projects.models import Bid, Challenge, Project

from .factories import challenge_data

pytestmark = pytest.mark.django_db


def _sign(api, request_id, *users):
    for user in users:
        api.force_authenticate(user)
        response = api.post(f"/api/signoffs/{request_id}/sign/", {"confirm": True}, format="json")
        assert response.status_code == 200, response.content


def _data(**overrides):
    data = challenge_data(**overrides)
    data["deadline"] = str(data["deadline"])
    return data


def test_full_chain_through_the_api(api, chain):
    c, p = chain.center, chain.people
    api.force_authenticate(chain.manager)
    response = api.post("/api/projects/challenges/", {**_data(), "poster": c.enterprise.pk, "center": c.pk},
                        format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["partner"] == c.university_id
    assert api.post(f"/api/projects/challenges/{pk}/publish/").json()["status"] == "published"
    assert api.post(f"/api/projects/challenges/{pk}/topic/", {"title": "课题", "objectives": "o",
                                                              "deliverables": "d"}, format="json").status_code == 200
    signoff = api.post(f"/api/projects/challenges/{pk}/submit-topic/").json()["signoff"]
    _sign(api, signoff, p["ent_chief"], p["uni_director"])
    api.force_authenticate(chain.manager)
    opened = api.post(f"/api/projects/challenges/{pk}/open-call/", {
        "closes_on": str(chain_future()), "criteria": [{"name": "技术", "weight": 100}],
        "panel": [p["ent_chief"].pk, p["uni_chief"].pk]}, format="json")
    assert opened.status_code == 201, opened.content

    api.force_authenticate(chain.pi)
    bid = api.post(f"/api/projects/challenges/{pk}/bid/", {
        "organisation": c.university.pk, "team_name": "李明团队", "approach": "ALD 包覆", "plan": "三阶段",
        "budget": "1500000.00", "members": []}, format="json")
    assert bid.status_code == 201, bid.content
    bid_id = bid.json()["id"]
    again = api.post(f"/api/projects/challenges/{pk}/bid/", {
        "organisation": c.university.pk, "team_name": "x", "approach": "x", "plan": "x", "budget": "1"},
        format="json")
    assert again.status_code == 400 and Bid.objects.count() == 1

    api.force_authenticate(p["uni_chief"])
    assert api.post(f"/api/projects/bids/{bid_id}/score/", {"scores": {"技术": 88}}, format="json").status_code == 200
    api.force_authenticate(chain.manager)
    award = api.post(f"/api/projects/bids/{bid_id}/propose-award/").json()["signoff"]
    _sign(api, award, p["ent_director"], p["uni_chief"])
    project_id = Challenge.objects.get(pk=pk).project.pk

    api.force_authenticate(chain.pi)
    milestone = api.post(f"/api/projects/projects/{project_id}/milestones/", {
        "title": "小试", "deliverables": "样品", "due_on": str(chain_future()), "tranche": "500000.00"},
        format="json")
    assert milestone.status_code == 201, milestone.content
    assert api.post(f"/api/projects/projects/{project_id}/start/").json()["status"] == "in_progress"
    acceptance = api.post(f"/api/projects/milestones/{milestone.json()['id']}/submit/", {"report": "已交付"},
                          format="json").json()["signoff"]
    _sign(api, acceptance, p["ent_chief"], p["uni_director"])
    api.force_authenticate(chain.pi)
    assert api.post(f"/api/projects/projects/{project_id}/trl/", {"trl": 5, "evidence": "中试报告"},
                    format="json").status_code == 201
    assert api.post(f"/api/projects/projects/{project_id}/submit-result/", {"result_abstract": "达标"},
                    format="json").json()["status"] == "under_evaluation"
    for evaluator in (p["ent_director"], p["uni_director"]):
        api.force_authenticate(evaluator)
        assert api.post(f"/api/projects/projects/{project_id}/evaluate/", {
            "technical_score": 90, "application_score": 85, "management_score": 88}, format="json").status_code == 201
    final = SignoffRequest.objects.get(kind="projects.final_evaluation")
    _sign(api, final.pk, p["ent_chief"], p["uni_chief"])
    api.force_authenticate(chain.pi)
    assert api.get(f"/api/projects/challenges/{pk}/").json()["status"] == "solved"
    result = api.get(f"/api/projects/projects/{project_id}/transfer-result/").json()
    assert result["trl"] == 5 and result["inventors"] == [chain.pi.pk]


def chain_future():
    from .factories import future

    return future(30)


@pytest.mark.parametrize("overrides", [{"current_trl": 10}, {"current_trl": 6, "target_trl": 4},
                                       {"budget_min": "-1"}, {"budget_min": "900", "budget_max": "100"},
                                       {"deadline": "2020-01-01"}])
def test_api_refuses_bad_challenges(api, chain, overrides):
    api.force_authenticate(chain.manager)
    response = api.post("/api/projects/challenges/", {**_data(), "poster": chain.center.enterprise.pk, **overrides},
                        format="json")
    assert response.status_code == 400, response.content
    assert not Challenge.objects.exists()


def test_api_permissions_and_illegal_transitions(api, chain, researcher):
    chain.published()
    pk = chain.challenge.pk
    api.force_authenticate(researcher)
    assert api.patch(f"/api/projects/challenges/{pk}/", {"title_zh": "改"}, format="json").status_code == 403
    assert api.post(f"/api/projects/challenges/{pk}/publish/").status_code == 403
    api.force_authenticate(chain.manager)
    response = api.post(f"/api/projects/challenges/{pk}/publish/")
    assert response.status_code == 400 and "不能从" in str(response.json())
    assert api.post(f"/api/projects/challenges/{pk}/open-call/", {
        "closes_on": str(chain_future()), "criteria": [{"name": "a", "weight": 100}],
        "panel": [chain.people["ent_chief"].pk, chain.people["uni_chief"].pk]}, format="json").status_code == 400
    chain.challenge.refresh_from_db()
    assert chain.challenge.status == "published" and chain.challenge.title_zh != "改"


def test_api_refuses_signing_for_the_other_side(api, chain):
    chain.published()
    api.force_authenticate(chain.manager)
    api.post(f"/api/projects/challenges/{chain.challenge.pk}/topic/", {"title": "t", "objectives": "o",
                                                                       "deliverables": "d"}, format="json")
    signoff = api.post(f"/api/projects/challenges/{chain.challenge.pk}/submit-topic/").json()["signoff"]
    university_party = SignoffRequest.objects.get(pk=signoff).parties.get(organisation=chain.center.university)
    response = api.post(f"/api/signoffs/{signoff}/sign/", {"party": university_party.pk, "confirm": True}, format="json")
    assert response.status_code == 403
    assert not SignoffRequest.objects.get(pk=signoff).signatures.exists()
    assert not Project.objects.exists()
