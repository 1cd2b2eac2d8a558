"""Data at scale (issue 9 §1): the machinery of `manage.py seed_scale` and the core's own records.

`seed_scale --scale F` makes a realistic, reproducible data set whose §1 figures, counted
the way DESIGN §5 counts them, are the seed's figures times F. Apps contribute through
`settings.SCALE_LOADERS` (like `DEMO_LOADERS`): each module has `load(ctx)` and
`figures(ctx)`, the core does not import them.

What is shared here:
- `ScaleContext`: the scale, one deterministic random stream per app (`ctx.rng("projects")`),
  `ctx.n(count)` (a figure times F, rounded half up, never below a minimum so that the
  structure survives small scales), registries of what earlier loaders made, progress output.
- `Clock`: a simulated "now". While the generation runs, `django.utils.timezone.now` returns
  the clock's time, so every service sees the day its action happens and applies its own
  date rules (a deadline cannot be in the past, an investment cannot be in the future…);
  `created_at`, signatures, audit rows and history rows are written by the services
  themselves at that time and nothing is back-dated afterwards. The clock never goes past
  the real now.
- `people_create`: users in bulk. The one exception to "through the services": there is no
  user-creation service, and hashing a password per user (PBKDF2) would take ~0.3 s each, so
  all generated users share one precomputed hash of the demo password. Their roles are given
  with the core's `membership_add` service.
- Text: Chinese (and English) names of people, organisations and places, built from parts,
  and valid unified social credit codes (GB 32100 / GB 11714 check digits).

The core's own records: the taxonomy (the demo's regions, chains and fields, extended with
every province and more cities, real GB/T 2260 codes, and two more chains), the platform
administrator `scale_admin` (the marker that seed_scale data is present), organisations of
every kind through `organisation_create`, one manager for each and the researchers and
technology-transfer staff of universities and institutes.
"""
import datetime
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.cn import uscc

from . import services
from .demo import CHAINS as DEMO_CHAINS
from .demo import DEMO_PASSWORD
from .demo import FIELDS as DEMO_FIELDS
from .demo import REGIONS as DEMO_REGIONS
from .models import IndustryChain, IndustryNode, Organisation, Region, Role, TechField

MARKER_USERNAME = "scale_admin"
DEFAULT_SEED = 1121
EMAIL_DOMAIN = "scale.example.com"
FIRST_YEAR, LAST_YEAR = 2019, 2026
CHUNK = 200


# ---------------------------------------------------------------- context


@dataclass
class Figure:
    """One line of the final table: a figure as the project's own selectors count it."""

    label: str
    value: object
    expected: object = None

    @property
    def ok(self) -> bool:
        return self.expected is None or self.value == self.expected


@dataclass
class ScaleContext:
    scale: float
    seed: int = DEFAULT_SEED
    write: Callable[[str], None] = print
    clock: "Clock" = None
    admin: object = None
    regions: dict = field(default_factory=dict)        # code → Region
    chains: dict = field(default_factory=dict)         # code → IndustryChain
    nodes: dict = field(default_factory=dict)          # code → IndustryNode
    fields: dict = field(default_factory=dict)         # code → TechField
    orgs: dict = field(default_factory=lambda: defaultdict(list))     # kind/role → [Organisation]
    people: dict = field(default_factory=lambda: defaultdict(list))   # (role, org pk) → [User]
    profile: dict = field(default_factory=dict)        # org pk → OrgProfile
    made: dict = field(default_factory=dict)           # app → what its loader made, for later loaders
    _counters: dict = field(default_factory=lambda: defaultdict(int))
    _streams: dict = field(default_factory=dict)

    def n(self, count: int, minimum: int = 1) -> int:
        """`count` (a scale-1 figure) times the scale, rounded half up, at least `minimum`."""
        return max(minimum, math.floor(count * self.scale + 0.5))

    def rng(self, name: str) -> random.Random:
        """The random stream of one loader: the same seed gives the same choices."""
        if name not in self._streams:
            self._streams[name] = random.Random(f"{self.seed}/{name}")
        return self._streams[name]

    def serial(self, prefix: str) -> int:
        self._counters[prefix] += 1
        return self._counters[prefix]

    def log(self, message: str) -> None:
        self.write(message)

    def first(self, role: str, organisation):
        people = self.people[(role, organisation.pk)]
        return people[0] if people else None


@dataclass
class OrgProfile:
    """What the generator knows about an organisation without asking the database."""

    organisation: Organisation
    chain: str = ""
    nodes: list = field(default_factory=list)       # IndustryNode
    fields: list = field(default_factory=list)      # TechField
    short: str = ""                                 # brand or place word used in names


def each_in_chunks(ctx: ScaleContext, label: str, items: Sequence, step: Callable, size: int = CHUNK) -> list:
    """Run `step(item)` for every item, one transaction per chunk, printing progress; returns the results."""
    results = []
    total = len(items)
    started = time.monotonic()
    for start in range(0, total, size):
        with transaction.atomic():
            for item in items[start:start + size]:
                results.append(step(item))
        done = min(start + size, total)
        if total > size:
            ctx.log(f"    {label}: {done}/{total} ({time.monotonic() - started:.0f} s)")
    return results


# ---------------------------------------------------------------- simulated clock


class Clock:
    """A simulated "now" for generated history (see the module docstring)."""

    def __init__(self):
        self.real_now = timezone.now()
        self.current = None
        self._original = None

    @contextmanager
    def installed(self):
        original = timezone.now
        self._original = original

        def now():
            return self.current if self.current is not None else original()

        timezone.now = now
        try:
            yield self
        finally:
            timezone.now = original
            self.current = None

    def set(self, moment) -> datetime.datetime:
        """Move to `moment` (a date means 09:00 local that day); never past the real now."""
        if isinstance(moment, datetime.datetime):
            value = moment
        else:
            value = timezone.make_aware(datetime.datetime.combine(moment, datetime.time(9, 0)))
        self.current = min(value, self.real_now)
        return self.current

    def at(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """`day` at a working hour."""
        clock = datetime.time(rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59))
        return self.set(timezone.make_aware(datetime.datetime.combine(day, clock)))

    def later(self, minutes: int = 7) -> datetime.datetime:
        return self.set((self.current or self.real_now) + datetime.timedelta(minutes=minutes))

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.real_now)


# ---------------------------------------------------------------- random helpers


def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def years_later(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def spread_years(rng: random.Random, weights: dict[int, float]) -> int:
    years = list(weights)
    return rng.choices(years, weights=[weights[y] for y in years])[0]


def round_to(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole numbers that differ by at most one."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# ---------------------------------------------------------------- text: people and places

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞欣然子涵梓轩一诺思远雨泽晨曦"
         "佳怡俊杰嘉怡博文天宇浩然雅婷振华海燕立新晓东春雷秋实学军永强德胜卫东建华玉兰慧敏")
FOREIGN_NAMES = [("马克·韦伯", "Mark Weber", "德国"), ("艾琳·汤普森", "Irene Thompson", "美国"),
                 ("田中健一", "Kenichi Tanaka", "日本"), ("金敏俊", "Minjun Kim", "韩国"),
                 ("安德烈·彼得罗夫", "Andrei Petrov", "俄罗斯"), ("卢卡·罗西", "Luca Rossi", "意大利"),
                 ("索菲·杜邦", "Sophie Dupont", "法国"), ("拉杰·帕特尔", "Raj Patel", "英国"),
                 ("埃里克·约翰松", "Erik Johansson", "瑞典"), ("汉斯·穆勒", "Hans Müller", "瑞士")]
OVERSEAS_COUNTRIES = ["美国", "德国", "英国", "日本", "新加坡", "加拿大", "澳大利亚", "法国", "瑞典", "荷兰"]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


# Place words for organisation names: (Chinese, English); fictitious combinations, not real names.
PLACES = [("长安", "Chang'an"), ("秦川", "Qinchuan"), ("华东", "East China"), ("汉江", "Hanjiang"), ("岭南", "Lingnan"),
          ("江淮", "Jianghuai"), ("渤海", "Bohai"), ("巴蜀", "Bashu"), ("湘江", "Xiangjiang"), ("闽江", "Minjiang"),
          ("中原", "Central Plains"), ("太行", "Taihang"), ("天山", "Tianshan"), ("黄河", "Yellow River"),
          ("珠江", "Pearl River"), ("钱塘", "Qiantang"), ("楚天", "Chutian"), ("燕赵", "Yanzhao"), ("关中", "Guanzhong"),
          ("西部", "Western"), ("北方", "Northern"), ("东海", "Donghai"), ("南岭", "Nanling"), ("陇原", "Longyuan"),
          ("黔中", "Qianzhong"), ("滇西", "West Yunnan"), ("松辽", "Songliao"), ("皖江", "Wanjiang"), ("赣江", "Ganjiang"),
          ("齐鲁", "Qilu"), ("三秦", "Sanqin"), ("丝路", "Silk Road"), ("大湾区", "Greater Bay"), ("长三角", "Yangtze Delta"),
          ("京津", "Jingjin"), ("成渝", "Chengyu"), ("洞庭", "Dongting"), ("鄱阳", "Poyang"), ("沂蒙", "Yimeng"),
          ("昆仑", "Kunlun")]
BRANDS = [("华芯", "Huaxin"), ("启明", "Qiming"), ("中能", "Zhongneng"), ("博远", "Boyuan"), ("恒通", "Hengtong"),
          ("精工", "Jinggong"), ("瑞泰", "Ruitai"), ("天成", "Tiancheng"), ("鼎盛", "Dingsheng"), ("宏图", "Hongtu"),
          ("星辰", "Xingchen"), ("睿创", "Ruichuang"), ("凯盛", "Kaisheng"), ("联创", "Lianchuang"), ("海川", "Haichuan"),
          ("汇智", "Huizhi"), ("同创", "Tongchuang"), ("远景", "Yuanjing"), ("卓越", "Zhuoyue"), ("金石", "Jinshi"),
          ("北辰", "Beichen"), ("明德", "Mingde"), ("志远", "Zhiyuan"), ("嘉禾", "Jiahe"), ("晶合", "Jinghe"),
          ("德润", "Derun"), ("锐思", "Ruisi"), ("拓维", "Tuowei"), ("奥科", "Aoke"), ("思源", "Siyuan"), ("云帆", "Yunfan"),
          ("新锐", "Xinrui"), ("光合", "Guanghe"), ("铭沣", "Mingfeng"), ("泰和", "Taihe"), ("安捷", "Anjie"),
          ("中拓", "Zhongtuo"), ("科瑞", "Kerui"), ("合众", "Hezhong"), ("万象", "Wanxiang"), ("弘毅", "Hongyi"),
          ("青禾", "Qinghe"), ("曜石", "Yaoshi"), ("澜舟", "Lanzhou"), ("赛弗", "Saifu"), ("聚能", "Juneng"),
          ("辰安", "Chen'an"), ("天工", "Tiangong"), ("九章", "Jiuzhang"), ("擎天", "Qingtian"), ("领航", "Linghang"),
          ("沃德", "Wode"), ("伟业", "Weiye"), ("国瑞", "Guorui"), ("华锐", "Huarui"), ("中科睿", "Zhongkerui"),
          ("东材", "Dongcai"), ("微纳", "Weina"), ("超越", "Chaoyue"), ("华盛", "Huasheng"), ("智源", "Zhiyuan"),
          ("方舟", "Fangzhou"), ("金桥", "Jinqiao"), ("长风", "Changfeng"), ("蓝海", "Lanhai"), ("清源", "Qingyuan")]
# Words of an enterprise name by chain: (Chinese, English).
TRADES = {
    "new-energy": [("新能源科技", "New Energy Technology"), ("储能技术", "Energy Storage Technology"),
                   ("锂电材料", "Lithium Battery Materials"), ("光伏科技", "Photovoltaic Technology"),
                   ("动力电池", "Power Battery"), ("氢能科技", "Hydrogen Energy Technology")],
    "ic": [("半导体", "Semiconductor"), ("微电子", "Microelectronics"), ("集成电路", "Integrated Circuit"),
           ("芯片科技", "Chip Technology"), ("电子材料", "Electronic Materials")],
    "advanced-manufacturing": [("智能装备", "Intelligent Equipment"), ("精密机械", "Precision Machinery"),
                               ("重工", "Heavy Industry"), ("数控机床", "CNC Machine Tool"), ("机器人", "Robotics"),
                               ("航空装备", "Aviation Equipment")],
    "biomedicine": [("生物医药", "Biopharmaceutical"), ("医疗器械", "Medical Devices"), ("生物科技", "Biotechnology"),
                    ("制药", "Pharmaceutical"), ("诊断技术", "Diagnostics")],
    "ai": [("智能科技", "Intelligent Technology"), ("信息技术", "Information Technology"), ("数据科技", "Data Technology"),
           ("视觉科技", "Vision Technology"), ("智联科技", "Smart Connect Technology")],
}
UNIVERSITY_KINDS = [("理工大学", "University of Technology"), ("工业大学", "Polytechnic University"),
                    ("科技大学", "University of Science and Technology"), ("工程大学", "Engineering University"),
                    ("交通大学", "Jiaotong University"), ("大学", "University")]
SCHOOLS = [("电气工程学院", "School of Electrical Engineering", "0808", "new-energy"),
           ("材料科学与工程学院", "School of Materials Science and Engineering", "0805", "new-energy"),
           ("机械工程学院", "School of Mechanical Engineering", "0802", "advanced-manufacturing"),
           ("能源与动力工程学院", "School of Energy and Power Engineering", "0807", "new-energy"),
           ("微电子学院", "School of Microelectronics", "0809", "ic"),
           ("化学工程与技术学院", "School of Chemical Engineering and Technology", "0817", "new-energy"),
           ("计算机科学与技术学院", "School of Computer Science and Technology", "0812", "ai"),
           ("自动化学院", "School of Automation", "0811", "advanced-manufacturing"),
           ("生命科学与技术学院", "School of Life Science and Technology", "0710", "biomedicine"),
           ("药学院", "School of Pharmacy", "1007", "biomedicine"),
           ("信息与通信工程学院", "School of Information and Communication Engineering", "0810", "ai"),
           ("航天航空学院", "School of Aerospace", "0802", "advanced-manufacturing")]
FINANCIAL_KINDS = [("创业投资管理有限公司", "Venture Capital Management Co., Ltd."),
                   ("天使投资基金管理有限公司", "Angel Fund Management Co., Ltd."),
                   ("私募基金管理有限公司", "Private Fund Management Co., Ltd."),
                   ("科技金融服务有限公司", "Sci-Tech Finance Service Co., Ltd."),
                   ("融资担保有限公司", "Financing Guarantee Co., Ltd."),
                   ("证券股份有限公司", "Securities Co., Ltd."), ("科技小额贷款有限公司", "Sci-Tech Microcredit Co., Ltd.")]
BANK_BRANCHES = [("银行科技支行", "Bank Sci-Tech Branch"), ("农商银行科创金融部", "Rural Commercial Bank Sci-Tech Finance")]

TITLES = {
    Role.RESEARCHER: ["教授", "教授", "副教授", "副教授", "研究员", "副研究员", "讲师", "高级工程师"],
    Role.RD_MANAGER: ["研发总监", "技术中心主任", "总工程师", "研究院院长", "首席技术官", "研发部经理"],
    Role.MENTOR: ["高级工程师", "首席工程师", "技术专家", "工艺总师", "研发经理", "主任工程师"],
}

# GB/T 2260: every province-level division and its main cities (code, Chinese, English, parent).
REGIONS = [
    ("110000", "北京市", "Beijing", None), ("120000", "天津市", "Tianjin", None),
    ("130000", "河北省", "Hebei", None), ("130100", "石家庄市", "Shijiazhuang", "130000"),
    ("130600", "保定市", "Baoding", "130000"), ("140000", "山西省", "Shanxi", None),
    ("140100", "太原市", "Taiyuan", "140000"), ("150000", "内蒙古自治区", "Inner Mongolia", None),
    ("150200", "包头市", "Baotou", "150000"), ("210000", "辽宁省", "Liaoning", None),
    ("210100", "沈阳市", "Shenyang", "210000"), ("210200", "大连市", "Dalian", "210000"),
    ("220000", "吉林省", "Jilin", None), ("220100", "长春市", "Changchun", "220000"),
    ("230000", "黑龙江省", "Heilongjiang", None), ("230100", "哈尔滨市", "Harbin", "230000"),
    ("310000", "上海市", "Shanghai", None), ("320000", "江苏省", "Jiangsu", None),
    ("320100", "南京市", "Nanjing", "320000"), ("320200", "无锡市", "Wuxi", "320000"),
    ("320400", "常州市", "Changzhou", "320000"), ("320500", "苏州市", "Suzhou", "320000"),
    ("330000", "浙江省", "Zhejiang", None), ("330100", "杭州市", "Hangzhou", "330000"),
    ("330200", "宁波市", "Ningbo", "330000"), ("340000", "安徽省", "Anhui", None),
    ("340100", "合肥市", "Hefei", "340000"), ("340200", "芜湖市", "Wuhu", "340000"),
    ("350000", "福建省", "Fujian", None), ("350100", "福州市", "Fuzhou", "350000"),
    ("350200", "厦门市", "Xiamen", "350000"), ("350900", "宁德市", "Ningde", "350000"),
    ("360000", "江西省", "Jiangxi", None), ("360100", "南昌市", "Nanchang", "360000"),
    ("360900", "宜春市", "Yichun", "360000"), ("370000", "山东省", "Shandong", None),
    ("370100", "济南市", "Jinan", "370000"), ("370200", "青岛市", "Qingdao", "370000"),
    ("370700", "潍坊市", "Weifang", "370000"), ("410000", "河南省", "Henan", None),
    ("410100", "郑州市", "Zhengzhou", "410000"), ("410300", "洛阳市", "Luoyang", "410000"),
    ("420000", "湖北省", "Hubei", None), ("420100", "武汉市", "Wuhan", "420000"),
    ("420500", "宜昌市", "Yichang", "420000"), ("430000", "湖南省", "Hunan", None),
    ("430100", "长沙市", "Changsha", "430000"), ("430200", "株洲市", "Zhuzhou", "430000"),
    ("440000", "广东省", "Guangdong", None), ("440100", "广州市", "Guangzhou", "440000"),
    ("440300", "深圳市", "Shenzhen", "440000"), ("440600", "佛山市", "Foshan", "440000"),
    ("441900", "东莞市", "Dongguan", "440000"), ("450000", "广西壮族自治区", "Guangxi", None),
    ("450100", "南宁市", "Nanning", "450000"), ("450200", "柳州市", "Liuzhou", "450000"),
    ("460000", "海南省", "Hainan", None), ("460100", "海口市", "Haikou", "460000"),
    ("500000", "重庆市", "Chongqing", None), ("510000", "四川省", "Sichuan", None),
    ("510100", "成都市", "Chengdu", "510000"), ("510700", "绵阳市", "Mianyang", "510000"),
    ("520000", "贵州省", "Guizhou", None), ("520100", "贵阳市", "Guiyang", "520000"),
    ("530000", "云南省", "Yunnan", None), ("530100", "昆明市", "Kunming", "530000"),
    ("540000", "西藏自治区", "Tibet", None), ("540100", "拉萨市", "Lhasa", "540000"),
    ("610000", "陕西省", "Shaanxi", None), ("610100", "西安市", "Xi'an", "610000"),
    ("610300", "宝鸡市", "Baoji", "610000"), ("610400", "咸阳市", "Xianyang", "610000"),
    ("610800", "榆林市", "Yulin", "610000"), ("620000", "甘肃省", "Gansu", None),
    ("620100", "兰州市", "Lanzhou", "620000"), ("630000", "青海省", "Qinghai", None),
    ("630100", "西宁市", "Xining", "630000"), ("640000", "宁夏回族自治区", "Ningxia", None),
    ("640100", "银川市", "Yinchuan", "640000"), ("650000", "新疆维吾尔自治区", "Xinjiang", None),
    ("650100", "乌鲁木齐市", "Ürümqi", "650000"),
]
# Where the organisations are: the Xi'an-centred platform draws most from Shaanxi and the big hubs.
REGION_WEIGHTS = {"610100": 22, "610300": 2, "610400": 2, "610800": 1, "110000": 7, "310000": 6, "440300": 6,
                  "440100": 3, "320500": 4, "320100": 3, "330100": 4, "340100": 3, "420100": 3, "510100": 4,
                  "500000": 2, "370200": 2, "410100": 2, "430100": 2, "350900": 1, "210100": 1, "120000": 1}

EXTRA_CHAINS = {
    "biomedicine": ("生物医药", "Biomedicine", {
        "upstream": [
            ("bio-api", "原料药与关键中间体", "APIs and key intermediates", ["原料药", "手性合成", "连续流反应", "结晶工艺"]),
            ("bio-reagent", "生物试剂与培养基", "Reagents and culture media", ["培养基", "酶制剂", "抗体试剂", "细胞株"]),
        ],
        "midstream": [
            ("bio-drug", "创新药研发", "Innovative drugs", ["靶点发现", "小分子药物", "抗体药物", "药代动力学"]),
            ("bio-device", "高端医疗器械", "High-end medical devices", ["医学影像", "植入器械", "手术机器人", "生物材料"]),
            ("bio-diagnostic", "体外诊断", "In-vitro diagnostics", ["体外诊断", "微流控芯片", "POCT", "基因测序"]),
        ],
        "downstream": [
            ("bio-cro", "临床研究服务", "Clinical research services", ["临床试验", "真实世界研究", "药物警戒"]),
            ("bio-health", "智慧医疗与健康管理", "Smart healthcare", ["远程医疗", "健康管理", "可穿戴设备"]),
        ],
    }),
    "ai": ("人工智能", "Artificial intelligence", {
        "upstream": [
            ("ai-chip", "智能计算芯片", "AI computing chips", ["AI芯片", "存算一体", "NPU", "异构计算"]),
            ("ai-data", "数据资源与治理", "Data resources and governance", ["数据标注", "数据治理", "隐私计算", "数据集"]),
        ],
        "midstream": [
            ("ai-model", "大模型与算法", "Foundation models and algorithms", ["大模型", "深度学习", "知识图谱", "强化学习"]),
            ("ai-vision", "机器视觉与感知", "Machine vision and perception", ["机器视觉", "目标检测", "三维重建", "缺陷检测"]),
            ("ai-speech", "语音与自然语言处理", "Speech and NLP", ["语音识别", "自然语言处理", "机器翻译", "对话系统"]),
        ],
        "downstream": [
            ("ai-industry", "工业智能应用", "Industrial AI", ["工业大脑", "智能质检", "工艺优化", "设备健康管理"]),
            ("ai-auto", "智能网联汽车", "Intelligent connected vehicles", ["自动驾驶", "车路协同", "激光雷达", "高精地图"]),
        ],
    }),
}
EXTRA_FIELDS = [
    ("0701", "数学", "Mathematics", "07"), ("0710", "生物学", "Biology", "07"),
    ("0810", "信息与通信工程", "Information and communication engineering", "08"),
    ("0830", "环境科学与工程", "Environmental science and engineering", "08"),
    ("0831", "生物医学工程", "Biomedical engineering", "08"), ("0835", "软件工程", "Software engineering", "08"),
    ("10", "医学", "Medicine", None), ("1007", "药学", "Pharmacy", "10"),
]
# Technology fields that go with each chain.
CHAIN_FIELDS = {"new-energy": ["0805", "0807", "0808", "0817", "0703"], "ic": ["0809", "0805", "0812", "0702"],
                "advanced-manufacturing": ["0802", "0811", "0805", "0807"],
                "biomedicine": ["0710", "0831", "1007", "0703"], "ai": ["0812", "0811", "0810", "0835"]}
CHAIN_WEIGHTS = {"new-energy": 30, "advanced-manufacturing": 25, "ic": 20, "ai": 15, "biomedicine": 10}


# ---------------------------------------------------------------- credit codes

_ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # also valid in a USCC
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code."""
    value = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - value % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# Registration authority and entity type (GB 32100 digits 1–2) by organisation kind.
AUTHORITY_TYPE = {"enterprise": "91", "financial": "91", "university": "12", "institute": "12",
                  "government": "11", "intermediary": "52"}


def credit_code(rng: random.Random, kind: str, region_code: str, taken: set) -> str:
    """A valid unified social credit code (both check digits right), unique within `taken`."""
    while True:
        prefix = "MA" if kind in ("enterprise", "financial") else rng.choice(("MB", "43", "40", "MJ"))
        body = prefix + "".join(rng.choice(_ORG_CODE_ALPHABET) for _ in range(6))
        base = AUTHORITY_TYPE[kind] + region_code + body + organisation_code_check(body)
        code = base + uscc.calc_check_digit(base)
        if code not in taken:
            taken.add(code)
            return code


# ---------------------------------------------------------------- people


@dataclass
class PersonSpec:
    prefix: str                                  # username prefix: the role, e.g. "res"
    memberships: list                            # [(organisation, role, title)]
    name: str = ""
    email_prefix: str = ""


_PASSWORD_HASH = {}


def shared_password_hash() -> str:
    if "hash" not in _PASSWORD_HASH:
        _PASSWORD_HASH["hash"] = make_password(DEMO_PASSWORD)
    return _PASSWORD_HASH["hash"]


def people_create(ctx: ScaleContext, specs: Sequence[PersonSpec], rng: random.Random) -> list:
    """Users in bulk (one shared password hash), then their roles through `membership_add`.

    Registers each person in `ctx.people[(role, organisation pk)]`. Call inside a transaction.
    """
    User = get_user_model()
    now = timezone.now()
    users = []
    for spec in specs:
        username = f"{spec.prefix}{ctx.serial('user:' + spec.prefix):05d}"
        users.append(User(username=username, email=f"{username}@{EMAIL_DOMAIN}", password=shared_password_hash(),
                          display_name=spec.name or person_name(rng), date_joined=now))
    User.objects.bulk_create(users)
    # bulk_create returns ids on SQLite ≥ 3.35 and PostgreSQL; read them back otherwise.
    if users and users[0].pk is None:
        ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        for user in users:
            user.pk = user.id = ids[user.username]
    for user, spec in zip(users, specs, strict=True):
        for organisation, role, title in spec.memberships:
            services.membership_add(actor=ctx.admin, organisation=organisation, user=user, role=role, title=title)
            ctx.people[(role, organisation.pk)].append(user)
    return users


# ---------------------------------------------------------------- the core loader

CORE_TARGETS = {
    "universities": 40, "institutes": 20, "enterprises": 2000, "government": 35, "financial": 338,
    "intermediaries": 30, "researchers": 760,
}


def core_plan(ctx: ScaleContext) -> dict:
    return {
        "universities": ctx.n(CORE_TARGETS["universities"], 3),
        "institutes": ctx.n(CORE_TARGETS["institutes"], 1),
        "enterprises": ctx.n(CORE_TARGETS["enterprises"], 12),
        "government": ctx.n(CORE_TARGETS["government"], 2),
        "financial": ctx.n(CORE_TARGETS["financial"], 3),
        "intermediaries": ctx.n(CORE_TARGETS["intermediaries"], 1),
        "researchers": ctx.n(CORE_TARGETS["researchers"], 12),
    }


def _ensure_taxonomy(ctx: ScaleContext) -> None:
    """The demo's taxonomy (created the same way, or found when load_demo ran) plus the extension."""
    by_code = {r.code: r for r in Region.objects.all()}
    for code, zh, en, parent in [*DEMO_REGIONS, *REGIONS]:
        if code not in by_code:
            by_code[code] = Region.objects.create(code=code, name_zh=zh, name_en=en, parent=by_code.get(parent))
    ctx.regions = by_code
    chains = {c.code: c for c in IndustryChain.objects.all()}
    nodes = {n.code: n for n in IndustryNode.objects.select_related("chain")}
    for code, (zh, en, segments) in {**DEMO_CHAINS, **EXTRA_CHAINS}.items():
        if code not in chains:
            chains[code] = IndustryChain.objects.create(code=code, name_zh=zh, name_en=en)
        for segment, entries in segments.items():
            for node_code, node_zh, node_en, keywords in entries:
                if node_code not in nodes:
                    nodes[node_code] = IndustryNode.objects.create(
                        chain=chains[code], segment=segment, code=node_code, name_zh=node_zh, name_en=node_en,
                        keywords=keywords)
    ctx.chains, ctx.nodes = chains, nodes
    fields = {f.code: f for f in TechField.objects.all()}
    for code, zh, en, parent in [*DEMO_FIELDS, *EXTRA_FIELDS]:
        if code not in fields:
            fields[code] = TechField.objects.create(code=code, name_zh=zh, name_en=en, parent=fields.get(parent))
    ctx.fields = fields


def chain_nodes(ctx: ScaleContext, chain: str) -> list:
    return [n for n in ctx.nodes.values() if n.chain.code == chain]


def pick_chain(rng: random.Random) -> str:
    return rng.choices(list(CHAIN_WEIGHTS), weights=list(CHAIN_WEIGHTS.values()))[0]


def pick_region(ctx: ScaleContext, rng: random.Random) -> Region:
    cities = [c for c in REGIONS if c[3]]
    if rng.random() < 0.75:
        code = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
    else:
        code = rng.choice(cities)[0]
    return ctx.regions[code]


class _Names:
    """Unique organisation names within one run."""

    def __init__(self):
        self.taken = set(Organisation.objects.values_list("name_zh", flat=True))
        self.codes = set(Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True))

    def claim(self, make: Callable[[int], tuple[str, str]]) -> tuple[str, str]:
        """`make(attempt)` proposes a name; the first one not taken wins."""
        for attempt in range(500):
            zh, en = make(attempt)
            if zh not in self.taken:
                self.taken.add(zh)
                return zh, en
        raise RuntimeError("Ran out of distinct organisation names")


def _create_org(ctx, names, rng, *, kind, zh, en, region, chain="", nodes=(), fields=(), parent=None,
                description="", short="", role_key=None) -> Organisation:
    organisation = services.organisation_create(
        actor=ctx.admin, kind=kind, name_zh=zh, name_en=en, region=region, parent=parent,
        credit_code="" if parent else credit_code(rng, kind, region.code, names.codes),
        description=description, industry_nodes=list(nodes), fields=list(fields),
    )
    ctx.orgs[role_key or kind].append(organisation)
    ctx.profile[organisation.pk] = OrgProfile(organisation, chain=chain, nodes=list(nodes), fields=list(fields),
                                              short=short)
    return organisation


def _universities(ctx, names, rng, count) -> None:
    def make(index, attempt):
        place = PLACES[(index + 11 * attempt) % len(PLACES)]
        kind = UNIVERSITY_KINDS[(index // len(PLACES) + index + attempt) % len(UNIVERSITY_KINDS)]
        return place[0] + kind[0], f"{place[1]} {kind[1]}"

    for index in range(count):
        zh, en = names.claim(lambda attempt, i=index: make(i, attempt))
        region = pick_region(ctx, rng)
        schools = rng.sample(SCHOOLS, rng.randint(3, 5))
        university = _create_org(
            ctx, names, rng, kind=Organisation.Kind.UNIVERSITY, zh=zh, en=en, region=region, short=zh[:2],
            fields=[ctx.fields[c] for c in sorted({s[2] for s in schools})],
            description=f"{zh}是以工为主、多学科协调发展的研究型大学，设有技术转移中心，"
                        f"与行业龙头企业共建校企联合研发中心，推动科技成果就地转化。",
        )
        for school_zh, school_en, field_code, chain in schools:
            _create_org(ctx, names, rng, kind=Organisation.Kind.UNIVERSITY, zh=zh + school_zh,
                        en=f"{school_en}, {en}", region=region, parent=university, chain=chain,
                        fields=[ctx.fields[field_code]], nodes=rng.sample(chain_nodes(ctx, chain), 2),
                        role_key=f"schools:{university.pk}")


INSTITUTE_SUBJECTS = [("先进制造", "Advanced Manufacturing", "advanced-manufacturing"),
                      ("新能源", "New Energy", "new-energy"), ("微电子", "Microelectronics", "ic"),
                      ("智能技术", "Intelligent Technology", "ai"), ("生物医药", "Biomedicine", "biomedicine"),
                      ("新材料", "New Materials", "new-energy"),
                      ("工业技术", "Industrial Technology", "advanced-manufacturing")]


def _institutes(ctx, names, rng, count) -> None:
    def make(index, attempt):
        place = PLACES[(index * 7 + 3 + attempt) % len(PLACES)]
        subject = INSTITUTE_SUBJECTS[index % len(INSTITUTE_SUBJECTS)]
        prefix = ("中科", "")[(index + attempt) % 2]
        return f"{prefix}{place[0]}{subject[0]}研究院", f"{place[1]} Institute of {subject[1]}"

    for index in range(count):
        subject = INSTITUTE_SUBJECTS[index % len(INSTITUTE_SUBJECTS)]
        zh, en = names.claim(lambda attempt, i=index: make(i, attempt))
        _create_org(ctx, names, rng, kind=Organisation.Kind.RESEARCH_INSTITUTE, zh=zh, en=en,
                    region=pick_region(ctx, rng), chain=subject[2], nodes=rng.sample(chain_nodes(ctx, subject[2]), 2),
                    fields=[ctx.fields[c] for c in CHAIN_FIELDS[subject[2]][:2]],
                    description=f"{zh}为新型研发机构，面向{ctx.chains[subject[2]].name_zh}产业提供中试验证与工程化服务。")


def enterprise_name(rng, chain: str, *, group: bool, brand=None) -> tuple[str, str]:
    place, trade = rng.choice(PLACES), rng.choice(TRADES[chain])
    brand = brand or rng.choice(BRANDS)
    if group:
        suffix = rng.choice([("集团有限公司", "Group Co., Ltd."), ("集团股份有限公司", "Group Corporation")])
    else:
        suffix = rng.choice([("有限公司", "Co., Ltd."), ("股份有限公司", "Corporation"), ("有限公司", "Co., Ltd.")])
    with_place = rng.random() < 0.5
    zh = (place[0] if with_place else "") + brand[0] + trade[0] + suffix[0]
    en = f"{place[1] + ' ' if with_place else ''}{brand[1]} {trade[1]} {suffix[1]}"
    return zh, en


def _enterprises(ctx, names, rng, count) -> None:
    for _index in range(count):
        chain = pick_chain(rng)
        group = rng.random() < 0.15
        brand = rng.choice(BRANDS)
        zh, en = names.claim(lambda attempt, c=chain, g=group, b=brand: enterprise_name(
            rng, c, group=g, brand=b if attempt < 20 else None))
        short = next((b[0] for b in BRANDS if b[0] in zh), zh[:2])
        nodes = rng.sample(chain_nodes(ctx, chain), rng.randint(1, 3))
        kind_word = ("大型企业集团" if group else rng.choice(
            ["国家高新技术企业", "专精特新“小巨人”企业", "科技型中小企业", "省级制造业单项冠军企业"]))
        _create_org(ctx, names, rng, kind=Organisation.Kind.ENTERPRISE, zh=zh, en=en, region=pick_region(ctx, rng),
                    chain=chain, nodes=nodes, fields=[ctx.fields[c] for c in rng.sample(CHAIN_FIELDS[chain], 2)],
                    short=short, description=f"{zh}，{kind_word}，主营{'、'.join(n.name_zh for n in nodes)}，"
                                              f"设有企业技术中心，长期与高校开展产学研合作。")


def _agencies(ctx, names, rng, count) -> None:
    provinces = [r for r in REGIONS if r[3] is None]
    cities = [r for r in REGIONS if r[3] is not None]
    # Shaanxi first: the platform's home province.
    provinces.sort(key=lambda r: r[0] != "610000")

    def make(index, attempt):
        if attempt == 0 and index < 2 * len(provinces):
            code, zh, en, _parent = provinces[index % len(provinces)]
            if index < len(provinces):
                suffix = ("科学技术委员会", "Science and Technology Commission") if zh.endswith("市") else \
                    ("科学技术厅", "Department of Science and Technology")
            else:
                suffix = ("经济和信息化委员会", "Commission of Economy and Information Technology") if zh.endswith("市") \
                    else ("工业和信息化厅", "Department of Industry and Information Technology")
        else:
            code, zh, en, _parent = cities[(index + attempt) % len(cities)]
            suffix = ("科学技术局", "Science and Technology Bureau")
        return zh + suffix[0], f"{en} {suffix[1]}", code

    for index in range(count):
        chosen = {}

        def propose(attempt, i=index):
            zh, en, code = make(i, attempt)
            chosen["code"] = code
            return zh, en

        zh, en = names.claim(propose)
        _create_org(ctx, names, rng, kind=Organisation.Kind.GOVERNMENT, zh=zh, en=en,
                    region=ctx.regions[chosen["code"]],
                    description=f"{zh}负责本地区科技创新与成果转化工作，设立揭榜挂帅专项与成果转化引导资金。")


def _financial(ctx, names, rng, count) -> None:
    for index in range(count):
        kinds = BANK_BRANCHES if index % 5 == 4 else FINANCIAL_KINDS

        chosen = {}

        def make(attempt, kinds=kinds):
            place, brand, kind = rng.choice(PLACES), rng.choice(BRANDS), rng.choice(kinds)
            chosen["short"] = place[0] + brand[0]
            return f"{place[0]}{brand[0]}{kind[0]}", f"{place[1]} {brand[1]} {kind[1]}"

        zh, en = names.claim(make)
        _create_org(ctx, names, rng, kind=Organisation.Kind.FINANCIAL, zh=zh, en=en, region=pick_region(ctx, rng),
                    short=chosen["short"],
                    description=f"{zh}关注硬科技早期项目与在孵企业，提供股权投资、科技信贷与投后服务。")


INTERMEDIARY_KINDS = [("技术转移中心", "Technology Transfer Center"),
                      ("科技成果转化服务有限公司", "Technology Commercialisation Service Co., Ltd."),
                      ("知识产权运营中心", "IP Operation Center")]


def _intermediaries(ctx, names, rng, count) -> None:
    for _index in range(count):
        def make(attempt):
            place, brand, kind = rng.choice(PLACES), rng.choice(BRANDS), rng.choice(INTERMEDIARY_KINDS)
            return f"{place[0]}{brand[0]}{kind[0]}", f"{place[1]} {brand[1]} {kind[1]}"

        zh, en = names.claim(make)
        _create_org(ctx, names, rng, kind=Organisation.Kind.INTERMEDIARY, zh=zh, en=en, region=pick_region(ctx, rng),
                    description=f"{zh}提供技术评估、知识产权运营与技术经纪服务。")


def _people(ctx, rng, plan) -> None:
    """One manager per organisation; TTO staff; researchers of universities (in a school) and institutes."""
    specs = []
    for organisation in ctx.orgs["university"]:
        specs.append(PersonSpec("tto", [(organisation, Role.TTO_STAFF, "技术转移中心主任"),
                                        (organisation, Role.ORG_ADMIN, "")]))
    for organisation in ctx.orgs["institute"]:
        specs.append(PersonSpec("adm", [(organisation, Role.ORG_ADMIN, "科研管理处处长"),
                                        (organisation, Role.TTO_STAFF, "")]))
    for organisation in ctx.orgs["enterprise"]:
        specs.append(PersonSpec("rd", [(organisation, Role.RD_MANAGER, rng.choice(TITLES[Role.RD_MANAGER])),
                                       (organisation, Role.ORG_ADMIN, "")]))
    for organisation in ctx.orgs["government"]:
        specs.append(PersonSpec("po", [(organisation, Role.PROGRAM_OFFICER, "成果转化处"),
                                       (organisation, Role.ORG_ADMIN, "")]))
    for organisation in ctx.orgs["financial"]:
        specs.append(PersonSpec("fm", [(organisation, Role.FUND_MANAGER, rng.choice(["投资总监", "合伙人", "投资经理",
                                                                                     "科技金融部经理"])),
                                       (organisation, Role.ORG_ADMIN, "")]))
    for organisation in ctx.orgs["intermediary"]:
        specs.append(PersonSpec("itm", [(organisation, Role.ORG_ADMIN, "总经理")]))
    academic = ctx.orgs["university"] + ctx.orgs["institute"]
    weights = [3 if o.kind == Organisation.Kind.UNIVERSITY else 1 for o in academic]
    per_org = defaultdict(int)
    for index in range(plan["researchers"]):
        # Every academic organisation gets researchers first, then the bigger universities more.
        organisation = academic[index] if index < len(academic) else rng.choices(academic, weights=weights)[0]
        per_org[organisation.pk] += 1
        title = rng.choice(TITLES[Role.RESEARCHER])
        memberships = [(organisation, Role.RESEARCHER, title)]
        schools = ctx.orgs.get(f"schools:{organisation.pk}")
        if schools:
            memberships.append((rng.choice(schools), Role.RESEARCHER, title))
        specs.append(PersonSpec("res", memberships))
    each_in_chunks(ctx, "people", [specs[i:i + 100] for i in range(0, len(specs), 100)],
                   lambda batch: people_create(ctx, batch, rng), size=5)


def load(ctx: ScaleContext) -> None:
    rng = ctx.rng("platform")
    plan = core_plan(ctx)
    User = get_user_model()
    with transaction.atomic():
        ctx.clock.set(datetime.date(2018, 9, 1))
        _ensure_taxonomy(ctx)
        ctx.admin = User.objects.create_superuser(
            MARKER_USERNAME, f"{MARKER_USERNAME}@{EMAIL_DOMAIN}", None, display_name="平台数据管理员")
        ctx.admin.password = shared_password_hash()
        ctx.admin.save(update_fields=["password"])
    names = _Names()
    # Organisations join while the platform starts (autumn 2018).
    start, end = datetime.date(2018, 9, 3), datetime.date(2018, 12, 28)
    with transaction.atomic():
        ctx.clock.at(day_between(rng, start, end), rng)
        _universities(ctx, names, rng, plan["universities"])
        _institutes(ctx, names, rng, plan["institutes"])
    for size in split_evenly(plan["enterprises"], max(1, plan["enterprises"] // CHUNK)):
        with transaction.atomic():
            ctx.clock.at(day_between(rng, start, end), rng)
            _enterprises(ctx, names, rng, size)
        ctx.log(f"    enterprises: {len(ctx.orgs['enterprise'])}/{plan['enterprises']}")
    with transaction.atomic():
        ctx.clock.at(day_between(rng, start, end), rng)
        _agencies(ctx, names, rng, plan["government"])
        _financial(ctx, names, rng, plan["financial"])
        _intermediaries(ctx, names, rng, plan["intermediaries"])
    ctx.clock.at(day_between(rng, start, end), rng)
    _people(ctx, rng, plan)


def figures(ctx: ScaleContext) -> list[Figure]:
    plan = core_plan(ctx)
    User = get_user_model()
    by_kind = dict(Organisation.objects.filter(parent__isnull=True).values_list("kind").annotate(n=Count("pk"))
                   .values_list("kind", "n"))
    return [
        Figure("users (all)", User.objects.count()),
        Figure("organisations (all, schools included)", Organisation.objects.count()),
        Figure("enterprises", by_kind.get("enterprise", 0), plan["enterprises"]),
        Figure("universities (schools not counted)", by_kind.get("university", 0), plan["universities"]),
        Figure("regions", Region.objects.count()),
        Figure("industry chains / nodes", f"{IndustryChain.objects.count()} / {IndustryNode.objects.count()}"),
    ]

