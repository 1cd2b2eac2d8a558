"""Who may see and do what along the challenge → project chain.

Sides of a challenge:
- the *poster side*: the person who posted it, and members of the posting organisation
  holding a managing role (R&D manager, org admin, programme officer, TTO staff), plus the
  center's director and chief scientist of that side;
- the *partner side*: the co-refining partner (the center's other side by default), its
  managing members and the center's leaders of that side.
Confidential detail is readable by both sides, by people whose confidentiality
undertaking the poster accepted, and by the awarded team.
"""
import rules

from consortia.models import CenterMember
from consortia.selectors import center_side_for_organisation
from platform_core.models import Role
from platform_core.permissions import has_role, is_platform_admin

MANAGING_ROLES = (Role.RD_MANAGER, Role.ORG_ADMIN, Role.PROGRAM_OFFICER, Role.TTO_STAFF)


def manages(user, organisation) -> bool:
    """A managing role in the organisation (or, for a school, in its university)."""
    if organisation is None:
        return False
    return has_role(user, organisation, *MANAGING_ROLES) or (
        organisation.parent_id is not None and has_role(user, organisation.parent, *MANAGING_ROLES))


def _center_leader_for(user, challenge, organisation) -> bool:
    center = challenge.center
    if center is None or organisation is None:
        return False
    side = center_side_for_organisation(center, organisation)
    return side is not None and CenterMember.objects.filter(center=center, user=user, side=side).exists()


@rules.predicate
def is_poster_side(user, challenge):
    if not user.is_authenticated:
        return False
    return (challenge.posted_by_id == user.pk or manages(user, challenge.poster)
            or _center_leader_for(user, challenge, challenge.poster))


@rules.predicate
def is_partner_side(user, challenge):
    if not user.is_authenticated:
        return False
    partner = challenge.partner
    return manages(user, partner) or _center_leader_for(user, challenge, partner)


@rules.predicate
def has_accepted_undertaking(user, challenge):
    return challenge.undertakings.filter(user=user, status="accepted").exists()


@rules.predicate
def is_awarded_team(user, challenge):
    project = getattr(challenge, "project", None) if hasattr(challenge, "project") else None
    return project is not None and (project.lead_id == user.pk or project.bid.members.filter(user=user).exists())


@rules.predicate
def is_not_draft(user, challenge):
    return challenge.status != "draft"


@rules.predicate
def is_panel_member(user, call):
    return call.panel.filter(user=user).exists()


@rules.predicate
def is_bid_team(user, bid):
    return bid.lead_id == user.pk or bid.members.filter(user=user).exists()


@rules.predicate
def is_bid_reviewer(user, bid):
    challenge = bid.call.challenge
    return is_poster_side(user, challenge) or is_partner_side(user, challenge) or is_panel_member(user, bid.call)


@rules.predicate
def is_project_lead(user, project):
    return project.lead_id == user.pk


@rules.predicate
def is_project_participant(user, project):
    challenge = project.challenge
    return (project.lead_id == user.pk or project.bid.members.filter(user=user).exists()
            or manages(user, project.performer) or is_poster_side(user, challenge) or is_partner_side(user, challenge))


@rules.predicate
def is_sponsor_side(user, project):
    return is_poster_side(user, project.challenge)


rules.add_perm("projects.view_challenge", is_platform_admin | is_not_draft | is_poster_side | is_partner_side)
rules.add_perm("projects.view_confidential", is_platform_admin | is_poster_side | is_partner_side
               | has_accepted_undertaking | is_awarded_team)
rules.add_perm("projects.change_challenge", is_poster_side)
rules.add_perm("projects.refine_challenge", is_poster_side | is_partner_side)
rules.add_perm("projects.score_call", is_panel_member)
rules.add_perm("projects.view_bid", is_platform_admin | is_bid_team | is_bid_reviewer)
rules.add_perm("projects.change_bid", is_bid_team)
rules.add_perm("projects.view_project", is_platform_admin | is_project_participant)
rules.add_perm("projects.run_project", is_project_lead)
rules.add_perm("projects.plan_project", is_project_lead | is_sponsor_side)
