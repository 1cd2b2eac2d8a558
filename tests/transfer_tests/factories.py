"""Factories and a small world for the transfer tests."""
import datetime

import factory

from platform_core.models import Organisation, Role
from tests.factories import IndustryNodeFactory, OrganisationFactory, member
from transfer.models import Achievement
from transfer.sample_data import application_number


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    title = factory.Sequence(lambda n: f"一种高能量密度固态电池电极及其制备方法{n}")
    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.UNIVERSITY)
    industry_node = factory.SubFactory(IndustryNodeFactory)
    trl = 5
    abstract = "本成果提出了一种高能量密度电极结构。"
    confidential_detail = "配方：机密"


def valid_application_number(serial: int = 123456, year: int = 2019, type_digit: str = "1") -> str:
    return application_number(year, type_digit, serial)


class World:
    """A university with a school, its TTO and broker, an inventor, and an enterprise with its R&D manager."""

    def __init__(self):
        self.university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")
        self.school = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学电气工程学院",
                                          parent=self.university, credit_code="")
        self.enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦岭新能源科技股份有限公司")
        self.other_enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="华芯集成电路")
        self.tto = member(self.university, Role.TTO_STAFF, Role.ORG_ADMIN, username="tto")
        self.broker = member(self.school, Role.BROKER, username="broker")
        self.inventor = member(self.school, Role.RESEARCHER, username="inventor")
        self.rd = member(self.enterprise, Role.RD_MANAGER, Role.ORG_ADMIN, username="rd")
        self.engineer = member(self.enterprise, Role.MENTOR, username="engineer")
        self.outsider = member(self.other_enterprise, Role.RD_MANAGER, username="outsider")
        self.node = IndustryNodeFactory(code="ne-cell", name_zh="动力电池电芯")

    def achievement(self, **kwargs):
        from transfer import services

        defaults = dict(actor=self.tto, title="高安全硫化物固态电解质", owner=self.university, school=self.school,
                        abstract="固态电解质界面改性。", industry_node=self.node, trl=5,
                        confidential_detail="电解质配方：Li6PS5Cl 掺杂 2% Br", inventors=[self.inventor])
        defaults.update(kwargs)
        return services.achievement_create(**defaults)

    def negotiating_push(self, achievement=None):
        from transfer import services

        achievement = achievement or self.achievement()
        services.achievement_screen(actor=self.broker, achievement=achievement, reason="有样机，易转化")
        push = services.push_create(actor=self.broker, achievement=achievement, enterprise=self.enterprise)
        services.push_express_interest(actor=self.rd, push=push)
        return services.push_start_negotiation(actor=self.broker, push=push)


TODAY = datetime.date(2025, 5, 1)
