"""Demo centers and consortia (realistic Chinese content), created through the services."""
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from .models import CenterMember, ConsortiumMember, CouncilMember, Consortium, Side
from . import services


def load(ctx) -> None:
    admin = get_user_model().objects.get(username="admin")
    extra = ctx.__dict__.setdefault("extra", {})
    o, u, n = ctx.orgs, ctx.users, ctx.nodes
    energy = services.center_create(
        actor=admin, enterprise=o["enterprise_energy"], university=o["university"],
        name_zh="秦岭新能源—长安理工大学储能与动力电池联合研发中心",
        name_en="Qinling–CUT Joint R&D Center for Energy Storage and Power Batteries",
        agreement_signed_on=date(2024, 3, 18), agreement_start=date(2024, 4, 1), agreement_end=date(2029, 3, 31),
        funding_commitment=Decimal("50000000.00"),
        research_directions="高镍正极与固态电解质材料\n电池管理系统与 SOC 估计\n储能电站安全与热失控预警\n退役电池梯次利用",
        description="企业为研发决策、投入、组织和成果转化的主体，实行双管理、双首席、双签字、双导师。",
        industry_nodes=[n["ne-cell"], n["ne-bms"], n["ne-storage"]], fields=[ctx.fields["0808"], ctx.fields["0805"]],
    )
    for user, side, position, title in [
        (u["zhang"], Side.ENTERPRISE, CenterMember.Position.DIRECTOR, "企业方主任"),
        (u["chen"], Side.ENTERPRISE, CenterMember.Position.CHIEF_SCIENTIST, "企业首席科学家"),
        (u["tto"], Side.UNIVERSITY, CenterMember.Position.DIRECTOR, "学校方主任"),
        (u["wang"], Side.UNIVERSITY, CenterMember.Position.CHIEF_SCIENTIST, "学校首席科学家"),
        (u["li"], Side.UNIVERSITY, CenterMember.Position.MEMBER, "电池管理方向负责人"),
        (u["zhao"], Side.UNIVERSITY, CenterMember.Position.MEMBER, "工程博士"),
    ]:
        services.center_appoint(actor=admin, center=energy, user=user, side=side, position=position, title=title)

    heavy = services.center_create(
        actor=admin, enterprise=o["enterprise_heavy"], university=o["university"],
        name_zh="西部重工—长安理工大学智能制造联合研究院", name_en="Western Heavy–CUT Joint Institute of Smart Manufacturing",
        agreement_signed_on=date(2023, 9, 6), agreement_start=date(2023, 10, 1), agreement_end=date(2028, 9, 30),
        funding_commitment=Decimal("30000000.00"),
        research_directions="高端数控机床精度保持\n工业机器人视觉引导\n数字孪生与预测性维护",
        industry_nodes=[n["am-cnc"], n["am-robot"], n["am-smart-factory"]], fields=[ctx.fields["0802"]],
    )
    services.center_appoint(actor=admin, center=heavy, user=u["liu"], side=Side.ENTERPRISE,
                            position=CenterMember.Position.DIRECTOR, title="企业方主任")
    services.center_appoint(actor=admin, center=heavy, user=u["sunyu"], side=Side.UNIVERSITY,
                            position=CenterMember.Position.CHIEF_SCIENTIST, title="学校首席科学家")
    chip = services.center_create(
        actor=admin, enterprise=o["enterprise_chip"], university=o["university_east"],
        name_zh="华芯—华东工业大学功率半导体联合实验室", name_en="Huaxin–ECPU Joint Lab of Power Semiconductors",
        agreement_signed_on=date(2025, 1, 10), agreement_start=date(2025, 2, 1), agreement_end=date(2030, 1, 31),
        funding_commitment=Decimal("20000000.00"), research_directions="碳化硅 MOSFET 工艺\n先进封装可靠性",
        status="preparing", industry_nodes=[n["ic-power"], n["ic-packaging"]],
    )
    services.center_appoint(actor=admin, center=chip, user=u["xu"], side=Side.ENTERPRISE,
                            position=CenterMember.Position.DIRECTOR)
    services.center_appoint(actor=admin, center=chip, user=u["hu"], side=Side.UNIVERSITY,
                            position=CenterMember.Position.CHIEF_SCIENTIST)
    extra["center"] = energy
    extra["center_heavy"] = heavy

    storage = services.consortium_create(
        actor=admin, lead=o["enterprise_energy"], name_zh="秦岭新型储能创新联合体",
        name_en="Qinling New-Type Energy Storage Innovation Consortium", kind=Consortium.Kind.ENTERPRISE_LED,
        founded_on=date(2024, 6, 28), goals="围绕储能产业链上中下游，联合攻关长寿命储能电芯、电池管理与电站安全关键技术。",
        industry_nodes=[n["ne-cell"], n["ne-bms"], n["ne-storage"], n["ne-recycle"]],
    )
    for key, role, duty in [("university", ConsortiumMember.Role.CORE, "基础研究与人才培养"),
                            ("enterprise_storage", ConsortiumMember.Role.CORE, "储能系统集成与示范"),
                            ("institute", ConsortiumMember.Role.MEMBER, "中试验证"),
                            ("fund", ConsortiumMember.Role.SUPPORTING, "天使投资与基金支持")]:
        services.consortium_member_add(actor=admin, consortium=storage, organisation=o[key], role=role,
                                       responsibilities=duty)
    for user, org, position in [(u["zhang"], "enterprise_energy", CouncilMember.Position.CHAIR),
                                (u["tto"], "university", CouncilMember.Position.VICE_CHAIR),
                                (u["zhou"], "fund", CouncilMember.Position.MEMBER)]:
        services.council_member_add(actor=admin, consortium=storage, user=user, organisation=o[org], position=position)

    manufacturing = services.consortium_create(
        actor=admin, lead=o["university"], name_zh="长安理工大学高端装备创新联合体",
        name_en="CUT High-End Equipment Innovation Consortium", kind=Consortium.Kind.UNIVERSITY_LED,
        founded_on=date(2023, 11, 2), goals="由学校凝练方向，装备制造企业共同参与，突破五轴数控与增材制造共性技术。",
        industry_nodes=[n["am-cnc"], n["am-additive"]],
    )
    for key, role in [("enterprise_heavy", ConsortiumMember.Role.CORE), ("institute", ConsortiumMember.Role.MEMBER)]:
        services.consortium_member_add(actor=admin, consortium=manufacturing, organisation=o[key], role=role)
    services.council_member_add(actor=admin, consortium=manufacturing, user=u["sunyu"], organisation=o["university"],
                                position=CouncilMember.Position.CHAIR)
    services.council_member_add(actor=admin, consortium=manufacturing, user=u["liu"],
                                organisation=o["enterprise_heavy"], position=CouncilMember.Position.VICE_CHAIR)

    semiconductors = services.consortium_create(
        actor=admin, lead=o["government"], name_zh="陕西省功率半导体产业创新联合体",
        name_en="Shaanxi Power Semiconductor Industry Innovation Consortium", kind=Consortium.Kind.GOVERNMENT_LED,
        founded_on=date(2025, 3, 15), goals="政府牵头设定攻关方向与支持政策，企业和高校通过揭榜挂帅承担任务。",
        industry_nodes=[n["ic-power"], n["ic-materials"]],
    )
    for key in ("enterprise_chip", "university_east", "university"):
        services.consortium_member_add(actor=admin, consortium=semiconductors, organisation=o[key],
                                       role=ConsortiumMember.Role.MEMBER)
    services.council_member_add(actor=admin, consortium=semiconductors, user=u["sun"], organisation=o["government"],
                                position=CouncilMember.Position.CHAIR)
