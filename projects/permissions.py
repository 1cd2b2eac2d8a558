"""Who may see and do what along the challenge → project chain.

Sides of a challenge:
- the *poster side*: the person who posted it, and members of the posting organisation
  holding a managing role (R&D manager, org admin, programme officer, TTO staff), plus the
  center's director and chief scientist of that side;
- the *partner side*: the co-refining partner (the center's other side by default), its
  managing members and the center's leaders of that side.
Confidential detail is readable by both sides, by the center's leaders of both sides, by people
whose confidentiality undertaking the poster accepted, and by the awarded team
(`CONFIDENTIAL_DETAIL_VISIBILITY`) -- not by every member of the center, its students or rival
bidders. Bids and scores are reviewed by the two sides and the panel only, so a
plain center member who bids does not see rival bids; a reviewer with a stake in a bid of the
call (projects.conflicts) is recused from all of its bids but their own team's.
"""
from functools import cached_property

import rules

from consortia.models import CenterMember
from consortia.selectors import center_side_for_organisation
from platform_core.models import Organisation, Role
from platform_core.permissions import holds_role, is_platform_admin, member_organisation_ids
from platform_core.visibility import OrgRoles, Person, VisibilityRule, register_visibility, visible_ids

from .conflicts import is_conflicted
from .models import Mode

MANAGING_ROLES = (Role.RD_MANAGER, Role.ORG_ADMIN, Role.PROGRAM_OFFICER, Role.TTO_STAFF)
# Who may lead a bid (帅): a researcher or R&D manager of an organisation of the kind the mode calls for.
BIDDER_ROLES = (Role.RESEARCHER, Role.RD_MANAGER)
BIDDER_KINDS_BY_MODE = {
    Mode.ENTERPRISE_LED: {Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE},
    Mode.UNIVERSITY_LED: {Organisation.Kind.ENTERPRISE},
    Mode.GOVERNMENT_LED: {Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY,
                          Organisation.Kind.RESEARCH_INSTITUTE},
}
CENTER_LEADERS = (CenterMember.Position.DIRECTOR, CenterMember.Position.CHIEF_SCIENTIST)

CONFIDENTIAL_DETAIL_VISIBILITY = register_visibility(VisibilityRule(
    key="projects.challenge_confidential", model="projects.Challenge",
    fields=("confidential_detail", "confidential attachments"),
    title="Challenge (企业出题): confidential detail and confidential attachments",
    audiences=(
        Person("The person who posted it", path="posted_by"),
        OrgRoles("Managers (R&D manager, org admin, program officer, TTO) of the posting organisation or its university",
                 path="poster", roles=MANAGING_ROLES, with_units=True),
        OrgRoles("Managers of the co-refining partner", path="partner", roles=MANAGING_ROLES, with_units=True),
        Person("The center's directors and chief scientists, both sides (双管理、双首席)", path="center__members__user",
               where={"center__members__position__in": CENTER_LEADERS}),
        Person("Holders of a confidentiality undertaking the poster accepted", path="undertakings__user",
               where={"undertakings__status": "accepted"}),
        Person("The awarded team's lead PI", path="projects__lead"),
        Person("The awarded team's members", path="projects__bid__members__user"),
    ),
))


def _manages(managed_ids: set[int], organisation) -> bool:
    return organisation is not None and bool({organisation.pk, organisation.parent_id} & managed_ids)


def manages(user, organisation) -> bool:
    """A managing role in the organisation (or, for a school, in its university)."""
    return organisation is not None and _manages(member_organisation_ids(user, *MANAGING_ROLES), organisation)


class ChallengeAccess:
    """Where one user stands towards a batch of challenges: the sides, the center, the undertakings.

    Each fact is read once for the whole batch (a fixed number of queries, whatever its size),
    so a list asks the rules below for every row at the cost of one row. The rules are these
    methods on a batch of one.
    """

    def __init__(self, user, challenges):
        self.user = user
        self.challenges = list(challenges)
        self.ids = [c.pk for c in self.challenges]

    @cached_property
    def managed(self) -> set[int]:
        return member_organisation_ids(self.user, *MANAGING_ROLES)

    @cached_property
    def positions(self) -> set[tuple[int, str, str]]:
        """(center, side, position) of the user in the batch's centers."""
        centers = {c.center_id for c in self.challenges if c.center_id}
        if not centers or not self.user.is_authenticated:
            return set()
        return set(CenterMember.objects.filter(user=self.user, center_id__in=centers)
                   .values_list("center_id", "side", "position"))

    @cached_property
    def confidential(self) -> set[int]:
        """Challenges of the batch whose confidential detail the user reads (one query for the batch)."""
        return visible_ids(CONFIDENTIAL_DETAIL_VISIBILITY.key, self.user, self.ids)

    def center_leader_for(self, challenge, organisation) -> bool:
        """The center's director or chief scientist on the organisation's side (双管理、双首席)."""
        center = challenge.center
        if center is None or organisation is None:
            return False
        side = center_side_for_organisation(center, organisation)
        return side is not None and any((center.pk, side, position) in self.positions for position in CENTER_LEADERS)

    def is_center_member(self, challenge) -> bool:
        return challenge.center_id is not None and any(center == challenge.center_id
                                                       for center, _side, _position in self.positions)

    def is_poster_side(self, challenge) -> bool:
        if not self.user.is_authenticated:
            return False
        return (challenge.posted_by_id == self.user.pk or _manages(self.managed, challenge.poster)
                or self.center_leader_for(challenge, challenge.poster))

    def is_partner_side(self, challenge) -> bool:
        if not self.user.is_authenticated:
            return False
        partner = challenge.partner
        return _manages(self.managed, partner) or self.center_leader_for(challenge, partner)

    def can_read_confidential(self, challenge) -> bool:
        return is_platform_admin(self.user) or challenge.pk in self.confidential


@rules.predicate
def is_center_member(user, challenge):
    """Anyone holding a position in the challenge's center (a center partner) reads its drafts (not its detail)."""
    return ChallengeAccess(user, [challenge]).is_center_member(challenge)


@rules.predicate
def is_poster_side(user, challenge):
    return ChallengeAccess(user, [challenge]).is_poster_side(challenge)


@rules.predicate
def is_partner_side(user, challenge):
    return ChallengeAccess(user, [challenge]).is_partner_side(challenge)


@rules.predicate
def can_read_confidential(user, challenge):
    return ChallengeAccess(user, [challenge]).can_read_confidential(challenge)


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
def is_call_reviewer(user, call):
    """The two sides and their panel members review all of a call's bids, unless conflicted in it
    (projects.conflicts); outside experts review only the bids assigned to them."""
    challenge = call.challenge
    return ((is_poster_side(user, challenge) or is_partner_side(user, challenge)
             or call.panel.filter(user=user, is_outside_expert=False).exists())
            and not is_conflicted(user, call))


@rules.predicate
def is_bid_reviewer(user, bid):
    return is_call_reviewer(user, bid.call) or (
        bid.assigned_experts.filter(user=user).exists() and not is_conflicted(user, bid.call))


@rules.predicate
def is_not_conflicted(user, call):
    return not is_conflicted(user, call)


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


rules.add_perm("projects.view_challenge", is_platform_admin | is_not_draft | is_poster_side | is_partner_side
               | is_center_member)
rules.add_perm("projects.view_confidential", can_read_confidential)
rules.add_perm("projects.change_challenge", is_poster_side)
rules.add_perm("projects.refine_challenge", is_poster_side | is_partner_side)
rules.add_perm("projects.score_call", is_panel_member & is_not_conflicted)
rules.add_perm("projects.review_call", is_platform_admin | is_call_reviewer)
rules.add_perm("projects.view_bid", is_platform_admin | is_bid_team | is_bid_reviewer)
rules.add_perm("projects.change_bid", is_bid_team)
rules.add_perm("projects.view_project", is_platform_admin | is_project_participant)
rules.add_perm("projects.run_project", is_project_lead)
rules.add_perm("projects.plan_project", is_project_lead | is_sponsor_side)


# Who the challenge pages are for (the menu, the list's button and the create page ask these).
POSTER_KINDS = (Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE,
                Organisation.Kind.GOVERNMENT)
CHALLENGE_READER_ROLES = (Role.RESEARCHER, Role.STUDENT, Role.MENTOR, Role.TTO_STAFF, Role.BROKER,
                          Role.PROGRAM_OFFICER)
WORKBENCH_ROLES = (Role.RESEARCHER, Role.STUDENT, Role.MENTOR)


def can_post_challenge(user) -> bool:
    """企业出题: a managing role in an organisation that may post (enterprise, university, institute, government)."""
    return holds_role(user, *MANAGING_ROLES, kinds=POSTER_KINDS)


def uses_challenges(user) -> bool:
    """The challenge board is for the people who post, refine, bid on or oversee challenges."""
    return is_platform_admin(user) or can_post_challenge(user) or holds_role(user, *CHALLENGE_READER_ROLES)


def uses_workbench(user) -> bool:
    """The workbench lists one's challenges, bids, projects and milestones: posters, bidders, team members."""
    return can_post_challenge(user) or holds_role(user, *WORKBENCH_ROLES)
