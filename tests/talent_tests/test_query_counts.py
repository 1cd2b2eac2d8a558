"""Every list of 一共享 costs the same number of queries however many rows it has (pages and API).

5 rows against 45: a page shows 20, so a query per row shows as 5 against 20, and rows beyond the
first page show whether the list is paginated at all.
"""
from datetime import date
from decimal import Decimal

import pytest

from platform_core.models import Organisation, Role
from talent.models import DualMentorAssignment, EnterpriseMentor, HireShare, SharedHire, TalentEvidence
from tests.factories import OrganisationFactory, TechFieldFactory, UserFactory, member
from tests.querycount import assert_flat_queries

from .factories import TalentProfileFactory

pytestmark = pytest.mark.django_db
FEW, MANY = 5, 45


class Growth:
    """Rows the university's HR sees, each with the related rows a list shows (parties, fields, mentors)."""

    def __init__(self, cast):
        self.cast = cast
        self.field = TechFieldFactory()

    def profiles(self, n):
        for _ in range(n):
            profile = TalentProfileFactory(organisation=self.cast.university)
            profile.fields.add(self.field)
            TalentEvidence.objects.create(profile=profile, kind="publication", title="固态电解质")

    def hires(self, n):
        for _ in range(n):
            enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
            hire = SharedHire.objects.create(
                talent=TalentProfileFactory(organisation=self.cast.university), university=self.cast.university,
                position="首席科学家", annual_cost=Decimal("1200000.00"), start_date=date(2025, 7, 1),
                end_date=date(2028, 6, 30), status=SharedHire.Status.IN_EFFECT)
            HireShare.objects.bulk_create([
                HireShare(hire=hire, organisation=enterprise, role="enterprise", salary_percent=Decimal("45"),
                          time_percent=Decimal("40")),
                HireShare(hire=hire, organisation=self.cast.storage, role="enterprise", salary_percent=Decimal("25")),
                HireShare(hire=hire, organisation=self.cast.government, role="government",
                          salary_percent=Decimal("30")),
            ])

    def mentors(self, n):
        for _ in range(n):
            enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
            mentor = EnterpriseMentor.objects.create(
                user=member(enterprise, Role.MENTOR), organisation=enterprise, university=self.cast.university,
                term_start=date(2024, 9, 1), term_end=date(2028, 8, 31))
            mentor.fields.add(self.field)

    def assignments(self, n):
        for _ in range(n):
            enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
            mentor = EnterpriseMentor.objects.create(
                user=member(enterprise, Role.MENTOR), organisation=enterprise, university=self.cast.university,
                term_start=date(2024, 9, 1), term_end=date(2028, 8, 31))
            DualMentorAssignment.objects.create(
                student=member(self.cast.university, Role.STUDENT), degree="master", university=self.cast.university,
                university_mentor=UserFactory(), enterprise_mentor=mentor, enterprise=enterprise,
                placement_kind="enterprise", placement_label="联合实验室", start_date=date(2025, 9, 1),
                expected_graduation=date(2028, 6, 30))

    def evidence(self, n):
        TalentEvidence.objects.bulk_create(
            [TalentEvidence(profile=self.cast.talent, kind="patent", title=f"专利{i}") for i in range(n)])


@pytest.fixture
def grow(cast):
    return Growth(cast)


PAGES = [
    ("/talent/", "profiles"),
    ("/talent/?q=固态", "profiles"),
    ("/talent/shared-hires/", "hires"),
    ("/talent/cost-report/", "hires"),
    ("/talent/mentors/", "mentors"),
    ("/talent/assignments/?all=1", "assignments"),
]
API = [
    ("/api/talent/profiles/", "profiles"),
    ("/api/talent/evidence/", "evidence"),
    ("/api/talent/shared-hires/", "hires"),
    ("/api/talent/cost-report/", "hires"),
    ("/api/talent/mentors/", "mentors"),
    ("/api/talent/assignments/", "assignments"),
]


@pytest.mark.parametrize(("url", "rows"), PAGES + API)
def test_list_queries_are_flat(client, cast, grow, url, rows):
    client.force_login(cast.hr)
    assert_flat_queries(grow=getattr(grow, rows), fetch=lambda: client.get(url), small=FEW, big=MANY)


def test_profile_page_with_its_evidence_is_flat(client, cast, grow):
    client.force_login(cast.hr)
    assert_flat_queries(grow=grow.evidence, fetch=lambda: client.get(f"/talent/profiles/{cast.talent.pk}/"),
                        small=FEW, big=MANY)


def test_cost_report_rows_come_a_page_at_a_time_with_the_total_of_all(client, api, cast, grow):
    grow.hires(9)  # 11 parties (9 enterprises, storage, government) × 4 years = 44 rows
    client.force_login(cast.hr)
    page = client.get("/talent/cost-report/").context["page"]
    assert page.paginator.count == 44 and len(page) == 20
    assert client.get("/talent/cost-report/").context["total"] == 9 * Decimal("1200000.00") * 3
    api.force_authenticate(cast.hr)
    report = api.get("/api/talent/cost-report/?page=3").json()
    assert report["count"] == 44 and len(report["results"]) == 4
