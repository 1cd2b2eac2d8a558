"""Who reads the reporting dashboard (DESIGN §2, §5 "Who sees what").

Program officers and platform administrators read it across all organisations; leaders of a
university, institute or enterprise (organisation administrators, R&D managers, technology-transfer
office staff) and the directors of a joint center read it scoped to their own organisation.
Nobody writes through it; only platform administrators trigger a full recompute.
"""
import rules

from consortia.models import CenterMember
from platform_core.models import Organisation, Role
from platform_core.permissions import is_platform_admin, is_program_officer, memberships_of

LEADER_ROLES = (Role.ORG_ADMIN, Role.RD_MANAGER, Role.TTO_STAFF)
LEADER_KINDS = (Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE, Organisation.Kind.ENTERPRISE)


def _led_by_role(user) -> set[int]:
    return {m.parent_id or m.organisation_id for m in memberships_of(user)
            if m.role in LEADER_ROLES and m.kind in LEADER_KINDS}


def led_organisation_ids(user) -> set[int]:
    """The organisations whose dashboard `user` leads: by role, or as a director of a joint center."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = _led_by_role(user)
    for side, enterprise, university in (CenterMember.objects.filter(user=user, position=CenterMember.Position.DIRECTOR)
                                         .values_list("side", "center__enterprise_id", "center__university_id")):
        ids.add(enterprise if side == "enterprise" else university)
    return ids


@rules.predicate
def reads_everything(user):
    return is_platform_admin(user) or is_program_officer(user)


@rules.predicate
def is_leader(user):
    # The roles are cached per request; the centers are asked only of people without a leading role.
    return bool(_led_by_role(user)) or bool(led_organisation_ids(user))


rules.add_perm("reporting.view_dashboard", reads_everything | is_leader)
rules.add_perm("reporting.view_all_organisations", reads_everything)
rules.add_perm("reporting.recompute", is_platform_admin)
