"""Every list of centers and consortia costs the same number of queries with 5 rows as with 30.

Lists show 20 rows a page, so a part page is compared with a full one (see
tests/projects_tests/test_query_counts.py). Each center comes with its own two sides, its
leaders and members, industry-chain positions and fields; each consortium with its lead,
member organisations and council.
"""
import pytest

from consortia.models import CenterMember, Consortium, ConsortiumMember, CouncilMember, Side
from platform_core.models import Organisation, Role
from tests.factories import IndustryNodeFactory, OrganisationFactory, TechFieldFactory, member
from tests.querycount import assert_flat_queries

from .factories import JointCenterFactory

pytestmark = pytest.mark.django_db
SIZES = {"small": 5, "big": 30}


def centers(n):
    for _ in range(n):
        center = JointCenterFactory()
        for side, organisation in ((Side.ENTERPRISE, center.enterprise), (Side.UNIVERSITY, center.university)):
            for position in (CenterMember.Position.DIRECTOR, CenterMember.Position.MEMBER):
                CenterMember.objects.create(center=center, user=member(organisation, Role.RESEARCHER), side=side,
                                            position=position)
        center.industry_nodes.set([IndustryNodeFactory()])
        center.fields.set([TechFieldFactory()])


def consortia(n):
    for _ in range(n):
        lead = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
        consortium = Consortium.objects.create(name_zh="创新联合体", lead=lead)
        consortium.industry_nodes.set([IndustryNodeFactory()])
        add_members(consortium, 1, role=ConsortiumMember.Role.LEAD, organisations=[lead])
        add_members(consortium, 2)


def add_members(consortium, n, *, role=ConsortiumMember.Role.MEMBER, organisations=None):
    """n member organisations, each with a council seat."""
    for organisation in organisations or [OrganisationFactory() for _ in range(n)]:
        ConsortiumMember.objects.create(consortium=consortium, organisation=organisation, role=role)
        CouncilMember.objects.create(consortium=consortium, organisation=organisation,
                                     user=member(organisation, Role.ORG_ADMIN))


@pytest.fixture
def admin_user(university):
    return member(university, Role.ORG_ADMIN, username="uni_admin")


@pytest.mark.parametrize("url", ["/consortia/", "/api/consortia/centers/"])
def test_center_lists(client, admin_user, url):
    client.force_login(admin_user)
    assert_flat_queries(grow=centers, fetch=lambda: client.get(url), **SIZES)


@pytest.mark.parametrize("url", ["/consortia/consortia/", "/api/consortia/consortia/"])
def test_consortium_lists(client, admin_user, url):
    client.force_login(admin_user)
    assert_flat_queries(grow=consortia, fetch=lambda: client.get(url), **SIZES)


def test_members_on_a_center_page(client, enterprise, university, admin_user):
    """The org admin of a side sees the members and the appointment form."""
    center = JointCenterFactory(enterprise=enterprise, university=university)
    client.force_login(admin_user)

    def grow(n):
        for _ in range(n):
            CenterMember.objects.create(center=center, user=member(university, Role.RESEARCHER), side=Side.UNIVERSITY,
                                        position=CenterMember.Position.MEMBER)

    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/consortia/centers/{center.pk}/"), **SIZES)


def test_members_and_council_on_a_consortium_page(client, enterprise, enterprise_admin):
    consortium = Consortium.objects.create(name_zh="创新联合体", lead=enterprise)
    client.force_login(enterprise_admin)
    assert_flat_queries(grow=lambda n: add_members(consortium, n),
                        fetch=lambda: client.get(f"/consortia/consortia/{consortium.pk}/"), **SIZES)
