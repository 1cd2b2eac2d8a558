"""Who may do what with centers and consortia (pages, API and services use these rules).

Centers and consortia are a public registry for signed-in users. A center is changed by
platform staff, the org admins of either side, or its directors; a consortium by
platform staff, the lead organisation's org admins, or the council chair.
"""
import rules

from platform_core.models import Organisation, Role
from platform_core.permissions import holds_role, is_org_admin, is_platform_admin

from .models import CenterMember, CouncilMember


@rules.predicate
def is_center_side_admin(user, center):
    return is_org_admin(user, center.enterprise) or is_org_admin(user, center.university)


@rules.predicate
def is_center_director(user, center):
    return CenterMember.objects.filter(center=center, user=user, position=CenterMember.Position.DIRECTOR).exists()


@rules.predicate
def is_consortium_lead_admin(user, consortium):
    return is_org_admin(user, consortium.lead)


@rules.predicate
def is_council_chair(user, consortium):
    return CouncilMember.objects.filter(consortium=consortium, user=user,
                                        position=CouncilMember.Position.CHAIR).exists()


rules.add_perm("consortia.view_center", rules.is_authenticated)
# Object: the enterprise or university organisation that will be a side of the new center.
rules.add_perm("consortia.add_center", is_platform_admin | is_org_admin)
rules.add_perm("consortia.change_center", is_platform_admin | is_center_side_admin | is_center_director)
rules.add_perm("consortia.view_consortium", rules.is_authenticated)
# Object: the lead organisation of the new consortium.
rules.add_perm("consortia.add_consortium", is_platform_admin | is_org_admin)
rules.add_perm("consortia.change_consortium", is_platform_admin | is_consortium_lead_admin | is_council_chair)


# Who the center and consortium pages are for (menu, list buttons and create pages ask these).
CENTER_SIDE_KINDS = (Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE)
CENTER_USER_ROLES = (Role.RD_MANAGER, Role.RESEARCHER, Role.TTO_STAFF, Role.PROGRAM_OFFICER, Role.MENTOR)


def can_register_center(user) -> bool:
    """A joint center is registered by an org admin of its enterprise or university side (or platform staff)."""
    return is_platform_admin(user) or holds_role(user, Role.ORG_ADMIN, kinds=CENTER_SIDE_KINDS)


def can_register_consortium(user) -> bool:
    return is_platform_admin(user) or holds_role(user, Role.ORG_ADMIN)


def uses_centers(user) -> bool:
    """Centers and consortia concern the two sides' managers and researchers and the program officers."""
    return can_register_center(user) or holds_role(user, *CENTER_USER_ROLES)
