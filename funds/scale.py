"""The capital chain (资金链) at scale, through funds.services.

At scale 1: 204 seed and angel funds brought in (90 seed, 114 angel) besides guidance funds,
venture funds and bank products, each created by a fund manager of its financial institution
(guidance funds of agencies by the platform) on the day it was set up; the 338 financial
institutions are the core's. Funds invest in the incubated companies (seed, angel, pre-A,
series A, sci-tech loans) and in projects; every enterprise that signed a joint center
commits its R&D money to it and pays it in yearly tranches; agencies subsidise some centers;
enterprise sponsors commit the budget of most projects with one tranche per milestone, paid
once the milestone was accepted by dual sign-off, and agencies fund their government-led calls.
"""
import datetime
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count

from platform_core.models import Organisation, Role
from platform_core.scale import Figure, add_days, core_plan, day_between, each_in_chunks, round_to, years_later

from . import selectors, services
from .models import Fund, FundingCommitment, Investment, Stage, Tranche

TARGETS = {"seed_angel": 204, "guidance": 18, "venture": 40, "bank": 30, "project_investments": 60}
SEED_SHARE = 90 / 204   # of the seed and angel funds, seed funds
W = Decimal(10_000)
KIND_WORDS = {Fund.Kind.SEED: ("种子投资基金", "Seed Fund"), Fund.Kind.ANGEL: ("天使投资基金", "Angel Fund"),
              Fund.Kind.VENTURE: ("创业投资基金", "Venture Fund"),
              Fund.Kind.GOVERNMENT_GUIDANCE: ("科技成果转化引导基金", "Technology Transfer Guidance Fund"),
              Fund.Kind.BANK_PRODUCT: ("“科创贷”专项额度", "Sci-Tech Loan Line")}
THEMES = [("科创", "Sci-Tech"), ("硬科技", "Hard-Tech"), ("新能源", "New Energy"), ("智能制造", "Smart Manufacturing"),
          ("集成电路", "IC"), ("生物医药", "Biomedicine"), ("人工智能", "AI"), ("成果转化", "Tech Transfer")]
SIZES = {Fund.Kind.SEED: (2000, 10000), Fund.Kind.ANGEL: (5000, 30000), Fund.Kind.VENTURE: (30000, 200000),
         Fund.Kind.GOVERNMENT_GUIDANCE: (50000, 500000), Fund.Kind.BANK_PRODUCT: (10000, 100000)}
STAGES = {Fund.Kind.SEED: [Stage.SEED, Stage.ANGEL], Fund.Kind.ANGEL: [Stage.ANGEL, Stage.PRE_A],
          Fund.Kind.VENTURE: [Stage.SERIES_A, Stage.SERIES_B], Fund.Kind.BANK_PRODUCT: [Stage.DEBT],
          Fund.Kind.GOVERNMENT_GUIDANCE: [Stage.SEED, Stage.ANGEL, Stage.SERIES_A]}
VINTAGES = [2019, 2019, 2020, 2020, 2021, 2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025, 2025, 2026]
# Company rounds: (fund kind, round, 万元 range, equity % range or None, days after admission)
ROUNDS = [(Fund.Kind.SEED, Stage.SEED, (100, 500), (5, 12), (30, 200)),
          (Fund.Kind.ANGEL, Stage.ANGEL, (300, 1500), (8, 15), (200, 500)),
          (Fund.Kind.VENTURE, Stage.SERIES_A, (1500, 6000), (10, 20), (450, 900)),
          (Fund.Kind.BANK_PRODUCT, Stage.DEBT, (200, 1000), None, (100, 700))]


def plan(ctx) -> dict:
    p = {key: ctx.n(count) for key, count in TARGETS.items()}
    p["seed"] = max(1, min(p["seed_angel"] - 1, round(p["seed_angel"] * SEED_SHARE)))
    p["angel"] = p["seed_angel"] - p["seed"]
    return p


def _manager_person(ctx, organisation):
    return ctx.first(Role.FUND_MANAGER, organisation)


def _funds(ctx, rng, p) -> dict:
    banks = [o for o in ctx.orgs["financial"] if "银行" in o.name_zh]
    investors = [o for o in ctx.orgs["financial"] if "银行" not in o.name_zh] or ctx.orgs["financial"]
    banks = banks or investors
    work = []
    for kind in (Fund.Kind.SEED, Fund.Kind.ANGEL, Fund.Kind.VENTURE, Fund.Kind.BANK_PRODUCT,
                 Fund.Kind.GOVERNMENT_GUIDANCE):
        key = {Fund.Kind.GOVERNMENT_GUIDANCE: "guidance", Fund.Kind.BANK_PRODUCT: "bank"}.get(kind, kind)
        for index in range(p[key]):
            if kind == Fund.Kind.BANK_PRODUCT:
                manager = banks[index % len(banks)]
            elif kind == Fund.Kind.GOVERNMENT_GUIDANCE:
                manager = ctx.orgs["government"][index % len(ctx.orgs["government"])] if index % 3 else \
                    investors[index % len(investors)]
            else:
                manager = investors[(index * 7 + len(work)) % len(investors)]
            work.append((kind, manager, rng.choice(VINTAGES)))
    names = {}
    funds = {kind: [] for kind in Fund.Kind.values}

    def create(item):
        kind, manager, vintage = item
        established = day_between(rng, datetime.date(vintage, 1, 10), min(datetime.date(vintage, 12, 20),
                                                                          add_days(ctx.clock.today, -30)))
        ctx.clock.at(established, rng)
        theme = rng.choice(THEMES)
        profile = ctx.profile.get(manager.pk)
        short = profile.short if profile and profile.short else manager.name_zh[:2]
        base = f"{short}{theme[0]}{KIND_WORDS[kind][0]}"
        count = names.get((manager.pk, base), 0) + 1
        names[(manager.pk, base)] = count
        zh = base if count == 1 else f"{short}{theme[0]}{'二三四五六七八九十'[count - 2]}期{KIND_WORDS[kind][0]}"
        chains = rng.sample(list(ctx.chains.values()), rng.randint(1, 3))
        actor = ctx.admin if manager.kind == Organisation.Kind.GOVERNMENT else _manager_person(ctx, manager)
        low, high = SIZES[kind]
        fund = services.fund_create(
            actor=actor, manager=manager, name_zh=zh, name_en=f"{theme[1]} {KIND_WORDS[kind][1]} {vintage}",
            kind=kind, committed_size=Decimal(round_to(rng.uniform(low, high), 500)) * W, vintage_year=vintage,
            established_on=established, term_ends_on=datetime.date(vintage + rng.choice([7, 8, 10]), 12, 31),
            focus_chains=chains, focus_stages=STAGES[kind],
            status=Fund.Status.FUNDRAISING if vintage == ctx.clock.today.year and rng.random() < 0.5
            else Fund.Status.INVESTING,
            description=f"重点投资{'、'.join(c.name_zh for c in chains)}领域"
                        f"{'早期科技型企业与高校成果转化项目' if kind in (Fund.Kind.SEED, Fund.Kind.ANGEL) else '成长期企业'}，"
                        f"与孵化器、技术经理人协同挖掘项目。")
        funds[kind].append(fund)

    each_in_chunks(ctx, "funds", work, create, size=100)
    return funds


def _investor(ctx, fund):
    return ctx.admin if fund.manager.kind == Organisation.Kind.GOVERNMENT else _manager_person(ctx, fund.manager)


def _pick_fund(rng, funds, kind, day):
    ready = [f for f in funds[kind] if f.established_on and f.established_on <= day
             and f.status == Fund.Status.INVESTING]
    return rng.choice(ready) if ready else None


def _investments(ctx, rng, p, funds) -> None:
    today = ctx.clock.today
    companies = ctx.made["transfer"].companies

    def invest_company(company):
        for kind, round_, amounts, equity, after in ROUNDS:
            if rng.random() > (0.75 if kind in (Fund.Kind.SEED, Fund.Kind.ANGEL) else 0.35):
                continue
            day = add_days(company.admitted_on, rng.randint(*after))
            if day >= today:
                continue
            fund = _pick_fund(rng, funds, kind, day)
            if fund is None:
                continue
            ctx.clock.at(day, rng)
            services.investment_record(
                actor=_investor(ctx, fund), fund=fund, company=company, round=round_,
                amount=Decimal(round_to(rng.uniform(*amounts), 10)) * W, invested_on=day,
                equity_percent=Decimal(rng.randint(*equity)) if equity else None,
                note=f"{company.name}{Stage(round_).label}融资")

    each_in_chunks(ctx, "investments in companies", companies, invest_company, size=100)
    projects = [i for i in ctx.made["projects"].projects if i.started_on][:p["project_investments"]]

    def invest_project(info):
        day = min(add_days(info.started_on, rng.randint(30, 300)), add_days(today, -3))
        kind = rng.choice([Fund.Kind.VENTURE, Fund.Kind.GOVERNMENT_GUIDANCE])
        fund = _pick_fund(rng, funds, kind, day) or _pick_fund(rng, funds, Fund.Kind.ANGEL, day)
        if fund is None:
            return
        ctx.clock.at(day, rng)
        services.investment_record(
            actor=_investor(ctx, fund), fund=fund, project=info.project, round=Stage.PRE_A,
            amount=Decimal(round_to(rng.uniform(300, 3000), 10)) * W, invested_on=day,
            equity_percent=Decimal(rng.choice([3, 5, 6, 8])),
            note="支持项目中试熟化，约定成果产业化后按比例持有项目公司股权。")

    each_in_chunks(ctx, "investments in projects", projects, invest_project, size=100)


def _pay(ctx, rng, actor, tranche, day):
    today = ctx.clock.today
    paid = min(add_days(day, rng.randint(0, 20)), add_days(today, -1))
    ctx.clock.at(paid, rng)
    services.tranche_pay(actor=actor, tranche=tranche, paid_on=paid)


def _agency_for(ctx, organisation):
    region = organisation.region
    province = region.parent if region is not None and region.parent_id else region
    agencies = [g for g in ctx.orgs["government"] if g.region_id in {getattr(province, "pk", None), region and
                                                                      region.pk}]
    return (agencies or ctx.orgs["government"])[0]


def _centers(ctx, rng) -> None:
    today = ctx.clock.today

    def commit(info):
        center, enterprise = info.center, info.enterprise
        actor = ctx.first(Role.RD_MANAGER, enterprise)
        start = center.agreement_start or info.signed_on
        ctx.clock.at(info.signed_on, rng)
        amount = center.funding_commitment
        commitment = services.commitment_create(
            actor=actor, source=enterprise, center=center, title=f"{enterprise.name_zh}联合研发中心研发投入",
            reference=f"共建协议 {enterprise.credit_code[-6:]}-{info.signed_on.year}", amount=amount,
            committed_on=info.signed_on, note="企业作为研发投入主体，按年度分期拨付研发中心运行及项目经费。")
        years = 5
        parts = [(amount / years).quantize(Decimal("0.01"), rounding=ROUND_DOWN)] * years
        for index, part in enumerate(parts):
            due = years_later(start, index)
            tranche = services.tranche_add(actor=actor, commitment=commitment, title=f"第{index + 1}年度研发经费",
                                           amount=part, due_on=due)
            if due < today:
                _pay(ctx, rng, actor, tranche, due)
                ctx.clock.at(info.signed_on, rng)
        if rng.random() < 0.4:
            agency = _agency_for(ctx, enterprise)
            officer = ctx.first(Role.PROGRAM_OFFICER, agency)
            day = min(add_days(info.signed_on, rng.randint(60, 300)), add_days(today, -5))
            ctx.clock.at(day, rng)
            total = Decimal(rng.choice([200, 300, 500, 800, 1000])) * W
            subsidy = services.commitment_create(
                actor=officer, source=agency, center=center, title=f"校企联合研发平台建设补助（{center.name_zh[:40]}）",
                reference=f"科发〔{day.year}〕{rng.randint(10, 99)}号", amount=total, committed_on=day,
                note="对经认定的校企深度融合研发中心给予平台建设补助，分两期拨付。")
            first = services.tranche_add(actor=officer, commitment=subsidy, title="认定后首期补助",
                                         amount=(total * Decimal("0.6")).quantize(Decimal("0.01")), due_on=day)
            _pay(ctx, rng, officer, first, day)
            services.tranche_add(actor=officer, commitment=subsidy, title="绩效评估后二期补助",
                                 amount=(total * Decimal("0.4")).quantize(Decimal("0.01")),
                                 due_on=add_days(day, 365))

    each_in_chunks(ctx, "center commitments", ctx.made["consortia"].centers, commit, size=100)


def _projects(ctx, rng) -> None:
    projects = [i for i in ctx.made["projects"].projects if i.started_on]

    def commit(info):
        project = info.project
        if info.mode == "government":
            source = info.challenge.poster
            actor = ctx.first(Role.PROGRAM_OFFICER, source)
            amount = info.challenge.subsidy
            title = f"揭榜挂帅项目财政补助（{project.title[:60]}）"
        elif info.sponsor.kind == Organisation.Kind.ENTERPRISE and rng.random() < 0.7:
            source, actor, amount = info.sponsor, ctx.first(Role.RD_MANAGER, info.sponsor), project.budget
            title = f"“{project.title[:60]}”项目研发经费"
        else:
            return
        if not amount or amount <= 0:
            return
        ctx.clock.at(info.started_on, rng)
        commitment = services.commitment_create(
            actor=actor, source=source, project=project, title=title, amount=amount, committed_on=info.started_on,
            reference=f"技术开发合同 JS-{info.started_on.year}-{project.pk:05d}",
            note="按里程碑验收（双签字）后分期拨付。")
        left = amount
        for milestone, accepted_on in info.milestones:
            share = min(milestone.tranche or amount / len(info.milestones), left).quantize(
                Decimal("0.01"), rounding=ROUND_DOWN)
            if share <= 0:
                break
            tranche = services.tranche_add(actor=actor, commitment=commitment, title=f"里程碑拨款：{milestone.title}",
                                           amount=share, milestone=milestone, due_on=milestone.due_on)
            left -= share
            if accepted_on:
                _pay(ctx, rng, actor, tranche, accepted_on)
                ctx.clock.at(info.started_on, rng)

    each_in_chunks(ctx, "project commitments", projects, commit, size=200)


def load(ctx) -> None:
    rng = ctx.rng("funds")
    p = plan(ctx)
    funds = _funds(ctx, rng, p)
    _investments(ctx, rng, p, funds)
    _centers(ctx, rng)
    _projects(ctx, rng)


def figures(ctx) -> list[Figure]:
    p = plan(ctx)
    commitments = selectors.commitment_totals()
    by_kind = dict(Fund.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return [
        Figure("seed/angel funds brought in", selectors.count_funds_brought_in(kinds=selectors.SEED_AND_ANGEL),
               p["seed_angel"]),
        Figure("  funds of every kind (seed/angel/guidance/venture/bank)", " / ".join(
            str(by_kind.get(k, 0)) for k in Fund.Kind.values)),
        Figure("financial institutions", selectors.count_financial_institutions(), core_plan(ctx)["financial"]),
        Figure("investments / invested (CNY)", f"{Investment.objects.count():,} / "
               f"{sum(selectors.total_invested_by_fund_kind().values()):,.0f}"),
        Figure("enterprise R&D committed (CNY)",
               f"{commitments[FundingCommitment.Kind.ENTERPRISE_RD]['committed']:,.0f}"),
        Figure("government subsidies committed (CNY)",
               f"{commitments[FundingCommitment.Kind.GOVERNMENT_SUBSIDY]['committed']:,.0f}"),
        Figure("tranches paid / planned", " / ".join(
            str(Tranche.objects.filter(status=s).count()) for s in (Tranche.Status.PAID, Tranche.Status.PLANNED))),
    ]
