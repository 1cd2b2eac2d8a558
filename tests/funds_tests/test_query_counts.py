"""Every list of the capital chain costs the same number of queries however many rows it has (pages and API).

5 rows against 45: a page shows 20, so a query per row shows as 5 against 20, and rows beyond the
first page show whether the list is paginated at all.
"""
import itertools
from decimal import Decimal

import pytest

from funds.models import Investment, Tranche
from projects.models import Milestone
from tests.factories import IndustryChainFactory
from tests.querycount import assert_flat_queries

from . import factories as f

pytestmark = pytest.mark.django_db
FEW, MANY = 5, 45
serial = itertools.count()


class Growth:
    """Rows the reading user sees, each with the rows its list shows (chains, investments, tranches, milestones)."""

    def __init__(self, *, fund, fund_org, other_fund_org, enterprise, university, project, center):
        self.fund, self.fund_org, self.other_fund_org = fund, fund_org, other_fund_org
        self.enterprise, self.university, self.project, self.center = enterprise, university, project, center
        self.chain = IndustryChainFactory()
        self.commitment = f.make_commitment(enterprise, project=project)

    def _company(self):
        return f.make_company(self.enterprise, name=f"孵化企业{next(serial)}")

    def funds(self, n):
        for i in range(n):
            fund = f.make_fund(self.fund_org if i % 2 else self.other_fund_org, name_zh=f"基金{next(serial)}")
            fund.focus_chains.add(self.chain)
            Investment.objects.create(fund=fund, company=self._company(), round="seed", amount=Decimal("1000.00"),
                                      equity_percent=Decimal("1"), invested_on=f.today())

    def investments(self, n):
        for i in range(n):
            target = {"company": self._company()} if i % 2 else {
                "project": f.make_project(self.enterprise, self.university)}
            Investment.objects.create(fund=self.fund, round="seed", amount=Decimal("10.00"),
                                      equity_percent=Decimal("1"), invested_on=f.today(), **target)

    def companies(self, n):
        for _ in range(n):
            Investment.objects.create(fund=self.fund, company=self._company(), round="angel",
                                      amount=Decimal("10.00"), equity_percent=Decimal("1"), invested_on=f.today())

    def _commitments(self, n, **target):
        for _ in range(n):
            commitment = f.make_commitment(self.enterprise, amount=Decimal("300.00"), **target)
            Tranche.objects.create(commitment=commitment, title="首期", amount=Decimal("100.00"),
                                   status=Tranche.Status.PAID, paid_on=f.today())
            Tranche.objects.create(commitment=commitment, title="二期", amount=Decimal("100.00"),
                                   milestone=f.make_milestone(self.project))

    def commitments(self, n):
        self._commitments(n, project=self.project)

    def center_commitments(self, n):
        self._commitments(n, center=self.center)

    def tranches(self, n):
        for _ in range(n):
            Tranche.objects.create(commitment=self.commitment, title="分期", amount=Decimal("1.00"),
                                   milestone=f.make_milestone(self.project, status=Milestone.Status.ACCEPTED))


@pytest.fixture
def grow(fund, fund_org, other_fund_manager, enterprise, university, project, center):
    other_fund_org = other_fund_manager.memberships.get().organisation
    return Growth(fund=fund, fund_org=fund_org, other_fund_org=other_fund_org, enterprise=enterprise,
                  university=university, project=project, center=center)


LISTS = [  # (reader fixture, url, rows that grow)
    ("fund_manager", "/funds/", "funds"),
    ("fund_manager", "/api/funds/funds/", "funds"),
    ("fund_manager", "/funds/{fund}/", "investments"),
    ("fund_manager", "/api/funds/investments/", "investments"),
    ("fund_manager", "/funds/deal-flow/", "companies"),
    ("enterprise_admin", "/funds/commitments/", "commitments"),
    ("program_officer", "/funds/commitments/?scope=all", "commitments"),
    ("enterprise_admin", "/api/funds/commitments/", "commitments"),
    ("enterprise_admin", "/api/funds/tranches/", "tranches"),
    ("enterprise_admin", "/funds/commitments/{commitment}/", "tranches"),
    ("enterprise_admin", "/funds/projects/{project}/", "commitments"),
    ("enterprise_admin", "/funds/centers/{center}/", "center_commitments"),
]


@pytest.mark.parametrize(("reader", "url", "rows"), LISTS)
def test_list_queries_are_flat(request, client, grow, reader, url, rows):
    client.force_login(request.getfixturevalue(reader))
    url = url.format(fund=grow.fund.pk, commitment=grow.commitment.pk, project=grow.project.pk, center=grow.center.pk)
    assert_flat_queries(grow=getattr(grow, rows), fetch=lambda: client.get(url), small=FEW, big=MANY)
