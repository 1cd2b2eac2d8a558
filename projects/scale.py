"""Challenges along the whole chain at scale (企业出题 → 共同凝练 → 揭榜挂帅 → 共同答题 → 共同评价).

Every challenge is walked through projects.services with the real dual sign-off
(platform_core.signoff), exactly as users would: created and published by the posting
side, topic refined and signed by both sides, call opened with a scoring panel of both
sides, bids by teams (scored by every panellist), award proposed and signed, milestones
planned, started, delivered and accepted by dual sign-off, TRL recorded, result submitted,
evaluated by both sides and the final evaluation signed. Each step happens on its own
day (the simulated clock of platform_core.scale), so a solved challenge of 2021 has a
2021 history.

At scale 1: 2,500 solved challenges (finished 2019–2026) and 1,500 live or closed ones in
every other state, 4,000 in all; all three modes of seed 003 (enterprise-led inside and
outside a joint center, university-led, government-led with a subsidy). A few final
evaluations are first rejected and evaluated again, some milestones are overdue, some
sign-offs are left awaiting signatures, and some teams signed confidentiality undertakings.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from consortia.models import Side
from platform_core.models import Organisation, Role, SignoffRequest
from platform_core.scale import (
    FIRST_YEAR,
    Figure,
    add_days,
    chain_nodes,
    day_between,
    each_in_chunks,
    round_to,
    spread_years,
)
from platform_core.signoff import signoff_reject, signoff_sign

from . import selectors, services
from .models import BidMember, Challenge, Milestone, Mode, Project

S = Challenge.Status
# At scale 1; the solved ones are seed 001's "2,500+ problems solved".
STATE_TARGETS = {S.SOLVED: 2500, S.DRAFT: 120, S.PUBLISHED: 160, S.REFINED: 90, S.OPEN: 220, S.AWARDED: 70,
                 S.IN_PROGRESS: 380, S.UNDER_EVALUATION: 100, S.CLOSED: 360}
MODE_SHARE = [("center", 0.65), ("enterprise", 0.17), ("university", 0.10), ("government", 0.08)]
SOLVED_YEARS = {2019: 5, 2020: 10, 2021: 14, 2022: 17, 2023: 19, 2024: 19, 2025: 16}
W = Decimal(10_000)
ORDER = [S.DRAFT, S.PUBLISHED, S.REFINED, S.OPEN, S.AWARDED, S.IN_PROGRESS, S.UNDER_EVALUATION, S.SOLVED]

CRITERIA = [
    [{"name": "技术路线可行性", "weight": 40}, {"name": "团队实力与前期基础", "weight": 30},
     {"name": "经费与进度合理性", "weight": 30}],
    [{"name": "技术先进性", "weight": 35}, {"name": "产业化前景", "weight": 35}, {"name": "团队与条件保障", "weight": 30}],
    [{"name": "方案创新性", "weight": 30}, {"name": "指标可达性", "weight": 30}, {"name": "前期成果", "weight": 20},
     {"name": "经费合理性", "weight": 20}],
]
GOALS = [("性能提升关键技术", "Performance improvement of"), ("寿命提升与失效机理研究", "Lifetime and failure analysis of"),
         ("一致性控制技术", "Consistency control for"), ("在线检测方法", "In-line inspection of"),
         ("国产化替代方案", "Domestic substitution for"), ("低成本制备工艺", "Low-cost process for"),
         ("可靠性评估与提升", "Reliability assessment of"), ("智能运维系统开发", "Intelligent maintenance of"),
         ("工艺窗口优化", "Process window optimisation for"), ("能效提升技术攻关", "Efficiency improvement of"),
         ("快速表征与评价方法", "Rapid characterisation of"), ("工程化放大验证", "Scale-up validation of")]
QUALIFIERS = ["", "", "", "高精度", "低温", "车规级", "大尺寸", "高通量", "宽温域", "高可靠", "规模化", "绿色"]
PAINS = ["成本高、一致性差", "寿命短、可靠性不足", "效率低、能耗高", "精度不足、依赖进口", "工艺复杂、良率偏低",
         "检测手段落后、漏检率高", "核心部件受制于人"]
METRICS = [("良品率", "%", 86, 97), ("循环寿命", "次", 1200, 3000), ("能量转换效率", "%", 21, 26),
           ("定位精度", "μm", 8, 2), ("单件成本", "元", 420, 260), ("检测节拍", "秒/件", 12, 4),
           ("平均无故障时间", "小时", 2000, 6000), ("漏检率", "%", 1.5, 0.1)]
APPROACHES = ["机理建模与实验验证相结合", "数据驱动与物理模型融合", "新材料体系设计与界面调控",
              "工艺参数正交优化与在线监测", "结构拓扑优化与多物理场仿真", "国产核心部件替代与系统集成"]
MILESTONES = [("技术方案设计与仿真验证", "技术方案报告、仿真分析报告"), ("小试样品制备与性能测试", "小试样品及第三方测试报告"),
              ("中试放大与工艺定型", "中试批次样品、工艺文件"), ("工程样机研制", "工程样机一套及测试报告"),
              ("现场示范应用", "示范应用报告与用户意见"), ("关键算法开发与验证", "算法软件及验证数据集")]
EVIDENCE = ["第三方检测报告与测试原始数据。", "中试线连续运行记录及批次一致性报告。", "用户现场试用报告。",
            "工程样机型式试验报告。", "实验室样品性能测试报告。"]
REJECT_REASONS = ["关键指标在用户现场未完全复现，请补充长周期验证数据。", "验收材料中第三方检测报告不完整。"]
CLOSE_REASONS = {
    S.DRAFT: "内部论证后决定暂缓，需求并入年度技术规划。",
    S.PUBLISHED: "企业战略调整，改由供应链合作解决。",
    S.OPEN: "揭榜期内未征集到满足要求的方案，本次榜单关闭。",
    S.IN_PROGRESS: "技术路线经中期评估不可行，双方协商终止项目。",
}


@dataclass
class Cast:
    """Who plays which part in one challenge."""

    mode: str
    poster: Organisation
    author: object
    partner: Organisation
    center: object = None
    panel: list = field(default_factory=list)
    bids: list = field(default_factory=list)        # [(lead, organisation, [(user, role)])], winner first
    chain: str = ""
    node: object = None
    field: object = None


@dataclass
class ProjectInfo:
    project: Project
    challenge: Challenge
    mode: str
    sponsor: Organisation
    performer: Organisation
    lead: object
    milestones: list = field(default_factory=list)      # [(Milestone, accepted day or None)]
    started_on: datetime.date | None = None
    finished_on: datetime.date | None = None


@dataclass
class ProjectsMade:
    projects: list = field(default_factory=list)
    challenges: int = 0


def plan(ctx) -> dict:
    return {state: ctx.n(count) for state, count in STATE_TARGETS.items()}


# ---------------------------------------------------------------- casting


class Casting:
    def __init__(self, ctx, rng):
        self.ctx, self.rng = ctx, rng
        made = ctx.made["consortia"]
        self.centers = made.centers
        self.universities = ctx.orgs["university"]
        self.academic = ctx.orgs["university"] + ctx.orgs["institute"]
        center_enterprises = {c.enterprise.pk for c in self.centers}
        self.free_enterprises = [e for e in ctx.orgs["enterprise"] if e.pk not in center_enterprises] or \
            ctx.orgs["enterprise"]
        self.center_enterprises = [c.enterprise for c in self.centers]
        self.government = ctx.orgs["government"]

    def researchers(self, organisation, exclude=()):
        excluded = {u.pk for u in exclude}
        return [u for u in self.ctx.people[(Role.RESEARCHER, organisation.pk)] if u.pk not in excluded]

    def manager(self, organisation):
        ctx = self.ctx
        for role in (Role.RD_MANAGER, Role.TTO_STAFF, Role.PROGRAM_OFFICER, Role.ORG_ADMIN):
            person = ctx.first(role, organisation)
            if person is not None:
                return person
        raise ValueError(f"{organisation} has nobody to act for it")

    def node_for(self, organisation, chain=None):
        profile = self.ctx.profile.get(organisation.pk)
        chain = chain or (profile.chain if profile and profile.chain else None)
        nodes = (profile.nodes if profile and profile.nodes and (not chain or profile.chain == chain) else None) \
            or chain_nodes(self.ctx, chain or "new-energy")
        node = self.rng.choice(nodes)
        return node.chain.code, node

    def field_for(self, chain):
        from platform_core.scale import CHAIN_FIELDS

        return self.ctx.fields[self.rng.choice(CHAIN_FIELDS[chain])]

    def academic_bids(self, home, exclude, count):
        """Bids by university or institute teams: mostly from `home`, rivals from elsewhere."""
        rng, bids, used = self.rng, [], set()
        for index in range(count):
            organisation = home if (index == 0 and rng.random() < 0.85) or rng.random() < 0.3 else rng.choice(
                self.academic)
            people = [u for u in self.researchers(organisation, exclude) if u.pk not in used]
            if not people:
                organisation = rng.choice(self.academic)
                people = [u for u in self.researchers(organisation, exclude) if u.pk not in used]
            if not people:
                continue
            lead = rng.choice(people)
            used.add(lead.pk)
            mates = [u for u in people if u.pk != lead.pk and u.pk not in used]
            members = [(u, BidMember.Role.MEMBER) for u in rng.sample(mates, min(len(mates), rng.randint(0, 2)))]
            bids.append((lead, organisation, members))
        return bids

    def cast(self, mode) -> Cast:
        rng = self.rng
        if mode == "center" and self.centers:
            info = rng.choice(self.centers)
            chain, node = info.chain, rng.choice(info.nodes)
            leaders = info.signers[Side.ENTERPRISE] + info.signers[Side.UNIVERSITY]
            judges = [info.signers[Side.ENTERPRISE][-1], info.signers[Side.UNIVERSITY][-1]]
            count = rng.choices([1, 2, 3], weights=[5, 4, 1])[0]
            return Cast(mode, info.enterprise, info.signers[Side.ENTERPRISE][0], info.university, info.center,
                        judges, self.academic_bids(info.university, leaders + judges, count), chain, node,
                        rng.choice(info.fields) if info.fields else self.field_for(chain))
        if mode == "university":
            poster = rng.choice(self.universities)
            author = self.manager(poster)
            partner = rng.choice(self.center_enterprises or self.free_enterprises)
            chain, node = self.node_for(partner)
            judge = (self.researchers(poster) or [author])[0]
            bidders = [e for e in self.center_enterprises if e.pk != partner.pk] or [partner]
            bids = []
            for enterprise in rng.sample(bidders, min(len(bidders), rng.choices([1, 2], weights=[3, 2])[0])):
                # The enterprise's chief engineer leads; its manager signs for it (different people).
                lead = self.ctx.people[(Role.RD_MANAGER, enterprise.pk)][-1]
                bids.append((lead, enterprise, []))
            return Cast(mode, poster, author, partner, None, [judge, self.manager(partner)], bids, chain, node,
                        self.field_for(chain))
        if mode == "government":
            poster = rng.choice(self.government)
            author = self.manager(poster)
            partner = rng.choice(self.universities)
            chain, node = self.node_for(rng.choice(self.ctx.orgs["enterprise"]))
            judge = (self.researchers(partner) or [self.manager(partner)])[0]
            bids = self.academic_bids(rng.choice(self.academic), [judge], rng.choice([1, 2, 2, 3]))
            if rng.random() < 0.4 and self.center_enterprises:
                enterprise = rng.choice(self.center_enterprises)
                bids.append((self.ctx.people[(Role.RD_MANAGER, enterprise.pk)][-1], enterprise, []))
            return Cast(mode, poster, author, partner, None, [author, judge], bids, chain, node,
                        self.field_for(chain))
        poster = rng.choice(self.free_enterprises)
        author = self.manager(poster)
        partner = rng.choice(self.universities)
        chain, node = self.node_for(poster)
        judge = (self.researchers(partner) or [self.manager(partner)])[-1]
        bids = self.academic_bids(partner, [judge], rng.choices([1, 2, 3], weights=[5, 4, 1])[0])
        return Cast("enterprise", poster, author, partner, None, [author, judge], bids, chain, node,
                    self.field_for(chain))


# ---------------------------------------------------------------- texts


def _texts(rng, cast: Cast) -> dict:
    node = cast.node
    keyword = rng.choice(node.keywords or [node.name_zh])
    if len(keyword) < 2:
        keyword = node.name_zh
    goal = rng.choice(GOALS)
    qualifier = rng.choice(QUALIFIERS)
    metric, unit, now, target = rng.choice(METRICS)
    title = f"{qualifier}{keyword}{goal[0]}"
    if len(title) < 9:
        title = f"{node.name_zh}{title}"
    pain = rng.choice(PAINS)
    approach = rng.choice(APPROACHES)
    summary = (f"{cast.poster.name_zh}在{node.name_zh}环节面临{keyword}{pain}的问题。拟通过揭榜挂帅征集"
               f"{approach}的解决方案，目标将{metric}由 {now}{unit} 提升至 {target}{unit}，满足规模化应用需求。")
    detail = (f"现有产线{metric}为 {now}{unit}，关键工艺参数、失效样本与历史数据见保密附件；"
              f"目标客户及供货计划为企业内部资料。")
    texts = {"title_zh": title[:200], "summary_zh": summary, "confidential_detail": detail,
             "keyword": keyword, "metric": (metric, unit, now, target), "approach": approach}
    if rng.random() < 0.3:
        texts["title_en"] = f"{goal[1]} {keyword if keyword.isascii() else node.name_en.lower()}"[:200]
        texts["summary_en"] = (f"{cast.poster.name_en or cast.poster.name_zh} seeks a solution for "
                               f"{node.name_en.lower()}: raise {metric} from {now}{unit} to {target}{unit}.")
    return texts


# ---------------------------------------------------------------- the walk


def _sign_all(ctx, rng, request, *, step_days=(0, 6)) -> None:
    """Each party signs through its first authorised signatory, on a later day than the last."""
    signed = set()
    for party in request.parties.all():
        signer = next(u for u in party.signatories.all() if u.pk not in signed)
        signed.add(signer.pk)
        ctx.clock.later(60 * 24 * rng.randint(*step_days) + rng.randint(5, 300))
        signoff_sign(actor=signer, request_id=request.pk, party_id=party.pk)


def _schedule(rng, milestone_count: int) -> dict:
    """Day offsets of every step from the day the challenge is created (each step after the last one's signatures)."""
    d = {"create": 0}
    d["topic"] = d["create"] + rng.randint(7, 30)
    d["call"] = d["topic"] + rng.randint(15, 35)
    d["window"] = rng.randint(30, 60)
    d["bids"] = [d["call"] + rng.randint(3, d["window"] - 3) for _ in range(3)]
    d["award"] = d["call"] + d["window"] + rng.randint(1, 10)
    d["score"] = d["award"] - 1
    d["start"] = d["award"] + rng.randint(25, 40)
    due, dues = d["start"], []
    for _ in range(milestone_count):
        due += rng.randint(60, 150)
        dues.append(due)
    d["dues"] = dues
    d["submit"] = dues[-1] + rng.randint(20, 35)
    d["evaluate"] = d["submit"] + rng.randint(7, 25)
    d["end"] = d["evaluate"] + 25
    return d


class Walk:
    """Moves one challenge along the chain up to a wanted state, each step on its own day."""

    def __init__(self, ctx, rng, cast: Cast, day0: datetime.date, schedule: dict, milestone_count: int):
        self.ctx, self.rng, self.cast, self.day0, self.d = ctx, rng, cast, day0, schedule
        self.milestone_count = milestone_count
        self.challenge = self.project = None
        self.texts = _texts(rng, cast)
        self.info = None

    def on(self, offset: int):
        self.ctx.clock.at(add_days(self.day0, offset), self.rng)

    def run(self, until: str, *, accepted: int | None = None, partial: bool = False):
        """`accepted`: milestones accepted when stopping in progress; `partial`: leave the next decision pending."""
        step = ORDER.index(until)
        self.create()
        if step >= 1:
            self.publish()
        if step == 1 and partial:
            self.topic(sign=False)
        if step >= 2:
            self.topic()
        if step >= 3:
            self.call()
            self.bids(all_scored=step >= 4 or not partial)
        if step >= 4:
            self.award()
            self.plan()
        if step >= 5:
            self.start()
            count = len(self.milestones) if step >= 6 else (accepted or 0)
            for index in range(count):
                self.deliver(index)
            if step == 5 and partial and count < len(self.milestones):
                self.deliver(count, sign=False)
        if step >= 6:
            self.submit()
            self.evaluate(both=step >= 7 or not partial)
        if step >= 7:
            self.finish()
        return self.challenge

    def create(self):
        cast, t, rng = self.cast, self.texts, self.rng
        self.on(self.d["create"])
        high = round_to(rng.uniform(50, 600), 10) * W
        low = (high * Decimal(rng.choice(["0.3", "0.4", "0.5"]))).quantize(Decimal("1"))
        current = rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 4, 3, 1])[0]
        data = dict(title_zh=t["title_zh"], summary_zh=t["summary_zh"], confidential_detail=t["confidential_detail"],
                    industry_node=cast.node, field=cast.field, current_trl=current,
                    target_trl=min(9, current + rng.randint(2, 4)), budget_min=low, budget_max=high,
                    deadline=add_days(self.day0, rng.randint(150, 420)), partner=cast.partner, center=cast.center)
        for key in ("title_en", "summary_en"):
            if key in t:
                data[key] = t[key]
        if cast.mode == "government":
            data["subsidy"] = (high * Decimal(rng.choice(["0.3", "0.4", "0.5"]))).quantize(Decimal("1"))
            data["terms"] = (f"财政补助 {data['subsidy'] / W:.0f} 万元，承担单位配套不低于 1:1；实施期 "
                             f"{rng.choice([18, 24, 36])} 个月；成果须优先在省内转化。")
        self.budget = high
        mode = {"center": Mode.ENTERPRISE_LED, "enterprise": Mode.ENTERPRISE_LED,
                "university": Mode.UNIVERSITY_LED, "government": Mode.GOVERNMENT_LED}[cast.mode]
        self.challenge = services.challenge_create(actor=cast.author, poster=cast.poster, mode=mode, **data)

    def publish(self):
        self.ctx.clock.later(self.rng.randint(30, 600))
        services.challenge_publish(actor=self.cast.author, challenge=self.challenge)

    def topic(self, sign=True):
        t, rng = self.texts, self.rng
        metric, unit, now, target = t["metric"]
        self.on(self.d["topic"])
        base = self.challenge.title_zh.removesuffix("研究")
        services.topic_save(actor=self.cast.author, challenge=self.challenge,
                            title=f"{base}{rng.choice(['研究', '研究与验证', '攻关与示范应用', '工程化研究'])}"[:200],
                            objectives=f"{metric}由 {now}{unit} 提升至 {target}{unit}，在用户现场连续稳定运行不少于"
                                       f" {rng.choice([3, 6])} 个月。",
                            deliverables=rng.choice(["技术报告、样品、工艺包、发明专利申请 2 项。",
                                                     "样机一套、测试报告、软件著作权 1 项。",
                                                     "工艺文件、中试验证报告、发明专利申请 3 项。"]))
        request = services.topic_submit(actor=self.cast.author, challenge=self.challenge)
        if sign:
            _sign_all(self.ctx, rng, request)

    def call(self):
        self.on(self.d["call"])
        self.call_obj = services.call_open(
            actor=self.cast.author, challenge=self.challenge, closes_on=add_days(self.day0, self.d["call"]
                                                                                 + self.d["window"]),
            criteria=self.rng.choice(CRITERIA), panel=self.cast.panel)

    def bids(self, all_scored=True):
        cast, rng, t = self.cast, self.rng, self.texts
        self.bid_objs = []
        for index, (lead, organisation, members) in enumerate(cast.bids):
            self.on(self.d["bids"][index % 3])
            if rng.random() < 0.1 and not lead.has_perm("projects.view_confidential", self.challenge):
                undertaking = services.undertaking_request(
                    actor=lead, challenge=self.challenge,
                    statement="本人承诺对获取的保密技术资料严格保密，仅用于本次揭榜方案编制。")
                self.ctx.clock.later(rng.randint(60, 1440))
                services.undertaking_decide(actor=cast.author, undertaking=undertaking, accept=rng.random() < 0.9)
                self.ctx.clock.later(rng.randint(60, 1440))
            budget = min(self.budget, round_to(float(self.budget) * rng.uniform(0.6, 0.95), 10_000))
            months = rng.choice([12, 18, 24])
            unit = organisation.name_zh.split("学院")[0] if organisation.kind != Organisation.Kind.ENTERPRISE \
                else organisation.name_zh[:6]
            self.bid_objs.append(services.bid_submit(
                actor=lead, call=self.call_obj, organisation=organisation,
                team_name=f"{lead}团队" if rng.random() < 0.6 else f"{unit}{t['keyword']}攻关组",
                approach=f"采用{rng.choice(APPROACHES)}的技术路线，{rng.choice(['依托已建成的中试平台', '结合前期国家重点研发计划成果', '联合企业工程团队'])}"
                         f"开展攻关，重点解决{t['keyword']}{rng.choice(PAINS)}的问题。",
                plan=f"分三阶段实施：方案论证（{months // 4} 个月）、样机/样品研制（{months // 2} 个月）、"
                     f"验证与示范（{months - months // 4 - months // 2} 个月），共 {months} 个月。",
                budget=Decimal(budget), members=members))
        self.on(self.d["score"])
        for panelist_index, judge in enumerate(cast.panel):
            for bid_index, bid in enumerate(self.bid_objs):
                if not all_scored and panelist_index > 0:
                    continue
                base = 88 if bid_index == 0 else rng.randint(62, 80)
                scores = {c["name"]: min(100, max(0, base + rng.randint(-5, 5))) for c in self.call_obj.criteria}
                services.bid_score(actor=judge, bid=bid, scores=scores,
                                   comment="方案扎实，指标可达。" if bid_index == 0 else "方案可行，但前期基础略弱。")
                self.ctx.clock.later(rng.randint(10, 200))

    def award(self):
        self.on(self.d["award"])
        request = services.award_propose(actor=self.cast.author, bid=self.bid_objs[0])
        _sign_all(self.ctx, self.rng, request)
        self.project = Project.objects.get(challenge=self.challenge)

    def plan(self):
        rng, lead = self.rng, self.cast.bids[0][0]
        self.ctx.clock.later(60 * 24 * rng.randint(2, 8))
        titles = rng.sample(MILESTONES, self.milestone_count)
        share = (self.project.budget * Decimal(rng.choice(["0.8", "0.9", "1.0"])) / self.milestone_count).quantize(
            Decimal("1"), rounding=ROUND_DOWN)
        self.milestones = []
        for (title, deliverables), due in zip(titles, self.d["dues"], strict=True):
            self.milestones.append(services.milestone_add(
                actor=lead, project=self.project, title=title, deliverables=deliverables,
                due_on=add_days(self.day0, due), tranche=share))
        self.info = ProjectInfo(self.project, self.challenge, self.cast.mode, self.project.sponsor,
                                self.project.performer, lead, [(m, None) for m in self.milestones])

    def start(self):
        self.on(self.d["start"])
        services.project_start(actor=self.cast.bids[0][0], project=self.project)
        self.info.started_on = add_days(self.day0, self.d["start"])

    def deliver(self, index, sign=True):
        rng, lead = self.rng, self.cast.bids[0][0]
        due = self.d["dues"][index]
        self.on(due - rng.randint(0, 10))
        request = services.milestone_submit(actor=lead, milestone=self.milestones[index],
                                            report=f"已按计划交付：{self.milestones[index].deliverables}")
        if not sign:
            return
        _sign_all(self.ctx, rng, request, step_days=(1, 8))
        self.info.milestones[index] = (self.milestones[index], self.ctx.clock.current.date())
        project = self.project
        target = self.challenge.target_trl
        level = min(target, project.start_trl + (index + 1) * max(1, (target - project.start_trl)
                                                                   // self.milestone_count))
        # TRL progress is recorded at the milestones that move it (the last one, and some others).
        if level > (project.current_trl or 0) and (index == self.milestone_count - 1 or rng.random() < 0.3):
            self.ctx.clock.later(rng.randint(60, 600))
            services.trl_record(actor=lead, project=project, trl=level, evidence=rng.choice(EVIDENCE))
            project.current_trl = level

    def submit(self):
        rng, t = self.rng, self.texts
        metric, unit, now, target = t["metric"]
        self.on(self.d["submit"])
        lead = self.cast.bids[0][0]
        if self.project.current_trl < self.challenge.target_trl:
            services.trl_record(actor=lead, project=self.project, trl=self.challenge.target_trl,
                                evidence=rng.choice(EVIDENCE))
            self.ctx.clock.later(rng.randint(30, 300))
        self.result = (f"完成全部考核指标：{metric}由 {now}{unit} 提升至 {target}{unit}；形成发明专利申请 "
                       f"{rng.randint(1, 4)} 项，成果已在{self.cast.poster.name_zh}"
                       f"{rng.choice(['产线', '示范工程', '产品'])}中应用。")
        services.project_submit_for_evaluation(actor=lead, project=self.project, result_abstract=self.result)

    def evaluate(self, both=True):
        rng = self.rng
        parties = selectors.delivery_parties(self.project)
        self.on(self.d["evaluate"])
        for index, party in enumerate(parties if both else parties[:1]):
            base = rng.randint(78, 95)
            services.evaluation_submit(
                actor=party.signatories[0], project=self.project, technical_score=base,
                application_score=min(100, base + rng.randint(-6, 6)),
                management_score=min(100, base + rng.randint(-8, 4)),
                comment=rng.choice(["达到预期目标，同意验收。", "技术指标全面完成，建议推广应用。", "完成合同约定内容。"]))
            self.ctx.clock.later(60 * 24 * rng.randint(1, 5))

    def final_request(self):
        return SignoffRequest.objects.get(kind="projects.final_evaluation", status=SignoffRequest.Status.PENDING,
                                          target_type=ContentType.objects.get_for_model(Project),
                                          target_id=str(self.project.pk))

    def finish(self):
        rng = self.rng
        if rng.random() < 0.04:
            # Sent back once: the sponsor side rejects, the team works on, both evaluate again.
            request = self.final_request()
            party = request.parties.first()
            self.ctx.clock.later(60 * 24 * rng.randint(2, 6))
            signoff_reject(actor=party.signatories.first(), request_id=request.pk, party_id=party.pk,
                           reason=rng.choice(REJECT_REASONS))
            self.d["evaluate"] += rng.randint(40, 60)
            self.d["submit"] = self.d["evaluate"] - 10
            self.submit_again()
            self.evaluate()
        _sign_all(self.ctx, rng, self.final_request(), step_days=(1, 7))
        self.info.finished_on = self.ctx.clock.current.date()

    def submit_again(self):
        self.on(self.d["submit"])
        services.project_submit_for_evaluation(actor=self.cast.bids[0][0], project=self.project,
                                               result_abstract=self.result + "已补充用户现场长周期验证数据。")


# ---------------------------------------------------------------- what to walk


def _work(ctx, rng, p) -> list[tuple]:
    """(state, mode, pre-state for closed ones); the order is shuffled so that chunks mix states."""
    modes, shares = zip(*MODE_SHARE, strict=True)
    work = []
    for state, count in p.items():
        for _ in range(count):
            mode = rng.choices(modes, weights=shares)[0]
            before = rng.choices([S.DRAFT, S.PUBLISHED, S.OPEN, S.IN_PROGRESS], weights=[1, 4, 3, 2])[0] \
                if state == S.CLOSED else None
            work.append((state, mode, before))
    # Structure survives small scales: every mode walks to the end at least once.
    solved = [i for i, w in enumerate(work) if w[0] == S.SOLVED]
    for index, mode in zip(solved, ("center", "enterprise", "university", "government"), strict=False):
        work[index] = (S.SOLVED, mode, None)
    rng.shuffle(work)
    return work


def _last_step(target, d, accepted, partial) -> int:
    """Day offset of the last step a challenge stopping in `target` takes."""
    if target == S.IN_PROGRESS:
        return d["dues"][accepted - 1] + 10 if accepted else d["start"]
    return {S.DRAFT: 0, S.PUBLISHED: d["topic"] if partial else 0, S.REFINED: d["topic"] + 8,
            S.OPEN: max(d["bids"]), S.AWARDED: d["award"] + 8, S.UNDER_EVALUATION: d["evaluate"] + 5}[target]


def _first_day(rng, today, target, d, last, closed: bool) -> datetime.date:
    """The day a challenge is created, so that its steps so far lie in the past and the rest after today.

    Solved ones finished between 2019 and today; live ones took their last step recently (an open
    call still takes bids); closed ones happened any time since the platform started.
    """
    if target == S.SOLVED:
        year = spread_years(rng, SOLVED_YEARS)
        day0 = day_between(rng, datetime.date(year, 1, 5), datetime.date(year, 12, 25))
        latest = add_days(today, -d["end"] - 5)
        day0 = min(day0, latest)
        return max(day0, datetime.date(FIRST_YEAR, 1, 3)) if latest >= datetime.date(FIRST_YEAR, 1, 3) else day0
    day0 = add_days(today, -last - rng.randint(1, 2 if target == S.OPEN else 80))
    if target == S.OPEN:
        day0 = add_days(today, -(d["call"] + rng.randint(2, d["window"] - 12)))
        d["bids"] = [min(b, (today - day0).days - 1) for b in d["bids"]]
        d["score"] = max(d["bids"])
    if closed:
        earliest = datetime.date(FIRST_YEAR, 2, 1)
        day0 = add_days(earliest, rng.randint(0, max(1, (today - earliest).days - last - 90)))
        if target == S.OPEN:
            d["bids"] = [d["call"] + 3 + i for i in range(3)]
            d["score"] = d["call"] + 6
    return day0


def _walk_one(ctx, rng, casting, item, made: ProjectsMade):
    state, mode, before = item
    today = ctx.clock.today
    cast = casting.cast(mode)
    if not cast.bids:
        cast = casting.cast("center" if casting.centers else "enterprise")
    milestone_count = rng.choices([1, 2, 3], weights=[5, 4, 1])[0]
    d = _schedule(rng, milestone_count)
    # A closed challenge first walks to the state it was closed in.
    target = before or state
    accepted, partial = None, rng.random() < 0.35
    last = 0
    if target != S.SOLVED:
        if target == S.IN_PROGRESS:
            accepted = rng.randint(0, milestone_count - 1)
        last = _last_step(target, d, accepted, partial)
    day0 = _first_day(rng, today, target, d, last, closed=bool(before))
    walk = Walk(ctx, rng, cast, day0, d, milestone_count)
    # Live ones (not closed) may stop with the next decision awaiting signatures.
    walk.run(target, accepted=accepted, partial=partial and target != S.SOLVED and not before)
    if before:
        ctx.clock.at(min(add_days(today, -1), add_days(day0, last + rng.randint(20, 80))), rng)
        services.challenge_close(actor=cast.author, challenge=walk.challenge, reason=CLOSE_REASONS[before])
    elif walk.info is not None:
        made.projects.append(walk.info)
    made.challenges += 1


def load(ctx) -> None:
    rng = ctx.rng("projects")
    p = plan(ctx)
    made = ProjectsMade()
    ctx.made["projects"] = made
    casting = Casting(ctx, rng)
    work = _work(ctx, rng, p)
    each_in_chunks(ctx, "challenges", work, lambda item: _walk_one(ctx, rng, casting, item, made), size=200)


def figures(ctx) -> list[Figure]:
    p = plan(ctx)
    funnel = selectors.challenge_funnel()
    rows = [Figure("problems solved (final joint evaluation approved)", funnel.get(S.SOLVED, 0), p[S.SOLVED])]
    for state in ORDER[:-1] + [S.CLOSED]:
        rows.append(Figure(f"  challenges {state}", funnel.get(state, 0), p[state]))
    rows += [
        Figure("challenges in all", Challenge.objects.count(), sum(p.values())),
        Figure("  by mode (enterprise / university / government-led)", " / ".join(
            str(Challenge.objects.filter(mode=m).count()) for m in Mode.values)),
        Figure("projects / milestones accepted", f"{Project.objects.count():,} / "
               f"{Milestone.objects.filter(status=Milestone.Status.ACCEPTED).count():,}"),
        Figure("sign-offs approved / awaiting", " / ".join(
            str(dict(SignoffRequest.objects.values_list("status").annotate(n=Count("pk"))).get(s, 0))
            for s in (SignoffRequest.Status.APPROVED, SignoffRequest.Status.PENDING))),
    ]
    return rows


