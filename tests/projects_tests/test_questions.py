"""Questions and clarifications (答疑) on an open call: private questions, private or public answers, a deadline."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from platform_core.models import AuditEvent, Notification, Role
from projects import services
from projects.models import Call, CallQuestion
from tests.factories import member
from tests.querycount import assert_flat_queries

from .factories import CRITERIA, future

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_call(chain):
    chain.opened()
    chain.rival = member(chain.center.university, Role.RESEARCHER, username="rival_pi")
    return chain


def test_private_question_private_answer(client, api, open_call):
    chain = open_call
    question = services.question_ask(actor=chain.pi, call=chain.call, text="XQ001 样品由哪方提供？")
    assert Notification.objects.filter(recipient=chain.manager, event="projects.question_asked").exists()
    client.force_login(chain.rival)
    assert "XQ001" not in client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    api.force_authenticate(chain.rival)
    assert api.get("/api/projects/questions/").json()["results"] == []

    client.force_login(chain.manager)
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert "XQ001" in page and str(chain.pi) in page  # the posting side sees who asked
    client.post(f"/projects/questions/{question.pk}/answer/", {"answer": "由企业提供 5 kg。"})
    question.refresh_from_db()
    assert question.answered_by == chain.manager and not question.is_public
    assert Notification.objects.filter(recipient=chain.pi, event="projects.question_answered").exists()
    client.force_login(chain.rival)
    assert "5 kg" not in client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    client.force_login(chain.pi)
    assert "5 kg" in client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()


def test_public_answer_is_anonymised_and_bidders_are_notified(client, api, open_call):
    chain = open_call
    services.bid_submit(actor=chain.rival, call=chain.call, organisation=chain.center.university, team_name="王强团队",
                        approach="a", plan="p", budget=100000)
    api.force_authenticate(chain.pi)
    response = api.post("/api/projects/questions/", {"call": chain.call.pk, "text": "李明课题组的设备能否使用？"},
                        format="json")
    assert response.status_code == 201, response.content
    question = CallQuestion.objects.get()
    api.force_authenticate(chain.manager)
    response = api.post(f"/api/projects/questions/{question.pk}/answer/",
                        {"answer": "可以使用中心设备。", "public": True, "public_text": "投标团队能否使用中心设备？"},
                        format="json")
    assert response.status_code == 200 and response.json()["asked_by"]["id"] == chain.pi.pk
    assert Notification.objects.filter(recipient=chain.rival, event="projects.clarification_published").exists()
    assert Notification.objects.filter(recipient=chain.pi, event="projects.clarification_published").exists()

    api.force_authenticate(chain.rival)
    [seen] = api.get(f"/api/projects/questions/?call={chain.call.pk}").json()["results"]
    assert seen["text"] == "投标团队能否使用中心设备？" and seen["answer"] == "可以使用中心设备。"
    assert "asked_by" not in seen and "public_text" not in seen
    client.force_login(chain.rival)
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert "投标团队能否使用中心设备" in page and "李明课题组" not in page and str(chain.pi) not in page


def test_questions_after_the_deadline_are_refused(api, open_call):
    chain = open_call
    Call.objects.filter(pk=chain.call.pk).update(questions_close_on=timezone.localdate() - timedelta(days=1))
    chain.call.refresh_from_db()
    with pytest.raises(ValidationError, match="截止"):
        services.question_ask(actor=chain.pi, call=chain.call, text="还能提问吗？")
    api.force_authenticate(chain.pi)
    response = api.post("/api/projects/questions/", {"call": chain.call.pk, "text": "还能提问吗？"}, format="json")
    assert response.status_code == 400 and "截止" in response.content.decode()
    assert not CallQuestion.objects.exists() and not AuditEvent.objects.filter(action="question.ask").exists()


@pytest.mark.parametrize("who, text, error", [
    ("manager", "我方自己提问", PermissionDenied),  # the posting side does not ask its own call
    ("pi", "   ", ValidationError),
    ("pi", "问" * 4001, ValidationError),
])
def test_bad_questions_are_refused(open_call, who, text, error):
    chain = open_call
    with pytest.raises(error):
        services.question_ask(actor=getattr(chain, who), call=chain.call, text=text)
    assert not CallQuestion.objects.exists()


def test_only_the_posting_side_answers_and_only_once(open_call):
    chain = open_call
    question = services.question_ask(actor=chain.pi, call=chain.call, text="经费可否分期？")
    with pytest.raises(PermissionDenied):
        services.question_answer(actor=chain.rival, question=question, answer="可以", public=True)
    with pytest.raises(ValidationError):
        services.question_answer(actor=chain.manager, question=question, answer=" ", public=True)
    question.refresh_from_db()
    assert question.answered_at is None and question.answer == ""
    services.question_answer(actor=chain.manager, question=question, answer="可以分两期。", public=False)
    with pytest.raises(ValidationError):
        services.question_answer(actor=chain.manager, question=question, answer="改为三期。", public=True)
    question.refresh_from_db()
    assert question.answer == "可以分两期。" and not question.is_public


def test_question_deadline_must_fall_before_bids_close(chain):
    chain.refined()
    with pytest.raises(ValidationError) as exc:
        services.call_open(actor=chain.manager, challenge=chain._fresh(), closes_on=future(10),
                           questions_close_on=future(11), criteria=CRITERIA,
                           panel=[chain.people["ent_chief"], chain.people["uni_chief"]])
    assert "questions_close_on" in exc.value.message_dict and not Call.objects.exists()


def test_question_lists_are_flat(client, api, open_call):
    chain = open_call

    def grow(n):
        for i in range(n):
            question = CallQuestion.objects.create(call=chain.call, asked_by=chain.rival, text=f"问题{i}")
            services.question_answer(actor=chain.manager, question=question, answer="答复", public=True)

    api.force_authenticate(chain.pi)
    assert_flat_queries(grow=grow, fetch=lambda: api.get("/api/projects/questions/"))
    client.force_login(chain.pi)
    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/projects/challenges/{chain.challenge.pk}/"))
