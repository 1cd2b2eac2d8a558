"""Demo data of the core: regions, industry chains, fields, organisations and one user per role.

Other apps add theirs through `settings.DEMO_LOADERS`; each loader receives the
`DemoContext` built here and may add to it. Organisations, users, nodes and fields
are reachable by the short keys below (e.g. `ctx.orgs["enterprise_energy"]`).
"""
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from .models import IndustryChain, IndustryNode, Membership, Organisation, Region, Role, TechField

DEMO_PASSWORD = "demo1121"


@dataclass
class DemoContext:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    nodes: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)
    # Lines printed at the end of `load_demo` (e.g. extra logins an app created).
    notes: list = field(default_factory=list)


REGIONS = [
    ("610000", "陕西省", "Shaanxi", None), ("610100", "西安市", "Xi'an", "610000"),
    ("110000", "北京市", "Beijing", None), ("310000", "上海市", "Shanghai", None),
    ("440000", "广东省", "Guangdong", None), ("440300", "深圳市", "Shenzhen", "440000"),
    ("320000", "江苏省", "Jiangsu", None), ("320500", "苏州市", "Suzhou", "320000"),
]

CHAINS = {
    "new-energy": ("新能源", "New energy", {
        "upstream": [
            ("ne-lithium", "锂资源与正负极材料", "Lithium and electrode materials", ["锂", "正极材料", "负极材料", "电解液", "固态电解质"]),
            ("ne-pv-silicon", "光伏硅材料", "PV silicon materials", ["多晶硅", "单晶硅", "硅片", "切片"]),
        ],
        "midstream": [
            ("ne-cell", "动力电池电芯", "Battery cells", ["锂离子电池", "电芯", "能量密度", "循环寿命", "快充"]),
            ("ne-pv-module", "光伏组件", "PV modules", ["光伏组件", "钙钛矿", "异质结", "转换效率"]),
            ("ne-bms", "电池管理系统", "Battery management systems", ["电池管理", "SOC估计", "热管理", "均衡"]),
        ],
        "downstream": [
            ("ne-storage", "储能电站", "Energy storage plants", ["储能", "调峰", "电网", "变流器"]),
            ("ne-ev", "新能源汽车", "New energy vehicles", ["电动汽车", "电驱", "充电桩"]),
            ("ne-recycle", "电池回收利用", "Battery recycling", ["梯次利用", "回收", "湿法冶金"]),
        ],
    }),
    "ic": ("集成电路", "Integrated circuits", {
        "upstream": [
            ("ic-materials", "半导体材料", "Semiconductor materials", ["光刻胶", "碳化硅", "氮化镓", "晶圆材料"]),
            ("ic-equipment", "半导体设备", "Semiconductor equipment", ["刻蚀", "薄膜沉积", "光刻机"]),
            ("ic-eda", "EDA 工具", "EDA tools", ["EDA", "版图", "仿真", "时序分析"]),
        ],
        "midstream": [
            ("ic-design", "芯片设计", "Chip design", ["芯片设计", "SoC", "模拟电路", "射频"]),
            ("ic-fab", "晶圆制造", "Wafer fabrication", ["晶圆制造", "工艺", "良率"]),
        ],
        "downstream": [
            ("ic-packaging", "封装测试", "Packaging and test", ["封装", "先进封装", "测试", "键合"]),
            ("ic-power", "功率器件应用", "Power device applications", ["IGBT", "功率器件", "SiC MOSFET", "逆变器"]),
        ],
    }),
    "advanced-manufacturing": ("先进制造", "Advanced manufacturing", {
        "upstream": [
            ("am-materials", "高性能金属材料", "High-performance metals", ["高温合金", "钛合金", "粉末冶金"]),
            ("am-components", "核心零部件", "Core components", ["轴承", "减速器", "伺服电机", "液压"]),
        ],
        "midstream": [
            ("am-cnc", "高端数控机床", "High-end CNC machine tools", ["数控机床", "五轴", "主轴", "精度"]),
            ("am-robot", "工业机器人", "Industrial robots", ["工业机器人", "运动控制", "视觉", "协作机器人"]),
            ("am-additive", "增材制造", "Additive manufacturing", ["3D打印", "增材制造", "激光熔覆", "选区熔化"]),
        ],
        "downstream": [
            ("am-smart-factory", "智能工厂集成", "Smart factory integration", ["智能制造", "数字孪生", "工业互联网", "预测性维护"]),
            ("am-aero", "航空航天装备", "Aerospace equipment", ["航空发动机", "叶片", "复合材料"]),
        ],
    }),
}

FIELDS = [
    ("07", "理学", "Natural sciences", None), ("0702", "物理学", "Physics", "07"), ("0703", "化学", "Chemistry", "07"),
    ("08", "工学", "Engineering", None), ("0802", "机械工程", "Mechanical engineering", "08"),
    ("0805", "材料科学与工程", "Materials science and engineering", "08"),
    ("0807", "动力工程及工程热物理", "Power engineering and engineering thermophysics", "08"),
    ("0808", "电气工程", "Electrical engineering", "08"), ("0809", "电子科学与技术", "Electronic science and technology", "08"),
    ("0811", "控制科学与工程", "Control science and engineering", "08"),
    ("0812", "计算机科学与技术", "Computer science and technology", "08"),
    ("0817", "化学工程与技术", "Chemical engineering and technology", "08"),
    ("12", "管理学", "Management", None), ("1201", "管理科学与工程", "Management science and engineering", "12"),
]

# key: (kind, name_zh, name_en, 17-char code body or "", region, nodes, fields, fortune500, china500, parent)
ORGANISATIONS = [
    ("university", "university", "长安理工大学", "Chang'an University of Technology", "12610000MB0000001", "610100",
     [], ["0802", "0805", "0808", "0809", "0811"], False, False, None),
    ("school_ee", "university", "长安理工大学电气工程学院", "School of Electrical Engineering, CUT", "", "610100",
     [], ["0808"], False, False, "university"),
    ("school_materials", "university", "长安理工大学材料科学与工程学院", "School of Materials, CUT", "", "610100",
     [], ["0805"], False, False, "university"),
    ("school_me", "university", "长安理工大学机械工程学院", "School of Mechanical Engineering, CUT", "", "610100",
     [], ["0802", "0811"], False, False, "university"),
    ("university_east", "university", "华东工业大学", "East China Polytechnic University", "12310000MB0000002", "310000",
     [], ["0809", "0812", "0817"], False, False, None),
    ("institute", "institute", "中科先进制造研究院", "Institute of Advanced Manufacturing", "12110000MB0000003", "110000",
     ["am-additive", "am-robot"], ["0802", "0805"], False, False, None),
    ("enterprise_energy", "enterprise", "秦岭新能源科技股份有限公司", "Qinling New Energy Technology Co., Ltd.",
     "91610131MA6U00001", "610100", ["ne-cell", "ne-bms", "ne-storage"], ["0808", "0805"], False, True, None),
    ("enterprise_chip", "enterprise", "华芯集成电路制造有限公司", "Huaxin Integrated Circuit Manufacturing Co., Ltd.",
     "91320594MA1X00002", "320500", ["ic-fab", "ic-packaging", "ic-power"], ["0809"], False, True, None),
    ("enterprise_heavy", "enterprise", "西部重工装备集团有限公司", "Western Heavy Equipment Group Co., Ltd.",
     "91610000MA6U00003", "610100", ["am-cnc", "am-robot", "am-smart-factory"], ["0802", "0811"], True, True, None),
    ("enterprise_storage", "enterprise", "启明储能科技有限公司", "Qiming Energy Storage Technology Co., Ltd.",
     "91440300MA5G00004", "440300", ["ne-storage", "ne-recycle"], ["0808"], False, False, None),
    ("government", "government", "陕西省科学技术厅", "Shaanxi Provincial Department of Science and Technology",
     "11610000MB0000005", "610000", [], [], False, False, None),
    ("fund", "financial", "长安科创天使投资基金管理有限公司", "Chang'an Sci-Tech Angel Fund Management Co., Ltd.",
     "91610131MA6U00006", "610100", [], [], False, False, None),
    ("bank", "financial", "秦商银行科技支行", "Qinshang Bank Sci-Tech Branch", "91610131MA6U00007", "610100",
     [], [], False, False, None),
    ("intermediary", "intermediary", "丝路技术转移中心", "Silk Road Technology Transfer Center",
     "52610000MJ0000008", "610100", [], [], False, False, None),
]

# username: (display name, email, [(org key, role, title)])
USERS = {
    "tto": ("王芳", "tto@demo.local", [("university", Role.TTO_STAFF, "技术转移中心主任"), ("university", Role.ORG_ADMIN, "")]),
    "broker": ("赵磊", "broker@demo.local", [("university", Role.BROKER, "技术经理人"), ("school_ee", Role.BROKER, "")]),
    "li": ("李明", "li@demo.local", [("university", Role.RESEARCHER, "教授"), ("school_ee", Role.RESEARCHER, "教授"),
                                     ("university", Role.MENTOR, "校内导师")]),
    "wang": ("王强", "wang@demo.local", [("university", Role.RESEARCHER, "副教授"), ("school_materials", Role.RESEARCHER, "副教授")]),
    "sunyu": ("孙宇", "sunyu@demo.local", [("university", Role.RESEARCHER, "教授"), ("school_me", Role.RESEARCHER, "教授")]),
    "zhao": ("赵雪", "zhao@demo.local", [("university", Role.STUDENT, "工程博士研究生")]),
    "hu": ("胡杰", "hu@demo.local", [("university_east", Role.RESEARCHER, "研究员"), ("university_east", Role.ORG_ADMIN, "")]),
    "zhang": ("张伟", "zhang@demo.local", [("enterprise_energy", Role.RD_MANAGER, "研发总监"),
                                          ("enterprise_energy", Role.ORG_ADMIN, "")]),
    "chen": ("陈静", "chen@demo.local", [("enterprise_energy", Role.MENTOR, "高级工程师"),
                                        ("enterprise_energy", Role.RD_MANAGER, "电池研究院院长")]),
    "liu": ("刘洋", "liu@demo.local", [("enterprise_heavy", Role.RD_MANAGER, "技术中心主任"),
                                      ("enterprise_heavy", Role.ORG_ADMIN, "")]),
    "xu": ("徐婷", "xu@demo.local", [("enterprise_chip", Role.RD_MANAGER, "工艺研发部经理"),
                                    ("enterprise_chip", Role.ORG_ADMIN, "")]),
    "sun": ("孙丽", "sun@demo.local", [("government", Role.PROGRAM_OFFICER, "成果转化处"), ("government", Role.ORG_ADMIN, "")]),
    "zhou": ("周斌", "zhou@demo.local", [("fund", Role.FUND_MANAGER, "投资总监"), ("fund", Role.ORG_ADMIN, "")]),
}


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body) if body else ""


def load(ctx: DemoContext) -> None:
    for code, zh, en, parent in REGIONS:
        ctx.regions[code] = Region.objects.create(code=code, name_zh=zh, name_en=en, parent=ctx.regions.get(parent))
    for code, (zh, en, segments) in CHAINS.items():
        chain = IndustryChain.objects.create(code=code, name_zh=zh, name_en=en)
        for segment, nodes in segments.items():
            for node_code, node_zh, node_en, keywords in nodes:
                ctx.nodes[node_code] = IndustryNode.objects.create(
                    chain=chain, segment=segment, code=node_code, name_zh=node_zh, name_en=node_en, keywords=keywords
                )
    for code, zh, en, parent in FIELDS:
        ctx.fields[code] = TechField.objects.create(code=code, name_zh=zh, name_en=en, parent=ctx.fields.get(parent))
    for key, kind, zh, en, body, region, nodes, fields, fg500, cn500, parent in ORGANISATIONS:
        org = Organisation.objects.create(
            kind=kind, name_zh=zh, name_en=en, credit_code=credit_code(body), region=ctx.regions[region],
            is_fortune_global_500=fg500, is_china_top_500=cn500, parent=ctx.orgs.get(parent),
        )
        org.industry_nodes.set([ctx.nodes[n] for n in nodes])
        org.fields.set([ctx.fields[f] for f in fields])
        ctx.orgs[key] = org
    User = get_user_model()
    admin = User.objects.create_superuser("admin", "admin@demo.local", DEMO_PASSWORD, display_name="平台管理员")
    ctx.users["admin"] = admin
    for username, (display, email, roles) in USERS.items():
        user = User.objects.create_user(username, email, DEMO_PASSWORD, display_name=display)
        for org_key, role, title in roles:
            Membership.objects.create(user=user, organisation=ctx.orgs[org_key], role=role, title=title)
        ctx.users[username] = user
