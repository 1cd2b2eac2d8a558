"""Demo data of 一共享: talent pool, three shared-hire agreements, enterprise mentors, dual-mentor students."""
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from consortia.models import JointCenter
from platform_core.demo import DEMO_PASSWORD
from platform_core.models import Membership, Role
from platform_core.signoff import signoff_sign, signoffs_for
from projects.models import Project

from . import services
from .models import DualMentorAssignment
from .services import ShareSpec

# username: (display name, org key, role, title)
EXTRA_USERS = {
    "qian": ("钱志远", "enterprise_storage", Role.ORG_ADMIN, "总经理"),
    "ma": ("马骏", "enterprise_heavy", Role.MENTOR, "首席工艺专家"),
    "gao": ("高岚", "enterprise_chip", Role.MENTOR, "器件可靠性总工程师"),
    "wu": ("吴昊", "university", Role.STUDENT, "工程硕士研究生"),
    "zheng": ("郑欣然", "university", Role.STUDENT, "工程博士研究生"),
    "he": ("何宇航", "university", Role.STUDENT, "工程硕士研究生"),
}

PROFILES = [
    # (key, user key or None, name_zh, name_en, title, overseas, country, expertise, fields, nodes, languages,
    #  availability, biography, evidence)
    ("lin", None, "林海", "Hai Lin", "教授(海外引进)", True, "德国",
     ["固态电解质", "锂金属负极", "界面工程", "高能量密度电池"], ["0805", "0808"], ["ne-lithium", "ne-cell"],
     ["中文", "英语", "德语"], "partial",
     "曾任德国某亥姆霍兹研究中心课题组长十二年,长期从事固态锂电池界面与电解质研究,主持欧盟地平线项目两项。",
     [("publication", "Interfacial stability of sulfide solid electrolytes against lithium metal", 2022,
       "系统研究硫化物固态电解质与锂金属界面副反应机理,提出梯度缓冲层设计,循环寿命提升三倍。",
       "10.1000/demo.2022.0417"),
      ("patent", "一种复合固态电解质膜及其制备方法", 2023, "聚合物-陶瓷复合电解质膜,室温离子电导率达1.2 mS/cm。",
       "CN202310123456.7"),
      ("award", "德国电化学学会青年科学家奖", 2019, "", "")]),
    ("chen_sy", None, "陈思远", "Siyuan Chen", "研究员(海外引进)", True, "美国",
     ["碳化硅功率器件", "栅氧可靠性", "功率模块封装", "车规级认证"], ["0809"], ["ic-power", "ic-packaging"],
     ["中文", "英语"], "available",
     "原美国某半导体公司功率器件研发经理,主导三代 SiC MOSFET 产品量产,熟悉 AEC-Q101 车规认证流程。",
     [("publication", "Threshold voltage instability in 4H-SiC MOSFETs under high-temperature gate bias", 2021,
       "分析高温栅偏应力下阈值电压漂移机理并给出筛选方法。", "10.1000/demo.2021.0902"),
      ("project", "车规级 1200V SiC MOSFET 量产导入", 2020, "从器件设计到可靠性认证的全流程量产导入。", "")]),
    ("li", "li", "李明", "Ming Li", "教授", False, "",
     ["电池管理系统", "SOC估计", "储能变流器", "电网调峰"], ["0808"], ["ne-bms", "ne-storage"], ["中文", "英语"],
     "partial", "长期从事储能系统与电池管理研究,承担国家重点研发计划课题。",
     [("project", "国家重点研发计划:大规模储能电站安全运行关键技术", 2021,
       "面向百兆瓦时级储能电站的电池状态估计与热失控预警。", "2021YFB2400000"),
      ("achievement", "锂电池组主动均衡控制技术", 2023, "均衡效率达 92%,已在两家储能企业试用。", "")]),
    ("sunyu", "sunyu", "孙宇", "Yu Sun", "教授", False, "",
     ["五轴数控机床", "数字孪生", "预测性维护", "主轴热误差补偿"], ["0802", "0811"], ["am-cnc", "am-smart-factory"],
     ["中文", "英语"], "available", "研究高端数控装备精度保持与智能运维。",
     [("publication", "主轴热误差的数字孪生建模与实时补偿", 2023, "提出数据-机理融合的热误差模型,补偿后误差降低 70%。", "")]),
]


def _users(ctx):
    User = get_user_model()
    for username, (display, org_key, role, title) in EXTRA_USERS.items():
        user = User.objects.create_user(username, f"{username}@demo.local", DEMO_PASSWORD, display_name=display)
        Membership.objects.create(user=user, organisation=ctx.orgs[org_key], role=role, title=title)
        ctx.users[username] = user
    ctx.notes.append("talent: enterprise_storage admin 'qian', enterprise mentors 'ma', 'gao', 'chen'; "
                     "students 'zhao', 'wu', 'zheng', 'he'")


def _profiles(ctx, hr) -> dict:
    profiles = {}
    for (key, user_key, name_zh, name_en, title, overseas, country, expertise, fields, nodes, languages,
         availability, biography, evidence) in PROFILES:
        profile = services.talent_profile_create(
            actor=hr, organisation=ctx.orgs["university"], name_zh=name_zh, name_en=name_en, title=title,
            user=ctx.users.get(user_key), is_overseas=overseas, country=country, expertise=expertise,
            languages=languages, availability=availability, biography=biography,
            fields=[ctx.fields[f] for f in fields], industry_nodes=[ctx.nodes[n] for n in nodes],
        )
        for kind, ev_title, year, summary, identifier in evidence:
            services.talent_evidence_add(actor=hr, profile=profile, kind=kind, title=ev_title, year=year,
                                         summary=summary, identifier=identifier)
        profiles[key] = profile
    return profiles


def _sign_all(hire, signers) -> None:
    request = signoffs_for(hire).get(status="pending")
    for user in signers:
        signoff_sign(actor=user, request_id=request.pk)


def _hires(ctx, hr, profiles) -> None:
    orgs, users = ctx.orgs, ctx.users
    battery = services.shared_hire_create(
        actor=hr, talent=profiles["lin"], university=orgs["university"], position="固态电池首席科学家",
        annual_cost=Decimal("1200000.00"), start_date=date(2024, 9, 1), end_date=date(2027, 8, 31),
        shares=[ShareSpec(orgs["enterprise_energy"], Decimal("45"), Decimal("40")),
                ShareSpec(orgs["enterprise_storage"], Decimal("25"), Decimal("20")),
                ShareSpec(orgs["government"], Decimal("30"))],
        notes="陕西省高层次人才引进专项资助 30%;每年在两家企业累计工作不少于七个月。",
    )
    services.shared_hire_submit(actor=hr, hire=battery)
    _sign_all(battery, [hr, users["zhang"], users["qian"], users["sun"]])

    power = services.shared_hire_create(
        actor=hr, talent=profiles["chen_sy"], university=orgs["university"], position="功率半导体器件研究员",
        annual_cost=Decimal("960000.00"), start_date=date(2025, 3, 1), end_date=date(2028, 2, 29),
        shares=[ShareSpec(orgs["enterprise_chip"], Decimal("50"), Decimal("50")),
                ShareSpec(orgs["government"], Decimal("30")), ShareSpec(orgs["university"], Decimal("20"))],
    )
    services.shared_hire_submit(actor=hr, hire=power)
    _sign_all(power, [hr, users["sun"]])  # the enterprise has not signed yet

    services.shared_hire_create(
        actor=hr, talent=profiles["sunyu"], university=orgs["university"], position="智能制造兼职首席专家",
        annual_cost=Decimal("300000.00"), start_date=date(2026, 1, 1), end_date=date(2027, 12, 31),
        shares=[ShareSpec(orgs["enterprise_heavy"], Decimal("100"), Decimal("30"))],
        notes="草稿:待与西部重工确认时间分配。",
    )


def _mentors_and_students(ctx, hr) -> None:
    orgs, users, fields = ctx.orgs, ctx.users, ctx.fields
    mentor_chen = services.mentor_appoint(
        actor=hr, user=users["chen"], organisation=orgs["enterprise_energy"], university=orgs["university"],
        title="电池研究院院长", expertise="动力电池电芯设计、储能系统集成", term_start=date(2023, 9, 1),
        term_end=date(2027, 8, 31), fields=[fields["0808"], fields["0805"]],
    )
    mentor_ma = services.mentor_appoint(
        actor=hr, user=users["ma"], organisation=orgs["enterprise_heavy"], university=orgs["university"],
        title="首席工艺专家", expertise="大型构件精密加工、数控工艺", term_start=date(2022, 9, 1),
        term_end=date(2026, 8, 31), fields=[fields["0802"]],
    )
    services.mentor_appoint(
        actor=hr, user=users["gao"], organisation=orgs["enterprise_chip"], university=orgs["university"],
        title="器件可靠性总工程师", expertise="功率器件可靠性、失效分析", term_start=date(2024, 9, 1),
        term_end=date(2028, 8, 31), fields=[fields["0809"]],
    )
    # Placed by reference: the energy center, and a project the university performs for the energy enterprise.
    energy_center = JointCenter.objects.get(university=orgs["university"], enterprise=orgs["enterprise_energy"])
    energy_project = (Project.objects.filter(performer=orgs["university"], sponsor=orgs["enterprise_energy"])
                      .exclude(status__in=[Project.Status.SOLVED, Project.Status.CLOSED]).order_by("pk").first())
    services.assignment_create(
        actor=hr, student=users["zhao"], degree=DualMentorAssignment.Degree.DOCTOR, university=orgs["university"],
        university_mentor=users["li"], enterprise_mentor=mentor_chen,
        placement_kind=DualMentorAssignment.PlacementKind.CENTER, center=energy_center,
        thesis_topic="百兆瓦时级储能电站电池热失控早期预警方法", start_date=date(2024, 9, 1),
        expected_graduation=date(2028, 6, 30),
    )
    services.assignment_create(
        actor=hr, student=users["wu"], degree=DualMentorAssignment.Degree.MASTER, university=orgs["university"],
        university_mentor=users["li"], enterprise_mentor=mentor_chen,
        **({"placement_kind": DualMentorAssignment.PlacementKind.PROJECT, "project": energy_project} if energy_project
           else {"placement_kind": DualMentorAssignment.PlacementKind.ENTERPRISE, "placement_label": "秦岭新能源电池研究院"}),
        thesis_topic="储能电池包液冷板流道优化", start_date=date(2025, 9, 1), expected_graduation=date(2027, 6, 30),
    )
    graduated = services.assignment_create(
        actor=hr, student=users["he"], degree=DualMentorAssignment.Degree.MASTER, university=orgs["university"],
        university_mentor=users["sunyu"], enterprise_mentor=mentor_ma,
        placement_kind=DualMentorAssignment.PlacementKind.ENTERPRISE, placement_label="西部重工技术中心数控工艺部",
        thesis_topic="重型五轴机床主轴热误差补偿", start_date=date(2022, 9, 1), expected_graduation=date(2025, 6, 30),
    )
    services.assignment_close(actor=hr, assignment=graduated, status=DualMentorAssignment.Status.GRADUATED,
                              on_date=date(2025, 6, 20))


def load(ctx) -> None:
    _users(ctx)
    hr = ctx.users["tto"]
    profiles = _profiles(ctx, hr)
    _hires(ctx, hr, profiles)
    _mentors_and_students(ctx, hr)
