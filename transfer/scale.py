"""Technology transfer (一孵化) at scale: the pool, brokers, the push funnel, deals and the incubators.

Bulk path (said here as issue 9 asks): the 30,000-record stock and the 20,000 patents go in
through the project's own spreadsheet importers (`AchievementImporter`, `PatentImporter`):
each university's technology-transfer office uploads its lists, in CSV, as users do; the
importers validate every row (owner, school, node, TRL, CN application numbers with their
check digit, publication numbers, IPC codes, dates) and write in bulk. Solved projects'
results come in with `achievement_create_from_project`. Everything after that is per record
through transfer.services: 1,400 achievements screened easy-to-transfer by a broker and all
pushed to enterprises; pushes move through the funnel (viewed, interested, negotiating, deal,
declined); deals are assignments, exclusive and non-exclusive licences, equity contributions
and spin-offs, with revenue splits that add up to 100 %; enterprise-hosted incubators admit
222 companies (spin-offs among them), some graduate, some leave.

Patents are linked to achievements by their reference numbers in the patent list, so that
exactly 1,400 distinct patents belong to achievements that were assigned or licensed.
"""
import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from platform_core.models import Organisation, Role
from platform_core.scale import (
    BRANDS,
    PLACES,
    TRADES,
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

from . import selectors, services
from .importers import AchievementImporter, PatentImporter
from .models import Achievement, Deal, IncubatedCompany, Incubator, Patent, Push
from .patent_numbers import application_check_digit
from .sample_data import ABSTRACT, PROBLEMS, STAGES

TARGETS = {"achievements": 30000, "screened": 1400, "patents": 20000, "patents_dealt": 1400, "brokers": 71,
           "companies": 222, "incubators": 25, "handovers": 250, "deal_achievements": 700, "spin_offs": 50,
           "equity": 30, "negotiating": 120, "second_licences": 70}
W = Decimal(10_000)
IPC = {"ne": ["H01M 10/052", "H01M 4/36", "H02J 7/00", "H01L 31/18", "H01M 10/44"],
       "ic": ["H01L 21/02", "H01L 29/78", "G06F 30/39", "H01L 23/31", "H01L 21/67"],
       "am": ["B23K 26/34", "B22F 10/28", "B25J 9/16", "G05B 19/418", "B23Q 17/09"],
       "bio": ["A61K 31/00", "A61B 5/00", "C12N 15/10", "G01N 33/53", "A61L 27/00"],
       "ai": ["G06N 3/08", "G06T 7/00", "G06F 40/30", "B60W 60/00", "G06V 10/82"]}
TEMPLATES = ["一种{kw}用{adj}{thing}及其制备方法", "基于{kw}的{thing}{system}", "{adj}{kw}{thing}关键技术",
             "面向{node}的{adj}{system}", "{kw}{thing}的{process}工艺", "一种{adj}{kw}{device}",
             "{kw}{process}方法及装置", "{node}{kw}{system}"]
# Words by chain, so that a title reads like one of its field (一种……及其制备方法, 基于……的……系统).
VOCABULARY = {
    "new-energy": {"adj": ["高稳定性", "低成本", "高能量密度", "长寿命", "宽温域", "高安全", "快充型", "高效率"],
                   "thing": ["复合电极材料", "固态电解质", "隔膜", "电芯", "电池包", "储能变流器", "光伏组件", "催化剂"],
                   "process": ["连续化制备", "低温烧结", "绿色回收", "激光焊接", "原位包覆", "湿法冶金"],
                   "device": ["热管理结构", "均衡电路", "在线监测仪", "冷却板", "检测装置"]},
    "ic": {"adj": ["低功耗", "高可靠", "高压", "低损耗", "高集成度", "车规级", "低噪声"],
           "thing": ["功率器件", "芯片", "晶圆", "封装结构", "薄膜", "栅介质", "驱动电路", "传感芯片"],
           "process": ["原子层沉积", "等离子刻蚀", "低温键合", "离子注入", "晶圆减薄", "缺陷检测"],
           "device": ["驱动电路", "封装结构", "测试夹具", "保护电路", "散热基板"]},
    "advanced-manufacturing": {"adj": ["高精度", "轻量化", "高刚性", "智能化", "长寿命", "自适应", "高效"],
                               "thing": ["主轴", "减速器", "伺服控制器", "刀具", "夹具", "结构件", "涂层", "叶片"],
                               "process": ["精密加工", "激光熔覆", "增材成形", "热处理", "表面强化", "装配"],
                               "device": ["定位机构", "夹具", "检测装置", "补偿装置", "末端执行器"]},
    "biomedicine": {"adj": ["靶向", "高灵敏度", "缓释", "低免疫原性", "便携式", "高通量", "可降解"],
                    "thing": ["制剂", "抗体", "检测试剂盒", "微流控芯片", "植入材料", "给药系统", "支架"],
                    "process": ["连续流合成", "冻干", "纯化", "微球制备", "三维打印", "表面改性"],
                    "device": ["检测装置", "采样装置", "植入器械", "监护设备", "给药装置"]},
    "ai": {"adj": ["轻量化", "自适应", "高鲁棒性", "可解释", "低延时", "多模态", "端侧"],
           "thing": ["模型", "算法", "识别系统", "推理芯片", "数据平台", "知识图谱", "感知模块"],
           "process": ["联邦学习", "模型压缩", "数据增强", "在线标定", "迁移学习", "多传感器融合"],
           "device": ["识别装置", "边缘计算终端", "检测装置", "标注平台", "感知终端"]},
}
SYSTEMS = ["监测系统", "控制方法", "检测装置", "优化方法", "集成平台", "诊断系统", "评估方法", "管理系统"]
SCREEN_REASONS = ["技术成熟度与产业链需求匹配，权属清晰，可直接许可。", "已有样机与专利保护，企业需求明确，易于转化。",
                  "完成中试验证，工艺稳定，具备产业化条件。", "与多家链上企业技术路线契合，建议优先推介。"]
PUSH_NOTES = ["与贵司产品路线高度契合，建议安排技术对接。", "可用于贵司产线升级改造，已具备中试数据。",
              "该成果已完成专利布局，可洽谈许可或转让。"]
DECLINE_REASONS = ["与我司当前主业关联度不高。", "技术成熟度尚不满足量产要求。", "已有替代方案，暂不引进。"]
COMPANY_WORDS = [("科技有限公司", "Technology Co., Ltd."), ("智能科技有限公司", "Intelligent Technology Co., Ltd."),
                 ("新材料有限公司", "New Materials Co., Ltd."), ("技术有限公司", "Technology Co., Ltd.")]


@dataclass
class Row:
    """One achievement of a university's list, and what will happen to it."""

    owner: Organisation
    ref: str
    title: str
    node: object
    values: dict
    run: int = 0
    fate: str = "stock"        # stock | deal | spin_off | equity | negotiating | pushed
    patents: int = 0
    school: Organisation | None = None


@dataclass
class TransferMade:
    companies: list = field(default_factory=list)      # IncubatedCompany
    incubators: list = field(default_factory=list)     # (Incubator, CenterInfo of its host)
    names: set = field(default_factory=set)            # company names taken
    second_licences: int = 0
    titles: dict = field(default_factory=dict)         # owner pk → achievement titles taken


def plan(ctx) -> dict:
    p = {key: ctx.n(count) for key, count in TARGETS.items()}
    p["second_licences"] = ctx.n(TARGETS["second_licences"], 0)
    p["deal_achievements"] = min(p["deal_achievements"], p["patents_dealt"])
    special = p["deal_achievements"] + p["spin_offs"] + p["equity"] + p["negotiating"]
    p["screened"] = max(p["screened"], special + 1)
    p["companies"] = max(p["companies"], p["spin_offs"] + 1)
    return p


# ---------------------------------------------------------------- texts


def _words(rng, node) -> dict:
    vocabulary = VOCABULARY.get(node.chain.code, VOCABULARY["advanced-manufacturing"])
    keyword = rng.choice(node.keywords or [node.name_zh])
    return {"kw": keyword if len(keyword) > 1 else node.name_zh, "adj": rng.choice(vocabulary["adj"]),
            "thing": rng.choice(vocabulary["thing"]), "process": rng.choice(vocabulary["process"]),
            "device": rng.choice(vocabulary["device"]), "system": rng.choice(SYSTEMS), "node": node.name_zh}


def _title(rng, node, taken: set) -> str:
    for attempt in range(60):
        words = _words(rng, node)
        title = rng.choice(TEMPLATES).format(**words)
        if attempt > 40:
            title += rng.choice(["及其应用", "（改进型）", "系统集成", "工程化技术"])
        if title not in taken:
            taken.add(title)
            return title
    raise RuntimeError(f"Ran out of achievement titles for {node}")


def _abstract(rng, node, title, trl) -> str:
    words = _words(rng, node)
    return ABSTRACT.format(kw=words["kw"], problem=rng.choice(PROBLEMS), adj=words["adj"], thing=words["thing"],
                           process=words["process"], gain=rng.randint(8, 60), stage=STAGES[trl], node=node.name_zh)


# ---------------------------------------------------------------- people


def _brokers(ctx, rng, p) -> dict:
    """Technology brokers (技术经理人): most at universities (and one of their schools), some at intermediaries."""
    at_universities = max(1, round(p["brokers"] * 0.82)) if ctx.orgs["intermediary"] else p["brokers"]
    universities = sorted(ctx.orgs["university"], key=lambda u: -len(ctx.people[(Role.RESEARCHER, u.pk)]))
    specs = []
    for index in range(at_universities):
        university = universities[index % len(universities)]
        schools = ctx.orgs.get(f"schools:{university.pk}") or [university]
        memberships = [(university, Role.BROKER, "技术经理人")]
        if schools[0].pk != university.pk:
            memberships.append((rng.choice(schools), Role.BROKER, "学院技术经理人"))
        specs.append(PersonSpec("brk", memberships))
    for index in range(p["brokers"] - at_universities):
        intermediary = ctx.orgs["intermediary"][index % len(ctx.orgs["intermediary"])]
        specs.append(PersonSpec("brk", [(intermediary, Role.BROKER, "高级技术经理人")]))
    with transaction.atomic():
        ctx.clock.at(datetime.date(2019, 1, 8), rng)
        people_create(ctx, specs, rng)
    return {u.pk: ctx.people[(Role.BROKER, u.pk)] for u in ctx.orgs["university"]}


def _transfer_actor(ctx, rng, organisation, brokers):
    people = brokers.get(organisation.pk) or []
    if people and rng.random() < 0.8:
        return rng.choice(people)
    return ctx.first(Role.TTO_STAFF, organisation)


# ---------------------------------------------------------------- the lists


def _rows(ctx, rng, p, handovers: int, made) -> list[Row]:
    owners = ctx.orgs["university"] + ctx.orgs["institute"]
    weights = [max(1, len(ctx.people[(Role.RESEARCHER, o.pk)])) for o in owners]
    counts = {o.pk: 0 for o in owners}
    total = p["achievements"] - handovers
    for index in range(total):
        owner = owners[index] if index < len(owners) else rng.choices(owners, weights=weights)[0]
        counts[owner.pk] += 1
    rows = []
    for owner in owners:
        taken = made.titles.setdefault(owner.pk, set())
        schools = ctx.orgs.get(f"schools:{owner.pk}") or []
        researchers = [str(u) for u in ctx.people[(Role.RESEARCHER, owner.pk)]]
        runs = max(1, min(4, counts[owner.pk] // 150 + 1))
        for index in range(counts[owner.pk]):
            school = rng.choice(schools) if schools else None
            profile = ctx.profile.get((school or owner).pk)
            nodes = profile.nodes if profile and profile.nodes else list(ctx.nodes.values())
            node = rng.choice(nodes)
            trl = rng.choices(range(1, 10), weights=[4, 8, 14, 16, 14, 10, 6, 3, 1])[0]
            title = _title(rng, node, taken)
            names = [rng.choice(researchers)] if researchers and rng.random() < 0.7 else []
            names += [person_name(rng) for _ in range(rng.randint(1, 3))]
            field_obj = rng.choice(profile.fields) if profile and profile.fields else None
            year = 2015 + index % 11
            rows.append(Row(owner, f"CG{year}{owner.pk % 1000:03d}{index + 1:05d}", title, node, {
                "成果名称": title, "权利人": owner.name_zh, "所属学院": school.name_zh if school else "",
                "产业链节点": node.code, "技术成熟度": trl, "成果简介": _abstract(rng, node, title, trl),
                "关键词": "；".join(dict.fromkeys([rng.choice(node.keywords or [node.name_zh]), *node.keywords[:2]])),
                "学科领域": field_obj.code if field_obj else "", "完成人": "、".join(dict.fromkeys(names)),
                "技术细节（保密）": "工艺参数与配方见技术秘密清单。" if rng.random() < 0.3 else "",
            }, run=index % runs))
    return rows


def _fates(rng, p, rows: list[Row], made) -> None:
    """Which rows will be screened, and what becomes of them; patents for the assigned and licensed ones.

    Screened ones come from the earlier uploads (screening follows the import); spin-offs from owners whose
    university runs an incubator with a host enterprise (the company is admitted there).
    """
    candidates = [r for r in rows if r.values["技术成熟度"] >= 3 and r.run <= 2]
    rng.shuffle(candidates)
    screened = candidates[:p["screened"]]
    partners = {info.university.pk for _incubator, info in made.incubators}
    spin_offs = [r for r in screened if r.owner.pk in partners][:p["spin_offs"]]
    for row in spin_offs:
        row.fate = "spin_off"
    rest = [r for r in screened if r.fate != "spin_off"]
    missing = p["spin_offs"] - len(spin_offs)
    for row in rest[:missing]:
        row.fate = "spin_off"
    rest = rest[missing:]
    position = 0
    for fate, count in (("deal", p["deal_achievements"]), ("equity", p["equity"]), ("negotiating", p["negotiating"])):
        for row in rest[position:position + count]:
            row.fate = fate
        position += count
    for row in rest[position:]:
        row.fate = "pushed"
    deals = [r for r in screened if r.fate == "deal"]
    for row in deals:
        row.patents = 1
    left = p["patents_dealt"] - len(deals)
    while left > 0:
        row = rng.choice(deals)
        if row.patents < 4:
            row.patents += 1
            left -= 1


def _csv(rows: list[dict], name: str) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def _import(ctx, importer_class, actor, rows: list[dict], name: str) -> None:
    run = importer_class(actor=actor).run(_csv(rows, name))
    if run.file_error or run.rejected_rows:
        raise RuntimeError(f"The import of {name} rejected rows: {run.file_error or run.errors[:3]}")


def _import_achievements(ctx, rng, rows: list[Row]) -> dict:
    """Each owner's list in a few uploads over the years; returns the day each row entered the pool."""
    by_upload = {}
    for row in rows:
        by_upload.setdefault((row.owner.pk, row.run), []).append(row)
    uploads = sorted(by_upload.items(), key=lambda item: item[0])
    entered = {}

    def upload(item):
        (owner_id, run), batch = item
        owner = batch[0].owner
        day = day_between(rng, datetime.date(2019 + 2 * run, 3, 1), datetime.date(2019 + 2 * run + 1, 11, 30))
        ctx.clock.at(day, rng)
        actor = ctx.first(Role.TTO_STAFF, owner)
        _import(ctx, AchievementImporter, actor, [{"成果编号": r.ref, **r.values} for r in batch],
                f"{owner.name_zh}科技成果清单（{day.year}）.csv")
        for row in batch:
            entered[(owner_id, row.ref)] = day

    each_in_chunks(ctx, "achievement uploads", uploads, upload, size=10)
    return entered


def _patent_row(rng, ctx, owner, serials, *, title, node_code, ref=""):
    today = ctx.clock.today
    type_digit = rng.choices(["1", "2", "3"], weights=[70, 27, 3])[0]
    kind = {"1": "invention", "2": "utility_model", "3": "design"}[type_digit]
    year = rng.choices(range(2012, 2026), weights=[2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 9, 8, 6])[0]
    serials[(year, type_digit)] = serials.get((year, type_digit), 2_000_000) + 1
    digits = f"{year}{type_digit}{serials[(year, type_digit)]:07d}"
    filing = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    examination = rng.randint(500, 1300) if kind == "invention" else rng.randint(150, 400)
    grant = add_days(filing, examination)
    life = 20 if kind == "invention" else 10 if kind == "utility_model" else 15
    if filing.replace(year=filing.year + life) < today:
        status = "期限届满"
    elif grant > add_days(today, -30):
        status, grant = rng.choice(["审中", "审中", "公开"]), None
    else:
        status = rng.choices(["授权", "未缴年费", "驳回", "视为撤回"], weights=[82, 8, 6, 4])[0]
        if status in ("驳回", "视为撤回"):
            grant = None
    serials["publication"] = serials.get("publication", 0) + 1
    letter = {"invention": "B" if grant else "A", "utility_model": "U", "design": "S"}[kind]
    publication = f"CN{type_digit}{serials['publication']:08d}{letter}" if status not in ("审中",) or \
        kind == "invention" else ""
    fee_due = ""
    if status == "授权":
        # Annual fees fall due on the filing anniversary: the next one from today.
        due = filing.replace(year=today.year)
        fee_due = (due if due >= today else filing.replace(year=today.year + 1)).isoformat()
    prefix = node_code.split("-")[0]
    return {"申请号": f"{digits}.{application_check_digit(digits)}", "专利名称": title, "专利权人": owner.name_zh,
            "申请日": filing.isoformat(), "专利类型": {"invention": "发明", "utility_model": "实用新型",
                                                     "design": "外观设计"}[kind],
            "公开号": publication, "法律状态": status, "授权日": grant.isoformat() if grant else "",
            "IPC分类号": "；".join(rng.sample(IPC.get(prefix, IPC["am"]), 2)), "年费到期日": fee_due,
            "关联成果编号": ref}


def _import_patents(ctx, rng, p, rows: list[Row]) -> None:
    """The patent lists: the dealt achievements' patents, patents of other achievements, and unlinked ones."""
    linked = [r for r in rows if r.fate == "deal"]
    others = [r for r in rows if r.fate != "deal"]
    rng.shuffle(others)
    budget = p["patents"] - p["patents_dealt"]
    unlinked = budget // 12
    for row in others[:budget - unlinked]:
        row.patents = 1
    by_owner = {}
    serials = {}
    for row in linked + others:
        for index in range(row.patents):
            title = row.title if index == 0 else f"{row.title}（{'二三四五'[index - 1]}）"
            by_owner.setdefault(row.owner.pk, (row.owner, []))[1].append(
                _patent_row(rng, ctx, row.owner, serials, title=title, node_code=row.node.code, ref=row.ref))
    owners = ctx.orgs["university"] + ctx.orgs["institute"]
    for index in range(unlinked):
        owner = owners[index % len(owners)]
        node = rng.choice(list(ctx.nodes.values()))
        by_owner.setdefault(owner.pk, (owner, []))[1].append(
            _patent_row(rng, ctx, owner, serials, title=_title(rng, node, set()), node_code=node.code))

    def upload(item):
        owner, patent_rows = item
        for start in range(0, len(patent_rows), 1500):
            # The patent ledgers were imported in the last two months, from the patent office’s records.
            ctx.clock.at(day_between(rng, add_days(ctx.clock.today, -70), add_days(ctx.clock.today, -25)), rng)
            _import(ctx, PatentImporter, ctx.first(Role.TTO_STAFF, owner), patent_rows[start:start + 1500],
                    f"{owner.name_zh}专利清单.csv")

    each_in_chunks(ctx, "patent uploads", list(by_owner.values()), upload, size=10)


# ---------------------------------------------------------------- hand-over of solved projects


def _handovers(ctx, rng, p, made) -> int:
    today = ctx.clock.today
    solved = [i for i in ctx.made["projects"].projects if i.finished_on and selectors.project_university_side(
        i.project) is not None]
    chosen = []
    for info in solved:
        side = selectors.project_university_side(info.project)
        titles = made.titles.setdefault(side.pk, set())
        if len(chosen) < p["handovers"] and info.project.title not in titles:
            titles.add(info.project.title)
            chosen.append((info, side))

    def hand_over(item):
        info, side = item
        ctx.clock.at(min(add_days(info.finished_on, rng.randint(10, 60)), add_days(today, -1)), rng)
        services.achievement_create_from_project(actor=ctx.first(Role.TTO_STAFF, side), project=info.project)

    each_in_chunks(ctx, "project results to the pool", chosen, hand_over)
    return len(chosen)


# ---------------------------------------------------------------- incubators and companies


def _company_name(rng, chain, taken):
    for _ in range(100):
        place, brand, word = rng.choice(PLACES), rng.choice(BRANDS), rng.choice(COMPANY_WORDS)
        trade = rng.choice(TRADES.get(chain) or TRADES["new-energy"])[0].replace("科技", "")
        name = f"{place[0]}{brand[0]}{trade}{word[0]}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("Ran out of company names")


def _incubators(ctx, rng, p, made: TransferMade) -> None:
    centers = ctx.made["consortia"].centers
    hosts = [c for c in centers if c.university.kind == Organisation.Kind.UNIVERSITY][:p["incubators"]] or centers
    for index, info in enumerate(hosts[:p["incubators"]]):
        host = info.enterprise
        with transaction.atomic():
            established = max(day_between(rng, datetime.date(2019, 3, 1), datetime.date(2022, 12, 1)),
                              info.signed_on or datetime.date(2019, 3, 1))
            ctx.clock.at(min(established, add_days(ctx.clock.today, -200)), rng)
            brand = ctx.profile[host.pk].short
            incubator = services.incubator_create(
                actor=ctx.first(Role.RD_MANAGER, host), host=host,
                name=f"{brand}—{info.university.name_zh}{rng.choice(['创新孵化器', '科创孵化基地', '双创中心'])}",
                partner_university=info.university, industry_nodes=info.nodes,
                address=f"{host.region.name_zh if host.region else ''}高新区{rng.choice(['科技路', '锦业路', '创新大道', '未来路'])}"
                        f" {rng.randint(1, 300)} 号",
                established_on=ctx.clock.current.date(),
                description=f"由{host.name_zh}提供场地、订单与中试线，{info.university.name_zh}技术转移中心派驻技术经理人，"
                            f"面向高校科技成果就地孵化。")
            made.incubators.append((incubator, info))


def _admit_companies(ctx, rng, count, made: TransferMade, names) -> None:
    today = ctx.clock.today
    stages = rng.choices(["seed", "startup", "growth", "graduated", "exited"], weights=[20, 30, 25, 18, 7], k=count)

    def admit(stage):
        incubator, info = rng.choice(made.incubators)
        opened = incubator.established_on
        admitted = day_between(rng, add_days(opened, 20), add_days(today, -30 if stage in ("seed", "startup")
                                                                     else -400))
        ctx.clock.at(admitted, rng)
        manager = ctx.first(Role.RD_MANAGER, info.enterprise)
        node = rng.choice(info.nodes)
        company = services.company_admit(
            actor=manager, incubator=incubator, name=_company_name(rng, info.chain, names), industry_node=node,
            admitted_on=admitted, founder_names="、".join(person_name(rng) for _ in range(rng.randint(1, 3))),
            stage="growth" if stage in ("graduated", "exited") else stage,
            description=f"专注{node.name_zh}领域{rng.choice(node.keywords or [node.name_zh])}产品研发与产业化。")
        if stage in ("graduated", "exited"):
            left = min(add_days(admitted, rng.randint(400, 1200)), add_days(today, -5))
            ctx.clock.at(left, rng)
            services.company_update(actor=manager, company=company, stage=stage,
                                    **({"graduated_on": left} if stage == "graduated" else {}))
        made.companies.append(company)

    each_in_chunks(ctx, "incubated companies", stages, admit, size=100)


# ---------------------------------------------------------------- screening, pushes and deals


def _enterprises_for(ctx, rng, row, count):
    chain = row.node.chain.code
    pool = [e for e in ctx.orgs["enterprise"] if ctx.profile[e.pk].chain == chain] or ctx.orgs["enterprise"]
    return rng.sample(pool, min(count, len(pool)))


def _shares(rng, row) -> list[dict]:
    names = [n for n in row.values["完成人"].split("、") if n][:3]
    school = row.values["所属学院"]
    parts = split_evenly(70, len(names))
    shares = [{"name": name, "percent": str(part)} for name, part in zip(names, parts, strict=True)]
    rest = 30
    if school:
        school_org = row.school
        shares.append({"organisation": school_org, "percent": "10"})
        rest = 20
    shares.append({"organisation": row.owner, "percent": str(rest)})
    return shares


def _funnel(ctx, rng, row: Row, achievement, brokers, made: TransferMade, entered: dict) -> None:
    today = ctx.clock.today
    actor = _transfer_actor(ctx, rng, row.owner, brokers)
    live = row.fate in ("negotiating", "pushed")
    earliest = add_days(entered[(row.owner.pk, row.ref)], 30)
    screened_on = day_between(rng, max(earliest, add_days(today, -400 if live else -2400)),
                              add_days(today, -30 if live else -200))
    ctx.clock.at(max(screened_on, earliest), rng)
    services.achievement_screen(actor=actor, achievement=achievement, reason=rng.choice(SCREEN_REASONS))
    count = {"deal": rng.randint(1, 3), "pushed": rng.randint(1, 3)}.get(row.fate, rng.randint(1, 2))
    pushes = []
    day = ctx.clock.current.date()
    for enterprise in _enterprises_for(ctx, rng, row, count):
        day = min(add_days(day, rng.randint(1, 20)), add_days(today, -2))
        ctx.clock.at(day, rng)
        pushes.append(services.push_create(actor=actor, achievement=achievement, enterprise=enterprise,
                                           note=rng.choice(PUSH_NOTES)))
    winner, rest = pushes[0], pushes[1:]

    def step(days=(2, 20)):
        nonlocal day
        day = min(add_days(day, rng.randint(*days)), add_days(today, -1))
        ctx.clock.at(day, rng)

    def answer(push, outcome):
        manager = ctx.first(Role.RD_MANAGER, push.enterprise)
        step()
        if outcome in ("viewed", "declined", "interested") and rng.random() < 0.7:
            services.push_mark_viewed(actor=manager, push=push)
            if outcome == "viewed":
                return
            step()
        if outcome == "declined":
            services.push_decline(actor=manager, push=push, reason=rng.choice(DECLINE_REASONS))
        elif outcome in ("interested", "negotiating"):
            services.push_express_interest(actor=manager, push=push, note="希望获取中试数据并安排实验室考察。")
            if outcome == "negotiating":
                step()
                services.push_start_negotiation(actor=actor, push=push)

    for push in rest:
        answer(push, rng.choice(["pushed", "viewed", "declined", "declined", "interested"]))
    if row.fate == "pushed":
        answer(winner, rng.choice(["pushed", "viewed", "interested", "declined"]))
        return
    if row.fate == "spin_off":
        answer(winner, rng.choice(["viewed", "declined"]))
        own = [i for i in made.incubators if i[1].university.pk == row.owner.pk]
        incubator, info = rng.choice(own or made.incubators)
        # The owner's transfer office admits the company to its university's incubator; with none, the platform does.
        actor = actor if own else ctx.admin
        step((20, 120))
        founders = ctx.people[(Role.RESEARCHER, row.owner.pk)][:1]
        deal = services.deal_create(
            actor=actor, achievement=achievement, kind=Deal.Kind.SPIN_OFF, signed_on=day,
            equity_percent=Decimal(rng.choice([10, 15, 20, 25, 30])), price=0, shares=_shares(rng, row),
            note="学校赋予科研人员职务科技成果所有权或长期使用权，作价入股成立公司。",
            company={"incubator": incubator, "name": _company_name(rng, info.chain, made.names),
                     "founders": founders, "founder_names": row.values["完成人"], "stage": "startup"})
        made.companies.append(deal.company)
        return
    answer(winner, "negotiating")
    if row.fate == "negotiating":
        return
    step((20, 120))
    signed_on = day
    if row.fate == "equity":
        services.deal_create(actor=actor, achievement=achievement, push=winner, kind=Deal.Kind.EQUITY,
                             signed_on=signed_on, equity_percent=Decimal(rng.choice([5, 8, 10, 12, 15, 20])),
                             price=Decimal(round_to(rng.uniform(100, 2000), 10)) * W, shares=_shares(rng, row),
                             note="以成果作价入股合作企业。")
        return
    if rng.random() < 0.45:
        services.deal_create(actor=actor, achievement=achievement, push=winner, kind=Deal.Kind.ASSIGNMENT,
                             signed_on=signed_on, price=Decimal(round_to(rng.uniform(20, 500), 5)) * W,
                             shares=_shares(rng, row))
        return
    exclusive = rng.random() < 0.3
    years = rng.choice([3, 5, 8, 10])
    services.deal_create(
        actor=actor, achievement=achievement, push=winner, kind=Deal.Kind.LICENCE,
        exclusivity=Deal.Exclusivity.EXCLUSIVE if exclusive else Deal.Exclusivity.NON_EXCLUSIVE,
        territory=rng.choice(["中国大陆", "全球", "华东地区", "中国大陆及港澳地区"]), term_start=signed_on,
        term_end=add_days(years_later(signed_on, years), -1), signed_on=signed_on,
        price=Decimal(round_to(rng.uniform(10, 300), 5)) * W, royalty_rate=Decimal(rng.choice(["1.5", "2", "3", "5"])),
        shares=_shares(rng, row))
    if not exclusive and made.second_licences > 0:
        made.second_licences -= 1
        other = next((e for e in _enterprises_for(ctx, rng, row, 4) if e.pk not in {x.enterprise_id for x in pushes}),
                     None)
        if other is None:
            return
        step((30, 200))
        push = services.push_create(actor=actor, achievement=achievement, enterprise=other,
                                    note="该成果已普通许可一家企业，可再许可贵司使用。")
        answer(push, "negotiating")
        step((10, 60))
        services.deal_create(
            actor=actor, achievement=achievement, push=push, kind=Deal.Kind.LICENCE,
            exclusivity=Deal.Exclusivity.NON_EXCLUSIVE, territory="中国大陆", term_start=day,
            term_end=add_days(years_later(day, 5), -1), signed_on=day,
            price=Decimal(round_to(rng.uniform(10, 200), 5)) * W, royalty_rate=Decimal("2"), shares=_shares(rng, row))


def _screen_and_push(ctx, rng, rows: list[Row], brokers, made: TransferMade, entered: dict) -> None:
    screened = [r for r in rows if r.fate != "stock"]
    schools = {o.name_zh: o for key, orgs in ctx.orgs.items() if key.startswith("schools:") for o in orgs}
    for row in screened:
        row.school = schools.get(row.values["所属学院"])
    by_ref = {}
    for owner_id in {r.owner.pk for r in screened}:
        refs = [r.ref for r in screened if r.owner.pk == owner_id]
        for achievement in Achievement.objects.filter(owner_id=owner_id, external_ref__in=refs).select_related(
                "owner", "school"):
            by_ref[(owner_id, achievement.external_ref)] = achievement
    # Spin-offs first: they need the incubator of their university before it fills up.
    screened.sort(key=lambda r: r.fate != "spin_off")
    each_in_chunks(ctx, "screening and pushes", screened,
                   lambda r: _funnel(ctx, rng, r, by_ref[(r.owner.pk, r.ref)], brokers, made, entered), size=100)


def load(ctx) -> None:
    rng = ctx.rng("transfer")
    p = plan(ctx)
    made = TransferMade(names=set(IncubatedCompany.objects.values_list("name", flat=True)),
                        second_licences=p["second_licences"])
    ctx.made["transfer"] = made
    brokers = _brokers(ctx, rng, p)
    _incubators(ctx, rng, p, made)
    handovers = _handovers(ctx, rng, p, made)
    rows = _rows(ctx, rng, p, handovers, made)
    _fates(rng, p, rows, made)
    entered = _import_achievements(ctx, rng, rows)
    _import_patents(ctx, rng, p, rows)
    _screen_and_push(ctx, rng, rows, brokers, made, entered)
    _admit_companies(ctx, rng, p["companies"] - len(made.companies), made, made.names)
    _income(ctx)


def figures(ctx) -> list[Figure]:
    p = plan(ctx)
    pool = selectors.pool_summary()
    funnel = selectors.push_funnel(Push.objects.all())
    deals = selectors.count_deals_by_kind()
    return [
        Figure("technology brokers (people with the broker role)", selectors.count_brokers(), p["brokers"]),
        Figure("achievements in the pool (stock before screening)", pool["total"], p["achievements"]),
        Figure("  screened easy-to-transfer", pool["screened"], p["screened"]),
        Figure("  of which pushed to enterprises", selectors.count_pushed_achievements(), p["screened"]),
        Figure("  still in stock", pool["stock"], p["achievements"] - p["screened"]),
        Figure("push funnel (pushed/viewed/interested/negotiating/deal/declined)", " / ".join(
            str(funnel[k]) for k in ("pushed", "viewed", "interested", "negotiating", "deal", "declined"))),
        Figure("patents", Patent.objects.count(), p["patents"]),
        Figure("patents transferred or licensed (distinct)", selectors.count_patents_transferred_or_licensed(),
               p["patents_dealt"]),
        Figure("deals (assignment/licence/equity/spin-off)", " / ".join(str(deals[k]) for k in Deal.Kind.values)),
        Figure("technology companies incubated", selectors.count_incubated_companies(), p["companies"]),
        Figure("  incubators", Incubator.objects.count()),
        *_income_figures(),
    ]


# ---------------------------------------------------------------- income (issue 11)
def _link_inventor_accounts(ctx, actor, achievements) -> None:
    """Before money comes in, the TTO links the inventors who have an account (an imported row names them
    only as text): the payouts of a receipt go to these people."""
    for achievement in dict.fromkeys(achievements):
        if achievement.inventors.exists():
            continue
        names = [n for n in achievement.inventor_names.split("、") if n]
        accounts = {str(u): u for u in ctx.people[(Role.RESEARCHER, achievement.owner_id)]}
        linked = [accounts[n] for n in names if n in accounts]
        if linked:
            services.achievement_update(actor=actor, achievement=achievement, inventors=linked,
                                        inventor_names="、".join(n for n in names if n not in accounts))


# Money received on the deals' contracts (upfront and instalments; licences also through half-yearly
# royalty reports; equity contributions through the shares they brought), development / consulting /
# service contracts of the joint centers, and the payouts this produces, some approved and paid. All
# through the services, with a random stream of its own so that nothing above changes.

def _income(ctx) -> None:
    from consortia.models import JointCenter

    from .models import Contract, Payout

    rng = ctx.rng("transfer-income")
    today = ctx.clock.today
    actor = ctx.admin
    contracts = list(Contract.objects.filter(deal__isnull=False, amount__gt=0).select_related("deal", "achievement")
                     .order_by("pk"))
    _link_inventor_accounts(ctx, actor, [c.achievement for c in contracts if c.achievement_id])
    for contract in contracts:
        if contract.kind == Contract.Kind.EQUITY:
            day = min(add_days(contract.signed_on, rng.randint(20, 90)), today)
            ctx.clock.set(day)
            shares = Decimal(rng.choice([50, 100, 200, 500])) * W
            services.equity_holding_record(actor=actor, contract=contract, shares=shares, acquired_on=day,
                                           company_name=f"{contract.counterparty}（被投企业）"[:200])
            continue
        first = round(rng.uniform(0.3, 0.6), 2) if contract.kind == Contract.Kind.LICENCE else \
            round(rng.uniform(0.4, 1.0), 1)
        plan_ = [Decimal(str(first))]
        if first < 1:
            plan_.append(Decimal(1) - plan_[0])
        day = contract.signed_on
        for share in plan_:
            day = add_days(day, rng.randint(15, 200))
            if day > today:
                break
            ctx.clock.set(day)
            amount = (contract.amount * share).quantize(Decimal("0.01"))
            if contract.kind == Contract.Kind.LICENCE and share is not plan_[0]:
                start = add_days(day, -181)
                services.royalty_report_record(actor=actor, contract=contract, period_start=start,
                                               period_end=add_days(day, -1), received_on=day, royalty_amount=amount,
                                               sales_amount=amount * 30)
            elif amount > 0:
                services.receipt_record(actor=actor, contract=contract, received_on=day, amount=amount,
                                        note="合同约定分期付款")
    for center in JointCenter.objects.exclude(agreement_signed_on=None).select_related("enterprise", "university") \
            .order_by("pk"):
        for index in range(rng.randint(1, 3)):
            kind = rng.choice(Contract.COLLABORATION_KINDS)
            signed = min(add_days(center.agreement_signed_on, rng.randint(30, 700)), today)
            ctx.clock.set(signed)
            amount = Decimal(round_to(rng.uniform(20, 400), 5)) * W
            institution = center.university.parent or center.university
            contract = services.contract_create(
                actor=actor, kind=kind, institution=institution, title=f"{center.name_zh}{Contract.Kind(kind).label}"
                f"合同{index + 1}"[:200], amount=amount, signed_on=signed, counterparty=center.enterprise,
                joint_center=center)
            day = min(add_days(signed, rng.randint(10, 120)), today)
            ctx.clock.set(day)
            services.receipt_record(actor=actor, contract=contract, received_on=day,
                                    amount=(amount * Decimal(rng.choice(["0.3", "0.5", "1"]))).quantize(Decimal("0.01")))
    for payout in Payout.objects.filter(distribution__receipt__received_on__lt=add_days(today, -120)).order_by("pk"):
        if rng.random() < 0.8:
            services.payout_approve(actor=actor, payout=payout)
            if rng.random() < 0.85:
                services.payout_mark_paid(actor=actor, payout=payout,
                                          paid_on=min(add_days(payout.distribution.receipt.received_on,
                                                                rng.randint(30, 90)), today))


def _income_figures() -> list[Figure]:
    from django.db.models import Count, Sum

    from .models import Contract, Payout, Receipt

    contracts = Contract.objects.aggregate(n=Count("id"), amount=Sum("amount"))
    receipts = Receipt.objects.aggregate(n=Count("id"), amount=Sum("amount"))
    payouts = Payout.objects.aggregate(n=Count("id"), amount=Sum("amount"))
    return [
        Figure("technology contracts (count / amount CNY)", f"{contracts['n']} / {contracts['amount'] or 0:,.2f}"),
        Figure("  receipts (count / amount CNY)", f"{receipts['n']} / {receipts['amount'] or 0:,.2f}"),
        Figure("  payouts to people (count / amount CNY)", f"{payouts['n']} / {payouts['amount'] or 0:,.2f}"),
    ]
