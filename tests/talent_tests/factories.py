"""Factories and a ready-made cast for the talent tests."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import factory

from platform_core.models import Organisation, Role
from talent import services
from talent.models import EnterpriseMentor, TalentProfile
from talent.services import ShareSpec
from tests.factories import OrganisationFactory, member


class TalentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalentProfile

    name_zh = factory.Sequence(lambda n: f"人才{n}")
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.UNIVERSITY)
    expertise = factory.LazyFunction(lambda: ["固态电池", "锂金属负极"])
    is_overseas = True


@dataclass
class Cast:
    university: Organisation
    energy: Organisation
    storage: Organisation
    government: Organisation
    hr: object
    energy_admin: object
    storage_admin: object
    officer: object
    professor: object
    engineer: object
    student: object
    outsider: object
    talent: TalentProfile

    def shares(self, energy="45", storage="25", subsidy="30", energy_time="40", storage_time="20"):
        return [ShareSpec(self.energy, Decimal(energy), Decimal(energy_time)),
                ShareSpec(self.storage, Decimal(storage), Decimal(storage_time)),
                ShareSpec(self.government, Decimal(subsidy))]

    def hire(self, **overrides):
        data = {"actor": self.hr, "talent": self.talent, "university": self.university, "position": "首席科学家",
                "annual_cost": Decimal("1200000.00"), "start_date": date(2025, 7, 1), "end_date": date(2028, 6, 30),
                "shares": self.shares()}
        data.update(overrides)
        return services.shared_hire_create(**data)

    def mentor(self, **overrides) -> EnterpriseMentor:
        data = {"actor": self.hr, "user": self.engineer, "organisation": self.energy, "university": self.university,
                "term_start": date(2024, 9, 1), "term_end": date(2028, 8, 31), "title": "高级工程师"}
        data.update(overrides)
        return services.mentor_appoint(**data)


def make_cast() -> Cast:
    university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")
    energy = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦岭新能源")
    storage = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="启明储能")
    government = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="陕西省科学技术厅")
    return Cast(
        university=university, energy=energy, storage=storage, government=government,
        hr=member(university, Role.TTO_STAFF, username="hr"),
        energy_admin=member(energy, Role.ORG_ADMIN, Role.RD_MANAGER, username="energy_admin"),
        storage_admin=member(storage, Role.ORG_ADMIN, username="storage_admin"),
        officer=member(government, Role.PROGRAM_OFFICER, username="officer"),
        professor=member(university, Role.RESEARCHER, username="professor"),
        engineer=member(energy, Role.MENTOR, username="engineer"),
        student=member(university, Role.STUDENT, username="student"),
        outsider=member(OrganisationFactory(), Role.ORG_ADMIN, username="outsider"),
        talent=TalentProfileFactory(organisation=university, name_zh="林海"),
    )
