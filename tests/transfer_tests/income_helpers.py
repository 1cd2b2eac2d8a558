"""A world with a licence deal, for the income tests."""
import datetime
from decimal import Decimal

from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, member
from transfer import services
from transfer.models import Contract, Deal

from .factories import World

SIGNED = datetime.date(2025, 3, 1)


class IncomeWorld(World):
    """World, plus a second inventor, a student, a broker of another school, a program officer and a licence."""

    def __init__(self):
        super().__init__()
        self.inventor2 = member(self.school, Role.RESEARCHER, username="inventor2")
        self.student = member(self.school, Role.STUDENT, username="student")
        self.mentor = member(self.school, Role.MENTOR, username="mentor")
        self.other_school = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学材料学院",
                                                parent=self.university, credit_code="")
        self.other_broker = member(self.other_school, Role.BROKER, username="other_broker")
        self.agency = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="陕西省科学技术厅")
        self.officer = member(self.agency, Role.PROGRAM_OFFICER, username="officer")

    def licence(self, price="1000000.00", signed_on=SIGNED, title="高安全硫化物固态电解质") -> Contract:
        achievement = self.achievement(title=title, inventors=[self.inventor, self.inventor2])
        push = self.negotiating_push(achievement)
        deal = services.deal_create(
            actor=self.broker, achievement=achievement, push=push, kind=Deal.Kind.LICENCE,
            exclusivity=Deal.Exclusivity.EXCLUSIVE, signed_on=signed_on, price=Decimal(price), royalty_rate=3,
            shares=[{"user": self.inventor, "percent": 70}, {"organisation": self.school, "percent": 30}])
        return deal.contract
