from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platform_core.models import Role
from talent import services
from talent.models import DualMentorAssignment, EnterpriseMentor
from tests.factories import member

pytestmark = pytest.mark.django_db


def assign(cast, mentor, **overrides):
    data = {"actor": cast.hr, "student": cast.student, "degree": "doctor", "university": cast.university,
            "university_mentor": cast.professor, "enterprise_mentor": mentor, "placement_kind": "enterprise",
            "placement_label": "储能技术联合研发中心", "start_date": date(2025, 9, 1),
            "expected_graduation": date(2029, 6, 30)}
    data.update(overrides)
    return services.assignment_create(**data)


def test_appoint_an_enterprise_mentor(cast):
    mentor = cast.mentor()
    assert mentor.organisation == cast.energy and mentor.university == cast.university


def test_mentor_from_the_wrong_side_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        cast.mentor(organisation=cast.university)
    assert "企业导师必须来自企业" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        cast.mentor(user=cast.professor)  # a university researcher is not a member of the enterprise
    assert "不是 秦岭新能源 的成员" in str(exc.value)
    with pytest.raises(ValidationError):
        cast.mentor(term_end=date(2024, 1, 1))
    assert EnterpriseMentor.objects.count() == 0


def test_only_university_hr_appoints_mentors(cast):
    with pytest.raises(PermissionDenied):
        cast.mentor(actor=cast.energy_admin)
    assert EnterpriseMentor.objects.count() == 0


def test_dual_mentor_assignment_and_graduation(cast):
    assignment = assign(cast, cast.mentor())
    assert assignment.enterprise == cast.energy and assignment.status == DualMentorAssignment.Status.IN_TRAINING
    services.assignment_close(actor=cast.hr, assignment=assignment, status="graduated", on_date=date(2029, 6, 20))
    assignment.refresh_from_db()
    assert assignment.status == DualMentorAssignment.Status.GRADUATED and assignment.ended_on == date(2029, 6, 20)
    with pytest.raises(ValidationError):
        services.assignment_close(actor=cast.hr, assignment=assignment, status="withdrawn", on_date=date(2029, 7, 1))


def test_student_with_two_university_mentors_is_refused(cast):
    mentor = cast.mentor()
    assign(cast, mentor)
    second_professor = member(cast.university, Role.RESEARCHER, username="prof2")
    with pytest.raises(ValidationError) as exc:
        assign(cast, mentor, university_mentor=second_professor)
    assert "已有校内导师" in str(exc.value)
    assert DualMentorAssignment.objects.count() == 1


def test_university_mentor_from_the_wrong_side_is_refused(cast):
    mentor = cast.mentor()
    with pytest.raises(ValidationError) as exc:
        assign(cast, mentor, university_mentor=cast.energy_admin)
    assert "university_mentor" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        assign(cast, mentor, student=cast.professor)
    assert "student" in exc.value.message_dict
    assert DualMentorAssignment.objects.count() == 0


def test_dates_and_mentor_term_are_checked(cast):
    mentor = cast.mentor(term_start=date(2024, 9, 1), term_end=date(2025, 8, 31))
    with pytest.raises(ValidationError) as exc:
        assign(cast, mentor)
    assert "未覆盖培养开始日期" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        assign(cast, mentor, start_date=date(2025, 1, 1), expected_graduation=date(2024, 6, 30))
    assert "expected_graduation" in exc.value.message_dict
    assert DualMentorAssignment.objects.count() == 0


def test_only_university_hr_assigns(cast):
    mentor = cast.mentor()
    with pytest.raises(PermissionDenied):
        assign(cast, mentor, actor=cast.professor)
    assert DualMentorAssignment.objects.count() == 0


# Placement by reference (issue 14 §6): a center of the university, a project it performs, or a unit of the enterprise


def test_a_student_is_placed_in_a_center_by_reference_and_the_center_page_lists_him(cast, client):
    from tests.consortia_tests.factories import JointCenterFactory

    center = JointCenterFactory(enterprise=cast.energy, university=cast.university, name_zh="储能联合研发中心")
    other = JointCenterFactory(enterprise=cast.energy, name_zh="别校联合中心")
    mentor = cast.mentor()
    for bad, field in (({"center": None}, "center"), ({"center": other}, "center"), ({"placement_kind": "project"},
                       "project"), ({"placement_kind": "lab"}, "placement_kind"),
                       ({"placement_kind": "enterprise", "placement_label": " "}, "placement_label")):
        with pytest.raises(ValidationError) as refused:
            assign(cast, mentor, **({"placement_kind": "center", "placement_label": ""} | bad))
        assert field in refused.value.message_dict, bad
    assert not DualMentorAssignment.objects.exists()
    assignment = assign(cast, mentor, placement_kind="center", center=center, placement_label="随手写的名字")
    assert (assignment.center, assignment.project, assignment.placement_label) == (center, None, "储能联合研发中心")

    client.force_login(cast.hr)
    page = client.get(f"/consortia/centers/{center.pk}/").content.decode()
    assert 'data-testid="center-students"' in page and str(cast.student) in page
    assert f'href="/consortia/centers/{center.pk}/"' in client.get(f"/talent/assignments/{assignment.pk}/").content.decode()
    outsider = member(cast.energy, Role.RESEARCHER, username="energy_researcher")  # neither HR nor a manager
    client.force_login(outsider)
    response = client.get(f"/consortia/centers/{center.pk}/")
    assert response.status_code in (200, 404) and str(cast.student) not in response.content.decode()
