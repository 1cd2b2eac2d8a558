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
            "university_mentor": cast.professor, "enterprise_mentor": mentor, "placement_kind": "center",
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
