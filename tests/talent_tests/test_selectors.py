from datetime import date
from decimal import Decimal

import pytest

from platform_core.signoff import signoff_sign, signoffs_for
from talent import selectors, services
from talent.services import ShareSpec

from .test_mentors_and_students import assign

pytestmark = pytest.mark.django_db


def sign_all(cast, hire):
    services.shared_hire_submit(actor=cast.hr, hire=hire)
    request = signoffs_for(hire).get(status="pending")
    for user in (cast.hr, cast.energy_admin, cast.storage_admin, cast.officer):
        if request.parties.filter(signatories=user).exists():
            signoff_sign(actor=user, request_id=request.pk)


def test_dashboard_counts_by_period_and_organisation(cast):
    sign_all(cast, cast.hire())
    cast.hire(talent=cast.talent.__class__.objects.create(name_zh="草稿人才", organisation=cast.university),
              shares=[ShareSpec(cast.energy, Decimal("100"))])  # a draft does not count
    mentor = cast.mentor()
    assignment = assign(cast, mentor)
    services.assignment_close(actor=cast.hr, assignment=assignment, status="graduated", on_date=date(2029, 6, 20))

    counts = selectors.talent_counts()
    assert counts == {"shared_talent_in_effect": 1, "enterprise_mentors_appointed": 1, "students_trained": 1,
                      "students_in_training": 1}
    assert selectors.talent_counts(start=date(2030, 1, 1), end=date(2030, 12, 31)) == {
        "shared_talent_in_effect": 0, "enterprise_mentors_appointed": 0, "students_trained": 0,
        "students_in_training": 0}
    assert selectors.shared_talent_in_effect_count(organisation=cast.storage) == 1
    assert selectors.enterprise_mentors_appointed_count(organisation=cast.storage) == 0
    assert selectors.students_trained_count(organisation=cast.energy, start=date(2029, 1, 1),
                                            end=date(2029, 12, 31)) == 1
    assert selectors.students_trained_count(start=date(2028, 1, 1), end=date(2028, 12, 31)) == 0
    by_org = {row["organisation_id"]: row for row in selectors.talent_counts_by_organisation()}
    assert by_org[cast.energy.pk] == {"organisation_id": cast.energy.pk, "shared_talent": 1, "mentors": 1,
                                      "students": 1}


def test_visibility_of_hires_and_assignments(cast):
    hire = cast.hire()
    assert list(selectors.shared_hires_visible_to(cast.storage_admin)) == [hire]
    assert list(selectors.shared_hires_visible_to(cast.outsider)) == []
    assignment = assign(cast, cast.mentor())
    for user in (cast.student, cast.professor, cast.engineer, cast.hr, cast.energy_admin):
        assert list(selectors.assignments_visible_to(user)) == [assignment]
    assert list(selectors.assignments_visible_to(cast.storage_admin)) == []
    assert list(selectors.my_assignments(cast.hr)) == []


def test_talent_pool_search(cast):
    services.talent_evidence_add(actor=cast.hr, profile=cast.talent, kind="patent", title="复合固态电解质膜",
                                 year=2023, summary="室温离子电导率高")
    assert list(selectors.talent_pool_search(cast.outsider, query="电解质膜")) == [cast.talent]
    assert list(selectors.talent_pool_search(cast.outsider, query="锂金属")) == [cast.talent]
    assert list(selectors.talent_pool_search(cast.outsider, query="光刻")) == []
    assert "复合固态电解质膜" in cast.talent.profile_text
