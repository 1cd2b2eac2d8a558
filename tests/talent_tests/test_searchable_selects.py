"""The searchable selects of 一共享 offer only what HR may pick, and the forms accept nothing else."""
from datetime import date

import pytest

from platform_core.autocomplete import search
from platform_core.models import Organisation, Role
from talent import services
from talent.models import SharedHire
from tests.factories import OrganisationFactory, member

from .test_pages import hire_form

pytestmark = pytest.mark.django_db


def texts(source, user, query=""):
    return [r["text"] for r in search(source, user=user, query=query)]


def test_hire_parties_are_whole_organisations_not_schools(cast):
    school = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, parent=cast.university,
                                 name_zh="长安理工大学材料学院")
    parties = texts("talent-hire-parties", cast.hr, query="长安理工")
    assert parties == [cast.university.name_zh] and school.name_zh not in parties


def test_hire_form_refuses_a_school_as_a_party(client, cast):
    school = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, parent=cast.university)
    client.force_login(cast.hr)
    response = client.post("/talent/shared-hires/new/", {**hire_form(cast), "shares-0-organisation": school.pk})
    assert response.status_code == 200 and not SharedHire.objects.exists()


def test_enterprise_mentors_are_those_of_the_users_university(cast):
    mentor = cast.mentor()
    other_university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY)
    other_hr = member(other_university, Role.TTO_STAFF)
    services.mentor_appoint(actor=other_hr, user=member(cast.storage, Role.MENTOR), organisation=cast.storage,
                            university=other_university, term_start=date(2024, 9, 1), term_end=date(2027, 8, 31))
    assert texts("talent-mentors", cast.hr) == [str(mentor)]
    assert texts("talent-mentors", cast.professor) == []
