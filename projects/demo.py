"""Demo challenges in every state, projects with milestones, and all three modes (seed 003).

Everything goes through the services and the real dual sign-off, so the demo obeys
the same rules as users do. Only the dates of two milestones are moved into the past
afterwards, so that the overdue flag has something to show.
"""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from platform_core.signoff import signoff_sign

from . import conflicts, services
from .models import BidMember, Challenge, Milestone

CRITERIA = [{"name": "技术路线可行性", "weight": 40}, {"name": "团队实力与前期基础", "weight": 30},
            {"name": "经费与进度合理性", "weight": 30}]


def _sign_all(request):
    for party in request.parties.all():
        signoff_sign(actor=party.signatories.first(), request_id=request.pk, party_id=party.pk)


def _days(n):
    return timezone.localdate() + timedelta(days=n)


class Walker:
    """Moves one challenge along the chain up to a wanted state."""

    ORDER = ["draft", "published", "refined", "open", "awarded", "in_progress", "under_evaluation", "solved"]

    def __init__(self, ctx, *, poster, author, panel, pi, bid_org, members=(), rival=None, center=None, **data):
        self.ctx, self.poster, self.author, self.panel, self.pi, self.bid_org = ctx, poster, author, panel, pi, bid_org
        self.members, self.rival, self.center = members, rival, center
        self.bid = {k: data.pop(k) for k in ("approach", "plan", "bid_budget", "result")}
        self.data = data

    def run(self, until: str, *, milestones=(), evaluations=None, reached_trl=None, topic=None):
        step = self.ORDER.index(until)
        c = services.challenge_create(actor=self.author, poster=self.poster, center=self.center, **self.data)
        if step >= 1:
            services.challenge_publish(actor=self.author, challenge=c)
        if step >= 2:
            title, objectives, deliverables = topic
            services.topic_save(actor=self.author, challenge=c, title=title, objectives=objectives,
                                deliverables=deliverables)
            _sign_all(services.topic_submit(actor=self.author, challenge=c))
        if step >= 3:
            call = services.call_open(actor=self.author, challenge=Challenge.objects.get(pk=c.pk),
                                      closes_on=_days(25), criteria=CRITERIA, panel=self.panel)
            bid = services.bid_submit(actor=self.pi, call=call, organisation=self.bid_org,
                                      team_name=f"{self.pi}团队", approach=self.bid["approach"], plan=self.bid["plan"],
                                      budget=self.bid["bid_budget"], members=self.members)
            rival_bid = None
            if self.rival:
                rival_bid = services.bid_submit(actor=self.rival, call=call, organisation=self.bid_org,
                                                team_name=f"{self.rival}团队", approach="采用成熟工艺路线改进，风险较低。",
                                                plan="分两阶段实施，12 个月完成。",
                                                budget=self.bid["bid_budget"] * Decimal("0.8"))
            for index, judge in enumerate(self.panel):
                stakes = conflicts.detected_stakes(judge, call)
                for staked_bid, stake in stakes:  # a panel member who bids declares it and is recused (利益冲突回避)
                    services.conflict_declare(actor=judge, bid=staked_bid, stake=stake)
                if stakes:
                    continue
                services.bid_score(actor=judge, bid=bid, scores=dict(zip([k["name"] for k in CRITERIA],
                                                                         [88 - index, 85, 80])), comment="方案扎实。")
                if rival_bid:
                    services.bid_score(actor=judge, bid=rival_bid, scores={k["name"]: 72 for k in CRITERIA})
        if step >= 4:
            _sign_all(services.award_propose(actor=self.author, bid=bid))
        project = Challenge.objects.get(pk=c.pk).project if step >= 4 else None
        created = []
        for title, deliverables, days, tranche in milestones:
            created.append(services.milestone_add(actor=self.pi, project=project, title=title,
                                                  deliverables=deliverables, due_on=_days(days), tranche=tranche))
        if step >= 5:
            services.project_start(actor=self.pi, project=project)
            accepted = created if step >= 6 else created[:1]
            for milestone in accepted:
                _sign_all(services.milestone_submit(actor=self.pi, milestone=milestone,
                                                    report="按计划交付，测试报告已上传。"))
            if reached_trl:
                services.trl_record(actor=self.pi, project=project, trl=reached_trl, evidence="第三方检测报告与中试线运行记录。")
        if step >= 6:
            services.project_submit_for_evaluation(actor=self.pi, project=project,
                                                   result_abstract=self.bid["result"])
            for signer, scores in evaluations or []:
                services.evaluation_submit(actor=signer, project=project, comment="达到预期目标。", **scores)
        if step >= 7:
            from platform_core.models import SignoffRequest

            _sign_all(SignoffRequest.objects.get(kind="projects.final_evaluation", target_id=str(project.pk),
                                                 status="pending"))
        return Challenge.objects.get(pk=c.pk)


def load(ctx) -> None:
    o, u, n, f = ctx.orgs, ctx.users, ctx.nodes, ctx.fields
    center = ctx.__dict__.get("extra", {}).get("center")
    energy = dict(poster=o["enterprise_energy"], author=u["zhang"], panel=[u["chen"], u["wang"]], pi=u["li"],
                  bid_org=o["university"], members=[(u["zhao"], BidMember.Role.STUDENT)], center=center)
    scores = {"technical_score": 90, "application_score": 86, "management_score": 88}
    topic = ("{}", "明确量化指标与验收方法。", "技术报告、样品、工艺包。")

    def walk(until, title, summary, detail, node, field, trl, budget, **kw):
        data = dict(title_zh=title, summary_zh=summary, confidential_detail=detail, industry_node=n[node],
                    field=f[field], current_trl=trl[0], target_trl=trl[1], budget_min=Decimal(budget[0]),
                    budget_max=Decimal(budget[1]), deadline=_days(kw.pop("deadline", 120)))
        data.update({k: kw.pop(k) for k in ("title_en", "summary_en", "partner") if k in kw})
        walker_kw = dict(energy)
        walker_kw.update(kw.pop("walker", {}))
        walker = Walker(ctx, **walker_kw, **data, approach=kw.pop("approach", "理论建模与实验验证相结合。"),
                        plan=kw.pop("plan", "分三阶段：小试、中试、示范应用。"), bid_budget=Decimal(budget[1]) * Decimal("0.8"),
                        result=kw.pop("result", "完成全部考核指标，形成工艺包与专利申请。"))
        t = kw.pop("topic", (title, *topic[1:]))
        return walker.run(until, topic=t, **kw)

    walk("draft", "钠离子电池低温性能提升", "拟开发适用于 -30℃ 的钠离子电池体系，正在内部论证。",
         "目标客户为北方储能电站，配方体系暂不公开。", "ne-cell", "0805", (2, 5), (300000, 1000000))
    warning = walk("published", "储能电站热失控早期预警算法", "需要基于多源传感数据的热失控早期预警方法，提前 10 分钟以上告警。",
         "现有站点 BMS 数据接口与历史事故数据见保密附件。", "ne-storage", "0808", (3, 6), (800000, 2500000),
         title_en="Early warning of thermal runaway in energy-storage plants",
         summary_en="A multi-sensor method that warns of thermal runaway at least 10 minutes ahead.")
    # Left awaiting both sides' signatures, so the demo has something to sign.
    services.topic_save(actor=u["zhang"], challenge=warning, title="储能电站热失控多源早期预警方法",
                        objectives="提前 10 分钟以上预警，误报率 ≤ 1%。", deliverables="预警算法软件与现场验证报告。")
    services.topic_submit(actor=u["zhang"], challenge=warning)
    walk("refined", "电池 SOC 高精度在线估计", "在宽温域和老化条件下实现 SOC 估计误差 ≤ 2%。",
         "车型平台与电芯规格详见保密资料。", "ne-bms", "0811", (3, 6), (500000, 1500000),
         topic=("宽温域电池 SOC 在线估计方法", "全温域误差 ≤ 2%，老化 80% 时误差 ≤ 3%。", "算法软件、验证报告。"))
    walk("open", "固态电解质界面阻抗降低", "硫化物固态电解质与高镍正极界面阻抗过高，寻求界面改性方案。",
         "当前界面阻抗 350 Ω·cm²，目标 ≤ 50 Ω·cm²；测试条件见附件。", "ne-lithium", "0805", (2, 5),
         (1000000, 3000000), walker={"rival": u["wang"]}, title_en="Lower interface impedance of solid electrolytes")
    walk("awarded", "退役动力电池快速分选技术", "建立退役电池健康状态快速检测与分选方法，单体检测时间 ≤ 3 分钟。",
         "回收产线节拍与分选标准为企业内部资料。", "ne-recycle", "0808", (3, 7), (600000, 2000000),
         milestones=[("快速检测方法建立", "检测方法与样机", 60, 400000)])
    progress = walk("in_progress", "高镍正极材料循环寿命提升", "提升高镍三元正极在 45℃ 下的循环寿命，1000 次容量保持率 ≥ 90%。",
                    "当前 NCM811 产线 500 次循环容量保持率仅 78%，配方与工艺参数见保密附件。", "ne-lithium", "0805",
                    (3, 6), (1000000, 3000000), reached_trl=4,
                    milestones=[("包覆工艺小试", "包覆样品与测试报告", 20, 600000),
                                ("中试放大验证", "中试批次样品 50 kg", 40, 900000),
                                ("电芯级验证", "电芯循环测试报告", 120, 500000)],
                    title_en="Longer cycle life of high-nickel cathodes")
    walk("under_evaluation", "储能变流器效率优化", "将 1500V 储能变流器满载效率提升至 99% 以上。",
         "拓扑与器件选型为企业核心资料。", "ne-storage", "0808", (4, 7), (800000, 2000000), reached_trl=6,
         milestones=[("新拓扑样机", "样机与效率测试报告", 30, 800000)],
         evaluations=[(u["zhang"], scores)])
    walk("solved", "电芯极片涂布缺陷在线检测", "基于机器视觉实现极片涂布缺陷在线检测，漏检率 ≤ 0.1%。",
         "产线相机布局与缺陷样本库为保密资料。", "ne-cell", "0812", (4, 7), (500000, 1500000), reached_trl=7,
         milestones=[("检测算法", "算法与标注数据集", 20, 500000), ("产线部署", "部署报告", 45, 600000)],
         evaluations=[(u["zhang"], scores), (u["tto"], {**scores, "technical_score": 92})],
         result="极片涂布缺陷在线检测系统在两条产线部署，漏检率 0.06%，已申请发明专利 2 项。")
    closed = walk("published", "锂电池隔膜国产化替代", "寻求高孔隙率湿法隔膜国产化方案。", "供应商与价格信息保密。",
                  "ne-lithium", "0805", (3, 6), (500000, 1000000))
    services.challenge_close(actor=u["zhang"], challenge=closed, reason="企业战略调整，改由供应链合作解决。")

    # Seed 003: university-led (the university sets the direction; enterprises join by bidding).
    walk("open", "五轴数控机床热误差补偿共性技术", "学校牵头凝练五轴机床热误差建模与补偿方向，邀请装备企业揭榜参与验证与产业化。",
         "前期实验数据与模型参数仅向签署保密承诺的团队开放。", "am-cnc", "0802", (3, 6), (500000, 2000000),
         walker=dict(poster=o["university"], author=u["tto"], panel=[u["sunyu"], u["liu"]], pi=u["liu"],
                     bid_org=o["enterprise_heavy"], members=[], center=None), partner=o["enterprise_heavy"],
         approach="在企业整机上开展热误差补偿验证并形成产品。", plan="12 个月完成整机验证，18 个月小批量应用。")
    # Government-led: the agency sets terms and a subsidy; universities and enterprises bid the same way.
    gov = Walker(ctx, poster=o["government"], author=u["sun"], panel=[u["sun"], u["xu"]], pi=u["hu"],
                 bid_org=o["university_east"], members=[], center=None,
                 title_zh="车规级碳化硅 MOSFET 可靠性攻关（省级揭榜挂帅）", title_en="Automotive-grade SiC MOSFET reliability",
                 summary_zh="面向新能源汽车主驱逆变器，攻克车规级 SiC MOSFET 栅氧可靠性与短路耐受能力。",
                 confidential_detail="揭榜单位须承诺成果在省内转化。", industry_node=n["ic-power"], field=f["0809"],
                 current_trl=3, target_trl=7, budget_min=Decimal(3000000), budget_max=Decimal(10000000),
                 subsidy=Decimal(5000000), terms="省财政补助 500 万元，企业配套不低于 1:1；实施期 24 个月。",
                 deadline=_days(150), partner=o["enterprise_chip"], approach="栅氧工艺优化与可靠性加速试验。",
                 plan="24 个月分三阶段完成。", bid_budget=Decimal(8000000), result="")
    gov.run("open", topic=("车规级 SiC MOSFET 栅氧可靠性提升", "HTGB 1000 小时阈值漂移 ≤ 0.2V。", "工艺方案与可靠性报告。"))

    # Two milestones of the running project are overdue, so reminders and the overdue flag show.
    project = progress.project
    Milestone.objects.filter(project=project, status=Milestone.Status.PLANNED).order_by("due_on").filter(
        pk__in=list(project.milestones.filter(status=Milestone.Status.PLANNED).order_by("due_on")
                    .values_list("pk", flat=True)[:1])).update(due_on=_days(-5))
