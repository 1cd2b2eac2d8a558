"""The demo loader works with or without the other apps' demo rows (they merge one by one)."""
from decimal import Decimal

import pytest

from funds import demo, selectors
from funds.models import Fund, FundingCommitment, Investment, Tranche
from platform_core import demo as core_demo
from projects.models import Milestone

from . import factories as f

pytestmark = pytest.mark.django_db


def core_context():
    ctx = core_demo.DemoContext()
    core_demo.load(ctx)
    return ctx


def test_demo_creates_funds_of_every_type_without_other_apps_data():
    ctx = core_context()
    demo.load(ctx)
    assert set(Fund.objects.values_list("kind", flat=True)) == set(Fund.Kind.values)
    assert not Investment.objects.exists() and not FundingCommitment.objects.exists()
    assert selectors.count_financial_institutions(involved_only=True) == 2  # fund and bank
    assert Fund.objects.get(kind="guidance").manager == ctx.orgs["government"]


def test_demo_uses_the_centers_projects_milestones_and_companies_it_finds():
    ctx = core_context()
    energy, university = ctx.orgs["enterprise_energy"], ctx.orgs["university"]
    center = f.make_center(energy, university, funding_commitment=Decimal("30000000"))
    project = f.make_project(energy, university, lead=ctx.users["li"], center=center)
    accepted = f.make_milestone(project, status=Milestone.Status.ACCEPTED, title="小试验证")
    f.make_milestone(project, title="中试验证")
    f.make_company(ctx.orgs["enterprise_heavy"], node=ctx.nodes["am-additive"], name="长安增材科技有限公司")
    demo.load(ctx)

    assert Investment.objects.filter(company__isnull=False).count() == 2
    assert Investment.objects.filter(project=project).exists()
    assert FundingCommitment.objects.filter(center=center).count() == 2
    assert FundingCommitment.objects.filter(project=project).count() == 2
    assert Tranche.objects.filter(milestone=accepted, status="paid").exists()
    assert not Tranche.objects.filter(milestone__status="planned", status="paid").exists()
    for fund in Fund.objects.all():
        assert selectors.fund_invested_total(fund) <= fund.committed_size
    for commitment in FundingCommitment.objects.all():
        assert selectors.commitment_summary(commitment)["scheduled"] <= commitment.amount
