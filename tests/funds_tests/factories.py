"""Minimal rows of the other apps (centers, projects, milestones, incubated companies) and funds.

Built with the models directly: these tests are about money, not about how a project
reaches its state, so each builder creates only the rows the foreign keys need.
"""
import datetime
from decimal import Decimal

from django.utils import timezone

from consortia.models import JointCenter
from funds.models import Fund, FundingCommitment
from platform_core.models import Organisation
from projects.models import Bid, Call, Challenge, Milestone, Project
from tests.factories import IndustryNodeFactory, OrganisationFactory, UserFactory
from transfer.models import IncubatedCompany, Incubator


def today():
    return timezone.localdate()


def financial_org(**fields):
    return OrganisationFactory(kind=Organisation.Kind.FINANCIAL, **fields)


def government_org(**fields):
    return OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, **fields)


def make_center(enterprise, university, **fields):
    return JointCenter.objects.create(name_zh=fields.pop("name_zh", "储能电池联合研发中心"), enterprise=enterprise,
                                      university=university, **fields)


def make_project(sponsor, performer, *, lead=None, center=None, node=None, budget=Decimal("2000000.00")):
    lead = lead or UserFactory()
    challenge = Challenge.objects.create(
        poster=sponsor, posted_by=lead, center=center, title_zh="高镍正极循环寿命提升",
        summary_zh="提升高镍三元正极高温循环寿命。", deadline=today() + datetime.timedelta(days=90),
        industry_node=node, status=Challenge.Status.IN_PROGRESS, current_trl=3, target_trl=6,
    )
    call = Call.objects.create(challenge=challenge, closes_on=today(), status=Call.Status.AWARDED)
    bid = Bid.objects.create(call=call, organisation=performer, lead=lead, team_name="李明团队", approach="包覆改性",
                             plan="三阶段", budget=budget, status=Bid.Status.AWARDED)
    return Project.objects.create(challenge=challenge, bid=bid, title="高镍正极表面包覆改性", sponsor=sponsor,
                                  performer=performer, lead=lead, budget=budget, start_trl=3, current_trl=4,
                                  target_trl=6, status=Project.Status.IN_PROGRESS, started_on=today())


def make_milestone(project, *, status=Milestone.Status.PLANNED, title="小试验证", tranche=Decimal("500000.00")):
    return Milestone.objects.create(project=project, title=title, deliverables="样品与测试报告",
                                    due_on=today() + datetime.timedelta(days=30), tranche=tranche, status=status)


def make_company(host, *, node=None, name="秦芯储能科技有限公司", organisation=None):
    incubator, _ = Incubator.objects.get_or_create(host=host, name="创新港科技成果孵化器")
    return IncubatedCompany.objects.create(incubator=incubator, name=name, industry_node=node or IndustryNodeFactory(),
                                           admitted_on=today() - datetime.timedelta(days=200),
                                           organisation=organisation)


def make_fund(manager, *, committed_size=Decimal("1000000.00"), kind=Fund.Kind.SEED, status=Fund.Status.INVESTING,
              name_zh="长安科创种子基金", **fields):
    return Fund.objects.create(manager=manager, name_zh=name_zh, kind=kind, committed_size=committed_size,
                               vintage_year=2023, status=status, **fields)


def make_commitment(source, *, project=None, center=None, amount=Decimal("1000000.00"), **fields):
    kind = FundingCommitment.Kind.GOVERNMENT_SUBSIDY if source.kind == Organisation.Kind.GOVERNMENT \
        else FundingCommitment.Kind.ENTERPRISE_RD
    return FundingCommitment.objects.create(kind=kind, source=source, project=project, center=center,
                                            title=fields.pop("title", "年度研发投入"), amount=amount,
                                            committed_on=fields.pop("committed_on", today() - datetime.timedelta(days=10)),
                                            **fields)
