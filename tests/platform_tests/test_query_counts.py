"""Every list of the core costs the same number of queries however many rows it has (pages and API).

5 rows against 45: a page shows 20, so a query per row shows as 5 against 20, and rows beyond the
first page show whether the list is paginated at all.
"""
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType

from platform_core.models import (
    ImportRun, IndustryNode, Notification, NotificationPreference, Organisation, Region, Role, Signature,
    SignoffParty, SignoffRequest,
)
from tests.factories import (
    IndustryChainFactory, IndustryNodeFactory, OrganisationFactory, RegionFactory, TechFieldFactory, member,
)
from tests.querycount import assert_flat_queries

pytestmark = pytest.mark.django_db
FEW, MANY = 5, 45
serial = itertools.count()


class Growth:
    """Rows the university's administrator sees, with what each row shows (region, parent, roles, parties)."""

    def __init__(self, university, enterprise, reader):
        self.university, self.enterprise, self.reader = university, enterprise, reader
        self.region = RegionFactory()
        self.node = IndustryNodeFactory()
        self.run = ImportRun.objects.create(kind="organisations", file_name="单位.xlsx", actor=reader)

    def organisations(self, n):
        for _ in range(n):
            unit = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, parent=self.university, region=self.region)
            unit.industry_nodes.add(self.node)

    def members(self, n):
        for _ in range(n):
            member(self.university, Role.RESEARCHER, Role.MENTOR)

    def notifications(self, n):
        Notification.objects.bulk_create([Notification(recipient=self.reader, event="platform.test",
                                                       title=f"通知{next(serial)}") for _ in range(n)])

    def signoffs(self, n):
        target_type = ContentType.objects.get_for_model(Organisation)
        for _ in range(n):
            request = SignoffRequest.objects.create(kind="platform.test", title=f"决定{next(serial)}",
                                                    target_type=target_type, target_id=str(next(serial)),
                                                    created_by=self.reader)
            ours = SignoffParty.objects.create(request=request, organisation=self.university, label="学校")
            theirs = SignoffParty.objects.create(request=request, organisation=self.enterprise, label="企业")
            ours.signatories.add(self.reader)
            signer = member(self.enterprise, Role.RD_MANAGER)
            theirs.signatories.add(signer)
            Signature.objects.create(request=request, party=theirs, signer=signer, verdict="approve")

    def import_errors(self, n):
        self.run.errors += [{"row": next(serial), "errors": ["统一社会信用代码校验位错误"]} for _ in range(n)]
        self.run.save()

    def imports(self, n):
        ImportRun.objects.bulk_create([ImportRun(kind="organisations", file_name=f"{next(serial)}.csv",
                                                 actor=self.reader, errors=[{"row": 2, "errors": ["缺少名称"]}])
                                       for _ in range(n)])

    def regions(self, n):
        Region.objects.bulk_create([Region(code=f"R{next(serial)}", name_zh="地区") for _ in range(n)])

    def fields(self, n):
        for _ in range(n):
            TechFieldFactory()

    def chains(self, n):
        for _ in range(n):
            IndustryNodeFactory(chain=IndustryChainFactory(code=f"chain-{next(serial)}"))

    def nodes(self, n):
        IndustryNode.objects.bulk_create([IndustryNode(chain=self.node.chain, segment="upstream",
                                                       code=f"n-{next(serial)}", name_zh="节点") for _ in range(n)])

    def preferences(self, n):
        NotificationPreference.objects.bulk_create([
            NotificationPreference(user=self.reader, event=f"e{next(serial)}", delivery="digest") for _ in range(n)])


@pytest.fixture
def grow(university, enterprise, university_admin):
    return Growth(university, enterprise, university_admin)


LISTS = [  # (url, rows that grow)
    ("/", "signoffs"),
    ("/", "notifications"),
    ("/organisations/", "organisations"),
    ("/organisations/{university}/", "members"),
    ("/organisations/{university}/members/", "members"),
    ("/notifications/", "notifications"),
    ("/signoffs/", "signoffs"),
    ("/signoffs/?awaiting=1", "signoffs"),
    ("/imports/{run}/", "import_errors"),
    ("/api/organisations/", "organisations"),
    ("/api/memberships/", "members"),
    ("/api/notifications/", "notifications"),
    ("/api/signoffs/", "signoffs"),
    ("/api/signoffs/?awaiting=1", "signoffs"),
    ("/api/imports/", "imports"),
    ("/api/regions/", "regions"),
    ("/api/fields/", "fields"),
    ("/api/industry-chains/", "chains"),
    ("/api/industry-nodes/", "nodes"),
    ("/api/notification-preferences/", "preferences"),
]


@pytest.mark.parametrize(("url", "rows"), LISTS)
def test_list_queries_are_flat(client, university_admin, grow, url, rows):
    client.force_login(university_admin)
    url = url.format(university=grow.university.pk, run=grow.run.pk)
    assert_flat_queries(grow=getattr(grow, rows), fetch=lambda: client.get(url), small=FEW, big=MANY)


def test_members_of_a_large_organisation_come_a_page_at_a_time(client, university_admin, grow):
    grow.members(44)  # 45 people with the administrator
    client.force_login(university_admin)
    detail = client.get(f"/organisations/{grow.university.pk}/")
    assert len(detail.context["members"]) == 20 and detail.context["page"].paginator.count == 45
    assert len(client.get(f"/organisations/{grow.university.pk}/?page=3").context["members"]) == 5
    roles = client.get(f"/organisations/{grow.university.pk}/members/?page=5").context["page"]
    assert roles.paginator.count == 90  # two roles each, the administrator's included
    assert len(roles) == 10
