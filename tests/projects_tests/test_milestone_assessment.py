"""阶段考核: each side's score and verdict on a submitted milestone, once per side and submission; refusals
write nothing; the project page shows them and offers the form only to a side that has not assessed."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.models import Milestone, MilestoneAssessment
from platform_core.models import SignoffRequest
from platform_core.signoff import signoff_reject

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(chain):
    chain.in_progress()
    request = services.milestone_submit(actor=chain.pi, milestone=chain.milestone, report="样品 20 片，报告见附件")
    chain.milestone.refresh_from_db()
    chain.request = request
    return chain


def assess(chain, who, **overrides):
    data = {"score": 86, "verdict": "pass", "comment": ""} | overrides
    return services.milestone_assess(actor=chain.people[who], milestone=chain.milestone, **data)


def test_each_side_assesses_once(submitted):
    enterprise = assess(submitted, "ent_director", score=82)
    university = assess(submitted, "uni_director", score=90, verdict="revise", comment="补充高温数据")
    assert {(a.organisation_id, a.score, a.verdict) for a in MilestoneAssessment.objects.all()} == {
        (submitted.center.enterprise_id, 82, "pass"), (submitted.center.university_id, 90, "revise")}
    assert enterprise.submitted_at == university.submitted_at == submitted.milestone.submitted_at
    with pytest.raises(ValidationError, match="已考核"):
        assess(submitted, "ent_chief")  # the same side, another signatory
    assert MilestoneAssessment.objects.count() == 2


@pytest.mark.parametrize("overrides,field", [
    ({"score": 101}, "score"), ({"score": -1}, "score"), ({"score": "很好"}, "score"),
    ({"verdict": "great"}, "verdict"), ({"verdict": "fail", "comment": "  "}, "comment"),
])
def test_bad_assessments_are_refused_with_the_field_named(submitted, overrides, field):
    with pytest.raises(ValidationError) as refused:
        assess(submitted, "ent_director", **overrides)
    assert field in refused.value.message_dict
    assert not MilestoneAssessment.objects.exists()


def test_only_a_sides_signatory_assesses_a_submitted_milestone(submitted):
    with pytest.raises(PermissionDenied):
        services.milestone_assess(actor=submitted.pi, milestone=submitted.milestone, score=99, verdict="pass")
    planned = services.milestone_add(actor=submitted.pi, project=submitted.project, title="中试",
                                     deliverables="中试线", due_on=submitted.milestone.due_on, tranche=0)
    with pytest.raises(ValidationError, match="提交验收"):
        services.milestone_assess(actor=submitted.people["ent_director"], milestone=planned, score=80,
                                  verdict="pass")
    assert not MilestoneAssessment.objects.exists()


def test_a_milestone_sent_back_and_submitted_again_is_assessed_again(submitted):
    first = assess(submitted, "ent_director", verdict="fail", comment="数据不全")
    party = submitted.request.parties.get(organisation=submitted.center.enterprise)
    signoff_reject(actor=submitted.people["ent_director"], request_id=submitted.request.pk, party_id=party.pk,
                   reason="数据不全")
    submitted.milestone.refresh_from_db()
    assert submitted.milestone.status == Milestone.Status.PLANNED
    services.milestone_submit(actor=submitted.pi, milestone=submitted.milestone, report="补充了高温循环数据")
    submitted.milestone.refresh_from_db()
    second = assess(submitted, "ent_director", score=91)
    assert first.submitted_at != second.submitted_at
    assert MilestoneAssessment.objects.filter(milestone=submitted.milestone).count() == 2
    assert SignoffRequest.objects.filter(kind="projects.milestone_acceptance").count() == 2


def test_the_project_page_shows_this_rounds_assessments_and_the_form_to_a_side_that_has_not(submitted, client):
    url = f"/projects/list/{submitted.project.pk}/"
    client.force_login(submitted.people["uni_director"])
    response = client.post(f"/projects/milestones/{submitted.milestone.pk}/assess/",
                           {"score": "88", "verdict": "pass", "comment": ""})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert page.count('data-testid="milestone-assessment"') == 1 and 'data-testid="assess-milestone"' not in page
    client.force_login(submitted.people["ent_director"])
    page = client.get(url).content.decode()
    assert 'data-testid="assess-milestone"' in page and "88" in page
    response = client.post(f"/projects/milestones/{submitted.milestone.pk}/assess/",
                           {"score": "150", "verdict": "pass"}, follow=True)
    assert MilestoneAssessment.objects.count() == 1 and "100" in response.content.decode()
    client.force_login(submitted.pi)
    assert 'data-testid="assess-milestone"' not in client.get(url).content.decode()


# The performance record on the talent profile (seed 003: evaluation and rewards)


def test_the_performance_record_counts_projects_uplift_and_assessments_for_its_readers_only(submitted, client, api):
    from projects.models import Project
    from tests.factories import member
    from tests.talent_tests.factories import TalentProfileFactory
    from platform_core.models import Role

    assess(submitted, "ent_director", score=80)
    assess(submitted, "uni_director", score=90)
    Project.objects.filter(pk=submitted.project.pk).update(status=Project.Status.SOLVED, current_trl=6)
    profile = TalentProfileFactory(user=submitted.pi, organisation=submitted.center.university, name_zh="李明")
    url = f"/talent/profiles/{profile.pk}/"
    rival = member(submitted.center.university, Role.RESEARCHER, username="rival")
    for reader, sees in ((submitted.pi, True), (submitted.people["uni_director"], True),
                         (submitted.people["ent_director"], False), (rival, False)):
        client.force_login(reader)
        page = client.get(url)
        assert page.status_code == 200
        assert ('data-testid="performance"' in page.content.decode()) is sees, reader
        api.force_authenticate(reader)
        answer = api.get(f"/api/talent/profiles/{profile.pk}/performance/")
        assert answer.status_code == (200 if sees else 403), reader
    api.force_authenticate(submitted.pi)
    record = api.get(f"/api/talent/profiles/{profile.pk}/performance/").json()
    assert record["projects"]["solved"] == 1 and record["projects"]["led"] == 1
    assert record["projects"]["trl_uplift"] == 6 - submitted.project.start_trl
    assert record["projects"]["assessment_mean"] == 85.0
    assert record["projects"]["projects"][0]["assessment_mean"] == 85.0
    assert record["transfer"] == {"achievements": 0, "converted": 0, "received": "0.00", "cash_rewards": "0.00",
                                  "equity_rewards": "0.00"}
