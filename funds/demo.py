"""Demo data of the capital chain (资金链): funds of every type, their investments, and the enterprise
R&D money and government subsidies flowing into centers and projects.

Funds are always created. Investments, commitments and tranches use whatever incubated
companies, centers, projects and milestones the other apps' loaders created, and nothing
that depends on a missing one, so this loader works before and after those apps are merged.
"""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from consortia.models import JointCenter
from platform_core.demo import DEMO_PASSWORD
from platform_core.models import IndustryChain, Membership, Organisation, Role
from projects.models import Milestone, Project
from transfer.models import IncubatedCompany

from . import services
from .models import Fund, FundingCommitment, Stage

W = Decimal(10_000)  # 万元

# key: (manager org key, actor key, kind, name_zh, name_en, size in 万元, vintage, chains, stages, description)
FUNDS = [
    ("seed", "fund", "zhou", Fund.Kind.SEED, "长安科创种子投资基金", "Chang'an Sci-Tech Seed Fund", 5000, 2022,
     ["new-energy", "ic"], [Stage.SEED, Stage.ANGEL],
     "聚焦高校科技成果转化早期项目，支持教师、学生依托职务科技成果创办企业，单笔投资 50–500 万元。"),
    ("angel", "fund", "zhou", Fund.Kind.ANGEL, "秦创原天使投资基金", "Qinchuangyuan Angel Fund", 20000, 2021,
     ["new-energy", "advanced-manufacturing"], [Stage.ANGEL, Stage.PRE_A],
     "围绕创新港孵化器在孵企业开展天使轮投资，与技术经理人团队协同筛选易转化成果。"),
    ("venture", "fund", "zhou", Fund.Kind.VENTURE, "长安硬科技创业投资基金", "Chang'an Hard-Tech Venture Fund", 50000,
     2023, ["ic", "advanced-manufacturing"], [Stage.SERIES_A, Stage.SERIES_B],
     "投资集成电路与高端装备领域成长期企业，重点支持中试熟化和产业化。"),
    ("guidance", "government", "admin", Fund.Kind.GOVERNMENT_GUIDANCE, "陕西省科技成果转化引导基金",
     "Shaanxi Technology Transfer Guidance Fund", 100000, 2020, ["new-energy", "ic", "advanced-manufacturing"],
     [Stage.SEED, Stage.ANGEL, Stage.SERIES_A, Stage.SERIES_B],
     "省级财政出资设立，通过参股子基金和直接投资引导社会资本投向早期科技型企业。"),
    ("bank", "bank", "feng", Fund.Kind.BANK_PRODUCT, "秦商银行“科创贷”专项额度", "Qinshang Bank Sci-Tech Loan Line",
     30000, 2024, ["new-energy", "ic", "advanced-manufacturing"], [Stage.DEBT],
     "面向在孵科技型企业的知识产权质押与信用贷款，政府风险补偿资金池分担风险。"),
]

# (fund key, round, 万元, equity %) applied in turn to the incubated companies found
COMPANY_ROUNDS = [
    [("seed", Stage.SEED, 300, Decimal("10.00")), ("angel", Stage.ANGEL, 1200, Decimal("12.50"))],
    [("angel", Stage.ANGEL, 800, Decimal("15.00")), ("bank", Stage.DEBT, 500, None)],
    [("seed", Stage.SEED, 200, Decimal("8.00")), ("venture", Stage.SERIES_A, 3000, Decimal("18.00"))],
    [("guidance", Stage.ANGEL, 1000, Decimal("9.00"))],
]


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _actor_for(organisation: Organisation, roles, fallback):
    membership = Membership.objects.active().filter(organisation=organisation, role__in=roles) \
        .select_related("user").first()
    return membership.user if membership else fallback


def load(ctx) -> None:
    extra = ctx.__dict__.setdefault("extra", {})
    feng = get_user_model().objects.create_user("feng", "feng@demo.local", DEMO_PASSWORD, display_name="冯敏")
    Membership.objects.create(user=feng, organisation=ctx.orgs["bank"], role=Role.FUND_MANAGER, title="科技金融部经理")
    ctx.users["feng"] = feng
    ctx.notes.append("funds: feng / demo1121 — fund manager at 秦商银行科技支行 (bank product)")

    funds = {}
    for key, org_key, actor_key, kind, zh, en, size, vintage, chains, stages, description in FUNDS:
        funds[key] = services.fund_create(
            actor=ctx.users[actor_key], manager=ctx.orgs[org_key], name_zh=zh, name_en=en, kind=kind,
            committed_size=size * W, vintage_year=vintage, established_on=datetime.date(vintage, 3, 1),
            term_ends_on=datetime.date(vintage + 10, 2, 28), focus_stages=stages, description=description,
            focus_chains=list(IndustryChain.objects.filter(code__in=chains)),
        )
    extra["funds"] = funds
    _invest_in_companies(ctx, funds)
    _invest_in_projects(ctx, funds)
    _commit_to_centers(ctx)
    _commit_to_projects(ctx)


def _invest(ctx, fund, **kwargs):
    actor = ctx.users["admin"] if fund.kind == Fund.Kind.GOVERNMENT_GUIDANCE else \
        _actor_for(fund.manager, [Role.FUND_MANAGER], ctx.users["admin"])
    return services.investment_record(actor=actor, fund=fund, **kwargs)


def _invest_in_companies(ctx, funds) -> None:
    for index, company in enumerate(IncubatedCompany.objects.order_by("admitted_on", "pk")):
        for step, (fund_key, round, amount, equity) in enumerate(COMPANY_ROUNDS[index % len(COMPANY_ROUNDS)]):
            _invest(ctx, funds[fund_key], company=company, round=round, amount=amount * W, equity_percent=equity,
                    invested_on=_days_ago(400 - 150 * step - 10 * index),
                    note=f"{company.name}{Stage(round).label}融资")


def _invest_in_projects(ctx, funds) -> None:
    for index, project in enumerate(Project.objects.exclude(status=Project.Status.CLOSED).order_by("pk")[:2]):
        fund = funds["venture"] if index == 0 else funds["guidance"]
        _invest(ctx, fund, project=project, round=Stage.PRE_A, amount=(800 + 400 * index) * W,
                equity_percent=Decimal("6.00"), invested_on=_days_ago(60 + 30 * index),
                note="支持项目中试熟化，约定成果产业化后按比例持有项目公司股权。")


def _commit_to_centers(ctx) -> None:
    government, sun = ctx.orgs["government"], ctx.users["sun"]
    for index, center in enumerate(JointCenter.objects.select_related("enterprise").order_by("pk")):
        enterprise_actor = _actor_for(center.enterprise, [Role.RD_MANAGER, Role.ORG_ADMIN], ctx.users["admin"])
        rd_amount = center.funding_commitment or Decimal(3000) * W
        year = (center.agreement_start or _days_ago(365)).year
        commitment = services.commitment_create(
            actor=enterprise_actor, source=center.enterprise, center=center,
            title=f"{center.enterprise.name_zh}{year}年度联合研发投入", reference=f"研发合作协议 QL-{year}-{index + 1:03d}",
            amount=rd_amount, committed_on=center.agreement_signed_on or _days_ago(365),
            note="企业作为研发投入主体，按年度分期拨付研发中心运行及项目经费。",
        )
        first = (rd_amount * Decimal("0.4")).quantize(Decimal("0.01"))
        tranche = services.tranche_add(actor=enterprise_actor, commitment=commitment, title="首期运行经费",
                                       amount=first, due_on=commitment.committed_on + datetime.timedelta(days=30))
        services.tranche_pay(actor=enterprise_actor, tranche=tranche,
                             paid_on=min(timezone.localdate(), tranche.due_on))
        services.tranche_add(actor=enterprise_actor, commitment=commitment, title="第二期运行经费",
                             amount=(rd_amount * Decimal("0.3")).quantize(Decimal("0.01")),
                             due_on=commitment.committed_on + datetime.timedelta(days=395))
        subsidy = services.commitment_create(
            actor=sun, source=government, center=center, title=f"省级校企联合研发平台建设补助（{center.name_zh}）",
            reference=f"陕科发〔{year}〕{20 + index}号", amount=Decimal(500) * W, committed_on=_days_ago(200),
            note="对经认定的校企深度融合研发中心给予平台建设补助，分两期拨付。",
        )
        paid = services.tranche_add(actor=sun, commitment=subsidy, title="认定后首期补助", amount=Decimal(300) * W,
                                    due_on=_days_ago(180))
        services.tranche_pay(actor=sun, tranche=paid, paid_on=_days_ago(170))
        services.tranche_add(actor=sun, commitment=subsidy, title="绩效评估后二期补助", amount=Decimal(200) * W,
                             due_on=_days_ago(-180))


def _commit_to_projects(ctx) -> None:
    government, sun = ctx.orgs["government"], ctx.users["sun"]
    projects = Project.objects.exclude(status=Project.Status.CLOSED).select_related("sponsor").order_by("pk")
    for index, project in enumerate(projects):
        milestones = list(Milestone.objects.filter(project=project).order_by("due_on", "pk"))
        if project.sponsor.kind == Organisation.Kind.ENTERPRISE and project.budget > 0:
            actor = _actor_for(project.sponsor, [Role.RD_MANAGER, Role.ORG_ADMIN], ctx.users["admin"])
            commitment = services.commitment_create(
                actor=actor, source=project.sponsor, project=project, title=f"“{project.title}”项目研发经费",
                reference=f"技术开发合同 JS-{index + 1:03d}", amount=project.budget,
                committed_on=project.started_on or _days_ago(120),
                note="按里程碑验收（双签字）后分期拨付。",
            )
            _milestone_tranches(actor, commitment, milestones, project.budget)
        if index == 0:
            subsidy = services.commitment_create(
                actor=sun, source=government, project=project, title=f"省重点研发计划揭榜挂帅项目补助（{project.title}）",
                reference="陕科计发〔2024〕8号", amount=Decimal(200) * W, committed_on=_days_ago(90),
            )
            _milestone_tranches(sun, subsidy, milestones[-1:], subsidy.amount)


def _milestone_tranches(actor, commitment: FundingCommitment, milestones, amount: Decimal) -> None:
    """One tranche per milestone (its planned tranche, capped by what is left); paid where accepted."""
    left = amount
    for milestone in milestones:
        share = min(milestone.tranche or (amount / len(milestones)).quantize(Decimal("0.01")), left)
        if share <= 0:
            break
        tranche = services.tranche_add(actor=actor, commitment=commitment, title=f"里程碑拨款：{milestone.title}",
                                       amount=share, milestone=milestone, due_on=milestone.due_on)
        left -= share
        if milestone.status == Milestone.Status.ACCEPTED:
            accepted = milestone.accepted_at.date() if milestone.accepted_at else timezone.localdate()
            services.tranche_pay(actor=actor, tranche=tranche,
                                 paid_on=max(commitment.committed_on, min(accepted, timezone.localdate())))
    if not milestones:
        services.tranche_add(actor=actor, commitment=commitment, title="合同签订后首付款",
                             amount=(amount * Decimal("0.3")).quantize(Decimal("0.01")))
