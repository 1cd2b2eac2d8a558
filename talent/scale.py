"""一共享 at scale, through talent.services: enterprise mentors, dual-mentor students, the talent pool and
shared hires (校招共用) signed by every party.

At scale 1: 995 enterprise engineers appointed mentor by a university (the joint centers' chief
engineers among them), 2,000 engineering master's and doctoral students who finished under
a university and an enterprise mentor (双导师), 150 still in training and 40 who withdrew;
a talent pool of researchers and recruits with their evidence; 324 shared hires whose
agreement took effect (300 in effect, 24 terminated early), each with shares that add up to
exactly 100 % and signed by the university, every paying enterprise and the subsidising
agency, plus agreements still awaiting signatures, drafts and draft renewals.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from platform_core import services as core_services
from platform_core.models import Organisation, Role
from platform_core.scale import (
    CHAIN_FIELDS,
    FOREIGN_NAMES,
    OVERSEAS_COUNTRIES,
    Figure,
    PersonSpec,
    add_days,
    day_between,
    each_in_chunks,
    people_create,
    person_name,
    round_to,
    split_evenly,
    years_later,
)
from platform_core.signoff import signoff_sign, signoffs_for

from . import selectors, services
from .models import DualMentorAssignment, EnterpriseMentor, SharedHire, TalentProfile
from .services import ShareSpec

TARGETS = {"mentors": 995, "graduated": 2000, "in_training": 150, "withdrawn": 40, "shared": 324,
           "terminated": 24, "signing": 15, "draft": 12, "renewals": 6, "researcher_profiles": 300}
W = Decimal(10_000)
THESIS = ["{kw}关键工艺参数优化研究", "基于{kw}的{node}状态监测方法", "{node}中{kw}的失效机理与寿命预测",
          "面向{node}的{kw}建模与控制", "{kw}低成本制备与工程化验证", "{node}{kw}在线检测系统设计"]
POSITIONS = ["首席科学家", "讲席教授", "特聘研究员", "联合研究中心技术总师", "青年领军研究员"]
EVIDENCE_TITLES = {
    "publication": ["{kw_en} for {node_en}: a systematic study", "高性能{kw}的设计与表征",
                    "Data-driven modelling of {kw_en} in {node_en}", "{node}中{kw}机理研究进展"],
    "patent": ["一种{kw}装置及其控制方法", "一种用于{node}的{kw}制备方法"],
    "project": ["国家重点研发计划课题：{node}{kw}关键技术", "国家自然科学基金面上项目：{kw}基础研究"],
    "award": ["省部级科技进步一等奖", "中国产学研合作创新成果奖", "海外高层次人才引进计划入选"],
}


@dataclass
class TalentMade:
    mentors: list = field(default_factory=list)          # EnterpriseMentor
    students: int = 0


def plan(ctx) -> dict:
    p = {key: ctx.n(count) for key, count in TARGETS.items()}
    # The figure (agreements that took effect) is exact; a share of them was terminated early.
    p["terminated"] = min(p["terminated"], p["shared"] - 1) if p["shared"] > 1 else 0
    p["in_effect"] = p["shared"] - p["terminated"]
    return p


def _hr(ctx, university):
    return ctx.first(Role.TTO_STAFF, university) or ctx.first(Role.ORG_ADMIN, university)


def _keyword(rng, ctx, organisation):
    profile = ctx.profile.get(organisation.pk)
    nodes = profile.nodes if profile and profile.nodes else list(ctx.nodes.values())
    node = rng.choice(nodes)
    keyword = rng.choice(node.keywords or [node.name_zh])
    return node, keyword if len(keyword) > 1 else node.name_zh


# ---------------------------------------------------------------- mentors


def _mentors(ctx, rng, p, made: TalentMade) -> None:
    centers = ctx.made["consortia"].centers + ctx.made["consortia"].other_centers
    chiefs = []
    for info in centers:
        chief = ctx.people[(Role.RD_MANAGER, info.enterprise.pk)][-1]
        if chief not in [c[0] for c in chiefs]:
            university = info.university if info.university.kind == Organisation.Kind.UNIVERSITY else None
            chiefs.append((chief, info.enterprise, university))
    chiefs = chiefs[:p["mentors"]]
    extra = p["mentors"] - len(chiefs)
    # New mentors: more in the center enterprises, then one in other enterprises.
    center_enterprises = [info.enterprise for info in ctx.made["consortia"].centers]
    others = [e for e in ctx.orgs["enterprise"] if e not in center_enterprises]
    hosts = (center_enterprises * 3 + others)[:max(0, extra)] if extra > 0 else []
    while len(hosts) < extra:
        hosts.append(rng.choice(ctx.orgs["enterprise"]))
    specs = [PersonSpec("men", [(e, Role.MENTOR, rng.choice(["高级工程师", "首席工程师", "技术专家", "工艺总师",
                                                          "研发经理"]))]) for e in hosts]

    def create(batch):
        return people_create(ctx, batch, rng)

    with_accounts = [u for batch in each_in_chunks(ctx, "mentor accounts", [specs[i:i + 100]
                     for i in range(0, len(specs), 100)], create, size=5) for u in batch]
    by_center_university = {info.enterprise.pk: info.university for info in ctx.made["consortia"].centers
                            if info.university.kind == Organisation.Kind.UNIVERSITY}
    work = list(chiefs) + [(user, host, by_center_university.get(host.pk)) for user, host in
                           zip(with_accounts, hosts, strict=True)]
    universities = ctx.orgs["university"]
    # Term starts (four-year terms) are spread over the years so that every intake finds mentors.
    count = len(work)
    years = [2021] if count == 1 else [2019 + round(i * 6 / (count - 1)) for i in range(count)]
    rng.shuffle(years)

    chief_ids = {c[0].pk for c in chiefs}

    def appoint(item):
        (user, enterprise, university), year = item
        if user.pk in chief_ids:
            # The center's chief engineer takes the mentor role as well.
            core_services.membership_add(actor=ctx.admin, organisation=enterprise, user=user, role=Role.MENTOR,
                                         title="企业导师")
        university = university or rng.choice(universities)
        start = datetime.date(year, rng.choice([3, 9]), 1)
        ctx.clock.at(add_days(start, -rng.randint(5, 40)), rng)
        node, keyword = _keyword(rng, ctx, enterprise)
        profile = ctx.profile.get(enterprise.pk)
        mentor = services.mentor_appoint(
            actor=_hr(ctx, university), user=user, organisation=enterprise, university=university,
            term_start=start, term_end=add_days(years_later(start, 4), -1),
            title=rng.choice(["高级工程师", "首席工程师", "技术总监", "研究院副院长"]),
            expertise=f"{node.name_zh}、{keyword}工程化与产业化", fields=(profile.fields[:1] if profile else []))
        made.mentors.append(mentor)

    each_in_chunks(ctx, "mentor appointments", list(zip(work, years, strict=True)), appoint)


# ---------------------------------------------------------------- students


def _placement(ctx, rng, mentor, university, projects_by_pair, centers_by_pair):
    key = (mentor.organisation_id, university.pk)
    if key in centers_by_pair and rng.random() < 0.6:
        return {"placement_kind": DualMentorAssignment.PlacementKind.CENTER, "center": centers_by_pair[key]}
    if key in projects_by_pair and rng.random() < 0.7:
        return {"placement_kind": DualMentorAssignment.PlacementKind.PROJECT,
                "project": rng.choice(projects_by_pair[key])}
    return {"placement_kind": DualMentorAssignment.PlacementKind.ENTERPRISE,
            "placement_label": f"{mentor.organisation.name_zh}{rng.choice(['技术中心', '研究院', '工程部', '工艺研究所'])}"}


def _students(ctx, rng, p, made: TalentMade) -> None:
    today = ctx.clock.today
    centers_by_pair = {(i.enterprise.pk, i.university.pk): i.center for i in ctx.made["consortia"].centers}
    projects_by_pair = {}
    for info in ctx.made["projects"].projects:
        projects_by_pair.setdefault((info.sponsor.pk, info.performer.pk), []).append(info.project)
    mentors = list(made.mentors)
    work = ([DualMentorAssignment.Status.GRADUATED] * p["graduated"] + [DualMentorAssignment.Status.IN_TRAINING]
            * p["in_training"] + [DualMentorAssignment.Status.WITHDRAWN] * p["withdrawn"])
    rng.shuffle(work)
    plans = []
    for index, status in enumerate(work):
        degree = DualMentorAssignment.Degree.DOCTOR if rng.random() < 0.3 else DualMentorAssignment.Degree.MASTER
        years = 4 if degree == DualMentorAssignment.Degree.DOCTOR else 3
        # Allowed first years: finished students graduated by this summer, the others are still studying.
        if status == DualMentorAssignment.Status.GRADUATED:
            low, high = 2019, today.year - years - (0 if today.month >= 7 else 1)
        elif status == DualMentorAssignment.Status.IN_TRAINING:
            low, high = today.year - years + 1, today.year - (0 if today.month >= 9 else 1)
        else:
            low, high = 2019, today.year - 1
        candidates = [m for m in mentors[index % len(mentors):] + mentors[:index % len(mentors)]
                      if m.term_start.year <= high and m.term_end.year - 1 >= low][:5]
        if not candidates:
            raise RuntimeError(f"No enterprise mentor's term fits a {status} student starting {low}–{high}.")
        mentor = rng.choice(candidates)
        first = max(low, mentor.term_start.year if mentor.term_start.month <= 9 else mentor.term_start.year + 1)
        last = min(high, mentor.term_end.year - 1)
        year = rng.randint(first, max(first, last))
        start = max(datetime.date(year, 9, 1), mentor.term_start)
        plans.append((status, degree, years, mentor, start))
    plans.sort(key=lambda item: item[4])
    for batch in [plans[i:i + 200] for i in range(0, len(plans), 200)]:
        with transaction.atomic():
            ctx.clock.at(batch[0][4] - datetime.timedelta(days=20), rng)
            specs = [PersonSpec("stu", [(mentor.university, Role.STUDENT, "工程博士研究生" if degree ==
                                         DualMentorAssignment.Degree.DOCTOR else "工程硕士研究生")])
                     for _status, degree, _years, mentor, _start in batch]
            students = people_create(ctx, specs, rng)
            for (status, degree, years, mentor, start), student in zip(batch, students, strict=True):
                _assign(ctx, rng, student, status, degree, years, mentor, start, projects_by_pair, centers_by_pair)
                made.students += 1
        ctx.log(f"    dual-mentor students: {made.students}/{len(plans)}")


def _assign(ctx, rng, student, status, degree, years, mentor, start, projects_by_pair, centers_by_pair):
    university = mentor.university
    hr = _hr(ctx, university)
    researchers = ctx.people[(Role.RESEARCHER, university.pk)]
    placement = _placement(ctx, rng, mentor, university, projects_by_pair, centers_by_pair)
    node, keyword = _keyword(rng, ctx, mentor.organisation)
    expected = datetime.date(start.year + years, 6, 30)
    ctx.clock.at(start, rng)
    assignment = services.assignment_create(
        actor=hr, student=student, degree=degree, university=university, university_mentor=rng.choice(researchers),
        enterprise_mentor=mentor, **placement,
        thesis_topic=rng.choice(THESIS).format(kw=keyword, node=node.name_zh), start_date=start,
        expected_graduation=expected)
    if status == DualMentorAssignment.Status.GRADUATED:
        ended = add_days(expected, -rng.randint(0, 40))
    elif status == DualMentorAssignment.Status.WITHDRAWN:
        ended = min(add_days(start, rng.randint(200, 500)), add_days(ctx.clock.today, -3))
    else:
        return
    ctx.clock.at(ended, rng)
    services.assignment_close(actor=hr, assignment=assignment, status=status, on_date=ended)


# ---------------------------------------------------------------- talent pool and shared hires


def _evidence(ctx, rng, profile, node, keyword, hr):
    kinds = rng.sample(list(EVIDENCE_TITLES), rng.randint(1, 3))
    for kind in kinds:
        title = rng.choice(EVIDENCE_TITLES[kind]).format(kw=keyword, node=node.name_zh,
                                                         kw_en=node.name_en.lower(), node_en=node.chain.name_en.lower())
        year = rng.randint(2012, ctx.clock.current.year)
        identifier = ""
        if kind == "publication":
            journal = rng.choice(["jpowsour", "ijmachtools", "sse", "actamat"])
            identifier = f"10.{rng.randint(1000, 9999)}/j.{journal}.{year}.{rng.randint(100000, 999999)}"
        services.talent_evidence_add(actor=hr, profile=profile, kind=kind, title=title[:300], year=year,
                                     summary=f"围绕{node.name_zh}中的{keyword}问题开展研究，成果具有工程应用价值。",
                                     identifier=identifier)


def _profile(ctx, rng, university, *, user=None, overseas=False):
    hr = _hr(ctx, university)
    node, keyword = _keyword(rng, ctx, rng.choice(ctx.orgs.get(f"schools:{university.pk}") or [university]))
    if user is not None:
        name_zh, name_en, country = str(user), "", ""
    elif overseas and rng.random() < 0.3:
        name_zh, name_en, country = rng.choice(FOREIGN_NAMES)
    else:
        name_zh, name_en, country = person_name(rng), "", rng.choice(OVERSEAS_COUNTRIES) if overseas else ""
    chain = node.chain.code
    profile = services.talent_profile_create(
        actor=hr, organisation=university, name_zh=name_zh, name_en=name_en, user=user,
        title=rng.choice(["教授", "研究员", "特聘教授", "副教授"]) + ("(海外引进)" if overseas else ""),
        is_overseas=overseas, country=country,
        expertise=list(dict.fromkeys([keyword, *rng.sample(node.keywords, min(2, len(node.keywords))), node.name_zh])),
        languages=["中文", "英语"] + (["德语"] if country == "德国" else []),
        availability=rng.choice(["available", "partial", "partial", "unavailable"]),
        biography=(f"{'曾在' + country + '知名高校及企业研发机构工作多年，' if overseas else ''}长期从事{node.name_zh}"
                   f"方向研究，在{keyword}领域主持多项国家级与企业委托项目。"),
        fields=[ctx.fields[c] for c in CHAIN_FIELDS[chain][:2]], industry_nodes=[node],
    )
    _evidence(ctx, rng, profile, node, keyword, hr)
    return profile


def _shares(ctx, rng, university, government) -> list[ShareSpec]:
    """学校招、企业供、政府助: one or two paying enterprises, a subsidy, sometimes the university; 100 % exactly."""
    center_partners = [i.enterprise for i in ctx.made["consortia"].centers if i.university.pk == university.pk]
    pool = center_partners or ctx.orgs["enterprise"]
    enterprises = rng.sample(pool, min(len(pool), rng.choice([1, 1, 2])))
    subsidy = rng.choice([20, 25, 30, 30, 40]) if government else 0
    own = rng.choice([0, 0, 10, 20])
    paid = 100 - subsidy - own
    second = round_to(paid * rng.uniform(0.3, 0.5), 5)
    parts = [paid] if len(enterprises) == 1 else [paid - second, second]
    time_parts = split_evenly(rng.choice([40, 50, 60, 70]), len(enterprises))
    shares = [ShareSpec(e, Decimal(part), Decimal(t)) for e, part, t in zip(enterprises, parts, time_parts,
                                                                            strict=True)]
    if subsidy:
        shares.append(ShareSpec(government, Decimal(subsidy)))
    if own:
        shares.append(ShareSpec(university, Decimal(own)))
    return shares


def _sign_parties(ctx, rng, hire, count=None):
    request = signoffs_for(hire).get(status="pending")
    parties = list(request.parties.all())
    for party in parties[:count] if count is not None else parties:
        ctx.clock.later(60 * 24 * rng.randint(1, 10))
        signoff_sign(actor=party.signatories.first(), request_id=request.pk, party_id=party.pk)


def _hires(ctx, rng, p) -> None:
    universities = ctx.orgs["university"]
    work = (["in_effect"] * p["in_effect"] + ["terminated"] * p["terminated"] + ["signing"] * p["signing"]
            + ["draft"] * p["draft"])
    rng.shuffle(work)
    renewals = p["renewals"]
    today = ctx.clock.today

    def hire(status):
        nonlocal renewals
        university = rng.choice(universities)
        hr = _hr(ctx, university)
        province = university.region.parent if university.region and university.region.parent_id else university.region
        agencies = [g for g in ctx.orgs["government"] if g.region_id in {getattr(province, "pk", None),
                                                                          university.region_id}]
        government = (agencies or ctx.orgs["government"])[0]
        if status == "draft":
            start = day_between(rng, add_days(today, 20), add_days(today, 200))
            created = add_days(today, -rng.randint(1, 40))
        elif status == "signing":
            start = day_between(rng, add_days(today, -30), add_days(today, 120))
            created = add_days(min(start, today), -rng.randint(20, 60))
        else:
            start = datetime.date(rng.choice([2019, 2020, 2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025, 2025, 2026]),
                                  rng.choice([1, 3, 7, 9]), 1)
            start = min(start, add_days(today, -15))
            created = add_days(start, -rng.randint(30, 90))
        years = 5 if status != "terminated" else rng.choice([3, 5])
        ctx.clock.at(created, rng)
        talent = _profile(ctx, rng, university, overseas=rng.random() < 0.6)
        ctx.clock.later(60 * 24 * rng.randint(1, 5))
        agreement = services.shared_hire_create(
            actor=hr, talent=talent, university=university, position=rng.choice(POSITIONS),
            annual_cost=Decimal(round_to(rng.uniform(60, 220), 5)) * W, start_date=start,
            end_date=add_days(years_later(start, years), -1), shares=_shares(ctx, rng, university,
                                                                                           government),
            notes=rng.choice(["", "每年在合作企业累计工作不少于六个月。", "政府资助部分按年度考核拨付。"]))
        if status == "draft":
            return
        ctx.clock.later(60 * 24 * rng.randint(2, 10))
        services.shared_hire_submit(actor=hr, hire=agreement)
        if status == "signing":
            _sign_parties(ctx, rng, agreement, count=1)
            return
        _sign_parties(ctx, rng, agreement)
        if status == "terminated":
            ended = min(add_days(start, rng.randint(200, 900)), add_days(today, -2))
            if ended <= start:
                ended = add_days(start, 1)
            ctx.clock.at(ended, rng)
            services.shared_hire_terminate(actor=hr, hire=agreement, on_date=ended,
                                           reason=rng.choice(["受聘人因个人原因提前离职。", "合作企业战略调整，经各方协商提前终止。"]))
        elif renewals > 0 and agreement.end_date > today:
            renewals -= 1
            ctx.clock.at(add_days(today, -rng.randint(1, 20)), rng)
            services.shared_hire_renew(actor=hr, hire=agreement,
                                       end_date=years_later(agreement.end_date, 3))

    each_in_chunks(ctx, "shared hires", work, hire, size=100)


def _researcher_profiles(ctx, rng, p) -> None:
    people = [(u, university) for university in ctx.orgs["university"]
              for u in ctx.people[(Role.RESEARCHER, university.pk)]]
    rng.shuffle(people)

    def create(item):
        user, university = item
        ctx.clock.at(day_between(rng, datetime.date(2019, 3, 1), datetime.date(2024, 12, 20)), rng)
        _profile(ctx, rng, university, user=user)

    each_in_chunks(ctx, "talent profiles", people[:p["researcher_profiles"]], create)


def load(ctx) -> None:
    rng = ctx.rng("talent")
    p = plan(ctx)
    made = TalentMade()
    ctx.made["talent"] = made
    _mentors(ctx, rng, p, made)
    _students(ctx, rng, p, made)
    _researcher_profiles(ctx, rng, p)
    _hires(ctx, rng, p)


def figures(ctx) -> list[Figure]:
    p = plan(ctx)
    counts = selectors.talent_counts()
    today = timezone.localdate()
    return [
        Figure("enterprise mentors appointed", counts["enterprise_mentors_appointed"], p["mentors"]),
        Figure("  of which in force today", EnterpriseMentor.objects.filter(
            term_start__lte=today, term_end__gte=today).values("user").distinct().count()),
        Figure("dual-mentor students trained (graduated)", counts["students_trained"], p["graduated"]),
        Figure("  in training now", DualMentorAssignment.objects.filter(
            status=DualMentorAssignment.Status.IN_TRAINING).count(), p["in_training"]),
        Figure("  in training at some time (talent_counts, no period)", counts["students_in_training"],
               p["graduated"] + p["in_training"] + p["withdrawn"]),
        Figure("shared high-level talent (agreement took effect)", counts["shared_talent_in_effect"], p["shared"]),
        Figure("  shared hires awaiting signatures / draft", " / ".join(
            str(SharedHire.objects.filter(status=s).count()) for s in (SharedHire.Status.SIGNING,
                                                                        SharedHire.Status.DRAFT))),
        Figure("talent profiles", TalentProfile.objects.count()),
    ]
