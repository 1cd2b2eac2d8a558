"""Factories for centers and consortia."""
from datetime import date

import factory

from consortia.models import CenterMember, JointCenter, Side
from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, member


class JointCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointCenter
        skip_postgeneration_save = True

    name_zh = factory.Sequence(lambda n: f"联合研发中心{n}")
    enterprise = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.ENTERPRISE)
    university = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.UNIVERSITY)
    agreement_start = date(2025, 1, 1)
    agreement_end = date(2029, 12, 31)
    funding_commitment = 10_000_000
    research_directions = "固态电池\n储能系统安全"


def staffed_center(enterprise, university, prefix="c"):
    """A center between `enterprise` and `university` with a director and chief scientist on each side."""
    center = JointCenterFactory(enterprise=enterprise, university=university)
    people = {
        "ent_director": member(enterprise, Role.RD_MANAGER, username=f"{prefix}_ent_director"),
        "ent_chief": member(enterprise, Role.RD_MANAGER, username=f"{prefix}_ent_chief"),
        "uni_director": member(university, Role.TTO_STAFF, username=f"{prefix}_uni_director"),
        "uni_chief": member(university, Role.RESEARCHER, username=f"{prefix}_uni_chief"),
    }
    for key, side, position in [
        ("ent_director", Side.ENTERPRISE, CenterMember.Position.DIRECTOR),
        ("ent_chief", Side.ENTERPRISE, CenterMember.Position.CHIEF_SCIENTIST),
        ("uni_director", Side.UNIVERSITY, CenterMember.Position.DIRECTOR),
        ("uni_chief", Side.UNIVERSITY, CenterMember.Position.CHIEF_SCIENTIST),
    ]:
        CenterMember.objects.create(center=center, user=people[key], side=side, position=position)
    return center, people
