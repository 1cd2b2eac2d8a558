"""项目成果入库: a solved project's result enters the achievement pool once, handed over by the university side."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from platform_core.models import AuditEvent, Organisation, Role
from projects.models import Bid, BidMember, Call, Challenge, Project
from tests.factories import OrganisationFactory, member
from transfer import selectors, services
from transfer.models import Achievement

pytestmark = pytest.mark.django_db


def solved_project(world, *, status=Project.Status.SOLVED, node="default", title="极片涂布缺陷在线检测"):
    """A finished challenge → bid → project of the enterprise with the school's team (built directly: the chain
    itself is tested in the projects app)."""
    challenge = Challenge.objects.create(
        poster=world.enterprise, posted_by=world.rd, title_zh=title, summary_zh="基于机器视觉的在线检测。",
        confidential_detail="产线相机布局", industry_node=world.node if node == "default" else node,
        status="solved" if status == Project.Status.SOLVED else "in_progress", deadline=datetime.date(2025, 1, 1))
    call = Call.objects.create(challenge=challenge, closes_on=datetime.date(2024, 6, 1), status=Call.Status.AWARDED)
    bid = Bid.objects.create(call=call, organisation=world.school, lead=world.inventor, team_name="视觉检测团队",
                             approach="深度学习", plan="两阶段", budget=Decimal("800000"), status=Bid.Status.AWARDED)
    BidMember.objects.create(bid=bid, user=world.student, role=BidMember.Role.STUDENT)
    return Project.objects.create(
        challenge=challenge, bid=bid, title=title, sponsor=world.enterprise, performer=world.school,
        lead=world.inventor, budget=Decimal("800000"), start_trl=4, current_trl=7, target_trl=7, status=status,
        result_abstract="漏检率 0.06%，已在两条产线部署。", finished_on=datetime.date(2025, 3, 1))


@pytest.fixture
def w(world):
    world.student = member(world.school, Role.STUDENT, username="student")
    return world


def test_tto_hands_a_solved_project_to_the_pool(w):
    project = solved_project(w)
    achievement, created = services.achievement_create_from_project(actor=w.tto, project=project)
    assert created
    achievement.refresh_from_db()
    assert achievement.status == Achievement.Status.STOCK and achievement.source == Achievement.Source.PROJECT
    assert achievement.source_project == project and achievement.title == project.title
    assert (achievement.owner, achievement.school) == (w.university, w.school)
    assert list(achievement.co_owners.all()) == [w.enterprise]
    assert set(achievement.inventors.all()) == {w.inventor, w.student}
    assert achievement.industry_node == w.node and achievement.trl == 7
    assert achievement.abstract == project.result_abstract
    assert AuditEvent.objects.filter(action="project.result_to_pool", target_id=str(project.pk)).exists()


def test_handing_over_twice_keeps_one_achievement(w):
    project = solved_project(w)
    first, _ = services.achievement_create_from_project(actor=w.tto, project=project)
    again, created = services.achievement_create_from_project(actor=w.broker, project=project)
    assert not created and again == first
    assert Achievement.objects.filter(source_project=project).count() == 1


def test_the_database_refuses_a_second_achievement_for_one_project(w):
    project = solved_project(w)
    services.achievement_create_from_project(actor=w.tto, project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(title="另一个", owner=w.university, industry_node=w.node, trl=5, abstract="x",
                                   source_project=project)


def test_a_school_broker_may_hand_over(w):
    achievement, created = services.achievement_create_from_project(actor=w.broker, project=solved_project(w))
    assert created and achievement.school == w.school


@pytest.mark.parametrize("who", ["rd", "inventor", "other_tto"])
def test_only_the_university_sides_transfer_staff_hand_over(w, who):
    other = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="华东工业大学")
    actors = {"rd": w.rd, "inventor": w.inventor, "other_tto": member(other, Role.TTO_STAFF, username="other_tto")}
    project = solved_project(w)
    with pytest.raises(PermissionDenied):
        services.achievement_create_from_project(actor=actors[who], project=project)
    assert not Achievement.objects.exists()


def test_an_unsolved_project_is_refused(w):
    project = solved_project(w, status=Project.Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="只有已解决的项目"):
        services.achievement_create_from_project(actor=w.tto, project=project)
    assert not Achievement.objects.exists()


def test_a_challenge_off_the_chain_needs_a_node(w):
    project = solved_project(w, node=None)
    with pytest.raises(ValidationError) as error:
        services.achievement_create_from_project(actor=w.tto, project=project)
    assert "industry_node" in error.value.message_dict and not Achievement.objects.exists()
    achievement, _ = services.achievement_create_from_project(actor=w.tto, project=project, industry_node=w.node)
    assert achievement.industry_node == w.node


def test_awaiting_list_is_the_university_sides_and_empties_after_hand_over(w):
    project = solved_project(w)
    solved_project(w, status=Project.Status.IN_PROGRESS, title="未完成的项目")
    assert list(selectors.projects_awaiting_hand_over(w.tto)) == [project]
    assert list(selectors.projects_awaiting_hand_over(w.rd)) == []
    services.achievement_create_from_project(actor=w.tto, project=project)
    assert list(selectors.projects_awaiting_hand_over(w.tto)) == []


# ---------------------------------------------------------------- pages


def test_workbench_lists_projects_and_adds_to_pool(client, w):
    project = solved_project(w)
    client.force_login(w.tto)
    html = client.get("/transfer/workbench/").content.decode()
    assert project.title in html and f"/transfer/workbench/projects/{project.pk}/hand-over/" in html
    response = client.post(f"/transfer/workbench/projects/{project.pk}/hand-over/")
    achievement = Achievement.objects.get(source_project=project)
    assert response.status_code == 302 and response.url == f"/transfer/achievements/{achievement.pk}/"
    client.post(f"/transfer/workbench/projects/{project.pk}/hand-over/")
    assert Achievement.objects.count() == 1
    assert f"/transfer/workbench/projects/{project.pk}/hand-over/" not in client.get("/transfer/workbench/").content.decode()


def test_workbench_asks_for_a_node_when_the_challenge_has_none(client, w):
    project = solved_project(w, node=None)
    client.force_login(w.tto)
    assert 'name="industry_node"' in client.get("/transfer/workbench/").content.decode()
    response = client.post(f"/transfer/workbench/projects/{project.pk}/hand-over/", follow=True)
    assert not Achievement.objects.exists() and "产业链" in response.content.decode()
    client.post(f"/transfer/workbench/projects/{project.pk}/hand-over/", {"industry_node": w.node.pk})
    assert Achievement.objects.get().industry_node == w.node


def test_page_hand_over_refusals(client, w):
    project = solved_project(w)
    client.force_login(w.outsider)  # cannot see the project
    assert client.post(f"/transfer/workbench/projects/{project.pk}/hand-over/").status_code == 404
    client.force_login(w.rd)  # sees it as the sponsor, may not hand it over
    assert client.post(f"/transfer/workbench/projects/{project.pk}/hand-over/").status_code == 403
    assert client.get(f"/transfer/workbench/projects/{project.pk}/hand-over/").status_code == 405
    assert not Achievement.objects.exists()


# ---------------------------------------------------------------- API


def test_api_hand_over(api, w):
    project = solved_project(w)
    api.force_authenticate(w.tto)
    awaiting = api.get("/api/transfer/achievements/awaiting-hand-over/").json()  # paginated like every list
    assert [p["id"] for p in awaiting["results"]] == [project.pk] and awaiting["count"] == 1
    assert api.get("/api/transfer/workbench/").json()["projects_awaiting_hand_over"] == 1
    response = api.post("/api/transfer/achievements/from-project/", {"project": project.pk}, format="json")
    assert response.status_code == 201 and response.json()["source"] == "project"
    again = api.post("/api/transfer/achievements/from-project/", {"project": project.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert api.get("/api/transfer/achievements/awaiting-hand-over/").json()["results"] == []


def test_api_hand_over_refusals(api, w):
    project = solved_project(w)
    off_chain = solved_project(w, node=None, title="未标注节点的项目")
    api.force_authenticate(w.outsider)
    assert api.post("/api/transfer/achievements/from-project/", {"project": project.pk}, format="json").status_code == 404
    api.force_authenticate(w.rd)
    assert api.post("/api/transfer/achievements/from-project/", {"project": project.pk}, format="json").status_code == 403
    api.force_authenticate(w.tto)
    response = api.post("/api/transfer/achievements/from-project/", {"project": off_chain.pk}, format="json")
    assert response.status_code == 400 and "industry_node" in response.json()
    assert not Achievement.objects.exists()
