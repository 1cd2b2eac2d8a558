"""A small world for the matching tests: a PV chain and a chip chain, two researchers,
two enterprises, one challenge, achievements on both chains and a talent profile."""
import datetime

from consortia.models import CenterMember, JointCenter
from matching import services
from platform_core.models import IndustryChain, IndustryNode, Organisation, Role, TechField
from projects.models import Challenge
from talent.models import TalentEvidence, TalentProfile
from tests.factories import OrganisationFactory, member
from transfer.models import Achievement


class Scene:
    def __init__(self):
        energy = IndustryChain.objects.create(code="ne", name_zh="新能源")
        chips = IndustryChain.objects.create(code="ic", name_zh="集成电路")
        self.pv = IndustryNode.objects.create(chain=energy, segment="midstream", code="pv", name_zh="光伏组件",
                                              keywords=["光伏组件", "钙钛矿", "转换效率"])
        self.storage = IndustryNode.objects.create(chain=energy, segment="downstream", code="st",
                                                   name_zh="储能电站", keywords=["储能", "调峰"])
        self.packaging = IndustryNode.objects.create(chain=chips, segment="downstream", code="pk",
                                                     name_zh="封装测试", keywords=["先进封装", "键合"])
        engineering = TechField.objects.create(code="08", name_zh="工学")
        self.materials = TechField.objects.create(code="0805", name_zh="材料科学与工程", parent=engineering)
        self.electronics = TechField.objects.create(code="0809", name_zh="电子科学与技术", parent=engineering)

        self.university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")
        self.school = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学材料学院",
                                          parent=self.university, credit_code="")
        self.tto = member(self.university, Role.TTO_STAFF, Role.ORG_ADMIN, username="tto")
        self.broker = member(self.school, Role.BROKER, username="broker")
        self.li = member(self.school, Role.RESEARCHER, username="li", first_name="李", last_name="明")
        self.wang = member(self.school, Role.RESEARCHER, username="wang")
        self.rival = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="东部科技大学")
        self.competitor = member(self.rival, Role.RESEARCHER, username="competitor")

        self.pv_company = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦岭光伏科技有限公司",
                                              description="专注钙钛矿叠层光伏组件的研发与量产，关注组件封装与稳定性。")
        self.pv_company.industry_nodes.add(self.pv)
        self.pv_company.fields.add(self.materials)
        self.chip_company = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="华芯封测有限公司",
                                                description="晶圆级先进封装与键合工艺。")
        self.chip_company.industry_nodes.add(self.packaging)
        self.rd = member(self.pv_company, Role.RD_MANAGER, Role.ORG_ADMIN, username="rd")
        self.chip_rd = member(self.chip_company, Role.RD_MANAGER, username="chip_rd")

        self.center = JointCenter.objects.create(name_zh="钙钛矿光伏联合研发中心", enterprise=self.pv_company,
                                                 university=self.university,
                                                 research_directions="钙钛矿叠层电池稳定性、组件封装")
        self.center_member = member(self.university, Role.RESEARCHER, username="center_member")
        CenterMember.objects.create(center=self.center, user=self.center_member, side="university",
                                    position="member")

        self.challenge = Challenge.objects.create(
            poster=self.pv_company, posted_by=self.rd, center=self.center, partner=self.university,
            title_zh="钙钛矿叠层电池组件湿热稳定性提升", summary_zh="钙钛矿叠层光伏组件在湿热老化后转换效率衰减明显，需要封装与界面钝化方案。",
            industry_node=self.pv, field=self.materials, current_trl=3, target_trl=6,
            deadline=datetime.date.today() + datetime.timedelta(days=60), status=Challenge.Status.PUBLISHED)

        self.pv_achievement = self.achievement(
            "钙钛矿叠层太阳电池封装技术", "一种提升钙钛矿叠层电池组件湿热稳定性的封装与界面钝化方法，转换效率保持率高。",
            self.pv, self.materials, trl=5, inventors=[self.li], keywords=["钙钛矿", "封装"])
        self.chip_achievement = self.achievement(
            "晶圆级先进封装键合工艺", "一种低温铜铜键合的晶圆级先进封装工艺。", self.packaging, self.electronics,
            trl=6, inventors=[self.wang], keywords=["先进封装", "键合"])

        self.talent = TalentProfile.objects.create(
            user=self.li, name_zh="李明", organisation=self.university, title="教授",
            expertise=["钙钛矿太阳电池", "界面钝化"], biography="长期从事钙钛矿光伏组件稳定性研究。")
        self.talent.industry_nodes.add(self.pv)
        self.talent.fields.add(self.materials)
        TalentEvidence.objects.create(profile=self.talent, kind="publication", title="钙钛矿叠层电池湿热稳定性研究",
                                      summary="界面钝化提升组件寿命。")

    def achievement(self, title, abstract, node, field, *, trl, inventors=(), keywords=(),
                    status=Achievement.Status.SCREENED):
        achievement = Achievement.objects.create(
            title=title, owner=self.university, school=self.school, industry_node=node, field=field, trl=trl,
            abstract=abstract, keywords=list(keywords), status=status,
            screening_reason="技术成熟，适合转化" if status != Achievement.Status.STOCK else "")
        achievement.inventors.set(inventors)
        return achievement

    def compute(self):
        return services.refresh_all(compute=False)
