"""Realistic generated achievements and patents (demo stock, import benchmark).

Titles and abstracts follow the way Chinese university results are written up
("一种……的制备方法", "基于……的……系统"); the words come from the industry node's keywords.
"""
import random

from .patent_numbers import application_check_digit

TEMPLATES = [
    "一种{kw}用{adj}{thing}及其制备方法",
    "基于{kw}的{thing}{system}",
    "{adj}{kw}{thing}关键技术",
    "面向{kw}的{adj}{system}",
    "{kw}{thing}的{process}工艺",
]
ADJECTIVES = ["高稳定性", "低成本", "高能量密度", "长寿命", "高精度", "轻量化", "宽温域", "高效率", "智能化", "低损耗"]
THINGS = ["复合材料", "电极", "涂层", "控制器", "传感器", "模块", "结构件", "器件", "算法", "装置"]
SYSTEMS = ["监测系统", "控制方法", "检测装置", "优化方法", "集成平台"]
PROCESSES = ["连续化制备", "低温烧结", "精密加工", "绿色回收", "激光焊接"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞"
ABSTRACT = ("本成果针对{kw}领域{problem}的问题，提出了{adj}{thing}的设计与实现方案。"
            "通过{process}与多尺度表征，样品在实验室条件下性能较现有技术提升{gain}%，"
            "已完成{stage}，具备小批量试制条件，适用于{node}等场景。")
PROBLEMS = ["成本高、一致性差", "寿命短、可靠性不足", "效率低、能耗高", "精度不足、依赖进口", "工艺复杂、良率低"]
STAGES = {1: "原理验证", 2: "方案论证", 3: "实验室验证", 4: "实验室样机", 5: "中试验证", 6: "工程样机",
          7: "示范应用", 8: "小批量生产", 9: "规模化应用"}
IPC_BY_PREFIX = {"ne": ["H01M 10/052", "H01M 4/36", "H02J 7/00", "H01L 31/18"],
                 "ic": ["H01L 21/02", "H01L 29/78", "G06F 30/39", "H01L 23/31"],
                 "am": ["B23K 26/34", "B22F 10/28", "B25J 9/16", "G05B 19/418"]}


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def achievement_text(rng: random.Random, node_name: str, keywords: list[str], index: int) -> dict:
    kw = rng.choice(keywords or [node_name])
    trl = rng.choices(range(1, 10), weights=[4, 8, 14, 16, 14, 10, 6, 3, 1])[0]
    words = {"kw": kw, "adj": rng.choice(ADJECTIVES), "thing": rng.choice(THINGS), "system": rng.choice(SYSTEMS),
             "process": rng.choice(PROCESSES)}
    title = rng.choice(TEMPLATES).format(**words)
    return {
        "title": f"{title}（{index:05d}）",
        "abstract": ABSTRACT.format(problem=rng.choice(PROBLEMS), gain=rng.randint(8, 60), stage=STAGES[trl],
                                    node=node_name, **words),
        "keywords": "；".join(dict.fromkeys([kw, *rng.sample(keywords, min(2, len(keywords)))])),
        "trl": trl,
        "inventors": "、".join(person_name(rng) for _ in range(rng.randint(1, 4))),
    }


def application_number(year: int, type_digit: str, serial: int) -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{application_check_digit(digits)}"


def achievement_rows(count: int, *, owner: str, schools: list[str], nodes: list[tuple[str, str, list[str]]],
                     fields: list[str], seed: int = 1121) -> list[dict]:
    """Rows with the Chinese headers of the achievement import. `nodes`: (code, name, keywords)."""
    rng = random.Random(seed)
    rows = []
    for index in range(1, count + 1):
        code, name, keywords = rng.choice(nodes)
        text = achievement_text(rng, name, keywords, index)
        rows.append({
            "成果编号": f"CG{2015 + index % 10}{index:06d}", "成果名称": text["title"], "权利人": owner,
            "所属学院": rng.choice(schools) if schools else "", "产业链节点": code, "技术成熟度": text["trl"],
            "成果简介": text["abstract"], "关键词": text["keywords"], "学科领域": rng.choice(fields) if fields else "",
            "完成人": text["inventors"],
        })
    return rows


def patent_rows(achievements: list[dict], *, owner: str, seed: int = 1121) -> list[dict]:
    """One patent per achievement row, linked by its reference number."""
    rng = random.Random(seed)
    rows = []
    for index, achievement in enumerate(achievements, start=1):
        year = 2012 + index % 12
        type_digit = rng.choices(["1", "2", "3"], weights=[7, 3, 0.3])[0]
        granted = rng.random() < 0.6
        filing = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        grant = f"{year + rng.randint(1, 3)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if granted else ""
        prefix = achievement["产业链节点"].split("-")[0]
        rows.append({
            "申请号": application_number(year, type_digit, index), "专利名称": achievement["成果名称"],
            "专利权人": owner, "申请日": filing, "专利类型": {"1": "发明", "2": "实用新型", "3": "外观设计"}[type_digit],
            "法律状态": "授权" if granted else "审中", "授权日": grant,
            "IPC分类号": "；".join(rng.sample(IPC_BY_PREFIX.get(prefix, IPC_BY_PREFIX["am"]), 2)),
            "关联成果编号": achievement["成果编号"],
        })
    return rows
