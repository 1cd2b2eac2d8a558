"""Pages: role pages render, forms refuse bad input with a message and change nothing."""
import pytest

from platform_core.models import SignoffRequest
from projects.models import Bid, Challenge, Milestone

from .factories import challenge_data

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {k: v for k, v in challenge_data(**overrides).items()}
    data["deadline"] = data["deadline"].isoformat() if hasattr(data["deadline"], "isoformat") else data["deadline"]
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_post_challenge_page(client, chain):
    client.force_login(chain.manager)
    response = client.post("/projects/challenges/new/", {**_form(), "poster": chain.center.enterprise.pk,
                                                         "center": chain.center.pk, "subsidy": 0})
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and challenge.status == "draft"
    assert challenge.partner == chain.center.university


@pytest.mark.parametrize("overrides", [{"current_trl": 12}, {"current_trl": 6, "target_trl": 2},
                                       {"budget_min": -10}, {"budget_min": 900, "budget_max": 100},
                                       {"deadline": "2020-01-01"}])
def test_post_challenge_page_refuses_bad_input(client, chain, overrides):
    client.force_login(chain.manager)
    response = client.post("/projects/challenges/new/", {**_form(**overrides), "poster": chain.center.enterprise.pk,
                                                         "subsidy": 0})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Challenge.objects.exists()


def test_publish_twice_page_shows_message(client, chain):
    chain.published()
    client.force_login(chain.manager)
    response = client.post(f"/projects/challenges/{chain.challenge.pk}/publish/", follow=True)
    assert any("不能从" in str(m) for m in response.context["messages"])
    assert chain._fresh().status == "published"


def test_second_bid_page_refused(client, chain):
    chain.bid()
    client.force_login(chain.pi)
    response = client.post(f"/projects/challenges/{chain.challenge.pk}/bid/", {
        "organisation": chain.center.university.pk, "team_name": "再次", "approach": "a", "plan": "p",
        "budget": "1000"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Bid.objects.count() == 1


def test_bid_on_closed_call_page_refused(client, chain):
    chain.opened()
    client.force_login(chain.manager)
    client.post(f"/projects/challenges/{chain.challenge.pk}/call/close/")
    client.force_login(chain.pi)
    response = client.post(f"/projects/challenges/{chain.challenge.pk}/bid/", {
        "organisation": chain.center.university.pk, "team_name": "t", "approach": "a", "plan": "p",
        "budget": "1000"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Bid.objects.exists()


def test_sign_twice_on_the_signoff_page(client, chain):
    chain.published()
    client.force_login(chain.manager)
    client.post(f"/projects/challenges/{chain.challenge.pk}/topic/", {
        "title": "t", "objectives": "o", "deliverables": "d", "submit": "1"})
    request = SignoffRequest.objects.get(kind="projects.topic_approval")
    client.post(f"/signoffs/{request.pk}/", {"verdict": "approve", "confirm": "on"})
    client.post(f"/signoffs/{request.pk}/", {"verdict": "approve", "confirm": "on"})
    request.refresh_from_db()
    assert request.signatures.count() == 1 and request.status == "pending"
    assert chain._fresh().status == "published"


def test_milestone_and_trl_forms_refuse_bad_input(client, chain):
    chain.in_progress()
    client.force_login(chain.pi)
    url = f"/projects/list/{chain.project.pk}/"
    response = client.post(f"{url}trl/", {"trl": 11, "evidence": "e"}, follow=True)
    assert list(response.context["messages"])
    response = client.post(f"{url}milestones/", {"title": "m", "deliverables": "d", "due_on": "2020-01-01",
                                                 "tranche": "0"}, follow=True)
    assert list(response.context["messages"])
    chain.project.refresh_from_db()
    assert chain.project.current_trl == 3 and Milestone.objects.count() == 1


def test_role_pages_render(client, chain):
    chain.in_progress()
    client.force_login(chain.manager)
    workbench = client.get("/projects/workbench/").content.decode()
    assert chain.challenge.title_zh in workbench
    client.force_login(chain.pi)
    assert chain.project.title in client.get("/projects/workbench/").content.decode()
    assert chain.milestone.title in client.get("/projects/workbench/").content.decode()
    client.force_login(chain.people["uni_director"])
    overview = client.get(f"/projects/centers/{chain.center.pk}/").content.decode()
    assert chain.project.title in overview
    listing = client.get("/projects/?status=in_progress&q=高镍").content.decode()
    assert chain.challenge.title_zh in listing
    assert chain.challenge.title_zh not in client.get("/projects/?status=solved").content.decode()
    assert chain.project.title in client.get("/projects/list/?q=包覆").content.decode()


def test_pages_read_chinese_by_default_and_english_after_the_switch(client, chain):
    chain.published()
    client.force_login(chain.manager)
    url = f"/projects/challenges/{chain.challenge.pk}/"
    assert "公开摘要" in client.get(url).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert "Public summary" in page and "Longer cycle life of high-nickel cathodes" in page
