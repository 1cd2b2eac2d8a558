"""Demo data of technology transfer: a pool with stock and screened achievements, patents with fee
deadlines, pushes at every funnel stage, deals of each kind and an enterprise-hosted incubator."""
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from . import services
from .bulk import insert_with_history
from .models import Achievement
from .sample_data import achievement_text, application_number

STOCK_COUNT = 320

# (key, title, school, node, field, trl, abstract, confidential detail, keywords, inventors, patent)
SHOWCASE = [
    ("solid_state", "高安全硫化物固态电解质及其界面改性技术", "school_materials", "ne-lithium", "0805", 5,
     "针对液态锂离子电池热失控风险，开发了高离子电导率硫化物固态电解质（室温电导率 8.2 mS/cm），"
     "并通过原子层沉积界面包覆抑制锂枝晶生长，软包电池 1C 循环 1000 次容量保持率 92%。",
     "电解质配方：Li6PS5Cl 掺杂 2% Br，球磨 12 h 后 550 ℃ 退火；界面层为 5 nm Al2O3。",
     ["固态电解质", "锂离子电池", "界面改性"], ["wang"], ("1", 2019, 101234, "CN110101234A")),
    ("bms_soc", "基于数字孪生的动力电池 SOC 与健康状态联合估计方法", "school_ee", "ne-bms", "0808", 6,
     "融合电化学模型与数据驱动方法，构建电池数字孪生体，实现 SOC 估计误差小于 1.5%、SOH 估计误差小于 2%，"
     "已在两款储能系统中完成现场验证。",
     "核心算法采用自适应扩展卡尔曼滤波与 LSTM 残差校正，模型参数在线辨识周期 10 s。",
     ["电池管理", "SOC估计", "数字孪生"], ["li"], ("1", 2020, 104567, "CN111104567A")),
    ("sic_driver", "碳化硅功率模块高可靠驱动与保护电路", "school_ee", "ic-power", "0808", 6,
     "提出适用于 1200 V SiC MOSFET 的有源米勒钳位与短路快速保护电路，短路响应时间小于 1.5 μs，"
     "可提升新能源汽车电驱与储能变流器的可靠性。",
     "保护阈值电路采用退饱和检测加 di/dt 双判据，驱动芯片选型与 PCB 叠层见附件。",
     ["SiC MOSFET", "功率器件", "逆变器"], ["li"], ("2", 2021, 201288, "CN214012880U")),
    ("additive_blade", "航空发动机叶片激光熔覆修复工艺", "school_me", "am-aero", "0802", 7,
     "针对高温合金叶片叶尖磨损，开发了同轴送粉激光熔覆修复工艺及路径规划软件，修复后疲劳寿命达到新件的 90%。",
     "工艺窗口：激光功率 800–950 W，扫描速度 6 mm/s，送粉率 8 g/min，层间温度控制在 200 ℃ 以下。",
     ["激光熔覆", "叶片", "高温合金"], ["sunyu"], ("1", 2018, 108765, "CN108108765A")),
    ("robot_vision", "协作机器人视觉引导柔性装配系统", "school_me", "am-robot", "0811", 6,
     "基于三维视觉与力控融合的装配系统，实现 ±0.05 mm 定位精度的柔性插装，换型时间由 4 h 缩短至 20 min。",
     "位姿估计网络与力控参数表为保密内容。", ["协作机器人", "视觉", "运动控制"], ["sunyu"],
     ("1", 2022, 100321, "")),
    ("pv_perovskite", "钙钛矿/晶硅叠层电池低温钝化技术", "school_materials", "ne-pv-module", "0805", 4,
     "采用低温溶液法钝化钙钛矿/晶硅界面，叠层电池实验室效率 29.1%，湿热 1000 h 衰减小于 5%。",
     "", ["钙钛矿", "异质结", "转换效率"], ["wang"], None),
    ("recycle", "退役动力电池梯次利用快速分选技术", "school_ee", "ne-recycle", "0808", 7,
     "基于脉冲阻抗谱的退役电池快速分选方法，单体检测时间小于 30 s，分选一致性提升 40%，适用于储能梯次利用。",
     "阻抗特征频点与分选阈值库见技术秘密清单。", ["梯次利用", "回收", "储能"], ["li"], ("1", 2021, 105432, "")),
    ("fault_predict", "数控机床主轴故障预测与健康管理系统", "school_me", "am-cnc", "0802", 6,
     "通过多源振动与温度信号融合实现主轴轴承早期故障预警，提前 72 h 预测准确率 93%。",
     "", ["数控机床", "预测性维护", "主轴"], ["sunyu"], None),
]


def _stock_rows(ctx, rng: random.Random) -> list[dict]:
    university = ctx.orgs["university"]
    schools = [ctx.orgs[k] for k in ("school_ee", "school_materials", "school_me")]
    fields = [ctx.fields[c] for c in ("0805", "0808", "0802", "0809", "0811")]
    nodes = list(ctx.nodes.values())
    rows = []
    for index in range(1, STOCK_COUNT + 1):
        node = rng.choice(nodes)
        text = achievement_text(rng, node.name_zh, node.keywords, index)
        rows.append({
            "title": text["title"], "external_ref": f"CG{2016 + index % 8}{index:05d}", "owner_id": university.pk,
            "school_id": rng.choice(schools).pk, "industry_node_id": node.pk, "field_id": rng.choice(fields).pk,
            "trl": text["trl"], "abstract": text["abstract"], "keywords": text["keywords"].split("；"),
            "inventor_names": text["inventors"], "source": Achievement.Source.IMPORT,
            "created_by_id": ctx.users["tto"].pk,
        })
    return rows


def load(ctx) -> None:
    rng = random.Random(1121)
    tto, broker, admin = ctx.users["tto"], ctx.users["broker"], ctx.users["admin"]
    university = ctx.orgs["university"]
    today = timezone.localdate()

    # Stock: a few hundred unscreened results, as a TTO finds them in its records.
    insert_with_history(Achievement, _stock_rows(ctx, rng), key=("owner_id", "title"), user=tto)
    # Screen about one in ten of a slice of the stock, like the seed's 1,400 of 30,000.
    for achievement in Achievement.objects.filter(owner=university).order_by("id")[:STOCK_COUNT:11]:
        services.achievement_screen(actor=tto, achievement=achievement,
                                    reason="技术成熟度与产业链需求匹配，权属清晰，可直接许可。")

    showcase = {}
    for key, title, school, node, field, trl, abstract, secret, keywords, inventors, patent in SHOWCASE:
        achievement = services.achievement_create(
            actor=tto, title=title, owner=university, school=ctx.orgs[school], abstract=abstract,
            industry_node=ctx.nodes[node], trl=trl, field=ctx.fields[field], keywords=keywords,
            confidential_detail=secret, inventors=[ctx.users[u] for u in inventors],
            external_ref=f"CG-SHOW-{len(showcase) + 1:02d}",
            broker=broker if school == "school_ee" else None,
        )
        showcase[key] = achievement
        if patent:
            type_digit, year, serial, publication = patent
            filing = datetime.date(year, 3 + len(showcase), 10 + len(showcase))
            granted = type_digit == "2" or year <= 2020
            services.patent_create(
                actor=tto, application_number=application_number(year, type_digit, serial), title=title,
                patent_type={"1": "invention", "2": "utility_model"}[type_digit], owner=university,
                filing_date=filing, publication_number=publication,
                legal_status="granted" if granted else "pending",
                grant_date=filing + datetime.timedelta(days=400) if granted else None,
                ipc_codes=["H01M 10/0562"] if node.startswith("ne") else ["B23K 26/34"],
                next_fee_due=today + datetime.timedelta(days=12 + 9 * len(showcase)) if granted else None,
                achievements=[achievement],
            )
    for key in showcase:
        services.achievement_screen(actor=broker if showcase[key].broker_id else tto, achievement=showcase[key],
                                    reason="已有样机与专利保护，企业需求明确，易于转化。")

    energy, heavy, chip, storage = (ctx.orgs[k] for k in ("enterprise_energy", "enterprise_heavy",
                                                          "enterprise_chip", "enterprise_storage"))
    zhang, liu, xu = ctx.users["zhang"], ctx.users["liu"], ctx.users["xu"]

    # Funnel at every stage.
    services.push_create(actor=broker, achievement=showcase["bms_soc"], enterprise=storage,
                         note="与贵司储能电站运维需求高度契合。")
    viewed = services.push_create(actor=broker, achievement=showcase["sic_driver"], enterprise=energy,
                                  note="可用于储能变流器驱动板升级。")
    services.push_mark_viewed(actor=zhang, push=viewed)
    interested = services.push_create(actor=tto, achievement=showcase["solid_state"], enterprise=energy,
                                      note="固态电池路线的关键材料，建议尽早对接。")
    services.push_express_interest(actor=zhang, push=interested, note="希望安排实验室参观并获取中试数据。")
    declined = services.push_create(actor=tto, achievement=showcase["pv_perovskite"], enterprise=chip)
    services.push_decline(actor=xu, push=declined, reason="与我司晶圆制造主业关联度不高。")

    # Licence: BMS algorithm to Qinling New Energy, non-exclusive.
    licence_push = services.push_create(actor=broker, achievement=showcase["bms_soc"], enterprise=energy,
                                        note="可集成到贵司 BMS 产品线。")
    services.push_express_interest(actor=zhang, push=licence_push, note="愿意洽谈普通许可。")
    services.push_start_negotiation(actor=broker, push=licence_push)
    licence = services.deal_create(
        actor=broker, achievement=showcase["bms_soc"], push=licence_push, kind="licence",
        exclusivity="non_exclusive", territory="中国大陆", term_start=today - datetime.timedelta(days=30),
        term_end=today + datetime.timedelta(days=5 * 365), price=Decimal("800000.00"), royalty_rate=Decimal("3.00"),
        signed_on=today - datetime.timedelta(days=30),
        shares=[{"user": ctx.users["li"], "percent": "70"}, {"organisation": ctx.orgs["school_ee"], "percent": "15"},
                {"organisation": university, "percent": "15"}],
    )
    # Assignment: laser cladding repair to Western Heavy Equipment.
    assignment_push = services.push_create(actor=tto, achievement=showcase["additive_blade"], enterprise=heavy)
    services.push_express_interest(actor=liu, push=assignment_push)
    services.push_start_negotiation(actor=tto, push=assignment_push)
    assignment = services.deal_create(
        actor=tto, achievement=showcase["additive_blade"], push=assignment_push, kind="assignment",
        price=Decimal("2600000.00"), signed_on=today - datetime.timedelta(days=75),
        shares=[{"user": ctx.users["sunyu"], "percent": "70"}, {"organisation": ctx.orgs["school_me"], "percent": "10"},
                {"organisation": university, "percent": "20"}],
    )
    # Money received (到账): the licence fee's first instalment, the assignment price in two parts.
    services.receipt_record(actor=tto, contract=licence.contract, received_on=today - datetime.timedelta(days=20),
                            amount=Decimal("400000.00"), note="许可费首期")
    services.receipt_record(actor=tto, contract=assignment.contract, received_on=today - datetime.timedelta(days=60),
                            amount=Decimal("1560000.00"), note="转让费首期（60%）")
    services.receipt_record(actor=tto, contract=assignment.contract, received_on=today - datetime.timedelta(days=10),
                            amount=Decimal("1040000.00"), note="转让费尾款")
    # Negotiating (left open) on the robot vision system.
    robot_push = services.push_create(actor=tto, achievement=showcase["robot_vision"], enterprise=heavy)
    services.push_express_interest(actor=liu, push=robot_push, note="产线换型需求迫切。")
    services.push_start_negotiation(actor=tto, push=robot_push)

    # Incubator hosted by the large enterprise, run with the university's TTO.
    incubator = services.incubator_create(
        actor=admin, host=heavy, name="西部重工—长安理工创新孵化器", partner_university=university,
        industry_nodes=[ctx.nodes["am-robot"], ctx.nodes["am-smart-factory"], ctx.nodes["ne-storage"]],
        address="西安市高新区锦业路 88 号", established_on=datetime.date(2021, 6, 18),
        description="由西部重工提供场地、订单与中试线，长安理工大学技术转移中心派驻技术经理人，"
                    "面向高校科技成果就地孵化。")
    # Spin-off: the university authorises the inventors to found a company on the recycling technology.
    services.deal_create(
        actor=tto, achievement=showcase["recycle"], kind="spin_off", equity_percent=Decimal("20.00"),
        price=Decimal("0"), signed_on=today - datetime.timedelta(days=120),
        shares=[{"user": ctx.users["li"], "percent": "80"}, {"organisation": university, "percent": "20"}],
        company={"incubator": incubator, "name": "西安循能梯次科技有限公司", "founders": [ctx.users["li"]],
                 "founder_names": "赵雪", "stage": "startup"},
    )
    for name, node, stage, admitted, graduated, founders in [
        ("秦智视觉装备有限公司", "am-robot", "growth", datetime.date(2021, 9, 1), None, "孙宇、陈浩"),
        ("长安熔覆再制造技术有限公司", "am-aero", "graduated", datetime.date(2021, 7, 1), datetime.date(2024, 6, 30),
         "王立新"),
        ("储安能源科技有限公司", "ne-storage", "seed", today - datetime.timedelta(days=40), None, "刘畅、马骁"),
    ]:
        company = services.company_admit(actor=admin, incubator=incubator, name=name, industry_node=ctx.nodes[node],
                                         admitted_on=admitted, founder_names=founders,
                                         stage="growth" if stage == "graduated" else stage)
        if graduated:
            services.company_update(actor=admin, company=company, stage="graduated", graduated_on=graduated)

    # Listing terms, an enterprise's inquiry and a roadshow (路演) of the listed achievements.
    services.achievement_set_terms(actor=tto, achievement=showcase["solid_state"], asking_price=Decimal("3000000"),
                                   price_negotiable=False, licence_types=["assignment", "exclusive", "equity"])
    services.achievement_set_terms(actor=tto, achievement=showcase["sic_driver"], asking_price=None,
                                   price_negotiable=True, licence_types=["non_exclusive", "sole"])
    services.achievement_inquire(actor=liu, achievement=showcase["sic_driver"], enterprise=heavy,
                                 message="该驱动方案能否用于工程机械电控？希望了解许可费用。")
    now = timezone.now()
    roadshow = services.roadshow_create(
        actor=tto, organiser=university, title="新能源与先进制造成果专场路演",
        starts_at=now + datetime.timedelta(days=14), registration_deadline=now + datetime.timedelta(days=10),
        place="中国西部科技创新港 1 号楼报告厅", online_url="https://meeting.example.com/1121-roadshow",
        description="技术经理人逐项介绍成果，会后一对一洽谈。", capacity=60,
        achievements=[showcase["solid_state"], showcase["sic_driver"]])
    services.roadshow_register(actor=zhang, roadshow=roadshow, enterprise=energy)

    ctx.__dict__.setdefault("extra", {})
    ctx.extra.update(incubator=incubator, achievements=showcase)
    ctx.notes.append("transfer: 经理人 broker / 技术转移中心 tto 使用“成果转化工作台”；企业 zhang 查看“推送给我们的成果”。")
