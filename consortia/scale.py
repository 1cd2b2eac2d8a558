"""Joint R&D centers (一中心) and innovation consortia (创新联合体) at scale, through consortia.services.

At scale 1: 241 enterprises sign a joint-center agreement (56 of them Fortune Global 500,
75 China Top 500; the flags are set with `organisation_update`), each with one active
center; 4 of them signed an earlier center that has since been suspended or closed; 5 more
enterprises have a center in preparation, not yet signed — 250 centers in all. Every
center gets its two directors and two chief scientists (双管理、双首席) with
`center_appoint`; the enterprise's chief scientist is a new chief engineer of the enterprise.
92 consortia of the three kinds (seed 003) are established, plus 3 dissolved ones that the
figure does not count.

Counting (DESIGN §5): "distinct enterprises with a signed joint-center agreement" has no
selector of its own, so `figures` counts it here from the records; the home page's
`center_and_consortium_counts` (active centers, consortia not dissolved) must agree with it.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from platform_core import services as core_services
from platform_core.models import Organisation, Role
from platform_core.scale import (
    FIRST_YEAR,
    Figure,
    PersonSpec,
    add_days,
    chain_nodes,
    day_between,
    each_in_chunks,
    people_create,
    round_to,
    spread_years,
    years_later,
)

from . import services
from .models import CenterMember, Consortium, ConsortiumMember, CouncilMember, JointCenter, Side
from .selectors import center_and_consortium_counts

TARGETS = {"center_enterprises": 241, "fortune": 56, "china": 75, "second_centers": 4, "preparing": 5,
           "consortia": 92, "dissolved": 3}
CONSORTIUM_KIND_SHARE = {Consortium.Kind.ENTERPRISE_LED: 0.6, Consortium.Kind.UNIVERSITY_LED: 0.27,
                         Consortium.Kind.GOVERNMENT_LED: 0.13}
SIGNING_YEARS = {2019: 10, 2020: 14, 2021: 16, 2022: 16, 2023: 15, 2024: 13, 2025: 10, 2026: 6}
W = Decimal(10_000)

DIRECTIONS = {
    "new-energy": [("储能与动力电池", "Energy Storage and Power Batteries"), ("新型电池材料", "Novel Battery Materials"),
                   ("光伏与氢能", "Photovoltaics and Hydrogen"), ("电池安全与回收", "Battery Safety and Recycling")],
    "ic": [("功率半导体", "Power Semiconductors"), ("集成电路先进工艺", "Advanced IC Processes"),
           ("芯片设计与EDA", "Chip Design and EDA"), ("先进封装", "Advanced Packaging")],
    "advanced-manufacturing": [("智能制造", "Smart Manufacturing"), ("高端数控装备", "High-End CNC Equipment"),
                               ("工业机器人", "Industrial Robotics"), ("增材制造", "Additive Manufacturing")],
    "biomedicine": [("创新药物", "Innovative Drugs"), ("高端医疗器械", "High-End Medical Devices"),
                    ("精准诊断", "Precision Diagnostics")],
    "ai": [("工业智能", "Industrial AI"), ("机器视觉", "Machine Vision"), ("智能网联汽车", "Intelligent Connected Vehicles")],
}
CENTER_KINDS = [("联合研发中心", "Joint R&D Center"), ("联合研究院", "Joint Research Institute"),
                ("联合实验室", "Joint Laboratory"), ("协同创新中心", "Collaborative Innovation Center")]
DIRECTION_LINES = ["{kw}关键技术", "{node}共性技术攻关", "{kw}与{kw2}协同优化", "{node}工程化与中试验证",
                   "{kw}国产化替代", "面向{node}的智能化升级"]


@dataclass
class CenterInfo:
    center: JointCenter
    enterprise: Organisation
    university: Organisation
    chain: str
    nodes: list
    fields: list
    signers: dict = field(default_factory=dict)     # side → [users] (director, chief scientist)
    members: list = field(default_factory=list)     # university-side members (researchers)
    signed_on: datetime.date | None = None


@dataclass
class ConsortiaMade:
    centers: list = field(default_factory=list)     # active, signed (CenterInfo)
    other_centers: list = field(default_factory=list)
    consortia: list = field(default_factory=list)


def plan(ctx) -> dict:
    fortune, china = ctx.n(TARGETS["fortune"]), ctx.n(TARGETS["china"])
    consortia = ctx.n(TARGETS["consortia"], 3)
    kinds = {kind: max(1, round(consortia * share)) for kind, share in CONSORTIUM_KIND_SHARE.items()}
    kinds[Consortium.Kind.ENTERPRISE_LED] += consortia - sum(kinds.values())
    return {
        "fortune": fortune, "china": china,
        "signed": max(ctx.n(TARGETS["center_enterprises"]), fortune + china),
        "second": ctx.n(TARGETS["second_centers"]), "preparing": ctx.n(TARGETS["preparing"]),
        "consortia": consortia, "kinds": kinds, "dissolved": ctx.n(TARGETS["dissolved"]),
    }


def _pick_enterprises(ctx, rng, p) -> list:
    """Center enterprises: the flagged ones among the group companies first, then others."""
    enterprises = list(ctx.orgs["enterprise"])
    rng.shuffle(enterprises)
    groups = [e for e in enterprises if "集团" in e.name_zh]
    others = [e for e in enterprises if "集团" not in e.name_zh]
    flagged_count = p["fortune"] + p["china"]
    flagged = (groups + others)[:flagged_count]
    rest = [e for e in enterprises if e not in flagged]
    return flagged + rest[:p["signed"] - flagged_count + p["preparing"]]


def _leaders(ctx, rng, university) -> tuple:
    """Director, chief scientist (two different researchers, if the university has two) and members."""
    researchers = list(ctx.people[(Role.RESEARCHER, university.pk)])
    rng.shuffle(researchers)
    chief = researchers[1] if len(researchers) > 1 else None
    return researchers[0], chief, researchers[2:2 + rng.randint(1, 3)]


def _center_name(rng, enterprise, university, chain):
    direction = rng.choice(DIRECTIONS[chain])
    kind = rng.choice(CENTER_KINDS)
    brand = enterprise.name_zh.replace("集团股份有限公司", "").replace("集团有限公司", "").replace(
        "股份有限公司", "").replace("有限公司", "")
    en_brand = enterprise.name_en.split(" Co.")[0].replace(" Group", "").replace(" Corporation", "")
    return (f"{brand}—{university.name_zh}{direction[0]}{kind[0]}",
            f"{en_brand}–{university.name_en} {kind[1]} for {direction[1]}")


def _directions(rng, nodes) -> str:
    lines = []
    for node in nodes:
        keywords = node.keywords or [node.name_zh]
        for template in rng.sample(DIRECTION_LINES, 2):
            kw, kw2 = rng.sample(keywords, 2) if len(keywords) > 1 else (keywords[0], node.name_zh)
            lines.append(template.format(kw=kw, kw2=kw2, node=node.name_zh))
    return "\n".join(dict.fromkeys(lines[:4]))


def _make_center(ctx, rng, enterprise, *, university, signed_on, status, chief_engineer, flags=()):
    profile = ctx.profile[enterprise.pk]
    chain = profile.chain
    nodes = profile.nodes or chain_nodes(ctx, chain)[:2]
    when = signed_on or day_between(rng, datetime.date(2026, 6, 1), datetime.date(2026, 11, 20))
    ctx.clock.at(when, rng)
    if flags:
        core_services.organisation_update(actor=ctx.admin, organisation=enterprise, **dict.fromkeys(flags, True))
    zh, en = _center_name(rng, enterprise, university, chain)
    start = add_days(when, rng.randint(10, 40)) if signed_on else None
    years = 5 if when.year >= 2022 else 8
    funding = round_to(rng.uniform(1000, 8000) * (2 if flags else 1), 100) * W
    center = services.center_create(
        actor=ctx.admin, enterprise=enterprise, university=university, name_zh=zh, name_en=en,
        agreement_signed_on=signed_on, agreement_start=start,
        agreement_end=add_days(years_later(start, years), -1) if start else None,
        funding_commitment=funding, research_directions=_directions(rng, nodes), status=status,
        description=f"由{enterprise.name_zh}与{university.name_zh}共建，企业为研发决策、投入、组织和成果转化的主体，"
                    f"实行双管理、双首席、双签字、双导师。",
        industry_nodes=nodes, fields=profile.fields,
    )
    director, chief, members = _leaders(ctx, rng, university)
    manager = ctx.first(Role.RD_MANAGER, enterprise)
    ctx.clock.later(30)
    for user, side, position, title in [
        (manager, Side.ENTERPRISE, CenterMember.Position.DIRECTOR, "企业方主任"),
        (chief_engineer, Side.ENTERPRISE, CenterMember.Position.CHIEF_SCIENTIST, "企业首席科学家"),
        (director, Side.UNIVERSITY, CenterMember.Position.DIRECTOR, "学校方主任"),
        (chief, Side.UNIVERSITY, CenterMember.Position.CHIEF_SCIENTIST, "学校首席科学家"),
        *[(m, Side.UNIVERSITY, CenterMember.Position.MEMBER, "研究方向负责人") for m in members],
    ]:
        if user is not None:
            services.center_appoint(actor=ctx.admin, center=center, user=user, side=side, position=position,
                                    title=title)
    signers = {Side.ENTERPRISE: [u for u in (manager, chief_engineer) if u],
               Side.UNIVERSITY: [u for u in (director, chief) if u]}
    return CenterInfo(center, enterprise, university, chain, nodes, profile.fields, signers, members, signed_on)


def _university_for(rng, ctx, enterprise):
    """Mostly a university, sometimes a research institute; home-province partners slightly preferred."""
    academic = ctx.orgs["university"] if rng.random() < 0.9 or not ctx.orgs["institute"] else ctx.orgs["institute"]
    same_region = [a for a in academic if a.region_id == enterprise.region_id]
    return rng.choice(same_region) if same_region and rng.random() < 0.3 else rng.choice(academic)


def _centers(ctx, rng, p, made: ConsortiaMade) -> None:
    enterprises = _pick_enterprises(ctx, rng, p)
    signed, preparing = enterprises[:p["signed"]], enterprises[p["signed"]:]
    # The enterprise's chief scientist: a chief engineer of the enterprise (also appointed mentor later).
    specs = [PersonSpec("ce", [(e, Role.RD_MANAGER, rng.choice(["首席科学家", "总工程师", "首席技术专家"]))])
             for e in enterprises]
    each_in_chunks(ctx, "chief engineers", [specs[i:i + 100] for i in range(0, len(specs), 100)],
                   lambda batch: people_create(ctx, batch, rng), size=5)
    chiefs = {e.pk: ctx.people[(Role.RD_MANAGER, e.pk)][-1] for e in enterprises}
    plans = []
    for index, enterprise in enumerate(signed):
        flags = ("is_fortune_global_500",) if index < p["fortune"] else (
            ("is_china_top_500",) if index < p["fortune"] + p["china"] else ())
        year = spread_years(rng, SIGNING_YEARS)
        signed_on = day_between(rng, datetime.date(year, 1, 5), min(datetime.date(year, 12, 20),
                                                                  add_days(ctx.clock.today, -10)))
        plans.append((enterprise, signed_on, flags))
    plans.sort(key=lambda item: item[1])

    def active(item):
        enterprise, signed_on, flags = item
        info = _make_center(ctx, rng, enterprise, university=_university_for(rng, ctx, enterprise),
                            signed_on=signed_on, status=JointCenter.Status.ACTIVE,
                            chief_engineer=chiefs[enterprise.pk], flags=flags)
        made.centers.append(info)

    each_in_chunks(ctx, "joint centers", plans, active, size=50)
    # A few enterprises (the latest to sign) had signed an earlier center, since suspended or closed.
    for index, info in enumerate(made.centers[-p["second"]:] if p["second"] else []):
        enterprise = info.enterprise
        others = [u for u in ctx.orgs["university"] if u.pk != info.university.pk] or ctx.orgs["university"]
        signed_on = day_between(rng, datetime.date(FIRST_YEAR, 1, 10), datetime.date(FIRST_YEAR + 1, 6, 30))
        with_status = JointCenter.Status.CLOSED if index % 2 == 0 else JointCenter.Status.SUSPENDED
        earlier = _make_center(ctx, rng, enterprise, university=rng.choice(others), signed_on=signed_on,
                               status=JointCenter.Status.ACTIVE, chief_engineer=chiefs[enterprise.pk])
        ctx.clock.at(add_days(signed_on, rng.randint(700, 1100)), rng)
        services.center_update(actor=ctx.admin, center=earlier.center, status=with_status)
        made.other_centers.append(earlier)
    for enterprise in preparing:
        made.other_centers.append(_make_center(
            ctx, rng, enterprise, university=_university_for(rng, ctx, enterprise), signed_on=None,
            status=JointCenter.Status.PREPARING, chief_engineer=chiefs[enterprise.pk]))


CONSORTIUM_THEMES = {
    "new-energy": ["新型储能", "动力电池", "光伏氢能", "电池循环利用"], "ic": ["功率半导体", "集成电路", "先进封装测试"],
    "advanced-manufacturing": ["高端装备", "智能制造", "工业母机", "航空航天装备"],
    "biomedicine": ["创新药", "高端医疗器械", "生物制造"], "ai": ["人工智能", "工业互联网", "智能网联汽车"],
}


def _lead_of(ctx, rng, kind, made):
    if kind == Consortium.Kind.ENTERPRISE_LED:
        pool = [c.enterprise for c in made.centers] or ctx.orgs["enterprise"]
        return rng.choice(pool)
    if kind == Consortium.Kind.UNIVERSITY_LED:
        return rng.choice(ctx.orgs["university"] + ctx.orgs["institute"][:3])
    return rng.choice(ctx.orgs["government"])


def _lead_person(ctx, lead):
    for role in (Role.RD_MANAGER, Role.TTO_STAFF, Role.PROGRAM_OFFICER, Role.ORG_ADMIN):
        person = ctx.first(role, lead)
        if person is not None:
            return person
    return None


def _consortium(ctx, rng, kind, status, names, made):
    lead = _lead_of(ctx, rng, kind, made)
    chain = ctx.profile[lead.pk].chain or rng.choice(list(CONSORTIUM_THEMES))
    theme = rng.choice(CONSORTIUM_THEMES[chain])
    place = lead.region.parent.name_zh if lead.region and lead.region.parent_id else (
        lead.region.name_zh if lead.region else "")
    for attempt in range(50):
        if kind == Consortium.Kind.GOVERNMENT_LED:
            zh = f"{place}{theme}产业创新联合体"
        elif kind == Consortium.Kind.UNIVERSITY_LED:
            zh = f"{lead.name_zh}{theme}创新联合体"
        else:
            zh = f"{ctx.profile[lead.pk].short}{theme}创新联合体"
        if attempt:
            zh = zh.replace("创新联合体", f"{'第二三四五六七八九'[attempt % 8]}期创新联合体")
        if zh not in names:
            names.add(zh)
            break
    founded = day_between(rng, datetime.date(FIRST_YEAR, 3, 1), add_days(ctx.clock.today, -20))
    ctx.clock.at(founded, rng)
    nodes = rng.sample(chain_nodes(ctx, chain), min(3, len(chain_nodes(ctx, chain))))
    goals = {
        Consortium.Kind.ENTERPRISE_LED: f"由{lead.name_zh}牵头，围绕{theme}产业链上中下游联合攻关"
                                        f"{'、'.join(n.name_zh for n in nodes)}关键技术，推动成果在链上企业转化应用。",
        Consortium.Kind.UNIVERSITY_LED: f"由{lead.name_zh}凝练{theme}方向的共性科学问题，企业共同参与验证与产业化。",
        Consortium.Kind.GOVERNMENT_LED: f"政府牵头设定{theme}攻关方向与支持政策，企业和高校通过揭榜挂帅承担任务。",
    }[kind]
    consortium = services.consortium_create(
        actor=ctx.admin, lead=lead, name_zh=zh, kind=kind, founded_on=founded, goals=goals,
        status=Consortium.Status.FORMING if status == Consortium.Status.FORMING else Consortium.Status.ACTIVE,
        industry_nodes=nodes,
    )
    candidates = ([e for e in ctx.orgs["enterprise"] if ctx.profile[e.pk].chain == chain] or ctx.orgs["enterprise"])
    members = rng.sample(candidates, min(len(candidates), rng.randint(2, 5)))
    members += rng.sample(ctx.orgs["university"], min(len(ctx.orgs["university"]), rng.randint(1, 3)))
    if ctx.orgs["institute"] and rng.random() < 0.6:
        members.append(rng.choice(ctx.orgs["institute"]))
    if ctx.orgs["financial"] and rng.random() < 0.5:
        members.append(rng.choice(ctx.orgs["financial"]))
    seats = [(lead, CouncilMember.Position.CHAIR)]
    for organisation in dict.fromkeys(m for m in members if m.pk != lead.pk):
        role = (ConsortiumMember.Role.SUPPORTING if organisation.kind == Organisation.Kind.FINANCIAL
                else rng.choice([ConsortiumMember.Role.CORE, ConsortiumMember.Role.MEMBER]))
        services.consortium_member_add(
            actor=ctx.admin, consortium=consortium, organisation=organisation, role=role,
            responsibilities={ConsortiumMember.Role.SUPPORTING: "投融资与金融服务",
                              ConsortiumMember.Role.CORE: "核心技术攻关与示范应用"}.get(role, "协同研发与验证"),
            joined_on=add_days(founded, rng.randint(0, 90)))
        if len(seats) < 4 and role == ConsortiumMember.Role.CORE:
            seats.append((organisation, CouncilMember.Position.VICE_CHAIR if len(seats) == 1
                          else CouncilMember.Position.MEMBER))
    for organisation, position in seats:
        person = _lead_person(ctx, organisation)
        if person is not None:
            services.council_member_add(actor=ctx.admin, consortium=consortium, user=person,
                                        organisation=organisation, position=position)
    if status == Consortium.Status.DISSOLVED:
        ctx.clock.at(add_days(founded, rng.randint(500, 900)), rng)
        services.consortium_update(actor=ctx.admin, consortium=consortium, status=Consortium.Status.DISSOLVED)
    return consortium


def _consortia(ctx, rng, p, made: ConsortiaMade) -> None:
    work = []
    for kind, count in p["kinds"].items():
        for index in range(count):
            work.append((kind, Consortium.Status.FORMING if index % 7 == 6 else Consortium.Status.ACTIVE))
    work += [(Consortium.Kind.ENTERPRISE_LED, Consortium.Status.DISSOLVED)] * p["dissolved"]
    names = set(Consortium.objects.values_list("name_zh", flat=True))
    made.consortia = each_in_chunks(ctx, "consortia", work,
                                    lambda item: _consortium(ctx, rng, item[0], item[1], names, made), size=50)


def load(ctx) -> None:
    rng = ctx.rng("consortia")
    p = plan(ctx)
    made = ConsortiaMade()
    ctx.made["consortia"] = made
    _centers(ctx, rng, p, made)
    _consortia(ctx, rng, p, made)


def figures(ctx) -> list[Figure]:
    p = plan(ctx)
    counts = center_and_consortium_counts()
    # DESIGN §5: distinct enterprises with a signed joint-center agreement, split by their flags.
    signed = Organisation.objects.filter(
        pk__in=JointCenter.objects.exclude(agreement_signed_on=None).values("enterprise_id"))
    return [
        Figure("joint centers: enterprises with a signed agreement", signed.count(), p["signed"]),
        Figure("  of which Fortune Global 500", signed.filter(is_fortune_global_500=True).count(), p["fortune"]),
        Figure("  of which China Top 500", signed.filter(is_china_top_500=True).count(), p["china"]),
        Figure("joint centers active (home page)", counts["centers"], p["signed"]),
        Figure("joint centers in preparation (home page)", counts["centers_preparing"], p["preparing"]),
        Figure("joint centers in all", JointCenter.objects.count(), p["signed"] + p["second"] + p["preparing"]),
        Figure("innovation consortia (home page)", counts["consortia"], p["consortia"]),
        Figure("  by kind (enterprise / university / government-led)", " / ".join(
            str(Consortium.objects.exclude(status=Consortium.Status.DISSOLVED).filter(kind=k).count())
            for k in Consortium.Kind.values)),
    ]
